// The three expression syntaxes of Azure Pipelines in every scalar:
// compile-time ${{ }}, runtime $[ ] and macros $(var).
#include <functional>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/azure_checker.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/lint/azure/checks.h"

namespace galley::lint::azure {

namespace {

// Named values at compile time (templates, ${{ }}): parameters and the
// variables the YAML defines; at run time ($[ ], conditions) variables,
// dependencies and the rest. (learn.microsoft.com, "Expressions":
// "Contexts and syntax".)
const std::vector<std::string> kCompileContexts = {"parameters", "variables", "pipeline",
                                                   "resources"};
const std::vector<std::string> kRuntimeContexts = {"variables", "dependencies", "stageDependencies",
                                                   "pipeline",  "resources",    "parameters"};

struct Place {
  bool variable = false;   // a variable's value: $[ ] is evaluated
  bool condition = false;  // a condition: the value is a runtime expression
  bool strategy = false;   // a job's strategy: `matrix: $[ ]` is evaluated (legs as JSON)
};

class ExpressionChecker {
 public:
  ExpressionChecker(const yaml::Node& root, const Pipeline& p, Diagnostics& diags)
      : p_(p), diags_(diags) {
    compile_ = kCompileContexts;
    collectLoopNames(root);
    collectVariables(root);
  }

  void walk(const yaml::Node& n, Place place) {
    if (n.isScalar()) {
      scalar(n, place);
      return;
    }
    for (const auto& i : n.items)
      walk(i, itemPlace(n, i, place));
    for (const auto& e : n.entries) {
      if (e.key.value.find("${{") != std::string::npos) scalar(e.key, {});
      Place child;
      child.condition = e.key.value == "condition";
      child.strategy = e.key.value == "strategy";
      child.variable = place.variable || e.key.value == "variables" ||
                       (place.variable && e.key.value == "value") ||
                       (place.strategy && e.key.value == "matrix");
      walk(e.value, child);
    }
  }

 private:
  // A `- name: x  value: $[ ]` variable item keeps the variables place.
  static Place itemPlace(const yaml::Node&, const yaml::Node&, Place place) { return place; }

  void collectLoopNames(const yaml::Node& n) {
    auto scan = [&](const std::string& v) {
      size_t at = v.find("${{");
      if (at == std::string::npos) return;
      size_t each = v.find("each ", at);
      size_t in = each == std::string::npos ? each : v.find(" in ", each);
      if (in == std::string::npos) return;
      std::string name = v.substr(each + 5, in - each - 5);
      while (!name.empty() && name.back() == ' ')
        name.pop_back();
      while (!name.empty() && name.front() == ' ')
        name.erase(name.begin());
      if (!name.empty()) compile_.push_back(name);
    };
    for (const auto& e : n.entries) {
      scan(e.key.value);
      collectLoopNames(e.value);
    }
    for (const auto& i : n.items)
      collectLoopNames(i);
  }

  void collectVariableBlock(const yaml::Node* vars) {
    if (!vars) return;
    if (vars->isMapping()) {
      for (const auto& e : vars->entries) {
        if (e.key.value.find("${{") != std::string::npos) {
          openVariables_ = true;
          collectVariableBlock(&e.value);
          continue;
        }
        defined_.insert(lowerCase(e.key.value));
      }
    }
    for (const auto& i : vars->items) {
      if (!i.isMapping()) continue;
      if (i.find("group") || i.find("template")) openVariables_ = true;
      if (const yaml::Node* name = i.find("name"); name && name->isScalar())
        defined_.insert(lowerCase(name->value));
      for (const auto& e : i.entries)
        if (e.key.value.find("${{") != std::string::npos) {
          openVariables_ = true;
          collectVariableBlock(&e.value);
        }
    }
  }

