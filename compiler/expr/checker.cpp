#include "compiler/expr/checker.h"

#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"

namespace galley::expr {

namespace {

constexpr const char* kRule = "expression";

// GitHub's message without the "Located at position..." tail: the
// diagnostic's caret says where.
std::string shortMessage(const std::string& m) {
  size_t at = m.find(". Located at position");
  return at == std::string::npos ? m : m.substr(0, at);
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  for (const auto& n : names)
    if (equalsIgnoreCase(n, name)) return true;
  return false;
}

std::string plural(uint32_t n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

std::string arity(const FunctionSpec& f) {
  if (f.minArgs == f.maxArgs) return "exactly " + plural(f.minArgs);
  if (f.maxArgs >= 255) return "at least " + plural(f.minArgs);
  return std::to_string(f.minArgs) + " to " + plural(f.maxArgs);
}

bool isKey(const Node* n, std::string_view key) {
  return n && n->kind == NodeKind::Literal && n->literal.kind() == Kind::String &&
         equalsIgnoreCase(n->literal.asString(), key);
}

bool isContext(const Node* n, std::string_view name) {
  return n->kind == NodeKind::Context && equalsIgnoreCase(n->name, name);
}

// `github.event.inputs`.
bool isEventInputs(const Node& n) {
  if (n.kind != NodeKind::Index || n.star || n.args.size() < 2 || !isKey(n.args[1], "inputs"))
    return false;
  const Node& e = *n.args[0];
  return e.kind == NodeKind::Index && !e.star && e.args.size() > 1 &&
         isContext(e.args[0], "github") && isKey(e.args[1], "event");
}

// `steps.<id>` or `needs.<job>` (an object of outcome/result and outputs).
bool isStepOrJob(const Node& n) {
  if (n.kind != NodeKind::Index || n.star || n.args.size() < 2) return false;
  return isContext(n.args[0], "steps") || isContext(n.args[0], "needs");
}

// What a value certainly is when it is an object, an array or null, else
// nullptr. Only what is sure without full type inference: a whole context,
// github.event, steps.<id>[.outputs], needs.<job>[.outputs], a `*` filter
// and the null literal; anything else may be a string and is not reported.
const char* structuredType(const Node& n) {
  static constexpr std::string_view kObjects[] = {"github", "env",   "vars",   "secrets",
                                                  "inputs", "job",   "runner", "strategy",
                                                  "matrix", "steps", "needs",  "jobs"};
  switch (n.kind) {
    case NodeKind::Literal:
      return n.literal.kind() == Kind::Null ? "null" : nullptr;
    case NodeKind::Group:
      return structuredType(*n.args[0]);
    case NodeKind::Context:
      for (std::string_view c : kObjects)
        if (equalsIgnoreCase(n.name, c)) return "object";
      return nullptr;
    case NodeKind::Index: {
      // A `*` filter, or a property of what one filtered (`commits.*.id`);
      // an index into one (`*[0]`) is an element.
      const char* base = structuredType(*n.args[0]);
      if (n.star || (n.property && base && std::string_view(base) == "array")) return "array";
      const Node* key = n.args.size() > 1 ? n.args[1] : nullptr;
      if (isContext(n.args[0], "github") && isKey(key, "event")) return "object";
      if (isStepOrJob(n)) return "object";
      if (isStepOrJob(*n.args[0]) && isKey(key, "outputs")) return "object";
      return nullptr;
    }
    default:
      return nullptr;
  }
}

class Checker {
 public:
  Checker(const LocationOf& where, const Scope& scope, Diagnostics& diags)
      : where_(where), scope_(scope), diags_(diags) {}

  // Recursion is bounded by the parser's depth limit.
  void walk(const Node& n) {
    for (const Node* a : n.args)
      walk(*a);
    if (n.kind == NodeKind::Call) call(n);
    if (n.kind == NodeKind::Context) context(n);
    if (n.kind == NodeKind::Index) typed(n);
    if (n.kind == NodeKind::Index) subscript(n);
    if (n.kind == NodeKind::Binary) compare(n);
  }

  size_t found = 0;

 private:
  void report(size_t offset, size_t length, std::string message, std::string hint = {}) {
    diags_.error(where_(offset, length), kRule, std::move(message), std::move(hint));
    ++found;
  }

  std::vector<std::string> names(std::span<const FunctionSpec> fs) {
    std::vector<std::string> r;
    for (const auto& f : fs)
      r.emplace_back(f.name);
    return r;
  }

  void call(const Node& n) {
    const FunctionSpec* f = findFunction(scope_.functions, n.name);
    if (!f) {
      report(n.nameOffset, n.name.size(), "unknown function '" + n.name + "'",
             didYouMean(n.name, names(scope_.functions)));
      return;
    }
    auto count = static_cast<uint32_t>(n.args.size());
    if (count < f->minArgs || count > f->maxArgs)
      report(n.nameOffset, n.name.size(),
             std::string(f->name) + "() takes " + arity(*f) + ", not " + std::to_string(count));
    else if (f->oddArgs && count % 2 == 0)
      report(n.nameOffset, n.name.size(),
             std::string(f->name) + "() takes an odd number of arguments, not " +
                 std::to_string(count));
    else if (f->name == "fromJSON")
      fromJson(n, *f);
    else if (f->name == "format")
      format(n);
  }

  // fromJSON('literal'): the JSON is known now; broken JSON fails every run.
  void fromJson(const Node& n, const FunctionSpec& f) {
    const Node& arg = *n.args[0];
    if (arg.kind != NodeKind::Literal || arg.literal.kind() != Kind::String) return;
    EvalHost host;
    Value v = arg.literal;
    CallResult r = f.impl(std::span<const Value>(&v, 1), host);
    if (r.error.empty()) return;
    std::string why = r.error;
    const std::string prefix = "Error parsing JSON when evaluating fromJson: ";
    if (why.starts_with(prefix)) why.erase(0, prefix.size());
    report(arg.offset, arg.length, "broken JSON string is passed to fromJSON(): " + why);
  }

  // format('literal', ...): every argument has a placeholder and every
  // placeholder an argument ({{ and }} are escaped braces).
  void format(const Node& n) {
    const Node& arg = *n.args[0];
    if (arg.kind != NodeKind::Literal || arg.literal.kind() != Kind::String) return;
    std::string text = arg.literal.asString();
    size_t given = n.args.size() - 1;
    std::vector<bool> used(given, false);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
        ++i;
        continue;
      }
      size_t close = text.find('}', i);
      if (text[i] != '{' || close == std::string::npos || close == i + 1 ||
          text.find_first_not_of("0123456789", i + 1) != close)
        continue;
      size_t index = std::stoul(text.substr(i + 1, std::min<size_t>(close - i - 1, 6)));
      if (index < given) {
        used[index] = true;
      } else {
        report(n.nameOffset, n.name.size(),
               "format string contains placeholder {" + std::to_string(index) + "} but only " +
                   plural(static_cast<uint32_t>(given)) + " follow it");
        return;
      }
      i = close;
    }
    for (size_t a = 0; a < given; ++a)
      if (!used[a]) {
        report(
            n.nameOffset, n.name.size(),
            "format string has no placeholder {" + std::to_string(a) + "}: the argument is unused");
        return;
      }
  }

