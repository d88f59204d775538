// dependsOn, dependencies / stageDependencies references and conditions.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/azure.h"
#include "compiler/expr/scalar_map.h"
#include "compiler/lint/azure/checks.h"

namespace galley::lint::azure {

namespace {

std::string nameOf(const yaml::Node* n) {
  return n && n->isScalar() ? n->value : "";
}

bool computed(std::string_view v) {
  return v.find("${{") != std::string_view::npos || v.find("$[") != std::string_view::npos ||
         v.find("$(") != std::string_view::npos;
}

// Names are compared without case, as Azure DevOps does.
using Names = std::map<std::string, const yaml::Node*>;

Names namesOf(const std::vector<const yaml::Node*>& nodes, Diagnostics& diags,
              std::string_view what) {
  Names out;
  for (const yaml::Node* n : nodes) {
    if (!n || !n->isScalar() || computed(n->value)) continue;
    auto [it, fresh] = out.emplace(lowerCase(n->value), n);
    if (!fresh)
      diags
          .error(n->where, "duplicate-id",
                 std::string(what) + " '" + n->value + "' is defined twice")
          .notes.push_back({it->second->where, "first defined here"});
  }
  return out;
}

// The graph of dependsOn among one set of names: unknown names, then cycles
// reported as a path (a -> b -> a).
struct Graph {
  std::map<std::string, std::vector<std::string>> edges;  // lower-cased names
  std::map<std::string, const yaml::Node*> at;
};

void reportCycles(const Graph& g, std::string_view what, Diagnostics& diags) {
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::set<std::string> reported;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    state[n] = 1;
    path.push_back(n);
    auto it = g.edges.find(n);
    if (it != g.edges.end())
      for (const auto& m : it->second) {
        if (state[m] == 1) {
          auto from = std::find(path.begin(), path.end(), m);
          std::string shown;
          for (auto p = from; p != path.end(); ++p)
            shown += nameOf(g.at.at(*p)) + " -> ";
          shown += nameOf(g.at.at(m));
          if (reported.insert(m).second)
            diags.error(g.at.at(n)->where, "depends-on",
                        std::string(what) + "s depend on each other in a cycle: " + shown);
        } else if (state[m] == 0 && g.at.count(m)) {
          visit(m);
        }
      }
    path.pop_back();
    state[n] = 2;
  };
  for (const auto& [n, unused] : g.edges)
    if (state[n] == 0) visit(n);
}

// Checks one level's dependsOn (stages of the pipeline, or jobs of a stage).
// implicitPrevious: an item without dependsOn depends on the one before it
// (stages do; jobs do not).
template <typename Item>
void checkDependsOn(const std::vector<Item>& items, std::string_view what, bool openNames,
                    Diagnostics& diags) {
  std::vector<const yaml::Node*> nameNodes;
  for (const auto& i : items)
    nameNodes.push_back(i.name);
  Names names = namesOf(nameNodes, diags, what);
  std::vector<std::string> known;
  for (const auto& [k, n] : names)
    known.push_back(n->value);
  Graph g;
  for (const auto& i : items) {
    std::string self = lowerCase(nameOf(i.name));
    if (!self.empty()) {
      g.at[self] = i.name;
      g.edges[self];
    }
    for (const yaml::Node* d : dependsOnNames(i.dependsOn)) {
      if (computed(d->value)) continue;
      std::string key = lowerCase(d->value);
      if (!names.count(key)) {
        // A template's items may depend on items its caller defines, and
        // items may depend on items a template inserts.
        // An item never depends on itself: its own name is no suggestion.
        std::vector<std::string> others;
        for (const auto& k : known)
          if (lowerCase(k) != self) others.push_back(k);
        if (!openNames)
          diags.error(
              d->where, "depends-on",
              "dependsOn names " + std::string(what) + " '" + d->value + "', which does not exist",
              didYouMean(d->value, others));
        continue;
      }
      if (!self.empty()) g.edges[self].push_back(key);
    }
  }
  reportCycles(g, what, diags);
}

}  // namespace

void checkStepNames(const Pipeline& p, Diagnostics& diags) {
  for (const auto& stage : p.stages)
    for (const auto& job : stage.jobs) {
      if (job.deployment) continue;
      Names seen;
      for (const auto& step : job.steps) {
        const yaml::Node* n = step.name;
        if (!n || !n->isScalar() || computed(n->value)) continue;
        auto [it, fresh] = seen.emplace(lowerCase(n->value), n);
        if (!fresh)
          diags
              .error(n->where, "duplicate-id",
                     "step name '" + n->value + "' is used twice in the job")
              .notes.push_back({it->second->where, "first defined here"});
      }
    }
}

