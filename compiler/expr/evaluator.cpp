#include "compiler/expr/evaluator.h"

#include <cmath>

#include "compiler/expr/parser.h"

namespace galley::expr {

namespace {

// An index as GitHub reads it: a string key for objects and, when it is a
// non-negative finite number (after coercion), an array position.
struct IndexKey {
  bool star = false;
  bool hasKey = false;
  std::string key;
  bool hasPosition = false;
  size_t position = 0;
};

IndexKey indexKey(const Value* index) {
  IndexKey k;
  if (!index) {
    k.star = true;
    return k;
  }
  if (index->isPrimitive()) {
    k.hasKey = true;
    k.key = toString(*index);
  }
  double d = toNumber(*index);
  if (std::isfinite(d) && d >= 0) {
    k.hasPosition = true;
    d = std::floor(d);
    k.position = d >= 1e18 ? SIZE_MAX : static_cast<size_t>(d);
  }
  return k;
}

// Appends what one element of a filtered array yields for k.
void filterInto(const Value& item, const IndexKey& k, std::vector<Value>& out) {
  if (item.kind() == Kind::Object) {
    if (k.star) {
      for (const auto& [_, v] : item.asObject().entries())
        out.push_back(v);
    } else if (k.hasKey) {
      if (const Value* v = item.asObject().find(k.key)) out.push_back(*v);
    }
  } else if (item.kind() == Kind::Array) {
    if (k.star)
      out.insert(out.end(), item.items().begin(), item.items().end());
    else if (k.hasPosition && k.position < item.items().size())
      out.push_back(item.items()[k.position]);
  }
}

Value access(const Value& target, const IndexKey& k) {
  if (target.kind() == Kind::Array) {
    if (target.isFiltered()) {
      std::vector<Value> out;
      for (const Value& item : target.items())
        filterInto(item, k, out);
      return Value::array(std::move(out), true);
    }
    if (k.star) return Value::array(target.items(), true);
    if (k.hasPosition && k.position < target.items().size()) return target.items()[k.position];
    return Value();
  }
  if (target.kind() == Kind::Object) {
    if (k.star) {
      std::vector<Value> out;
      for (const auto& [_, v] : target.asObject().entries())
        out.push_back(v);
      return Value::array(std::move(out), true);
    }
    if (k.hasKey)
      if (const Value* v = target.asObject().find(k.key)) return *v;
    return Value();
  }
  return k.star ? Value::array({}, true) : Value();
}

class Evaluator {
 public:
  Evaluator(const Value& contexts, EvalHost& host) : contexts_(contexts), host_(host) {}

  // Recursion depth is bounded by the parser's depth limit.
  bool eval(const Node& n, Value* out) {
    switch (n.kind) {
      case NodeKind::Literal:
        *out = n.literal;
        return true;
      case NodeKind::Context: {
        const Value* v =
            contexts_.kind() == Kind::Object ? contexts_.asObject().find(n.name) : nullptr;
        *out = v ? *v : Value();
        return true;
      }
      case NodeKind::Group:
        return eval(*n.args[0], out);
      case NodeKind::Not: {
        Value v;
        if (!eval(*n.args[0], &v)) return false;
        *out = Value::boolean(!truthy(v));
        return true;
      }
      case NodeKind::Binary:
        return binary(n, out);
      case NodeKind::Logical:
        for (const Node* arg : n.args) {
          if (!eval(*arg, out)) return false;
          if ((n.op == TokenType::And) != truthy(*out)) break;
        }
        return true;
      case NodeKind::Index:
        return index(n, out);
      case NodeKind::Call:
        return call(n, out);
    }
    return false;
  }

  std::string error;

 private:
  // A comparison chain, evaluated in a loop from the innermost comparison out.
  bool binary(const Node& n, Value* out) {
    std::vector<const Node*> chain = comparisonChain(n);
    Value left;
    if (!eval(*chain.front()->args[0], &left)) return false;
    for (const Node* c : chain) {
      Value right;
      if (!eval(*c->args[1], &right)) return false;
      left = Value::boolean(compare(c->op, left, right));
    }
    *out = std::move(left);
    return true;
  }

  static bool compare(TokenType op, const Value& l, const Value& r) {
    bool b = false;
    switch (op) {
      case TokenType::EqualEqual:
        b = looseEquals(l, r);
        break;
      case TokenType::BangEqual:
        b = !looseEquals(l, r);
        break;
      case TokenType::Greater:
        b = greaterThan(l, r);
        break;
      case TokenType::GreaterEqual:
        b = looseEquals(l, r) || greaterThan(l, r);
        break;
      case TokenType::Less:
        b = lessThan(l, r);
        break;
      case TokenType::LessEqual:
        b = looseEquals(l, r) || lessThan(l, r);
        break;
      default:
        break;
    }
    return b;
  }

  bool index(const Node& n, Value* out) {
    Value idx;
    if (!n.star && !eval(*n.args[1], &idx)) return false;
    Value target;
    if (!eval(*n.args[0], &target)) return false;
    *out = access(target, indexKey(n.star ? nullptr : &idx));
    return true;
  }

  bool call(const Node& n, Value* out) {
    const FunctionSpec* f = findFunction(githubFunctions(), n.name);
    if (!f) {
      error = "Unrecognized function: '" + n.name + "'";
      return false;
    }
    std::vector<Value> args(n.args.size());
    for (size_t i = 0; i < n.args.size(); ++i)
      if (!eval(*n.args[i], &args[i])) return false;
    CallResult r = f->impl(args, host_);
    if (!r.error.empty()) {
      error = std::move(r.error);
      return false;
    }
    if (r.value.kind() == Kind::String) {
      memory_ += 2 * r.value.asString().size();
      if (memory_ > kMaxEvaluationMemory) {
        error = "The maximum allowed memory size was exceeded";
        return false;
      }
    }
    *out = std::move(r.value);
    return true;
  }

  const Value& contexts_;
  EvalHost& host_;
  size_t memory_ = 0;
};

}  // namespace

EvalResult evaluate(const Expression& expr, const Value& contexts, EvalHost& host) {
  EvalResult result;
  if (!expr.root) return result;
  Evaluator e(contexts, host);
  result.ok = e.eval(*expr.root, &result.value);
  if (!result.ok) {
    result.value = Value();
    result.error = std::move(e.error);
    result.errorKind = "evaluation";
  }
  return result;
}

EvalResult evaluateText(std::string_view text, const Value& contexts, EvalHost& host) {
  ParseOptions options;
  if (contexts.kind() == Kind::Object)
    for (const auto& [name, _] : contexts.asObject().entries())
      options.contexts.push_back(name);
  Expression expr;
  ExprError err;
  if (!parse(text, options, &expr, &err)) return {false, Value(), err.message, err.kind};
  return evaluate(expr, contexts, host);
}

}  // namespace galley::expr