  void context(const Node& n) {
    if (contains(scope_.contexts, n.name)) return;
    report(n.nameOffset, n.name.size(), "unknown named value '" + n.name + "'",
           didYouMean(n.name, scope_.contexts));
  }

  // steps.<id>, needs.<job>, matrix.<key> and inputs.<name>: the first
  // property after the context must be one the workflow defines.
  void typed(const Node& n) {
    const Node* base = n.args[0];
    if (isEventInputs(*base)) eventInput(n);
    jobOutput(n);
    if (base->kind != NodeKind::Context || n.star) return;
    const Node* key = n.args.size() > 1 ? n.args[1] : nullptr;
    if (!key || key->kind != NodeKind::Literal || key->literal.kind() != Kind::String) return;
    std::string name = key->literal.asString();
    // The whole chain from the context to the name (`steps.x`, `steps['x']`),
    // so the caret starts where actionlint's does and the underline still
    // reaches the offending name.
    size_t nameEnd = (n.property ? n.nameOffset : key->offset + 1) + name.size();
    size_t offset = base->nameOffset;
    auto check = [&](const std::optional<std::vector<std::string>>& known, const char* ctx,
                     std::string message) {
      if (!equalsIgnoreCase(base->name, ctx) || !known || contains(*known, name)) return;
      report(offset, nameEnd - offset, std::move(message), didYouMean(name, *known));
    };
    check(scope_.steps, "steps", "step '" + name + "' is not defined before this point");
    check(scope_.needs, "needs", "job '" + name + "' is not in this job's needs");
    check(scope_.matrix, "matrix", "the matrix has no key '" + name + "'");
    check(scope_.inputs, "inputs", "input '" + name + "' is not defined by the workflow");
  }

