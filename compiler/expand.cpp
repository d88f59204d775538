#include "compiler/expand.h"

#include <algorithm>
#include <map>
#include <set>

#include "compiler/artifact_wiring.h"
#include "compiler/ascii.h"
#include "compiler/graph.h"
#include "compiler/run_context.h"
#include "compiler/setup_galley.h"
#include "compiler/shape.h"
#include "compiler/shell_quoting.h"

namespace galley {

namespace {

struct ParamValue {
  ParamType type = ParamType::String;
  Text text;                // scalars; lists as space-separated words
  std::vector<Text> items;  // lists
  const yaml::Node* node = nullptr;
};
using Params = std::map<std::string, ParamValue>;

// What a recipe use offers to the uses after it.
struct UseResult {
  std::map<std::string, Ref> outputs;
  std::vector<std::string> firstStages;
  std::vector<std::string> lastStages;
};

// Everything a reference can name in one place of a recipe or galley.yml.
// Parts that do not apply are null.
struct Scope : Resolver {
  const Project* project = nullptr;
  const PipelineSpec* spec = nullptr;
  const Params* params = nullptr;
  std::string recipe;  // for messages
  const std::map<std::string, UseResult>* uses = nullptr;
  const std::vector<std::pair<std::string, Location>>* useNeeds = nullptr;
  const std::vector<std::string>* matrix = nullptr;
  const std::map<std::string, std::vector<std::string>>* steps = nullptr;
  const std::map<std::string, const ir::Job*>* needs = nullptr;  // jobs this job needs
  std::string stage;
  const ir::Env* with = nullptr;  // portable action inputs