  void collectVariables(const yaml::Node& root) {
    collectVariableBlock(root.find("variables"));
    if (root.find("parameters") && !root.find("trigger") && !root.find("pr") &&
        !root.find("extends"))
      openVariables_ = true;  // a template: its caller defines variables
    openVariables_ = openVariables_ || p_.isTemplate;
    for (const auto& s : p_.stages) {
      collectVariableBlock(s.variables);
      for (const auto& j : s.jobs) {
        collectVariableBlock(j.variables);
        if (j.matrix) matrixVariables(*j.node);
        for (const auto& st : j.steps) {
          for (const auto& v : st.sets)
            defined_.insert(lowerCase(v.name));
          if (st.name && st.name->isScalar()) stepNames_.insert(lowerCase(st.name->value));
          if (st.kind == "task") taskStep_ = true;
        }
      }
    }
  }

  void matrixVariables(const yaml::Node& job) {
    const yaml::Node* strategy = job.find("strategy");
    const yaml::Node* matrix = strategy ? strategy->find("matrix") : nullptr;
    if (!matrix || !matrix->isMapping()) {
      openVariables_ = true;
      return;
    }
    for (const auto& leg : matrix->entries)
      for (const auto& e : leg.value.entries)
        defined_.insert(lowerCase(e.key.value));
  }

  void scalar(const yaml::Node& n, Place place) {
    const std::string& v = n.value;
    bool compile = v.find("${{") != std::string::npos;
    bool runtime = v.find("$[") != std::string::npos;
    bool macro = v.find("$(") != std::string::npos;
    if (!compile && !runtime && !macro && !place.condition) return;
    expr::ScalarMap map(n);
    if (compile) compileSpans(n, map);
    if (runtime) runtimeSpan(n, map, place);
    if (macro) macros(n, map);
    if (place.condition && !compile && !runtime) condition(n, map);
  }

  void compileSpans(const yaml::Node& n, expr::ScalarMap& map) {
    const std::string& v = n.value;
    for (size_t pos = 0; (pos = v.find("${{", pos)) != std::string::npos;) {
      size_t close = v.find("}}", pos + 3);
      if (close == std::string::npos) {
        diags_.error(map.location(pos, 3), "expression",
                     "the expression is not closed: missing '}}'");
        return;
      }
      size_t begin = pos + 3;
      std::string_view text = std::string_view(v).substr(begin, close - begin);
      pos = close + 2;
      // Directives: `if x`, `elseif x`, `else`, `each a in b`, `insert`.
      std::string_view t = text;
      while (!t.empty() && t.front() == ' ')
        t.remove_prefix(1);
      size_t skip = 0;
      if (t.starts_with("if ")) skip = 3;
      if (t.starts_with("elseif ")) skip = 7;
      if (t.starts_with("else") && t.find_first_not_of(" ", 4) == std::string_view::npos) continue;
      if (t.starts_with("insert") && t.find_first_not_of(" ", 6) == std::string_view::npos)
        continue;
      if (t.starts_with("each ")) {
        size_t in = t.find(" in ");
        if (in == std::string_view::npos) {
          diags_.error(map.location(begin, text.size()), "expression",
                       "'each' needs the form '${{ each NAME in COLLECTION }}'");
          continue;
        }
        skip = in + 4;
      }
      size_t lead = text.size() - t.size() + skip;
      std::string_view inner = text.substr(lead);
      size_t offset = begin + lead;
      expr::LocationOf at = [&](size_t o, size_t len) { return map.location(offset + o, len); };
      if (runtimeOnly(inner, at)) continue;
      expr::azure::checkExpression(inner, at, compile_, diags_);
    }
  }

  // dependencies / stageDependencies in ${{ }}: they exist only at run time.
  bool runtimeOnly(std::string_view text, const expr::LocationOf& at) {
    expr::Expression e;
    expr::ExprError err;
    if (!expr::azure::parse(text, &e, &err)) return false;
    bool found = false;
    std::function<void(const expr::Node&)> scan = [&](const expr::Node& n) {
      if (found) return;
      if (n.kind == expr::NodeKind::Context && (equalsIgnoreCase(n.name, "dependencies") ||
                                                equalsIgnoreCase(n.name, "stageDependencies"))) {
        diags_.error(at(n.nameOffset, n.name.size()), "expression-place",
                     "'" + n.name +
                         "' is only known at run time, but ${{ }} is evaluated when the "
                         "pipeline is compiled",
                     "use a runtime expression $[ " + n.name +
                         "... ] in variables, or a "
                         "condition");
        found = true;
        return;
      }
      for (const expr::Node* a : n.args)
        scan(*a);
    };
    scan(*e.root);
    return found;
  }