  // needs.<job>.outputs.<name>, jobs.<job>.outputs.<name>: an output the
  // job declares.
  void jobOutput(const Node& n) {
    const Node* key = n.args.size() > 1 ? n.args[1] : nullptr;
    if (n.star || !key || key->kind != NodeKind::Literal || key->literal.kind() != Kind::String)
      return;
    const Node& outputs = *n.args[0];
    if (outputs.kind != NodeKind::Index || outputs.star || outputs.args.size() < 2 ||
        !isKey(outputs.args[1], "outputs"))
      return;
    const Node& job = *outputs.args[0];
    if (job.kind != NodeKind::Index || job.star || job.args.size() < 2) return;
    const Node* ctx = job.args[0];
    const Node* jobKey = job.args[1];
    if (!(isContext(ctx, "needs") || isContext(ctx, "jobs")) || jobKey->kind != NodeKind::Literal ||
        jobKey->literal.kind() != Kind::String)
      return;
    std::string name = key->literal.asString();
    for (const auto& [id, names] : scope_.jobOutputs) {
      if (!equalsIgnoreCase(id, jobKey->literal.asString()) || contains(names, name)) continue;
      size_t nameEnd = (n.property ? n.nameOffset : key->offset + 1) + name.size();
      report(ctx->nameOffset, nameEnd - ctx->nameOffset,
             "job '" + id + "' has no output '" + name + "'", didYouMean(name, names));
      return;
    }
  }

  // github.event.inputs.<name>: workflow_dispatch's inputs.
  void eventInput(const Node& n) {
    const Node* key = n.args.size() > 1 ? n.args[1] : nullptr;
    if (n.star || !scope_.eventInputs || !key || key->kind != NodeKind::Literal ||
        key->literal.kind() != Kind::String)
      return;
    std::string name = key->literal.asString();
    if (contains(*scope_.eventInputs, name)) return;
    size_t offset = n.args[0]->args[0]->args[0]->nameOffset;
    size_t nameEnd = (n.property ? n.nameOffset : key->offset + 1) + name.size();
    report(offset, nameEnd - offset,
           "input '" + name + "' is not defined by the workflow's workflow_dispatch",
           didYouMean(name, *scope_.eventInputs));
  }

  // What a value certainly is ("string", "number", "bool", "null", "object",
  // "array"), or nullptr when only evaluation could tell: literals, typed
  // inputs, github.event.inputs.* (always strings), what structuredType
  // knows, and results of comparisons and of functions with one result type.
  const char* certainType(const Node& k) const {
    if (const char* t = structuredType(k)) return t;
    switch (k.kind) {
      case NodeKind::Literal:
        if (k.literal.kind() == Kind::String) return "string";
        if (k.literal.kind() == Kind::Boolean) return "bool";
        if (k.literal.kind() == Kind::Number) return "number";
        return nullptr;
      case NodeKind::Group:
        return certainType(*k.args[0]);
      case NodeKind::Not:
      case NodeKind::Binary:
        return "bool";
      case NodeKind::Call:
        return callType(k.name);
      case NodeKind::Index:
        return inputType(k);
      default:
        return nullptr;
    }
  }

