#include "compiler/expr/checker.h"

#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"
#include "compiler/expr/types.h"

namespace galley::expr {

namespace {

constexpr const char* kRule = "expression";

// GitHub's message without the "Located at position..." tail: the
// diagnostic's caret says where.
std::string shortMessage(const std::string& m) {
  size_t at = m.find(". Located at position");
  return at == std::string::npos ? m : m.substr(0, at);
}

bool contains(Names names, std::string_view name) {
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

// A type, and whether it came from a `*` filter (then a property of it is
// the property of each element).
struct Typed {
  TypePtr type;
  bool filtered = false;
};

class Checker {
 public:
  Checker(const LocationOf& where, const Scope& scope, Diagnostics& diags)
      : where_(where), scope_(scope), diags_(diags) {}

  // The type of n, reporting what is wrong in it. After an error in n or
  // below, n is any: one finding per problem. Recursion is bounded by the
  // parser's depth limit; comparison chains, which GitHub does not count
  // toward it, are walked in a loop.
  Typed walk(const Node& n) {
    size_t before = found;
    switch (n.kind) {
      case NodeKind::Literal:
        return {literalType(n)};
      case NodeKind::Context:
        context(n);
        return {found > before ? types::any() : contextType(n.name)};
      case NodeKind::Group:
        return walk(*n.args[0]);
      case NodeKind::Not:
        walk(*n.args[0]);
        return {types::boolean()};
      case NodeKind::Logical: {
        TypePtr t;
        for (const Node* a : n.args) {
          TypePtr x = walk(*a).type;
          t = t ? types::merge(t, x) : x;
        }
        return {found > before ? types::any() : t};
      }
      case NodeKind::Binary:
        return {comparisons(n, before)};
      case NodeKind::Call:
        return {callType(n, before)};
      case NodeKind::Index:
        return index(n, before);
    }
    return {types::any()};
  }
  size_t found = 0;

 private:
  void report(size_t offset, size_t length, std::string message, std::string hint = {}) {
    diags_.error(where_(offset, length), kRule, std::move(message), std::move(hint));
    ++found;
  }

  // Each comparison of a chain is checked once both its sides are free of
  // errors.
  TypePtr comparisons(const Node& n, size_t before) {
    std::vector<const Node*> chain = comparisonChain(n);
    TypePtr left = walk(*chain.front()->args[0]).type;
    for (const Node* c : chain) {
      TypePtr right = walk(*c->args[1]).type;
      if (found == before) compare(*c, *left, *right);
      left = types::boolean();
    }
    return left;
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
      // A GitHub function the key does not provide (success() in a run:,
      // hashFiles() in a job's if:) is not a typo: say where it is not.
      if (const FunctionSpec* known = findFunction(githubFunctions(), n.name))
        report(n.nameOffset, n.name.size(),
               std::string(known->name) + "() is not available here" +
                   (known->status ? ": status functions work in if: conditions" : ""));
      else
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
                   plural(static_cast<uint32_t>(given)) +
                   (given == 1 ? " follows it" : " follow it"));
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
    if (!types::isContext(n.name)) {
      report(n.nameOffset, n.name.size(), "unknown named value '" + n.name + "'",
             didYouMean(n.name, scope_.contexts));
      return;
    }
    // A real context the key does not provide (secrets in a job's if:,
    // runner in runs-on:): say which ones it does.
    report(n.nameOffset, n.name.size(),
           "context '" + n.name + "' is not available here" +
               (scope_.contexts.empty() ? std::string()
                                        : "; available: " + quoteList(scope_.contexts)));
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
    // The message is built only for a name that is missing.
    auto check = [&](const std::optional<Names>& known, const CaselessIndex* index, const char* ctx,
                     const auto& message) {
      if (!equalsIgnoreCase(base->name, ctx) || !known) return;
      if (index ? index->find(name) < known->size() : contains(*known, name)) return;
      report(offset, nameEnd - offset, message(), didYouMean(name, *known));
    };
    check(scope_.steps, scope_.stepIndex, "steps",
          [&] { return "step '" + name + "' is not defined before this point"; });
    check(scope_.needs, nullptr, "needs",
          [&] { return "job '" + name + "' is not in this job's needs"; });
    check(scope_.matrix, nullptr, "matrix", [&] { return "the matrix has no key '" + name + "'"; });
    check(scope_.inputs, scope_.inputIndex, "inputs", [&] {
      return "input '" + name + "' is not defined by the " + std::string(scope_.inputsOwner);
    });
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

  static TypePtr literalType(const Node& n) {
    switch (n.literal.kind()) {
      case Kind::Null:
        return types::null();
      case Kind::Boolean:
        return types::boolean();
      case Kind::Number:
        return types::number();
      default:
        return types::string();
    }
  }

  TypePtr contextType(std::string_view name) const {
    for (const auto& [c, t] : scope_.types)
      if (equalsIgnoreCase(c, name)) return t;
    return types::context(name);
  }

  // A literal string key: `x.name` or `x['name']`.
  static const std::string* literalKey(const Node& n) {
    if (n.star || n.args.size() < 2) return nullptr;
    const Node* k = n.args[1];
    if (k->kind != NodeKind::Literal || k->literal.kind() != Kind::String) return nullptr;
    return &k->literal.asString();
  }

  Typed index(const Node& n, size_t before) {
    Typed base = walk(*n.args[0]);
    TypePtr key = n.args.size() > 1 && !n.property ? walk(*n.args[1]).type : nullptr;
    typed(n);
    if (found > before) return {types::any()};
    const Type& b = *base.type;
    if (n.star) {
      if (b.kind == TypeKind::Array) return {base.type, true};
      if (b.kind != TypeKind::Object) return {anyArray(), true};
      TypePtr e = b.elem;
      for (const auto& [k, t] : b.props)
        e = e ? types::merge(e, t) : t;
      return {e && e->kind != TypeKind::Any ? types::arrayOf(e) : anyArray(), true};
    }
    if (const std::string* name = literalKey(n)) return property(n, base, *name);
    return subscript(n, b, *key);
  }

  // x.name, x['name']: a property of an object, or of each element a `*`
  // filter gave.
  Typed property(const Node& n, const Typed& base, const std::string& name) {
    const Type& b = *base.type;
    if (b.kind == TypeKind::Any) return {types::any()};
    if (base.filtered && b.kind == TypeKind::Array) {
      const Type& e = *b.elem;
      if (e.kind != TypeKind::Object) return {anyArray(), true};
      const TypePtr* t = e.find(name);
      TypePtr p = t ? *t : e.elem;
      return {p && p->kind != TypeKind::Any ? types::arrayOf(p) : anyArray(), true};
    }
    if (b.kind == TypeKind::Object) {
      if (const TypePtr* t = b.find(name)) return {*t};
      if (b.elem) return {b.elem};
      if (isContext(n.args[0], "vars")) {
        report(n.offset, n.length,
               "configuration variable '" + name +
                   "' is not one the configuration lists "
                   "(config-variables)",
               didYouMean(name, propNames(b)));
        return {types::any()};
      }
      report(n.offset, n.length,
             "property '" + name + "' is not defined in object type " + types::toString(b),
             didYouMean(name, propNames(b)));
      return {types::any()};
    }
    if (n.property)
      report(n.offset, n.length,
             "property '" + name + "' is read from a value of type " + types::toString(b) +
                 ", which has no properties");
    return {types::any()};
  }

  static const TypePtr& anyArray() {
    static const TypePtr t = types::arrayOf(types::any());
    return t;
  }

  static std::vector<std::string> propNames(const Type& t) {
    std::vector<std::string> r;
    for (const auto& p : t.props)
      r.push_back(p.first);
    return r;
  }

  // x[k] with k computed: arrays take numbers, objects strings.
  Typed subscript(const Node& n, const Type& b, const Type& k) {
    const Node& key = *n.args[1];
    if (b.kind == TypeKind::Array) {
      if (k.kind == TypeKind::Any || k.kind == TypeKind::Number) return {b.elem};
      report(key.offset, key.length,
             "index access of array must be type of number but got " + types::toString(k));
      return {types::any()};
    }
    if (b.kind == TypeKind::Object) {
      if (k.kind == TypeKind::Any || k.kind == TypeKind::String)
        return {b.elem ? b.elem : types::any()};
      // GitHub turns a number key into its text: `job.services.db.ports[5432]`
      // is the documented way to read a port. A number into a context or a
      // fixed object is still a mistake.
      if (k.kind == TypeKind::Number && !b.isStrictObject() && n.args[0]->kind != NodeKind::Context)
        return {b.elem ? b.elem : types::any()};
      report(key.offset, key.length,
             "property access of object must be type of string but got " + types::toString(k));
    }
    return {types::any()};
  }

  // Functions' parameter and result types (docs.github.com "Expressions").
  TypePtr callType(const Node& n, size_t before) {
    std::vector<TypePtr> args;
    args.reserve(n.args.size());
    for (const Node* a : n.args)
      args.push_back(walk(*a).type);
    call(n);
    if (found > before) return types::any();
    const FunctionSpec* f = findFunction(scope_.functions, n.name);
    std::string_view name = f->name;
    auto scalarArg = [&](size_t i) {
      if (i >= args.size() || types::assignable(*types::string(), *args[i])) return;
      argError(n, i, "a string", *args[i]);
    };
    if (name == "startsWith" || name == "endsWith") {
      scalarArg(0), scalarArg(1);
      return types::boolean();
    }
    if (name == "contains") {
      const Type& a = *args[0];
      if (a.kind == TypeKind::Object) argError(n, 0, "a string or an array", a);
      if (a.kind != TypeKind::Array && a.kind != TypeKind::Any) scalarArg(1);
      return types::boolean();
    }
    if (name == "join") {
      if (args[0]->kind == TypeKind::Object) argError(n, 0, "a string or an array", *args[0]);
      scalarArg(1);
      return types::string();
    }
    if (name == "format" || name == "hashFiles") {
      for (size_t i = 0; i < (name == "format" ? 1 : args.size()); ++i)
        scalarArg(i);
      return types::string();
    }
    if (name == "toJSON") return types::string();
    if (name == "fromJSON") {
      scalarArg(0);
      const Node& arg = *n.args[0];
      if (found > before || arg.kind != NodeKind::Literal || arg.literal.kind() != Kind::String)
        return types::any();
      Value v;
      std::string err;
      return parseJson(arg.literal.asString(), &v, &err) ? types::ofValue(v) : types::any();
    }
    if (f->status) return types::boolean();
    return types::any();
  }

  void argError(const Node& n, size_t i, const char* expected, const Type& given) {
    static constexpr const char* kOrdinal[] = {"1st", "2nd", "3rd"};
    std::string nth = i < 3 ? kOrdinal[i] : std::to_string(i + 1) + "th";
    const Node& a = *n.args[i];
    std::string fn(findFunction(scope_.functions, n.name)->name);
    report(a.offset, a.length,
           "the " + nth + " argument of " + fn + "() must be " + expected + ", not " +
               types::toString(given));
  }

  // GitHub compares anything, but a string, number or bool against an
  // object or array is always false (or true with !=), and <, <=, >, >=
  // order only strings and numbers.
  void compare(const Node& n, const Type& l, const Type& r) {
    bool equality = n.op == TokenType::EqualEqual || n.op == TokenType::BangEqual;
    if (types::comparable(l, r, equality)) return;
    report(n.offset, n.length,
           article(types::toString(l)) + " value cannot be compared to " +
               article(types::toString(r)) + " value with '" + opText(n.op) + "'");
  }

  static std::string article(const std::string& t) {
    return (std::string_view("aeiou").find(t[0]) != std::string_view::npos ? "an " : "a ") + t;
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

  const LocationOf& where_;
  const Scope& scope_;
  Diagnostics& diags_;
};

// Parses and checks one expression; returns its type, or nullptr when it
// has a problem (reported into diags).
TypePtr checkText(std::string_view text, const LocationOf& where, const Scope& scope,
                  Diagnostics& diags) {
  ParseOptions options;
  options.permissive = true;
  options.functions = scope.functions;
  ExprError err;
  const Expression* expr = parseCached(text, options, &err);
  if (!expr) {
    diags.error(where(err.offset, std::max<uint32_t>(err.length, 1)), kRule,
                shortMessage(err.message));
    return nullptr;
  }
  if (!expr->root) return types::null();
  Checker c(where, scope, diags);
  TypePtr t = c.walk(*expr->root).type;
  return c.found == 0 ? t : nullptr;
}

// Checks every `${{ }}` of a scalar; with templateTypes, also that none is
// evaluated to an object, array or null, which GitHub renders as JSON or as
// nothing (actionlint's check, at the `${{`). Not for if:, whose value is a
// condition, not text. Sets *whole to the type of a value that is one whole
// `${{ }}` without problems.
bool checkTemplate(const yaml::Node& node, const Scope& scope, Diagnostics& diags,
                   bool templateTypes, TypePtr* whole) {
  ScalarMap map(node);
  thread_local std::vector<Segment> segments;  // its storage serves every scalar
  ExprError err;
  if (!splitTemplate(node.value, &segments, &err)) {
    diags.error(map.location(err.offset, err.length), kRule, err.message);
    return false;
  }
  // A value that is one whole `${{ }}` may be an object or array where the
  // key takes one (a matrix row, env); text around it makes it a string.
  bool single = segments.size() == 1;
  if (single) templateTypes = false;
  bool ok = true;
  for (const Segment& s : segments) {
    if (!s.expression) continue;
    LocationOf at = [&](size_t offset, size_t length) {
      return map.location(s.offset + offset, length);
    };
    TypePtr type = checkText(s.text, at, scope, diags);
    if (!type) {
      ok = false;
      continue;
    }
    if (single && whole) *whole = type;
    if (!templateTypes || !type->isStructured()) continue;
    diags.error(map.location(s.offset - 3, s.text.size() + 5), kRule,
                "a value of type " + types::toString(*type) +
                    " should not be evaluated in a template: ${{ }} renders it as JSON or "
                    "as nothing");
    ok = false;
  }
  return ok;
}

}  // namespace

bool checkExpression(std::string_view text, const LocationOf& where, const Scope& scope,
                     Diagnostics& diags) {
  return checkText(text, where, scope, diags) != nullptr;
}

TypePtr typeOf(std::string_view text, const Scope& scope) {
  Diagnostics ignored;
  LocationOf nowhere = [](size_t, size_t) { return Location{}; };
  TypePtr t = checkText(text, nowhere, scope, ignored);
  return t ? t : types::any();
}

bool checkScalar(const yaml::Node& node, const Scope& scope, Diagnostics& diags, TypePtr* whole) {
  if (!node.isScalar() || !hasExpression(node.value)) return true;
  return checkTemplate(node, scope, diags, true, whole);
}

bool checkIf(const yaml::Node& node, const Scope& scope, Diagnostics& diags) {
  if (!node.isScalar()) return true;
  std::string_view v = node.value;
  size_t b = v.find_first_not_of(" \t\r\n");
  size_t e = v.find_last_not_of(" \t\r\n");
  // A condition wholly inside ${{ }} or with none: check it as one expression.
  if (b != std::string_view::npos && v.substr(b, 3) == "${{" && v.substr(e - 1, 2) == "}}" &&
      v.find("${{", b + 3) == std::string_view::npos)
    return checkTemplate(node, scope, diags, false, nullptr);
  if (hasExpression(v)) return checkTemplate(node, scope, diags, false, nullptr);
  ScalarMap map(node);
  LocationOf at = [&](size_t offset, size_t length) { return map.location(offset, length); };
  return checkExpression(v, at, scope, diags);
}

}  // namespace galley::expr