  void runtimeSpan(const yaml::Node& n, expr::ScalarMap& map, Place place) {
    const std::string& v = n.value;
    size_t b = v.find_first_not_of(" \t\r\n");
    size_t at = v.find("$[");
    if (!place.variable && !place.condition) {
      diags_.error(map.location(at, 2), "expression-place",
                   "a runtime expression $[ ] is only evaluated as a variable's value; here "
                   "it stays literal text",
                   "define a variable with it (variables: { x: $[ ... ] }) and use $(x) here");
      return;
    }
    if (b != at) {
      diags_.error(map.location(at, 2), "expression",
                   "a runtime expression $[ ] must be the whole value");
      return;
    }
    size_t e = v.find_last_not_of(" \t\r\n");
    if (v[e] != ']') {
      diags_.error(map.location(at, 2), "expression",
                   "a runtime expression $[ ] must be the whole value");
      return;
    }
    size_t begin = at + 2;
    expr::LocationOf loc = [&](size_t o, size_t len) { return map.location(begin + o, len); };
    expr::azure::checkExpression(std::string_view(v).substr(begin, e - begin), loc,
                                 kRuntimeContexts, diags_);
  }

  void condition(const yaml::Node& n, expr::ScalarMap& map) {
    if (n.value.find("$(") != std::string::npos) return;
    expr::LocationOf loc = [&](size_t o, size_t len) { return map.location(o, len); };
    expr::azure::checkExpression(n.value, loc, kRuntimeContexts, diags_);
  }

  static bool macroChar(char c) { return isAsciiAlnum(c) || c == '_' || c == '.' || c == '-'; }

  void macros(const yaml::Node& n, expr::ScalarMap& map) {
    if (openVariables_) return;
    const std::string& v = n.value;
    for (size_t at = 0; (at = v.find("$(", at)) != std::string::npos; at += 2) {
      size_t b = at + 2, e = b;
      while (e < v.size() && macroChar(v[e]))
        ++e;
      if (e == b || e >= v.size() || v[e] != ')') continue;
      std::string name = v.substr(b, e - b);
      if (known(name)) continue;
      diags_.report(Severity::Note, map.location(at, e + 1 - at), "undefined-variable",
                    "no variable named '" + name + "' is defined in this file; $(" + name +
                        ") stays as written unless one is set elsewhere (a variable group, "
                        "the pipeline's settings, queue time)");
    }
  }

  bool known(const std::string& name) {
    std::string lower = lowerCase(name);
    if (defined_.count(lower) || isPredefinedVariable(name)) return true;
    // $(step.var): an output of a step of the same job.
    size_t dot = lower.find('.');
    if (dot != std::string::npos && stepNames_.count(lower.substr(0, dot))) return true;
    // Tasks set variables of their own (UsePythonVersion's pythonLocation...).
    return dot != std::string::npos && taskStep_;
  }

  const Pipeline& p_;
  Diagnostics& diags_;
  std::vector<std::string> compile_;
  std::set<std::string> defined_, stepNames_;
  bool openVariables_ = false;  // variables come from somewhere this file cannot see
  bool taskStep_ = false;
};

}  // namespace

bool isPredefinedVariable(std::string_view name) {
  static const char* const kPrefixes[] = {"agent.",   "build.",       "system.",   "pipeline.",
                                          "release.", "environment.", "strategy.", "resources.",
                                          "checks.",  "deployment.",  "common."};
  std::string lower = lowerCase(name);
  for (const char* p : kPrefixes)
    if (lower.starts_with(p)) return true;
  return lower == "tf_build" || lower == "system";
}

void checkExpressions(const yaml::Node& root, const Pipeline& p, Diagnostics& diags) {
  ExpressionChecker c(root, p, diags);
  c.walk(root, {});
}

}  // namespace galley::lint::azure