  static const char* callType(std::string_view f) {
    for (const char* b :
         {"contains", "startsWith", "endsWith", "success", "failure", "always", "cancelled"})
      if (equalsIgnoreCase(f, b)) return "bool";
    for (const char* s : {"format", "join", "toJSON", "hashFiles"})
      if (equalsIgnoreCase(f, s)) return "string";
    return nullptr;
  }

  // inputs.<name> of a known type, github.event.inputs.<name>.
  const char* inputType(const Node& k) const {
    if (k.star || k.args.size() < 2) return nullptr;
    const Node* key = k.args[1];
    if (key->kind != NodeKind::Literal || key->literal.kind() != Kind::String) return nullptr;
    std::string name = key->literal.asString();
    if (isEventInputs(*k.args[0]))
      return scope_.eventInputs && contains(*scope_.eventInputs, name) ? "string" : nullptr;
    if (!isContext(k.args[0], "inputs") || !scope_.inputs) return nullptr;
    for (size_t i = 0; i < scope_.inputs->size() && i < scope_.inputTypes.size(); ++i)
      if (equalsIgnoreCase((*scope_.inputs)[i], name)) {
        const std::string& t = scope_.inputTypes[i];
        if (t == "boolean") return "bool";
        if (t == "number") return "number";
        if (t == "string" || t == "choice" || t == "environment") return "string";
      }
    return nullptr;
  }

  // A subscript's type, when it is one a subscript could be.
  const char* keyType(const Node& k) const {
    const char* t = certainType(k);
    if (!t) return nullptr;
    std::string_view v = t;
    return v == "string" || v == "number" || v == "bool" ? t : nullptr;
  }

  // actionlint's comparison rules, where both types are certain: == and !=
  // never mix a string, number or bool with an object or array (always
  // false); <, <=, > and >= order only strings and numbers.
  void compare(const Node& n) {
    const char* l = certainType(*n.args[0]);
    const char* r = certainType(*n.args[1]);
    if (!l || !r) return;
    std::string_view a = l, b = r;
    auto scalar = [](std::string_view t) { return t == "string" || t == "number" || t == "bool"; };
    auto structured = [](std::string_view t) { return t == "object" || t == "array"; };
    auto orderable = [](std::string_view t) { return t == "string" || t == "number"; };
    bool equality = n.op == TokenType::EqualEqual || n.op == TokenType::BangEqual;
    bool bad = equality ? (scalar(a) && structured(b)) || (structured(a) && scalar(b)) ||
                              (structured(a) && structured(b) && a != b)
                        : !orderable(a) || !orderable(b);
    if (bad)
      report(n.offset, n.length,
             article(a) + " value cannot be compared to " + article(b) + " value with '" +
                 opText(n.op) + "'");
  }

  static std::string article(std::string_view t) {
    return (t == "object" || t == "array" ? "an " : "a ") + std::string(t);
  }

  static const char* opText(TokenType op) {
    switch (op) {
      case TokenType::EqualEqual:
        return "==";
      case TokenType::BangEqual:
        return "!=";
      case TokenType::Greater:
        return ">";
      case TokenType::GreaterEqual:
        return ">=";
      case TokenType::Less:
        return "<";
      default:
        return "<=";
    }
  }

  // `x.*[k]` takes a number, `object[k]` a string (actionlint's rules).
  void subscript(const Node& n) {
    if (n.star || n.property || n.args.size() < 2) return;
    const char* type = keyType(*n.args[1]);
    if (!type) return;
    const Node& key = *n.args[1];
    std::string_view t = type;
    if (n.args[0]->kind == NodeKind::Index && n.args[0]->star && t == "string")
      report(key.offset, key.length, "index access of array must be type of number but got string");
    const char* base = structuredType(*n.args[0]);
    if (base && std::string_view(base) == "object" && t != "string")
      report(key.offset, key.length,
             "property access of object must be type of string but got " + std::string(t));
  }