namespace {

// dependencies.<name>.outputs['a.b'] and friends, as found in one expression.
struct Reference {
  size_t offset = 0, length = 0;  // of the whole reference in the scalar
  bool stageDependencies = false;
  std::vector<std::string> parts;  // names before "outputs"/"result"
  std::string member;              // "outputs", "result", ...
  std::string output;              // the index of outputs['...'], or ""
};

bool nameChar(char c) {
  return isAsciiAlnum(c) || c == '_' || c == '-';
}

std::vector<Reference> referencesIn(std::string_view v) {
  std::vector<Reference> out;
  for (std::string_view root : {"stageDependencies.", "dependencies."}) {
    for (size_t at = 0; (at = v.find(root, at)) != std::string_view::npos; at += root.size()) {
      if (at > 0 && (nameChar(v[at - 1]) || v[at - 1] == '.')) continue;
      Reference r;
      r.offset = at;
      r.stageDependencies = root.front() == 's';
      size_t p = at + root.size();
      while (true) {
        size_t b = p;
        while (p < v.size() && nameChar(v[p]))
          ++p;
        if (p == b) break;
        std::string word(v.substr(b, p - b));
        if (word == "outputs" || word == "result" || word == "Result") {
          r.member = word;
          break;
        }
        r.parts.push_back(word);
        if (p < v.size() && v[p] == '.') {
          ++p;
          continue;
        }
        break;
      }
      if (r.member == "outputs" && p + 1 < v.size() && v[p] == '[' &&
          (v[p + 1] == '\'' || v[p + 1] == '"')) {
        size_t close = v.find(v[p + 1], p + 2);
        if (close != std::string_view::npos) {
          r.output = std::string(v.substr(p + 2, close - p - 2));
          p = close + 2;
        }
      }
      r.length = p - at;
      if (!r.member.empty()) out.push_back(std::move(r));
    }
  }
  return out;
}

const Stage* findStage(const Pipeline& p, std::string_view name) {
  for (const auto& s : p.stages)
    if (equalsIgnoreCase(nameOf(s.name), name)) return &s;
  return nullptr;
}

const Job* findJob(const Stage& s, std::string_view name) {
  for (const auto& j : s.jobs)
    if (equalsIgnoreCase(nameOf(j.name), name)) return &j;
  return nullptr;
}

std::vector<std::string> jobNames(const Stage& s) {
  std::vector<std::string> out;
  for (const auto& j : s.jobs)
    if (!nameOf(j.name).empty()) out.push_back(nameOf(j.name));
  return out;
}

class RefChecker {
 public:
  RefChecker(const Pipeline& p, Diagnostics& diags) : p_(p), diags_(diags) {}

  // A scalar of a stage (its condition, variables) or of a job.
  void check(const yaml::Node& n, const Stage& stage, const Job* job) {
    if (!n.isScalar() || n.value.find("ependencies.") == std::string::npos) return;
    std::vector<Reference> refs = referencesIn(n.value);
    if (refs.empty()) return;
    expr::ScalarMap map(n);
    for (const auto& r : refs)
      checkOne(r, map.location(r.offset, r.length), stage, job);
  }

 private:
  // Whether a job's step named `step` sets `var` as an output. Reports and
  // returns when the step or variable is missing.
  void checkOutput(const Job& job, std::string_view step, std::string_view var, Location at) {
    if (job.matrix || job.deployment) return;  // outputs are named per leg or hook
    const Step* found = nullptr;
    std::vector<std::string> names;
    for (const auto& s : job.steps) {
      if (nameOf(s.name).empty()) continue;
      names.push_back(nameOf(s.name));
      if (equalsIgnoreCase(nameOf(s.name), step)) found = &s;
    }
    bool templated = std::any_of(job.steps.begin(), job.steps.end(),
                                 [](const Step& s) { return s.kind == "template"; });
    if (!found) {
      if (!templated)
        diags_.error(at, "output-reference",
                     "job '" + nameOf(job.name) + "' has no step named '" + std::string(step) + "'",
                     didYouMean(step, names));
      return;
    }
    // A script that sets no variable itself may run a program that does
    // (a Python script printing ##vso[...]): only a script that sets
    // variables is known to set all of them.
    if (!found->knownOutputs || !found->script || found->sets.empty()) return;
    if (found->script->value.find("task.setvariable variable=$") != std::string::npos) return;
    for (const auto& v : found->sets)
      if (equalsIgnoreCase(v.name, var)) {
        if (!v.isOutput)
          diags_.error(at, "output-reference",
                       "step '" + std::string(step) + "' sets '" + v.name +
                           "' without isOutput=true, so other jobs cannot read it",
                       "add ';isOutput=true' to its ##vso[task.setvariable] command");
        return;
      }
    diags_.error(at, "output-reference",
                 "step '" + std::string(step) + "' sets no output variable '" + std::string(var) +
                     "' (its script has no ##vso[task.setvariable variable=" + std::string(var) +
                     ";isOutput=true])");
  }