  bool resolve(const std::vector<std::string>& path, Location at, Text& out,
               Diagnostics& diags) override {
    const std::string& ns = path[0];
    auto want = [&](size_t n, const char* shape) {
      if (path.size() == n) return true;
      diags.error(at, "reference", "write " + std::string(shape));
      return false;
    };
    auto runtime = [&](Ref r) {
      r.where = at;
      r.env = envNameOf(path);
      Text t;
      t.pieces.push_back({"", r});
      out.append(t);
      return true;
    };
    if (ns == "params" && params) {
      if (!want(2, "params.NAME")) return false;
      auto it = params->find(path[1]);
      if (it == params->end()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : *params)
          names.push_back(k);
        diags.error(at, "unknown-parameter",
                    "recipe '" + recipe + "' has no parameter '" + path[1] + "'",
                    didYouMean(path[1], names));
        return false;
      }
      // A value that is one parameter is the user's text: locate it there.
      if (out.empty()) out.where = it->second.text.where;
      out.append(it->second.text);
      return true;
    }
    if (ns == "vars") {
      if (!want(2, "vars.NAME")) return false;
      for (const auto& [k, v] : project->variables)
        if (k == path[1]) {
          out.append(Text::literal(v));
          return true;
        }
      std::vector<std::string> names;
      for (const auto& [k, v] : project->variables)
        names.push_back(k);
      diags.error(at, "unknown-variable", "galley.yml defines no variable '" + path[1] + "'",
                  didYouMean(path[1], names));
      return false;
    }
    if (ns == "secrets") {
      if (!want(2, "secrets.NAME")) return false;
      if (!project->hasSecret(path[1])) {
        // A built-in recipe names the secret it needs, never a misspelling:
        // a listed secret of a similar name is not the one to suggest.
        std::string hint = isBuiltinRecipeSource(at.file)
                               ? "add it to 'secrets' in galley.yml; `galley recipes show " +
                                     recipe + "` lists every secret the recipe reads"
                               : didYouMean(path[1], project->secrets);
        diags.error(at, "unknown-secret",
                    "secret '" + path[1] + "' is not listed under 'secrets' in galley.yml", hint);
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::Secret;
      r.name = path[1];
      return runtime(r);
    }
    if (ns == "inputs") {
      if (!want(2, "inputs.NAME")) return false;
      std::vector<std::string> names;
      for (const auto& in : spec->on.inputs)
        names.push_back(in.name);
      if (std::find(names.begin(), names.end(), path[1]) == names.end()) {
        diags.error(at, "unknown-input",
                    "pipeline '" + spec->id + "' has no manual input '" + path[1] + "'",
                    didYouMean(path[1], names));
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::Input;
      r.name = path[1];
      return runtime(r);
    }
    if (ns == "run") {
      std::vector<std::string> names;
      for (const auto& f : runFacts())
        names.emplace_back(f.name);
      if (path.size() != 2 || !runFact(path[1])) {
        std::string list;
        for (const auto& n : names)
          list += (list.empty() ? "" : ", ") + n;
        diags.error(at, "reference",
                    path.size() == 2 ? "the run context has no '" + path[1] + "': it has " + list
                                     : "write run.NAME, where NAME is one of " + list,
                    path.size() == 2 ? didYouMean(path[1], names) : std::string());
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::Run;
      r.name = path[1];
      return runtime(r);
    }
    if (ns == "matrix" && matrix) {
      if (!want(2, "matrix.NAME")) return false;
      if (std::find(matrix->begin(), matrix->end(), path[1]) == matrix->end()) {
        diags.error(at, "unknown-matrix", "the job's matrix has no '" + path[1] + "'",
                    didYouMean(path[1], *matrix));
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::Matrix;
      r.name = path[1];
      return runtime(r);
    }
    if (ns == "steps" && steps) {
      if (path.size() != 4 || path[2] != "outputs") {
        diags.error(at, "reference", "write steps.ID.outputs.NAME");
        return false;
      }
      auto it = steps->find(path[1]);
      if (it == steps->end()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : *steps)
          names.push_back(k);
        diags.error(at, "unknown-step", "no earlier step in this job has id '" + path[1] + "'",
                    didYouMean(path[1], names));
        return false;
      }
      if (std::find(it->second.begin(), it->second.end(), path[3]) == it->second.end()) {
        diags.error(at, "unknown-output",
                    "step '" + path[1] + "' does not list '" + path[3] + "' in its outputs",
                    didYouMean(path[3], it->second));
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::StepOutput;
      r.step = path[1];
      r.name = r.stepOutput = path[3];
      return runtime(r);
    }
    if (ns == "needs" && needs) {
      if (path.size() != 4 || path[2] != "outputs") {
        diags.error(at, "reference", "write needs.JOB.outputs.NAME");
        return false;
      }
      auto it = needs->find(path[1]);
      if (it == needs->end()) {
        diags.error(at, "unknown-job", "job '" + path[1] + "' is not in this job's needs");
        return false;
      }
      const ir::JobOutput* o = it->second->output(path[3]);
      if (!o) {
        diags.error(at, "unknown-output", "job '" + path[1] + "' has no output '" + path[3] + "'");
        return false;
      }
      Ref r;
      r.kind = Ref::Kind::JobOutput;
      r.stage = stage;
      r.job = path[1];
      r.name = path[3];
      r.step = o->step;
      r.stepOutput = o->output;
      return runtime(r);
    }
    if (ns == "uses" && uses) {
      if (path.size() != 4 || path[2] != "outputs") {
        diags.error(at, "reference", "write uses.ID.outputs.NAME");
        return false;
      }
      bool listed = false;
      for (const auto& [n, where] : *useNeeds)
        listed |= n == path[1];
      auto it = uses->find(path[1]);
      if (!listed || it == uses->end()) {
        diags.error(at, "unknown-use",
                    "'" + path[1] + "' must be listed in this use's needs to read its outputs");
        return false;
      }
      auto o = it->second.outputs.find(path[3]);
      if (o == it->second.outputs.end()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : it->second.outputs)
          names.push_back(k);
        diags.error(at, "unknown-output", "'" + path[1] + "' has no output '" + path[3] + "'",
                    didYouMean(path[3], names));
        return false;
      }
      Ref r = o->second;
      return runtime(r);
    }
    if (ns == "with" && with) {
      for (const auto& [k, v] : *with)
        if (path.size() == 2 && k == path[1]) {
          out.append(v);
          return true;
        }
      diags.error(at, "reference",
                  "unknown action input '" + (path.size() > 1 ? path[1] : "") + "'");
      return false;
    }
    std::vector<std::string> known = {"vars", "secrets", "inputs", "run"};
    if (params) known.push_back("params");
    if (matrix) known.push_back("matrix");
    if (steps) known.push_back("steps");
    if (needs) known.push_back("needs");
    if (uses) known.push_back("uses");
    std::sort(known.begin(), known.end());
    std::string list;
    for (const auto& k : known)
      list += (list.empty() ? "" : ", ") + k;
    diags.error(at, "reference", "'" + ns + "' cannot be read here; available: " + list,
                didYouMean(ns, known));
    return false;
  }
};

std::string adoSafe(const std::string& id) {
  std::string s = id;
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

class Expander {
 public:
  Expander(const Project& p, const PipelineSpec& s, RecipeLibrary& l, Sources& src, Diagnostics& d)
      : project_(p), spec_(s), library_(l), sources_(src), diags_(d) {}

  std::optional<ir::Pipeline> run() {
    out_.id = spec_.id;
    out_.name = spec_.name;
    out_.nameWhere = spec_.nameWhere;
    out_.project = &project_;
    out_.on = spec_.on;
    out_.agents = spec_.agents;
    std::map<std::string, UseResult> results;
    expandUses(spec_.uses, nullptr, "", "", {}, std::nullopt, results);
    if (diags_.hasErrors()) return std::nullopt;
    checkArtifacts(out_, diags_);
    if (diags_.hasErrors()) return std::nullopt;
    checkGalleyAgents(out_, diags_);
    if (diags_.hasErrors()) return std::nullopt;
    addGalleySetup(out_);
    return std::move(out_);
  }

 private:
  Scope baseScope() {
    Scope s;
    s.project = &project_;
    s.spec = &spec_;
    return s;
  }

  // Expands sibling uses in dependency order. Members without needs wait for
  // outerDeps; results gets each member's outputs and boundary stages.
  void expandUses(const std::vector<Use>& uses, const Params* params, const std::string& recipe,
                  const std::string& prefix, const std::vector<std::string>& outerDeps,
                  const std::optional<Cond>& outerCond, std::map<std::string, UseResult>& results) {
    std::vector<GraphNode> graph;
    std::vector<std::string> ids;
    for (const auto& u : uses)
      ids.push_back(u.id);
    for (const auto& u : uses) {
      GraphNode n{u.id, {}};
      for (const auto& [need, where] : u.needs) {
        if (std::find(ids.begin(), ids.end(), need) == ids.end()) {
          diags_.error(where, "unknown-need", "'" + need + "' is not a recipe use here",
                       didYouMean(need, ids));
          continue;
        }
        n.needs.push_back(need);
      }
      graph.push_back(std::move(n));
    }
    std::vector<size_t> order;
    std::vector<std::string> cycle;
    if (!topologicalOrder(graph, &order, &cycle)) {
      const Use& first = uses[std::find(ids.begin(), ids.end(), cycle[0]) - ids.begin()];
      diags_.error(first.where, "needs-cycle",
                   "recipe uses depend on each other in a cycle: " + cyclePath(cycle));
      return;
    }
    for (size_t i : order) {
      const Use& u = uses[i];
      std::vector<std::string> deps;
      for (const auto& need : graph[i].needs) {
        auto it = results.find(need);
        if (it != results.end())
          deps.insert(deps.end(), it->second.lastStages.begin(), it->second.lastStages.end());
      }
      if (graph[i].needs.empty()) deps = outerDeps;
      Scope scope = baseScope();
      scope.params = params;
      scope.recipe = recipe;
      scope.uses = &results;
      scope.useNeeds = &u.needs;
      size_t before = diags_.all().size();
      if (auto r = expandUse(u, scope, prefix, deps, outerCond)) results[u.id] = std::move(*r);
      if (!params) noteTopUse(u, before);
    }
  }

  // A problem found in a built-in recipe's text, while expanding one of
  // galley.yml's uses, gets a note at that use: the user's text it came from.
  void noteTopUse(const Use& u, size_t before) {
    for (size_t k = before; k < diags_.all().size(); ++k) {
      Diagnostic& d = diags_.all()[k];
      if (isBuiltinRecipeSource(d.where.file))
        d.notes.push_back({u.where, "in recipe use '" + u.id + "'"});
    }
  }

  std::optional<Params> bind(const Recipe& r, const Use& use, const yaml::Node* with, Location at,
                             Scope& caller) {
    Params params;
    bool ok = true;
    auto declared = [&](Diagnostic& d, const Parameter* p) {
      d.notes.push_back({p ? p->where : r.where, p ? "parameter '" + p->name + "' is declared here"
                                                   : "recipe '" + r.name + "' is declared here"});
    };
    if (with) {
      for (const auto& e : with->entries) {
        const Parameter* p = r.parameter(e.key.value);
        if (!p) {
          std::vector<std::string> names;
          for (const auto& q : r.parameters)
            names.push_back(q.name);
          Diagnostic& d =
              diags_.error(e.key.where, "unknown-parameter",
                           "recipe '" + r.name + "' has no parameter '" + e.key.value + "'",
                           didYouMean(e.key.value, names));
          declared(d, nullptr);
          ok = false;
          continue;
        }
        size_t before = diags_.errorCount();
        if (!checkParameterValue(*p, e.value, diags_)) {
          for (size_t k = before; k < diags_.all().size(); ++k)
            declared(diags_.all()[k], p);
          ok = false;
          continue;
        }
        if (auto v = paramValue(*p, e.value, caller))
          params[p->name] = std::move(*v);
        else
          ok = false;
      }
    }
    for (const auto& p : r.parameters) {
      if (params.count(p.name) || (with && with->find(p.name))) continue;
      if (!p.defaultValue) {
        Diagnostic& d = diags_.error(at, "missing-parameter",
                                     "recipe '" + r.name + "' needs parameter '" + p.name + "' (" +
                                         paramTypeName(p.type) + ")");
        declared(d, &p);
        ok = false;
        continue;
      }
      Scope none = baseScope();
      if (auto v = paramValue(p, *p.defaultValue, none))
        params[p.name] = std::move(*v);
      else
        ok = false;
    }
    (void)use;
    if (ok) ok = requiredIfs(r, with, at, params);
    if (!ok) return std::nullopt;
    return params;
  }

  // Parameters whose required-if holds must not be empty. When the
  // condition or the value is known only when the pipeline runs (an input, a
  // step's output), the check runs then: a step at the start of the
  // recipe's jobs (runtimeChecks_) fails the job with the same message.
  bool requiredIfs(const Recipe& r, const yaml::Node* with, Location at, const Params& params) {
    bool ok = true;
    for (const auto& p : r.parameters) {
      auto it = params.find(p.name);
      if (!p.requiredIf || it == params.end()) continue;
      const Text& value = it->second.text;
      bool runtimeValue = value.hasRefs();
      if (!runtimeValue && !value.str().empty()) continue;
      Scope scope = baseScope();
      scope.params = &params;
      scope.recipe = r.name;
      auto cond = parseCondition(*p.requiredIf, scope, diags_);
      if (!cond) return false;
      std::optional<bool> known = fold(*cond);
      if (known == std::optional<bool>(false)) continue;
      if (!known || runtimeValue) {
        runtimeChecks_.back().push_back(requiredIfStep(r, p, value, known ? std::nullopt : cond));
        continue;
      }
      const yaml::Node* given = with ? with->find(p.name) : nullptr;
      Diagnostic& d = diags_.error(given ? given->where : at, "missing-parameter",
                                   "recipe '" + r.name + "' needs parameter '" + p.name + "' (" +
                                       paramTypeName(p.type) + ") when " + requiredIfText(p));
      d.notes.push_back({p.requiredIf->where, "parameter '" + p.name + "' is required here"});
      ok = false;
    }
    return ok;
  }

  // The step that checks a required-if at run time: under the condition
  // (when it is not known to hold), it fails when the value is empty.
  static ir::Step requiredIfStep(const Recipe& r, const Parameter& p, const Text& value,
                                 std::optional<Cond> cond) {
    ir::Step step;
    step.kind = ir::Step::Kind::Run;
    step.name = "Check that parameter '" + p.name + "' is set";
    step.where = p.requiredIf->where;
    step.condition = std::move(cond);
    std::string message = "galley: recipe '" + r.name + "' needs parameter '" + p.name + "' (" +
                          paramTypeName(p.type) + ") when " + requiredIfText(p);
    std::string fail = "echo " + shellQuoted(message) + " >&2\nexit 1\n";
    if (!value.hasRefs()) {
      step.script = fail;
      return step;
    }
    std::string env = envNameOf({"params", p.name});
    step.env.emplace_back(env, value);
    std::string indented;
    for (size_t a = 0, b; a < fail.size(); a = b + 1) {
      b = fail.find('\n', a);
      indented += "  " + fail.substr(a, b - a + 1);
    }
    step.script = "if [ -z \"${" + env + "}\" ]; then\n" + indented + "fi\n";
    return step;
  }

  // s as one bash word that bash reads back as s: in double quotes when
  // nothing in it is special there (readable), else in single quotes.
  static std::string shellQuoted(const std::string& s) {
    if (s.find_first_of("\"$`\\") == std::string::npos) return "\"" + s + "\"";
    std::string out = "'";
    for (char c : s)
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

  // Puts the run-time required-if checks of the recipe uses being expanded
  // (this use's, and the composite recipes' it is a member of) first in
  // each job of stage that waits for no other job of it and runs steps.
  void addRuntimeChecks(ir::Stage& stage) {
    std::vector<ir::Step> checks;
    for (const auto& level : runtimeChecks_)
      checks.insert(checks.end(), level.begin(), level.end());
    if (checks.empty()) return;
    for (auto& job : stage.jobs)
      if (job.needs.empty() && !job.approval)
        job.steps.insert(job.steps.begin(), checks.begin(), checks.end());
  }

  std::optional<ParamValue> paramValue(const Parameter& p, const yaml::Node& v, Scope& scope) {
    ParamValue pv;
    pv.type = p.type;
    pv.node = &v;
    pv.text.where = v.where;  // where the user wrote it, for messages about it
    // Every item is parsed, so that each bad one is reported.
    bool ok = true;
    if (v.isSequence()) {
      for (const auto& item : v.items) {
        auto t = parseText(item, scope, diags_);
        if (!t) {
          ok = false;
          continue;
        }
        if (!pv.items.empty()) pv.text.append(Text::literal(" "));
        pv.text.append(*t);
        pv.items.push_back(std::move(*t));
      }
      return ok ? std::optional<ParamValue>(std::move(pv)) : std::nullopt;
    }
    if (v.isMapping()) {
      // A map reaches scripts as KEY=VALUE lines, one entry a line.
      for (const auto& e : v.entries) {
        auto t = parseText(e.value, scope, diags_);
        if (!t) {
          ok = false;
          continue;
        }
        if (!pv.text.empty()) pv.text.append(Text::literal("\n"));
        pv.text.append(Text::literal(e.key.value + "="));
        pv.text.append(*t);
      }
      return ok ? std::optional<ParamValue>(std::move(pv)) : std::nullopt;
    }
    auto t = parseText(v, scope, diags_);
    if (!t) return std::nullopt;
    pv.text = std::move(*t);
    if (p.type == ParamType::Script && !pv.text.hasRefs() && !scriptValue(p, v, pv))
      return std::nullopt;
    return pv;
  }

  // A script known now: "-m MODULE" becomes two words, as a list's items
  // do, so that python reads the module and not the file "-m MODULE"; a
  // leading `python` goes, since the recipe writes its own. The
  // value is checked again here because it may come from another recipe's
  // parameter of another type.
  bool scriptValue(const Parameter& p, const yaml::Node& v, ParamValue& pv) {
    std::string problem, hint;
    auto words = scriptWords(pv.text.str(), &problem, &hint);
    if (!words) {
      // At the user's text when the value came through parameters.
      diags_.error(pv.text.where.known() ? pv.text.where : v.where, "parameter-type",
                   "parameter '" + p.name + "' expects a Python file or '-m MODULE', not '" +
                       pv.text.str() + "': " + problem,
                   hint);
      return false;
    }
    // The value as python takes it: without a leading `python`, spaced once.
    std::string joined;
    for (const auto& w : *words)
      joined += (joined.empty() ? "" : " ") + w;
    Location where = pv.text.where;
    pv.text = Text::literal(joined, where);
    if (words->size() > 1)
      for (const auto& w : *words)
        pv.items.push_back(Text::literal(w, where));
    return true;
  }

  // Whether value t, written at n in a recipe, came from the caller's text
  // (a with: entry, through as many recipes as it passed): a problem with it
  // is then the caller's to fix, and is reported there.
  static bool fromCaller(const Text& t, const yaml::Node& n) {
    return t.where.known() && (t.where.file != n.where.file || t.where.begin != n.where.begin);
  }

  // Reports a problem with value t, written at n: at the caller's text when
  // it came from there, with a note where the recipe uses it; else at n.
  Diagnostic& valueError(const Text& t, const yaml::Node& n, const Scope& scope,
                         const std::string& rule, const std::string& message,
                         std::string hint = {}) {
    bool caller = fromCaller(t, n);
    Diagnostic& d = diags_.error(caller ? t.where : n.where, rule, message, std::move(hint));
    if (caller) noteUse(d, n, scope);
    return d;
  }

  static void noteUse(Diagnostic& d, const yaml::Node& n, const Scope& scope) {
    d.notes.push_back({n.where, scope.recipe.empty()
                                    ? std::string("the value is used here")
                                    : "recipe '" + scope.recipe + "' uses the value here"});
  }

  // A whole-number field that may be written as a parameter reference.
  std::optional<long> integer(const yaml::Node& n, Scope& scope, const std::string& what, long min,
                              long max) {
    auto t = parseText(n, scope, diags_);
    if (!t) return std::nullopt;
    if (t->hasRefs()) {
      valueError(*t, n, scope, "type", what + " must be known when galley compiles");
      return std::nullopt;
    }
    yaml::Node value = n;
    value.value = t->str();
    value.style = yaml::Style::Plain;
    bool caller = fromCaller(*t, n);
    if (caller) value.where = t->where;
    size_t before = diags_.all().size();
    auto result = shape::integer(value, what, min, max, diags_);
    if (caller)
      for (size_t k = before; k < diags_.all().size(); ++k)
        noteUse(diags_.all()[k], n, scope);
    return result;
  }

  // A name (artifact, environment) that may be written as a parameter reference.
  std::optional<Text> constant(const yaml::Node& n, Scope& scope, const std::string& what) {
    auto t = parseText(n, scope, diags_);
    if (!t) return std::nullopt;
    if (t->hasRefs()) {
      valueError(*t, n, scope, "type", what + " must be known when galley compiles");
      return std::nullopt;
    }
    return t;
  }

  std::optional<Cond> condition(const yaml::Node* n, Scope& scope, bool* skip) {
    *skip = false;
    if (!n) return std::nullopt;
    auto c = parseCondition(*n, scope, diags_);
    if (!c) return std::nullopt;
    if (auto constant = fold(*c)) {
      *skip = !*constant;
      return std::nullopt;
    }
    return c;
  }

  static std::optional<Cond> both(const std::optional<Cond>& a, const std::optional<Cond>& b) {
    if (!a) return b;
    if (!b) return a;
    Cond c;
    c.op = Cond::Op::And;
    c.args = {*a, *b};
    return c;
  }

  std::optional<UseResult> expandUse(const Use& use, Scope& caller, const std::string& prefix,
                                     const std::vector<std::string>& deps,
                                     const std::optional<Cond>& outerCond) {
    const Recipe* recipe = library_.find(use.recipe, diags_);
    if (!recipe) {
      if (!library_.exists(use.recipe) || !shape::validId(use.recipe))
        diags_.error(use.recipeWhere, "unknown-recipe",
                     "unknown recipe '" + excerpt(use.recipe) + "'",
                     didYouMean(use.recipe, library_.names()));
      return std::nullopt;
    }
    if (std::find(active_.begin(), active_.end(), recipe->name) != active_.end() ||
        active_.size() > 32) {
      std::vector<std::string> path = active_;
      path.push_back(recipe->name);
      diags_.error(use.recipeWhere, "recipe-cycle",
                   "recipes use each other in a cycle: " + cyclePath(path));
      return std::nullopt;
    }
    runtimeChecks_.emplace_back();
    struct Pop {
      std::vector<std::vector<ir::Step>>& stack;
      ~Pop() { stack.pop_back(); }
    } pop{runtimeChecks_};
    auto params = bind(*recipe, use, use.with, use.where, caller);
    if (!params) return std::nullopt;
    bool skip = false;
    auto cond = condition(use.condition, caller, &skip);
    if (skip) return UseResult{};
    cond = both(outerCond, cond);
    std::string id = prefix + use.id;
    UseResult result;
    active_.push_back(recipe->name);
    ir::UseFrame frame{use.id, use.where, {}};
    for (const auto& [need, where] : use.needs)
      frame.needs.push_back(need);
    usePath_.push_back(std::move(frame));
    if (recipe->kind == RecipeKind::Uses) {
      std::vector<Use> members = parseUses(recipe->body, diags_);
      std::map<std::string, UseResult> inner;
      expandUses(members, &*params, recipe->name, id + "-", deps, cond, inner);
      std::set<std::string> needed;
      for (const auto& m : members)
        for (const auto& [n, w] : m.needs)
          needed.insert(n);
      for (const auto& m : members) {
        auto it = inner.find(m.id);
        if (it == inner.end()) continue;
        if (m.needs.empty())
          result.firstStages.insert(result.firstStages.end(), it->second.firstStages.begin(),
                                    it->second.firstStages.end());
        if (!needed.count(m.id))
          result.lastStages.insert(result.lastStages.end(), it->second.lastStages.begin(),
                                   it->second.lastStages.end());
      }
      for (const auto& o : recipe->outputs) {
        auto it = inner.find(o.member);
        if (it == inner.end() || !it->second.outputs.count(o.output)) {
          diags_.error(o.where, "unknown-output",
                       "output '" + o.name + "' reads '" + o.member + "." + o.output +
                           "', which no member provides");
          continue;
        }
        result.outputs[o.name] = it->second.outputs[o.output];
      }
    } else {
      if (!claim(id, use.where)) {
        active_.pop_back();
        usePath_.pop_back();
        return std::nullopt;
      }
      ir::Stage stage;
      stage.id = id;
      stage.name = use.name.empty() ? use.id : use.name;
      stage.named = !use.name.empty();
      stage.dependsOn = deps;
      stage.condition = cond;
      stage.where = use.where;
      stage.uses = usePath_;
      Scope scope = baseScope();
      scope.params = &*params;
      scope.recipe = recipe->name;
      scope.stage = id;
      if (recipe->kind == RecipeKind::Jobs) {
        expandJobs(*recipe, scope, stage);
      } else {
        ir::Job job;
        job.id = use.id;
        job.name = stage.name;
        job.where = use.where;
        expandJobSteps(recipe->body, scope, job);
        stage.jobs.push_back(std::move(job));
      }
      for (const auto& o : recipe->outputs) {
        const ir::Job* job = stage.job(o.member);
        const ir::JobOutput* jo = job ? job->output(o.output) : nullptr;
        if (!jo) {
          diags_.error(o.where, "unknown-output",
                       "output '" + o.name + "' reads '" + o.member + "." + o.output +
                           "', which no job provides");
          continue;
        }
        Ref r;
        r.kind = Ref::Kind::JobOutput;
        r.stage = id;
        r.job = job->id;
        r.name = jo->name;
        r.step = jo->step;
        r.stepOutput = jo->output;
        result.outputs[o.name] = r;
      }
      addRuntimeChecks(stage);
      result.firstStages = result.lastStages = {id};
      out_.stages.push_back(std::move(stage));
    }
    active_.pop_back();
    usePath_.pop_back();
    return result;
  }

  // Stage ids become GitHub job id prefixes and Azure DevOps stage names;
  // two uses must not end up with the same one.
  // GitHub job ids and Azure DevOps stage names ignore case: so do claims.
  bool claim(const std::string& id, Location where) {
    auto [it, fresh] = claimed_.emplace(lowerCase(adoSafe(id)), std::pair{id, where});
    if (fresh) return true;
    const std::string& other = it->second.first;
    bool caseOnly = other != id && equalsIgnoreCase(other, id);
    Diagnostic& d = diags_.error(
        where, "id-clash",
        caseOnly ? "'" + id + "' differs from the use '" + other +
                       "' only in case, which GitHub job ids and Azure DevOps stage names ignore"
                 : "'" + id + "' clashes with another recipe use after expansion");
    d.notes.push_back({it->second.second, "the other use is here"});
    return false;
  }

  void expandJobs(const Recipe& recipe, Scope& scope, ir::Stage& stage) {
    std::vector<GraphNode> graph;
    std::vector<std::string> ids;
    for (const auto& e : recipe.body.entries)
      ids.push_back(e.key.value);
    for (const auto& e : recipe.body.entries) {
      GraphNode n{e.key.value, {}};
      if (const yaml::Node* needs = e.value.isMapping() ? e.value.find("needs") : nullptr) {
        auto list = shape::stringList(*needs, "needs", diags_).value_or(std::vector<std::string>{});
        for (size_t k = 0; k < list.size(); ++k) {
          const std::string& need = list[k];
          // Each name is reported where it is written, not at the whole list.
          Location at = needs->isSequence() ? needs->items[k].where : needs->where;
          if (std::find(ids.begin(), ids.end(), need) == ids.end())
            diags_.error(at, "unknown-need",
                         "job '" + need + "' is not in recipe '" + recipe.name + "'",
                         didYouMean(need, ids));
          else
            n.needs.push_back(need);
        }
      }
      graph.push_back(std::move(n));
    }
    std::vector<size_t> order;
    std::vector<std::string> cycle;
    if (!topologicalOrder(graph, &order, &cycle)) {
      diags_.error(recipe.where, "needs-cycle",
                   "jobs depend on each other in a cycle: " + cyclePath(cycle));
      return;
    }
    for (size_t i : order) {
      const yaml::Entry& e = recipe.body.entries[i];
      ir::Job job;
      job.id = e.key.value;
      job.needs = graph[i].needs;
      job.where = e.key.where;
      if (!shape::id(e.key, "job id", diags_)) continue;
      bool skip = false;
      if (expandJob(e.value, scope, stage, job, &skip) && !skip)
        stage.jobs.push_back(std::move(job));
    }
  }

  bool expandJob(const yaml::Node& n, Scope& outer, ir::Stage& stage, ir::Job& job, bool* skip) {
    std::string what = "job '" + job.id + "'";
    if (!shape::mapping(n,
                        {"name", "needs", "if", "environment", "approval", "matrix", "outputs",
                         "env", "timeout-minutes", "continue-on-error", "steps"},
                        what, diags_))
      return false;
    Scope scope = outer;
    std::map<std::string, const ir::Job*> needs;
    for (const auto& need : job.needs)
      if (const ir::Job* j = stage.job(need)) needs[need] = j;
    scope.needs = &needs;
    std::vector<std::string> matrixKeys;
    if (const yaml::Node* m = n.find("matrix")) {
      if (!shape::isMapping(*m, what + "'s matrix", diags_)) return false;
      for (const auto& e : m->entries) {
        std::vector<std::string> values;
        auto t = e.value.isSequence() ? std::optional<Text>() : parseText(e.value, scope, diags_);
        if (e.value.isSequence()) {
          for (const auto& item : e.value.items)
            if (auto it = parseText(item, scope, diags_)) values.push_back(it->str());
        } else if (t && !t->hasRefs()) {
          const Text& whole = *t;
          std::string s = whole.str();
          // A whole list parameter arrives as space-separated words.
          for (size_t pos = 0; pos < s.size();) {
            size_t sp = s.find(' ', pos);
            values.push_back(s.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
            if (sp == std::string::npos) break;
            pos = sp + 1;
          }
        }
        if (values.empty()) {
          std::string message = "matrix '" + e.key.value + "' needs a list of values";
          if (t)
            valueError(*t, e.value, scope, "matrix", message);
          else
            diags_.error(e.value.where, "matrix", message);
          return false;
        }
        matrixKeys.push_back(e.key.value);
        job.matrix.emplace_back(e.key.value, values);
      }
      scope.matrix = &matrixKeys;
    }
    auto cond = condition(n.find("if"), scope, skip);
    if (*skip) return true;
    job.condition = cond;
    if (const yaml::Node* name = n.find("name")) {
      if (auto t = parseText(*name, scope, diags_)) job.name = t->str();
    }
    if (const yaml::Node* env = n.find("environment")) {
      auto t = parseText(*env, scope, diags_);
      if (!t) return false;
      if (t->hasRefs()) {
        valueError(*t, *env, scope, "environment",
                   "an environment must be known when galley compiles");
        return false;
      }
      job.environment = t->str();
      if (!project_.environment(job.environment)) {
        std::vector<std::string> names;
        for (const auto& en : project_.environments)
          names.push_back(en.name);
        Diagnostic& d =
            diags_.error(t->where, "unknown-environment",
                         "environment '" + job.environment + "' is not defined in galley.yml",
                         didYouMean(job.environment, names));
        if (t->where.begin != env->where.begin || t->where.file != env->where.file)
          d.notes.push_back({env->where, "job '" + job.id + "' is bound to it here"});
        return false;
      }
    }
    if (const yaml::Node* t = n.find("timeout-minutes"))
      job.timeoutMinutes = integer(*t, scope, "timeout-minutes", 1, 43200).value_or(0);
    if (const yaml::Node* c = n.find("continue-on-error"))
      job.continueOnError = shape::boolean(*c, "continue-on-error", diags_).value_or(false);
    if (const yaml::Node* env = n.find("env")) job.env = parseEnv(*env, scope);
    if (const yaml::Node* a = n.find("approval")) return expandApproval(*a, n, job, scope);
    const yaml::Node* steps = shape::require(n, "steps", what, diags_);
    if (!steps) return false;
    std::map<std::string, std::vector<std::string>> stepOutputs;
    scope.steps = &stepOutputs;
    expandSteps(*steps, scope, job, stepOutputs, 0);
    if (const yaml::Node* outputs = n.find("outputs")) {
      if (!shape::isMapping(*outputs, what + "'s outputs", diags_)) return false;
      for (const auto& e : outputs->entries) {
        auto t = parseText(e.value, scope, diags_);
        if (!t) continue;
        const Ref* r = t->onlyRef();
        if (!r || r->kind != Ref::Kind::StepOutput) {
          diags_.error(e.value.where, "output",
                       "a job output must be one step output: ${{ steps.ID.outputs.NAME }}");
          continue;
        }
        if (!job.environment.empty()) {
          diags_.error(e.key.where, "output",
                       "jobs bound to an environment cannot have outputs: Azure DevOps deployment "
                       "jobs name them differently; move the step to a job without an environment");
          continue;
        }
        job.outputs.push_back({e.key.value, r->step, r->stepOutput});
      }
    }
    return true;
  }

  bool expandApproval(const yaml::Node& a, const yaml::Node& job, ir::Job& out, Scope& scope) {
    if (!shape::mapping(a, {"instructions", "timeout-minutes"}, "approval", diags_)) return false;
    if (job.find("steps")) {
      diags_.error(job.entry("steps")->key.where, "approval", "an approval job has no steps");
      return false;
    }
    if (out.environment.empty()) {
      diags_.error(a.where, "approval",
                   "an approval job needs an 'environment' whose approvers decide");
      return false;
    }
    out.approval = true;
    if (const yaml::Node* i = a.find("instructions"))
      if (auto t = parseText(*i, scope, diags_)) out.instructions = t->str();
    out.approvalTimeoutMinutes = 1440;
    if (const yaml::Node* t = a.find("timeout-minutes"))
      out.approvalTimeoutMinutes =
          integer(*t, scope, "approval timeout-minutes", 1, 43200).value_or(1440);
    return true;
  }

  ir::Env parseEnv(const yaml::Node& n, Scope& scope) {
    ir::Env env;
    if (!shape::isMapping(n, "env", diags_)) return env;
    for (const auto& e : n.entries) {
      if (e.value.isNull()) {
        env.emplace_back(e.key.value, Text{});
        continue;
      }
      if (auto t = parseText(e.value, scope, diags_)) env.emplace_back(e.key.value, std::move(*t));
    }
    return env;
  }

  void expandSteps(const yaml::Node& steps, Scope& scope, ir::Job& job,
                   std::map<std::string, std::vector<std::string>>& outputs, int depth) {
    if (!shape::isSequence(steps, "steps", diags_)) return;
    for (const auto& s : steps.items)
      expandStep(s, scope, job, outputs, depth);
  }

  void expandJobSteps(const yaml::Node& steps, Scope& scope, ir::Job& job) {
    std::map<std::string, std::vector<std::string>> outputs;
    scope.steps = &outputs;
    expandSteps(steps, scope, job, outputs, 0);
  }

  void expandStep(const yaml::Node& n, Scope& scope, ir::Job& job,
                  std::map<std::string, std::vector<std::string>>& outputs, int depth) {
    if (!shape::mapping(n,
                        {"name",
                         "id",
                         "if",
                         "env",
                         "run",
                         "shell",
                         "working-directory",
                         "timeout-minutes",
                         "continue-on-error",
                         "retries",
                         "outputs",
                         "uses",
                         "with",
                         "github",
                         "ado",
                         "publish",
                         "artifact",
                         "download",
                         "path",
                         "galley",
                         "recipe"},
                        "step", diags_))
      return;
    const char* forms[] = {"run", "uses", "publish", "download", "galley", "recipe"};
    int count = 0;
    for (const char* f : forms)
      count += n.find(f) ? 1 : 0;
    if (n.find("github") || n.find("ado")) ++count;
    if (count != 1) {
      diags_.error(
          n.where, "step",
          "a step has exactly one of run, uses, github/ado, publish, download, galley and recipe");
      return;
    }
    bool skip = false;
    auto cond = condition(n.find("if"), scope, &skip);
    if (skip) return;
    if (const yaml::Node* r = n.find("recipe"))
      return inlineRecipe(*r, n, scope, job, outputs, depth);
    ir::Step step;
    step.where = n.where;
    step.condition = cond;
    if (const yaml::Node* id = n.find("id")) {
      if (!shape::id(*id, "step id", diags_)) return;
      if (outputs.count(id->value)) {
        diags_.error(id->where, "duplicate-id",
                     "step id '" + id->value + "' is used twice in job '" + job.id + "'");
        return;
      }
      step.id = id->value;
    }
    if (const yaml::Node* env = n.find("env")) step.env = parseEnv(*env, scope);
    if (const yaml::Node* w = n.find("working-directory"))
      step.workingDirectory = parseText(*w, scope, diags_);
    if (const yaml::Node* t = n.find("timeout-minutes"))
      step.timeoutMinutes = integer(*t, scope, "timeout-minutes", 1, 43200).value_or(0);
    if (const yaml::Node* c = n.find("continue-on-error"))
      step.continueOnError = shape::boolean(*c, "continue-on-error", diags_).value_or(false);
    if (const yaml::Node* r = n.find("retries"))
      step.retries = integer(*r, scope, "retries", 0, 10).value_or(0);
    if (const yaml::Node* name = n.find("name"))
      if (auto t = parseText(*name, scope, diags_)) step.name = t->str();
    if (const yaml::Node* run = n.find("run")) {
      if (!runStep(*run, "", n, scope, step)) return;
    } else if (const yaml::Node* g = n.find("galley")) {
      if (!runStep(*g, "galley ", n, scope, step)) return;
    } else if (const yaml::Node* u = n.find("uses")) {
      if (!portableStep(*u, n, scope, step)) return;
    } else if (n.find("github") || n.find("ado")) {
      if (!targetStep(n, scope, step)) return;
    } else {
      if (!artifactStep(n, scope, step)) return;
    }
    if (const yaml::Node* o = n.find("outputs")) {
      if (step.kind != ir::Step::Kind::Run || step.id.empty()) {
        diags_.error(o->where, "output", "only run steps with an 'id' have outputs");
        return;
      }
      step.outputs = shape::stringList(*o, "outputs", diags_).value_or(std::vector<std::string>{});
    }
    if (step.shell == "pwsh" && (!step.outputs.empty() || step.retries)) {
      diags_.error(n.where, "shell",
                   "outputs and retries are not supported for pwsh steps yet; use bash");
      return;
    }
    if (!step.id.empty()) outputs[step.id] = step.outputs;
    job.steps.push_back(std::move(step));
  }

  void inlineRecipe(const yaml::Node& r, const yaml::Node& n, Scope& scope, ir::Job& job,
                    std::map<std::string, std::vector<std::string>>& outputs, int depth) {
    const Recipe* recipe = library_.find(r.value, diags_);
    if (!recipe) {
      diags_.error(r.where, "unknown-recipe", "unknown recipe '" + r.value + "'",
                   didYouMean(r.value, library_.names()));
      return;
    }
    if (recipe->kind != RecipeKind::Steps) {
      diags_.error(r.where, "recipe-kind",
                   "recipe '" + r.value + "' has jobs; only step recipes can be used as a step");
      return;
    }
    if (depth > 16) {
      diags_.error(r.where, "recipe-cycle",
                   "step recipes nest more than 16 deep; do they use each other?");
      return;
    }
    Use use;
    use.id = r.value;
    // Its run-time required-if checks go where its steps do, just before them.
    runtimeChecks_.emplace_back();
    auto params = bind(*recipe, use, n.find("with"), r.where, scope);
    std::vector<ir::Step> checks = std::move(runtimeChecks_.back());
    runtimeChecks_.pop_back();
    if (!params) return;
    for (auto& c : checks)
      job.steps.push_back(std::move(c));
    Scope inner = scope;
    inner.params = &*params;
    inner.recipe = recipe->name;
    expandSteps(recipe->body, inner, job, outputs, depth + 1);
  }

  // Lists, and scripts run as a module ("-m MODULE"), reach bash as words.
  static bool splitsIntoWords(const ParamValue& v) {
    return v.type == ParamType::List || (v.type == ParamType::Script && v.items.size() > 1);
  }

  // "echo ${{ params.message }}" as "echo params.message": a step's name
  // holding `${{` would be an expression to GitHub, which knows no params.
  static std::string withoutDelimiters(std::string s) {
    for (size_t at; (at = s.find("${{")) != std::string::npos;) {
      size_t end = s.find("}}", at);
      if (end == std::string::npos) {  // an expression the first line cuts
        s.erase(at, 3);
        continue;
      }
      std::string inner = s.substr(at + 3, end - at - 3);
      size_t b = inner.find_first_not_of(' '), e = inner.find_last_not_of(' ');
      s.replace(at, end + 2 - at, b == std::string::npos ? "" : inner.substr(b, e - b + 1));
    }
    return s;
  }

  // An optional '-' and decimal digits: what bash arithmetic reads as a
  // number and nothing else.
  static bool isInteger(const std::string& v) {
    size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
    return i < v.size() && std::all_of(v.begin() + static_cast<long>(i), v.end(), isAsciiDigit);
  }

  // Moves every `${{ }}` of a script into an environment variable, so values
  // are never pasted into the script text.
  bool runStep(const yaml::Node& run, const std::string& prefix, const yaml::Node& n, Scope& scope,
               ir::Step& step) {
    step.kind = ir::Step::Kind::Run;
    if (const yaml::Node* sh = n.find("shell")) {
      if (sh->value != "bash" && sh->value != "pwsh") {
        diags_.error(sh->where, "shell", "shell must be bash or pwsh, not '" + sh->value + "'",
                     didYouMean(sh->value, {"bash", "pwsh"}));
        return false;
      }
      step.shell = sh->value;
    }
    if (!run.isScalar()) {
      diags_.error(run.where, "type", "a script must be a string");
      return false;
    }
    const std::string& s = run.value;
    expr::ScalarMap map(run);  // one replay of the script for every reference in it
    std::string script = prefix;
    ShellQuoting quoting;
    bool splitsWords = false;  // a list parameter expanded unquoted
    size_t pos = 0;
    // The references of the script, for the arithmetic check at its end.
    struct Placed {
      Location where;
      Location value;  // where the value was written
      std::string inner, env;
      bool integer;  // a value known now to be an integer: safe in arithmetic
    };
    std::vector<Placed> placed;
    bool unresolved = false;
    while (pos < s.size()) {
      size_t open = s.find("${{", pos);
      if (open == std::string::npos) {
        script += s.substr(pos);
        for (size_t k = pos; k < s.size(); ++k)
          quoting.feed(s[k]);
        break;
      }
      script += s.substr(pos, open - pos);
      for (size_t k = pos; k < open; ++k)
        quoting.feed(s[k]);
      size_t close = s.find("}}", open);
      if (close == std::string::npos) {
        diags_.error(locationInScalar(map, run, open, 3), "reference",
                     "'${{' is never closed with '}}'");
        return false;
      }
      // Not a copy of run: that would copy the whole script per reference.
      yaml::Node piece;
      piece.kind = run.kind;
      piece.style = run.style;
      piece.offset = run.offset;
      piece.value = s.substr(open, close + 2 - open);
      piece.where = locationInScalar(map, run, open, close + 2 - open);
      auto t = parseText(piece, scope, diags_);
      if (!t) {
        // Every bad reference of a script is reported, not only the first.
        unresolved = true;
        quoting.feed('x');
        pos = close + 2;
        continue;
      }
      std::string inner = s.substr(open + 3, close - open - 3);
      inner.erase(0, inner.find_first_not_of(' '));
      inner.erase(inner.find_last_not_of(' ') + 1);
      std::vector<std::string> path;
      for (size_t a = 0, b; a <= inner.size(); a = b + 1) {
        b = inner.find('.', a);
        if (b == std::string::npos) b = inner.size();
        path.push_back(inner.substr(a, b - a));
      }
      std::string env = envNameOf(path);
      bool words = path[0] == "params" && scope.params && scope.params->count(path[1]) &&
                   splitsIntoWords(scope.params->at(path[1]));
      if (std::none_of(step.env.begin(), step.env.end(),
                       [&](const auto& e) { return e.first == env; }))
        step.env.emplace_back(env, *t);
      if (step.shell == "pwsh") {
        script += "$env:" + env;
      } else if (quoting.state() == ShellQuoting::State::QuotedHeredoc) {
        diags_.error(locationInScalar(map, run, open, close + 2 - open), "reference",
                     "'${{ " + inner +
                         " }}' sits in a quoted here-document, where the shell expands nothing",
                     "read the environment variable " + env +
                         " there instead (galley sets it for this step)");
        return false;
      } else {
        splitsWords = splitsWords || (words && (quoting.state() == ShellQuoting::State::Plain ||
                                                quoting.state() == ShellQuoting::State::Single));
        script += quoting.expansion(env, words);
        quoting.reference(placed.size());
        placed.push_back({piece.where, t->where, inner, env, !t->hasRefs() && isInteger(t->str())});
      }
      quoting.feed('x');  // the expansion: a word character to the scanner
      pos = close + 2;
    }
    if (unresolved) return false;
    bool safe = true;
    for (size_t id : quoting.arithmeticReferences()) {
      const Placed& p = placed[id];
      if (p.integer) continue;
      safe = false;
      if (p.value.known() && p.value.file != p.where.file) {
        arithmeticValueError(p.value, p.where, p.inner, scope);
        continue;
      }
      diags_.error(p.where, "reference",
                   "'${{ " + p.inner +
                       " }}' sits where bash evaluates arithmetic, which runs code in a value "
                       "such as 'a[$(cmd)]' however it is quoted",
                   "check that the environment variable " + p.env +
                       " (galley sets it for this step) is a number first, e.g. [[ $" + p.env +
                       " =~ ^-?[0-9]+$ ]] || exit 1, and use $" + p.env + " there");
    }
    if (!safe) return false;
    // Lists reach bash unquoted on purpose, one word per item; a directive on
    // the script's first line says so to shellcheck for the whole script.
    // Globbing goes off so that a run-time item such as '*' stays itself.
    if (splitsWords)
      script =
          "# shellcheck disable=SC2086  # list parameters split into words on purpose\n"
          "set -f  # and their items are not file-name patterns\n" +
          script;
    step.script = script;
    if (step.name.empty()) {
      // Named after the script as written, not as rewritten; its
      // references lose their ${{ }}, which would be expressions in a name.
      std::string first = prefix + withoutDelimiters(s.substr(0, s.find('\n')));
      step.name = first.size() > 60 ? first.substr(0, 57) + "..." : first;
    }
    return true;
  }

  // A value the caller passed (a with: entry, in another file than the
  // script) that reaches bash arithmetic without being a whole number known
  // now: the caller's to fix, so it is reported at the value, with a note
  // at the script's reference.
  void arithmeticValueError(Location value, Location use, const std::string& inner,
                            const Scope& scope) {
    Diagnostic& d = diags_.error(
        value, "reference",
        "this value reaches bash arithmetic ('${{ " + inner + " }}' in recipe '" + scope.recipe +
            "'), which runs code in a value such as 'a[$(cmd)]' however it is quoted",
        "pass a whole number known when compiling; a value known only when the pipeline runs "
        "must be checked as a number by the recipe before it is used there");
    d.notes.push_back({use, "recipe '" + scope.recipe + "' uses the value here"});
  }

  bool targetForm(const yaml::Node& f, bool github, Scope& scope, ir::TargetForm& out) {
    const char* key = github ? "github" : "ado";
    // `none`: the step has no counterpart on this target, on purpose (the
    // Azure DevOps test results tab, say); said, so that a forgotten form
    // is still an error.
    if (f.isScalar() && f.value == "none") {
      out.present = out.skip = true;
      return true;
    }
    if (github ? !shape::mapping(f, {"uses", "with"}, "github step", diags_)
               : !shape::mapping(f, {"task", "inputs", "checkout"}, "ado step", diags_))
      return false;
    out.present = true;
    if (!github && f.find("checkout")) {
      out.checkout = true;
      return true;
    }
    const yaml::Node* uses =
        shape::require(f, github ? "uses" : "task", std::string(key) + " step", diags_);
    if (!uses) return false;
    out.uses = uses->value;
    if (const yaml::Node* w = f.find(github ? "with" : "inputs")) out.with = parseEnv(*w, scope);
    return true;
  }

  bool targetStep(const yaml::Node& n, Scope& scope, ir::Step& step) {
    step.kind = ir::Step::Kind::Action;
    if (const yaml::Node* g = n.find("github"))
      if (!targetForm(*g, true, scope, step.github)) return false;
    if (const yaml::Node* a = n.find("ado"))
      if (!targetForm(*a, false, scope, step.ado)) return false;
    if (step.name.empty()) step.name = !step.github.uses.empty() ? step.github.uses : step.ado.uses;
    return true;
  }

  bool portableStep(const yaml::Node& u, const yaml::Node& n, Scope& scope, ir::Step& step) {
    const yaml::Node* actions = portableActions();
    const yaml::Node* action = actions ? actions->find(u.value) : nullptr;
    if (!action) {
      std::vector<std::string> names;
      if (actions)
        for (const auto& e : actions->entries)
          names.push_back(e.key.value);
      diags_.error(u.where, "unknown-action",
                   "unknown portable action '" + u.value +
                       "'; for a target's own action write a github:/ado: step",
                   didYouMean(u.value, names));
      return false;
    }
    ir::Env with;
    const yaml::Node* inputs = action->find("inputs");
    if (const yaml::Node* w = n.find("with")) {
      if (!shape::isMapping(*w, "with", diags_)) return false;
      for (const auto& e : w->entries) {
        if (!inputs || !inputs->find(e.key.value)) {
          std::vector<std::string> names;
          if (inputs)
            for (const auto& i : inputs->entries)
              names.push_back(i.key.value);
          diags_.error(e.key.where, "unknown-input",
                       "action '" + u.value + "' has no input '" + e.key.value + "'",
                       didYouMean(e.key.value, names));
          return false;
        }
        if (auto t = parseText(e.value, scope, diags_)) with.emplace_back(e.key.value, *t);
      }
    }
    if (inputs)
      for (const auto& i : inputs->entries)
        if (std::none_of(with.begin(), with.end(),
                         [&](const auto& w) { return w.first == i.key.value; }))
          if (const yaml::Node* d = i.value.find("default"))
            with.emplace_back(i.key.value, Text::literal(d->value));
    Scope actionScope = baseScope();
    actionScope.with = &with;
    if (!targetStep(*action, actionScope, step)) return false;
    // An input that comes out empty is left out: the action's own default
    // applies (setup-python without cache: ... caches nothing).
    for (ir::Env* e : {&step.github.with, &step.ado.with})
      std::erase_if(*e, [](const auto& kv) { return kv.second.empty(); });
    if (!n.find("name")) {
      const yaml::Node* d = action->find("description");
      step.name = d ? d->value : u.value;
      if (!step.name.empty() && step.name.back() == '.') step.name.pop_back();
    }
    return true;
  }

  bool artifactStep(const yaml::Node& n, Scope& scope, ir::Step& step) {
    bool publish = n.find("publish") != nullptr;
    const yaml::Node* target = n.find(publish ? "publish" : "download");
    const yaml::Node* nameNode = target;
    if (publish) {
      nameNode = shape::require(n, "artifact", "publish step", diags_);
      if (!nameNode) return false;
      step.kind = ir::Step::Kind::Publish;
    } else {
      step.kind = ir::Step::Kind::Download;
    }
    auto name = constant(*nameNode, scope, "artifact name");
    if (!name) return false;
    step.artifact = name->str();
    step.artifactWhere = name->where.known() ? name->where : nameNode->where;
    if (!shape::validId(step.artifact)) {
      valueError(*name, *nameNode, scope, "artifact",
                 step.artifact.empty()
                     ? "the artifact name is empty; it must be an id (letters, digits, '-', '_')"
                     : "artifact name '" + excerpt(step.artifact) +
                           "' must be an id (letters, digits, '-', '_')");
      return false;
    }
    if (publish) {
      auto path = parseText(*target, scope, diags_);
      if (!path) return false;
      step.path = *path;
      if (step.name.empty()) step.name = "Publish " + step.artifact;
    } else {
      step.path = Text::literal(step.artifact);
      if (const yaml::Node* p = n.find("path"))
        if (auto t = parseText(*p, scope, diags_)) step.path = *t;
      if (step.name.empty()) step.name = "Download " + step.artifact;
    }
    return true;
  }

  const yaml::Node* portableActions() {
    if (!actionsLoaded_) {
      actionsLoaded_ = true;
      auto it = builtinRecipeFiles().find("actions");
      if (it != builtinRecipeFiles().end()) {
        const SourceFile* f = sources_.add("galley's portable actions (built in)", it->second);
        actions_ = yaml::load(*f, diags_);
      }
    }
    return actions_ ? &*actions_ : nullptr;
  }

  const Project& project_;
  const PipelineSpec& spec_;
  RecipeLibrary& library_;
  Sources& sources_;
  Diagnostics& diags_;
  ir::Pipeline out_;
  std::vector<std::string> active_;
  std::vector<ir::UseFrame> usePath_;  // the uses being expanded, outermost first
  std::map<std::string, std::pair<std::string, Location>> claimed_;  // folded id -> id, where
  // Per recipe use being expanded, outermost first: its run-time
  // required-if checks, for the jobs of every stage it expands into.
  std::vector<std::vector<ir::Step>> runtimeChecks_;
  bool actionsLoaded_ = false;
  std::optional<yaml::Node> actions_;
};

}  // namespace

std::optional<ir::Pipeline> expand(const Project& project, const PipelineSpec& spec,
                                   RecipeLibrary& library, Sources& sources, Diagnostics& diags) {
  return Expander(project, spec, library, sources, diags).run();
}

}  // namespace galley
