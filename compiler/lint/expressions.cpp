#include <map>
#include <mutex>

#include "compiler/expr/functions.h"
#include "compiler/expr/parser.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/expr/template.h"
#include "compiler/lint/checks.h"

namespace galley::lint {

namespace {

// What ${{ }} may use under one schema definition: the named contexts it
// lists, and the functions (hashFiles and the status functions only where
// listed).
struct Allowed {
  std::vector<std::string> contexts;
  std::vector<expr::FunctionSpec> functions;
  std::string contextList;  // for messages
};

bool listed(const std::vector<std::string>& context, std::string_view fn) {
  for (const auto& c : context)
    if (expr::equalsIgnoreCase(std::string_view(c).substr(0, c.find('(')), fn) &&
        c.find('(') != std::string::npos)
      return true;
  return false;
}

const Allowed& allowedFor(const SchemaDefinition* def) {
  static std::mutex mu;
  static std::map<const SchemaDefinition*, Allowed> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto [it, fresh] = cache.try_emplace(def);
  if (!fresh) return it->second;
  Allowed& a = it->second;
  std::vector<std::string> none;
  const std::vector<std::string>& ctx = def ? def->context : none;
  for (const auto& c : ctx)
    if (c.find('(') == std::string::npos) {
      a.contexts.push_back(c);
      a.contextList += (a.contextList.empty() ? "" : ", ") + c;
    }
  for (const auto& f : expr::githubFunctions())
    if ((!f.status && f.name != "hashFiles") || listed(ctx, f.name)) a.functions.push_back(f);
  return a;
}

const std::vector<std::string>& allContexts() {
  static const std::vector<std::string> all = {"github",   "env",    "vars",   "job",
                                               "jobs",     "steps",  "runner", "secrets",
                                               "strategy", "matrix", "needs",  "inputs"};
  return all;
}

bool isIf(const SchemaDefinition* def) {
  return def && def->name.size() >= 3 && def->name.compare(def->name.size() - 3, 3, "-if") == 0;
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// GitHub's parser stops at the first error; phrase the ones about
// availability the way a workflow author thinks of them.
std::string explain(const expr::ExprError& err, std::string_view text, const Allowed& a,
                    std::string* hint) {
  std::string_view name = text.substr(err.offset, err.length);
  if (err.message.rfind("Unrecognized named-value", 0) == 0) {
    for (const auto& c : allContexts())
      if (expr::equalsIgnoreCase(c, name)) {
        *hint = a.contexts.empty() ? "no context is available here"
                                   : "available here: " + a.contextList;
        return "context " + quoted(name) + " is not available here";
      }
    *hint = didYouMean(name, a.contexts);
    return "unknown context " + quoted(name);
  }
  if (err.message.rfind("Unrecognized function", 0) == 0) {
    if (expr::findFunction(expr::githubFunctions(), name))
      return "function " + quoted(name) + " is not available here";
    std::vector<std::string> names;
    for (const auto& f : expr::githubFunctions())
      names.emplace_back(f.name);
    *hint = didYouMean(name, names);
    return "unknown function " + quoted(name);
  }
  std::string m = err.message;
  size_t located = m.find(". Located at");
  if (located != std::string::npos) m.erase(located);
  return m;
}

void checkOne(const yaml::Node& n, std::string_view text, size_t base, const Allowed& a,
              CheckContext& cx, std::optional<expr::ScalarMap>& map) {
  expr::ParseOptions options;
  options.contexts = a.contexts;
  options.functions = a.functions;
  expr::Expression parsed;
  expr::ExprError err;
  if (expr::parse(text, options, &parsed, &err)) return;
  if (!map) map.emplace(n);
  std::string hint;
  std::string message = explain(err, text, a, &hint);
  cx.diags.error(map->location(base + err.offset, std::max<uint32_t>(err.length, 1)), "expression",
                 message, hint);
}

}  // namespace

void checkExpressions(const yaml::Node& n, const SchemaDefinition* contextDef, CheckContext& cx) {
  if (!n.isScalar()) return;
  const Allowed& a = allowedFor(contextDef);
  std::optional<expr::ScalarMap> map;
  if (!expr::hasExpression(n.value)) {
    if (isIf(contextDef) && !n.value.empty()) checkOne(n, n.value, 0, a, cx, map);
    return;
  }
  std::vector<expr::Segment> segments;
  expr::ExprError err;
  if (!expr::splitTemplate(n.value, &segments, &err)) {
    map.emplace(n);
    cx.diags.error(map->location(err.offset, 3), "expression", "'${{' is never closed with '}}'");
    return;
  }
  for (const auto& s : segments) {
    if (!s.expression) continue;
    checkOne(n, s.text, s.offset, a, cx, map);
  }
}

}  // namespace galley::lint