  // outputs['a.b.c'] split on dots.
  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t b = 0;
    for (size_t e; (e = s.find('.', b)) != std::string::npos; b = e + 1)
      out.push_back(s.substr(b, e - b));
    out.push_back(s.substr(b));
    return out;
  }

  void checkOne(const Reference& r, Location at, const Stage& stage, const Job* job) {
    if (r.parts.empty()) return;
    // In a job: dependencies.<job> (same stage), stageDependencies.<stage>.<job>.
    // In a stage: dependencies.<stage>, stageDependencies.<stage>.<job>?
    const Stage* targetStage = nullptr;
    const Job* targetJob = nullptr;
    std::vector<std::string> rest = r.output.empty() ? std::vector<std::string>{} : split(r.output);
    if (job && !r.stageDependencies) {
      targetJob = findJob(stage, r.parts[0]);
      if (!targetJob) return unknownJob(r.parts[0], stage, at);
      requireDependency(*job, r.parts[0], at);
      if (r.output.empty() || rest.size() != 2) return;
      checkOutput(*targetJob, rest[0], rest[1], at);
      return;
    }
    targetStage = findStage(p_, r.parts[0]);
    if (!targetStage) {
      if (p_.isTemplate || p_.templatedStages) return;
      std::vector<std::string> names;
      for (const auto& s : p_.stages)
        if (!nameOf(s.name).empty()) names.push_back(nameOf(s.name));
      diags_.error(at, "output-reference", "no stage is named '" + r.parts[0] + "'",
                   didYouMean(r.parts[0], names));
      return;
    }
    // The job: stageDependencies.S.J.outputs['step.var'] or
    // (dependencies|stageDependencies).S.outputs['J.step.var'].
    std::string jobName = r.parts.size() > 1 ? r.parts[1] : "";
    if (jobName.empty() && rest.size() == 3) {
      jobName = rest[0];
      rest.erase(rest.begin());
    }
    if (jobName.empty()) return;
    targetJob = findJob(*targetStage, jobName);
    if (!targetJob) return unknownJob(jobName, *targetStage, at);
    if (r.output.empty() || rest.size() != 2) return;
    checkOutput(*targetJob, rest[0], rest[1], at);
  }

  void unknownJob(const std::string& name, const Stage& stage, Location at) {
    if (p_.isTemplate || stage.templatedJobs) return;
    std::string where = nameOf(stage.name).empty() ? "" : " in stage '" + nameOf(stage.name) + "'";
    diags_.error(at, "output-reference", "no job is named '" + name + "'" + where,
                 didYouMean(name, jobNames(stage)));
  }

  // dependencies.<job> is only filled for the jobs this one depends on.
  void requireDependency(const Job& job, const std::string& name, Location at) {
    for (const yaml::Node* d : dependsOnNames(job.dependsOn))
      if (computed(d->value) || equalsIgnoreCase(d->value, name)) return;
    diags_.error(at, "output-reference",
                 "job '" + nameOf(job.name) + "' reads dependencies." + name +
                     " but does not depend on '" + name + "': the value is always empty",
                 "add '" + name + "' to its dependsOn");
  }

  const Pipeline& p_;
  Diagnostics& diags_;
};

void forEachScalar(const yaml::Node* n, const std::function<void(const yaml::Node&)>& visit) {
  if (!n) return;
  if (n->isScalar()) visit(*n);
  for (const auto& i : n->items)
    forEachScalar(&i, visit);
  for (const auto& e : n->entries)
    forEachScalar(&e.value, visit);
}

// What Build.Reason can be (learn.microsoft.com, "Predefined variables").
const std::vector<std::string>& buildReasons() {
  static const std::vector<std::string> reasons = {
      "Manual",           "IndividualCI", "BatchedCI",       "Schedule",       "ValidationBuild",
      "CheckInShelveset", "PullRequest",  "BuildCompletion", "ResourceTrigger"};
  return reasons;
}