  const LocationOf& where_;
  const Scope& scope_;
  Diagnostics& diags_;
};

// Parses and checks one expression; when type is given, sets it to what
// structuredType says of the whole expression.
bool checkText(std::string_view text, const LocationOf& where, const Scope& scope,
               Diagnostics& diags, const char** type) {
  ParseOptions options;
  options.permissive = true;
  options.functions = scope.functions;
  Expression expr;
  ExprError err;
  if (!parse(text, options, &expr, &err)) {
    diags.error(where(err.offset, std::max<uint32_t>(err.length, 1)), kRule,
                shortMessage(err.message));
    return false;
  }
  if (!expr.root) return true;
  Checker c(where, scope, diags);
  c.walk(*expr.root);
  // After an error the type is not known (actionlint: any); one finding is enough.
  if (type && c.found == 0) *type = structuredType(*expr.root);
  return c.found == 0;
}

// Checks every `${{ }}` of a scalar; with templateTypes, also that none is
// evaluated to an object, array or null, which GitHub renders as JSON or as
// nothing (actionlint's check, at the `${{`). Not for if:, whose value is a
// condition, not text.
bool checkTemplate(const yaml::Node& node, const Scope& scope, Diagnostics& diags,
                   bool templateTypes) {
  ScalarMap map(node);
  std::vector<Segment> segments;
  ExprError err;
  if (!splitTemplate(node.value, &segments, &err)) {
    diags.error(map.location(err.offset, err.length), kRule, err.message);
    return false;
  }
  // A value that is one whole `${{ }}` may be an object or array where the
  // key takes one (a matrix row, env); text around it makes it a string.
  if (segments.size() == 1) templateTypes = false;
  bool ok = true;
  for (const Segment& s : segments) {
    if (!s.expression) continue;
    LocationOf at = [&](size_t offset, size_t length) {
      return map.location(s.offset + offset, length);
    };
    const char* type = nullptr;
    ok = checkText(s.text, at, scope, diags, templateTypes ? &type : nullptr) && ok;
    if (!type) continue;
    diags.error(map.location(s.offset - 3, s.text.size() + 5), kRule,
                std::string("a value of type ") + type +
                    " should not be evaluated in a template: ${{ }} renders it as JSON or "
                    "as nothing");
    ok = false;
  }
  return ok;
}

}  // namespace

bool checkExpression(std::string_view text, const LocationOf& where, const Scope& scope,
                     Diagnostics& diags) {
  return checkText(text, where, scope, diags, nullptr);
}

bool checkScalar(const yaml::Node& node, const Scope& scope, Diagnostics& diags) {
  if (!node.isScalar() || !hasExpression(node.value)) return true;
  return checkTemplate(node, scope, diags, true);
}

bool checkIf(const yaml::Node& node, const Scope& scope, Diagnostics& diags) {
  if (!node.isScalar()) return true;
  std::string_view v = node.value;
  size_t b = v.find_first_not_of(" \t\r\n");
  size_t e = v.find_last_not_of(" \t\r\n");
  // A condition wholly inside ${{ }} or with none: check it as one expression.
  if (b != std::string_view::npos && v.substr(b, 3) == "${{" && v.substr(e - 1, 2) == "}}" &&
      v.find("${{", b + 3) == std::string_view::npos)
    return checkTemplate(node, scope, diags, false);
  if (hasExpression(v)) return checkTemplate(node, scope, diags, false);
  ScalarMap map(node);
  LocationOf at = [&](size_t offset, size_t length) { return map.location(offset, length); };
  return checkExpression(v, at, scope, diags);
}

}  // namespace galley::expr
