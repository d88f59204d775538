#include "runtime/evaluate.h"

#include "compiler/expr/template.h"

namespace galley::run {

expr::Value makeContexts(const std::map<std::string, expr::Value>& parts) {
  expr::Object o;
  for (const auto& [k, v] : parts)
    o.add(k, v);
  return expr::Value::object(std::move(o));
}

namespace {

expr::Value plainValue(const yaml::Node& n) {
  if (n.isNull()) return expr::Value();
  if (n.isPlain()) {
    if (auto b = n.asBool()) return expr::Value::boolean(*b);
    if (auto d = n.asNumber()) return expr::Value::number(*d);
    if (n.value == "null" || n.value == "~" || n.value == "Null" || n.value == "NULL")
      return expr::Value();
  }
  return expr::Value::string(n.value);
}

}  // namespace

bool evaluate(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
              expr::Value* out, EvalError* err) {
  switch (t.kind) {
    case yaml::Kind::Null: *out = expr::Value(); return true;
    case yaml::Kind::Scalar: {
      if (!expr::hasExpression(t.value)) {
        *out = plainValue(t);
        return true;
      }
      expr::EvalResult r = expr::interpolate(t.value, contexts, host);
      if (!r.ok) {
        *err = {r.error, t.where};
        return false;
      }
      *out = r.value;
      return true;
    }
    case yaml::Kind::Sequence: {
      std::vector<expr::Value> items;
      items.reserve(t.items.size());
      for (const auto& item : t.items) {
        expr::Value v;
        if (!evaluate(item, contexts, host, &v, err)) return false;
        items.push_back(std::move(v));
      }
      *out = expr::Value::array(std::move(items));
      return true;
    }
    case yaml::Kind::Mapping: {
      expr::Object o;
      for (const auto& e : t.entries) {
        expr::Value v;
        if (!evaluate(e.value, contexts, host, &v, err)) return false;
        o.add(e.key.value, std::move(v));
      }
      *out = expr::Value::object(std::move(o));
      return true;
    }
  }
  return true;
}

std::string asText(const expr::Value& v) {
  if (v.kind() == expr::Kind::String) return v.asString();
  if (v.kind() == expr::Kind::Array || v.kind() == expr::Kind::Object) return expr::toJson(v);
  return expr::toString(v);
}

bool evaluateString(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
                    std::string* out, EvalError* err) {
  expr::Value v;
  if (!evaluate(t, contexts, host, &v, err)) return false;
  *out = asText(v);
  return true;
}

bool evaluateMap(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
                 std::vector<std::pair<std::string, std::string>>* out, EvalError* err) {
  expr::Value v;
  if (t.isMapping()) {
    // Entry by entry, so that a failure points at its own value.
    for (const auto& e : t.entries) {
      if (!evaluate(e.value, contexts, host, &v, err)) return false;
      out->emplace_back(e.key.value, asText(v));
    }
    return true;
  }
  if (t.isNull()) return true;
  if (!evaluate(t, contexts, host, &v, err)) return false;
  if (v.isNull()) return true;
  if (v.kind() != expr::Kind::Object) {
    *err = {std::string("expected a mapping, got ") + expr::kindName(v.kind()), t.where};
    return false;
  }
  for (const auto& [k, item] : v.asObject().entries())
    out->emplace_back(k, asText(item));
  return true;
}

bool evaluateCondition(const wf::Text& condition, const expr::Value& contexts,
                       expr::EvalHost& host, bool* out, EvalError* err) {
  expr::EvalResult r = expr::evaluateIf(condition.value, contexts, host);
  if (!r.ok) {
    *err = {r.error, condition.where};
    return false;
  }
  *out = expr::truthy(r.value);
  return true;
}

}  // namespace galley::run
