#include "runtime/matrix.h"

#include "compiler/ascii.h"
#include "runtime/evaluate.h"

namespace galley::run {

namespace {

bool sameValue(const expr::Value& a, const expr::Value& b) {
  if (a.isPrimitive() && b.isPrimitive()) return a.kind() == b.kind() && expr::looseEquals(a, b) &&
                                                 asText(a) == asText(b);
  return expr::toJson(a) == expr::toJson(b);
}

const expr::Value* valueOf(const MatrixLeg& leg, const std::string& key) {
  for (const auto& [k, v] : leg.values)
    if (k == key) return &v;
  return nullptr;
}

// An exclude entry removes a leg when each of its keys has the leg's value;
// an object value matches when its own keys do (GitHub matches partially).
bool matches(const expr::Value& want, const expr::Value& have) {
  if (want.kind() == expr::Kind::Object && have.kind() == expr::Kind::Object) {
    for (const auto& [k, v] : want.asObject().entries()) {
      const expr::Value* h = have.asObject().find(k);
      if (!h || !matches(v, *h)) return false;
    }
    return true;
  }
  return sameValue(want, have);
}

bool excluded(const MatrixLeg& leg, const expr::Value& rule) {
  if (rule.kind() != expr::Kind::Object) return false;
  for (const auto& [k, v] : rule.asObject().entries()) {
    const expr::Value* have = valueOf(leg, k);
    if (!have || !matches(v, *have)) return false;
  }
  return true;
}

void setValue(MatrixLeg& leg, const std::string& key, const expr::Value& v) {
  for (auto& [k, old] : leg.values)
    if (k == key) {
      old = v;
      return;
    }
  leg.values.emplace_back(key, v);
}

}  // namespace

bool expandMatrix(const expr::Value& matrix, std::vector<MatrixLeg>* legs, std::string* err) {
  legs->clear();
  if (matrix.kind() != expr::Kind::Object) {
    *err = std::string("a matrix must be a mapping, not ") + expr::kindName(matrix.kind());
    return false;
  }
  const expr::Value* include = nullptr;
  const expr::Value* exclude = nullptr;
  std::vector<std::pair<std::string, const expr::Value*>> vectors;
  for (const auto& [k, v] : matrix.asObject().entries()) {
    if (equalsIgnoreCase(k, "include")) {
      include = &v;
    } else if (equalsIgnoreCase(k, "exclude")) {
      exclude = &v;
    } else {
      if (v.kind() != expr::Kind::Array) {
        *err = "matrix vector '" + k + "' must be a sequence, not " + expr::kindName(v.kind());
        return false;
      }
      if (v.items().empty()) {
        *err = "matrix vector '" + k + "' does not contain any values";
        return false;
      }
      vectors.emplace_back(k, &v);
    }
  }
  for (const expr::Value* list : {include, exclude})
    if (list && !list->isNull() && list->kind() != expr::Kind::Array) {
      *err = std::string("matrix '") + (list == include ? "include" : "exclude") +
             "' must be a sequence of mappings";
      return false;
    }

  std::vector<MatrixLeg> product;
  if (!vectors.empty()) {
    product.push_back({});
    for (const auto& [key, vec] : vectors) {
      std::vector<MatrixLeg> next;
      if (product.size() * vec->items().size() > kMaxMatrixLegs) {
        *err = "the matrix has more than " + std::to_string(kMaxMatrixLegs) + " legs";
        return false;
      }
      for (const MatrixLeg& leg : product)
        for (const expr::Value& item : vec->items()) {
          MatrixLeg l = leg;
          l.values.emplace_back(key, item);
          next.push_back(std::move(l));
        }
      product = std::move(next);
    }
  }
  if (exclude && exclude->kind() == expr::Kind::Array)
    std::erase_if(product, [&](const MatrixLeg& leg) {
      for (const expr::Value& rule : exclude->items())
        if (excluded(leg, rule)) return true;
      return false;
    });

  size_t originals = product.size();
  if (include && include->kind() == expr::Kind::Array) {
    for (const expr::Value& entry : include->items()) {
      if (entry.kind() != expr::Kind::Object) {
        *err = "each matrix 'include' entry must be a mapping";
        return false;
      }
      bool added = false;
      for (size_t i = 0; i < originals; ++i) {
        MatrixLeg& leg = product[i];
        bool fits = true;
        for (const auto& [k, v] : entry.asObject().entries()) {
          bool original = false;
          for (const auto& vec : vectors)
            if (vec.first == k) original = true;
          const expr::Value* have = valueOf(leg, k);
          if (original && have && !sameValue(*have, v)) fits = false;
        }
        if (!fits) continue;
        for (const auto& [k, v] : entry.asObject().entries())
          setValue(leg, k, v);
        added = true;
      }
      if (!added) {
        MatrixLeg leg;
        for (const auto& [k, v] : entry.asObject().entries())
          leg.values.emplace_back(k, v);
        product.push_back(std::move(leg));
      }
    }
  }
  if (product.size() > kMaxMatrixLegs) {
    *err = "the matrix has more than " + std::to_string(kMaxMatrixLegs) + " legs";
    return false;
  }
  if (product.empty()) {
    *err = "the matrix has no legs left after 'exclude'";
    return false;
  }
  *legs = std::move(product);
  return true;
}

expr::Value matrixContext(const MatrixLeg& leg) {
  expr::Object o;
  for (const auto& [k, v] : leg.values)
    o.add(k, v);
  return expr::Value::object(std::move(o));
}

std::string legName(const std::string& job, const MatrixLeg& leg) {
  if (leg.values.empty()) return job;
  std::string s = job + " (";
  for (size_t i = 0; i < leg.values.size(); ++i) {
    if (i) s += ", ";
    const expr::Value& v = leg.values[i].second;
    s += v.kind() == expr::Kind::Object || v.kind() == expr::Kind::Array
             ? std::string(expr::kindName(v.kind()))
             : asText(v);
  }
  return s + ")";
}

bool legSelected(const MatrixLeg& leg,
                 const std::vector<std::pair<std::string, std::string>>& filters) {
  for (const auto& [key, want] : filters) {
    const expr::Value* have = valueOf(leg, key);
    if (have && asText(*have) != want) return false;
  }
  return true;
}

}  // namespace galley::run