// eq(variables['Build.SourceBranch'], 'main'): the branch variable holds a
// full ref (refs/heads/main), so the comparison is never true. Also a
// Build.Reason that Azure never sets.
void checkComparisons(const yaml::Node& cond, Diagnostics& diags) {
  const std::string& v = cond.value;
  expr::ScalarMap map(cond);
  for (std::string_view var : {"Build.SourceBranch", "Build.Reason"}) {
    for (size_t at = 0; (at = v.find(var, at)) != std::string::npos; at += var.size()) {
      size_t end = at + var.size();
      // Build.SourceBranchName is another variable.
      if (end < v.size() && isAsciiAlnum(v[end])) continue;
      // eq(<ref>, '<text>') with the ref first: the literal after the comma.
      size_t eq = v.rfind("eq(", at);
      if (eq == std::string::npos || v.find(')', eq) < at) continue;
      if (eq > 0 && isAsciiAlnum(v[eq - 1])) continue;  // ne(, not eq(
      size_t comma = v.find(',', end);
      if (comma == std::string::npos) continue;
      size_t q = v.find_first_not_of(" \t\r\n", comma + 1);
      if (q == std::string::npos || v[q] != '\'') continue;
      size_t close = v.find('\'', q + 1);
      if (close == std::string::npos) continue;
      std::string lit = v.substr(q + 1, close - q - 1);
      if (computed(lit)) continue;
      Location where = map.location(q, close + 1 - q);
      if (var == "Build.SourceBranch" && !lit.starts_with("refs/")) {
        diags.error(where, "constant-condition",
                    "Build.SourceBranch is a full ref such as 'refs/heads/" + lit + "', never '" +
                        lit + "': this comparison is never true",
                    "compare with 'refs/heads/" + lit + "', or use Build.SourceBranchName");
      } else if (var == "Build.Reason") {
        bool known = false;
        for (const auto& r : buildReasons())
          known = known || equalsIgnoreCase(r, lit);
        if (!known)
          diags.error(where, "constant-condition",
                      "Build.Reason is never '" + lit + "': this comparison is never true",
                      didYouMean(lit, buildReasons()));
      }
    }
  }
}

// A condition with no named values and no status functions is a constant:
// false means the stage, job or step never runs.
void checkConstant(const yaml::Node& cond, Diagnostics& diags) {
  if (!cond.isScalar() || computed(cond.value)) return;
  expr::Expression e;
  expr::ExprError err;
  if (!expr::azure::parse(cond.value, &e, &err)) return;  // expressions.cpp reports it
  bool dynamic = false;
  std::function<void(const expr::Node&)> scan = [&](const expr::Node& n) {
    if (n.kind == expr::NodeKind::Context) dynamic = true;
    if (n.kind == expr::NodeKind::Call) {
      std::string f = lowerCase(n.name);
      if (f == "succeeded" || f == "failed" || f == "always" || f == "canceled" ||
          f == "succeededorfailed" || f == "counter")
        dynamic = true;
    }
    for (const expr::Node* a : n.args)
      scan(*a);
  };
  scan(*e.root);
  if (dynamic) return;
  expr::azure::Host host;
  expr::azure::Result r = expr::azure::evaluate(cond.value, expr::Value::object({}), host);
  if (!r.ok || expr::truthy(r.value)) return;
  diags.error(cond.where, "constant-condition",
              "this condition is always false: what it guards never runs");
}

void checkCondition(const yaml::Node* cond, Diagnostics& diags) {
  if (!cond || !cond->isScalar()) return;
  checkComparisons(*cond, diags);
  checkConstant(*cond, diags);
}

}  // namespace

void checkReferences(const Pipeline& p, Diagnostics& diags) {
  std::vector<Stage> named;
  for (const auto& s : p.stages)
    if (s.node) named.push_back(s);
  if (!named.empty()) checkDependsOn(named, "stage", p.isTemplate || p.templatedStages, diags);
  RefChecker refs(p, diags);
  for (const auto& s : p.stages) {
    checkDependsOn(s.jobs, "job", p.isTemplate || s.templatedJobs, diags);
    checkCondition(s.condition, diags);
    forEachScalar(s.condition, [&](const yaml::Node& n) { refs.check(n, s, nullptr); });
    forEachScalar(s.variables, [&](const yaml::Node& n) { refs.check(n, s, nullptr); });
    for (const auto& j : s.jobs) {
      checkCondition(j.condition, diags);
      forEachScalar(j.condition, [&](const yaml::Node& n) { refs.check(n, s, &j); });
      forEachScalar(j.variables, [&](const yaml::Node& n) { refs.check(n, s, &j); });
      for (const auto& st : j.steps)
        checkCondition(st.node->find("condition"), diags);
    }
  }
}

}  // namespace galley::lint::azure
