#include "runtime/azure/plan.h"

#include <algorithm>
#include <functional>
#include <set>

#include "compiler/expr/azure.h"
#include "runtime/evaluate.h"
#include "runtime/matrix.h"

namespace galley::run::azure {

const char* azureResult(Result r) {
  switch (r) {
    case Result::Success:
      return "Succeeded";
    case Result::Failure:
      return "Failed";
    case Result::Cancelled:
      return "Canceled";
    case Result::Skipped:
      return "Skipped";
  }
  return "Skipped";
}

namespace {

class HostOf final : public expr::azure::Host {
 public:
  explicit HostOf(const StatusSource& s) : s_(s) {}
  std::string status(const std::vector<std::string>& names) const override {
    return s_.status(names);
  }

 private:
  const StatusSource& s_;
};

// The aggregate of several results, as succeeded()/failed() read them: a
// failure anywhere is Failed, then a cancellation, then a skip, then a
// success with issues (which succeeded() accepts).
std::string aggregate(const std::vector<std::string>& results, bool cancelled) {
  if (cancelled) return "Canceled";
  for (const char* worst : {"Failed", "Canceled", "Skipped", "SucceededWithIssues"})
    for (const auto& r : results)
      if (r == worst) return worst;
  return "Succeeded";
}

// A stage's own result: a stage that ran jobs and failed none, but skipped
// some, succeeded (with issues when one of its jobs did).
std::string stageResult(const std::vector<std::string>& results) {
  std::string r = results.empty() ? "Skipped" : aggregate(results, false);
  if (r != "Skipped") return r;
  bool issues = std::find(results.begin(), results.end(), "SucceededWithIssues") != results.end();
  bool ran = issues || std::find(results.begin(), results.end(), "Succeeded") != results.end();
  return !ran ? "Skipped" : issues ? "SucceededWithIssues" : "Succeeded";
}

// Status over named dependencies, all of `all` (direct and indirect) when
// no names are given.
class MapStatus final : public StatusSource {
 public:
  MapStatus(std::map<std::string, std::string> results, std::vector<std::string> all,
            bool cancelled)
      : results_(std::move(results)), all_(std::move(all)), cancelled_(cancelled) {}
  std::string status(const std::vector<std::string>& names) const override {
    std::vector<std::string> rs;
    for (const auto& n : names.empty() ? all_ : names) {
      auto it = results_.find(n);
      rs.push_back(it == results_.end() ? "Skipped" : it->second);
    }
    return aggregate(rs, cancelled_);
  }

 private:
  std::map<std::string, std::string> results_;
  std::vector<std::string> all_;
  bool cancelled_;
};

yaml::Node scalar(std::string value, yaml::Style style = yaml::Style::Plain) {
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.style = style;
  n.value = std::move(value);
  return n;
}

yaml::Node mapping(std::vector<std::pair<std::string, yaml::Node>> entries) {
  yaml::Node n;
  n.kind = yaml::Kind::Mapping;
  for (auto& [k, v] : entries) {
    yaml::Entry e;
    e.key = scalar(k);
    e.value = std::move(v);
    n.entries.push_back(std::move(e));
  }
  return n;
}

using Legs = std::vector<std::pair<std::string, std::vector<Variable>>>;

// The legs as a GitHub-shaped strategy: {matrix: {include: [{leg: NAME}]}}.
yaml::Node strategyOf(const Job& j, const Legs& legs) {
  yaml::Node include;
  include.kind = yaml::Kind::Sequence;
  for (const auto& [name, vars] : legs)
    include.items.push_back(mapping({{"leg", scalar(name, yaml::Style::DoubleQuoted)}}));
  std::vector<std::pair<std::string, yaml::Node>> s;
  s.emplace_back("matrix", mapping({{"include", std::move(include)}}));
  s.emplace_back("fail-fast", scalar("false"));  // Azure legs never cancel one another
  if (j.maxParallel > 0) s.emplace_back("max-parallel", scalar(std::to_string(j.maxParallel)));
  yaml::Node n = mapping(std::move(s));
  n.where = j.where;
  return n;
}

// A runtime matrix until the gate resolves it. The plan defers a matrix
// that reads `needs` to the job's start (runtime/plan.cpp), so that no leg
// is queued before its name is known; this one is never evaluated.
yaml::Node deferredStrategy(const Job& j) {
  yaml::Node matrix = scalar("${{ needs }}");
  matrix.where = j.runtimeMatrixWhere;
  yaml::Node n = mapping({{"matrix", std::move(matrix)}});
  n.where = j.where;
  return n;
}

// Azure reads a runtime matrix with Json.NET, which also takes
// 'single-quoted' strings (Microsoft's own example writes legs so): they
// become JSON strings before parsing.
std::string doubleQuoted(std::string_view in) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (!quote) {
      if (c == '\'' || c == '"') quote = c;
      out += c == '\'' ? '"' : c;
    } else if (c == '\\' && i + 1 < in.size()) {
      char next = in[++i];
      if (quote == '\'' && next == '\'') {
        out += next;
      } else {
        out += c;
        out += next;
      }
    } else if (c == quote) {
      out += '"';
      quote = 0;
    } else {
      out += quote == '\'' && c == '"' ? std::string("\\\"") : std::string(1, c);
    }
  }
  return out;
}

// The legs of a runtime matrix's value: a JSON object (or its text) of leg
// names to objects of variables, as Azure reads it.
bool legsOf(const expr::Value& v, const Location& where, Legs* out, std::string* err) {
  nlohmann::ordered_json json;
  if (v.kind() == expr::Kind::String) {
    try {
      json = nlohmann::ordered_json::parse(doubleQuoted(v.asString()));
    } catch (const nlohmann::json::exception&) {
      *err = "the matrix's value is not JSON: '" + v.asString().substr(0, 200) + "'";
      return false;
    }
  } else {
    json = expr::toJsonValue(v);
  }
  if (!json.is_object()) {
    *err = "the matrix's value must be a JSON object of leg names to variables, not " +
           std::string(json.type_name());
    return false;
  }
  if (json.size() > kMaxMatrixLegs) {
    *err = "the matrix has " + std::to_string(json.size()) + " legs; at most " +
           std::to_string(kMaxMatrixLegs) + " run";
    return false;
  }
  for (const auto& [leg, vars] : json.items()) {
    if (!vars.is_object()) {
      *err = "matrix leg '" + leg + "' must be an object of variables, not " +
             std::string(vars.type_name());
      return false;
    }
    std::vector<Variable> vs;
    for (const auto& [name, value] : vars.items()) {
      if (value.is_structured()) {
        *err = "variable '" + name + "' of matrix leg '" + leg + "' must be a string";
        return false;
      }
      std::string text = value.is_string() ? value.get<std::string>()
                         : value.is_null() ? ""
                                           : value.dump();
      vs.push_back({name, text, false, where});
    }
    out->emplace_back(leg, std::move(vs));
  }
  return true;
}

expr::Value str(std::string s) {
  return expr::Value::string(std::move(s));
}

}  // namespace

bool decide(const std::string& condition, const expr::Value& contexts, const StatusSource& status,
            bool* go, std::string* err) {
  HostOf host(status);
  auto r = expr::azure::evaluate(condition.empty() ? "succeeded()" : condition, contexts, host);
  if (!r.ok) {
    *err = r.error;
    return false;
  }
  *go = expr::truthy(r.value);
  return true;
}

Scheduled::Scheduled(const Pipeline& pipeline) : pipeline_(pipeline) {
  workflow_.file = pipeline.file;
  // `name:` is the run number's format (runtime/azure/build_number.h), not
  // the pipeline's name: the run is named after its file.
  for (size_t si = 0; si < pipeline.stages.size(); ++si) {
    const Stage& s = pipeline.stages[si];
    auto id = [&](const Job& j) { return pipeline.implicitStage ? j.name : s.name + "." + j.name; };
    for (const Job& j : s.jobs) {
      wf::Job w;
      w.id = id(j);
      w.where = j.where;
      w.name = scalar(j.displayName.empty() ? w.id : j.displayName);
      for (const auto& d : j.dependsOn)
        w.needs.push_back({pipeline.implicitStage ? d : s.name + "." + d, j.where});
      for (const auto& dep : s.dependsOn)
        for (const Stage& other : pipeline.stages)
          if (other.name == dep)
            for (const Job& oj : other.jobs)
              w.needs.push_back({other.name + "." + oj.name, s.where});
      w.condition = {j.condition, j.conditionWhere};
      if (!j.runtimeMatrix.empty()) {
        w.strategy = deferredStrategy(j);
      } else if (!j.legs.empty()) {
        w.strategy = strategyOf(j, j.legs);
      }
      workflow_.jobs.push_back(std::move(w));
      refs_.push_back({&s, &j});
      stageOf_.push_back(si);
    }
  }
  stages_.resize(pipeline.stages.size());
}

Scheduled::Ref Scheduled::find(std::string_view id) const {
  for (size_t i = 0; i < workflow_.jobs.size(); ++i)
    if (workflow_.jobs[i].id == id) return refs_[i];
  return {};
}

JobGate Scheduled::gate(std::vector<std::pair<std::string, std::string>> queue) {
  queue_ = std::move(queue);
  return [this](size_t job, const std::vector<const JobResult*>& results, bool cancelled, bool* go,
                std::string* why,
                EvalError* err) { return decideJob(job, results, cancelled, go, why, err); };
}

expr::Value Scheduled::dependencyContexts(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = contexts_.find(id);
  if (it != contexts_.end()) return it->second;
  expr::Object o;
  o.add("dependencies", expr::Value::object({}));
  o.add("stageDependencies", expr::Value::object({}));
  o.add("stage", expr::Value::object({}));
  return expr::Value::object(std::move(o));
}

namespace {

// Names reachable through deps from start (not start itself), in order.
std::vector<std::string> reachable(
    const std::vector<std::string>& start,
    const std::function<const std::vector<std::string>*(const std::string&)>& deps) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::function<void(const std::string&)> walk = [&](const std::string& n) {
    if (!seen.insert(n).second) return;
    out.push_back(n);
    if (const auto* d = deps(n))
      for (const auto& x : *d)
        walk(x);
  };
  for (const auto& s : start)
    walk(s);
  return out;
}

expr::Value variablesObject(const std::vector<std::pair<std::string, std::string>>& queue,
                            std::initializer_list<const std::vector<Variable>*> layers) {
  // Later layers win; Object keeps the first key, so add the last first.
  std::vector<std::pair<std::string, std::string>> all = queue;
  for (const auto* layer : layers)
    for (const auto& v : *layer)
      all.emplace_back(v.name, v.value);
  expr::Object o;
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    o.add(it->first, str(it->second));
  return expr::Value::object(std::move(o));
}

}  // namespace

bool Scheduled::decideStage(size_t si, const std::vector<const JobResult*>& results, bool cancelled,
                            EvalError* err) {
  StageDecision& d = stages_[si];
  if (d.decided) return true;
  const Stage& s = pipeline_.stages[si];
  auto stageIndex = [&](const std::string& name) -> const Stage* {
    for (const Stage& x : pipeline_.stages)
      if (x.name == name) return &x;
    return nullptr;
  };
  std::map<std::string, std::string> stageResults;
  expr::Object deps;
  for (const Stage& other : pipeline_.stages) {
    std::vector<std::string> rs;
    expr::Object outputs;
    for (size_t i = 0; i < refs_.size(); ++i) {
      if (refs_[i].stage != &other) continue;
      rs.push_back(resultOf(i, results[i]));
      for (const auto& [k, v] : outputsOf(i, results[i]))
        outputs.add(refs_[i].job->name + "." + k, str(v));
    }
    std::string result = stageResult(rs);
    stageResults[other.name] = result;
    if (std::find(s.dependsOn.begin(), s.dependsOn.end(), other.name) != s.dependsOn.end()) {
      expr::Object o;
      o.add("result", str(result));
      o.add("outputs", expr::Value::object(std::move(outputs)));
      deps.add(other.name, expr::Value::object(std::move(o)));
    }
  }
  std::vector<std::string> all = reachable(s.dependsOn, [&](const std::string& n) {
    const Stage* x = stageIndex(n);
    return x ? &x->dependsOn : nullptr;
  });
  MapStatus status(stageResults, all, cancelled);
  expr::Value depsV = expr::Value::object(std::move(deps));
  d.dependencies = depsV;
  expr::Object ctx;
  ctx.add("variables", variablesObject(queue_, {&pipeline_.variables, &s.variables}));
  ctx.add("dependencies", depsV);
  std::string e;
  bool go = false;
  if (!decide(s.condition, expr::Value::object(std::move(ctx)), status, &go, &e)) {
    *err = {e, s.conditionWhere};
    return false;
  }
  d.decided = true;
  d.go = go;
  if (!go)
    d.why = "stage '" + s.name + "' did not run: " +
            (!s.condition.empty() ? "its condition is false"
             : cancelled          ? "the run was cancelled"
                                  : "a stage it depends on did not succeed");
  return true;
}

bool Scheduled::decideJob(size_t i, const std::vector<const JobResult*>& results, bool cancelled,
                          bool* go, std::string* why, EvalError* err) {
  size_t si = stageOf_[i];
  if (!decideStage(si, results, cancelled, err)) return false;
  if (!stages_[si].go) {
    *go = false;
    *why = stages_[si].why;
    return true;
  }
  const Stage& s = *refs_[i].stage;
  const Job& j = *refs_[i].job;
  auto indexOf = [&](const std::string& name) -> size_t {
    for (size_t k = 0; k < refs_.size(); ++k)
      if (refs_[k].stage == &s && refs_[k].job->name == name) return k;
    return refs_.size();
  };
  std::map<std::string, std::string> jobResults;
  expr::Object deps;
  for (const Job& other : s.jobs) {
    size_t k = indexOf(other.name);
    const JobResult* r = k < results.size() ? results[k] : nullptr;
    jobResults[other.name] = k < results.size() ? resultOf(k, r) : "Skipped";
    if (std::find(j.dependsOn.begin(), j.dependsOn.end(), other.name) != j.dependsOn.end())
      deps.add(other.name, resultObject(k, r));
  }
  expr::Object stageDeps;
  for (size_t sk = 0; sk < pipeline_.stages.size(); ++sk) {
    const Stage& other = pipeline_.stages[sk];
    if (&other == &s) continue;
    expr::Object jobs;
    bool any = false;
    for (size_t k = 0; k < refs_.size(); ++k)
      if (refs_[k].stage == &other && results[k]) {
        jobs.add(refs_[k].job->name, resultObject(k, results[k]));
        any = true;
      }
    if (any) stageDeps.add(other.name, expr::Value::object(std::move(jobs)));
  }
  std::vector<std::string> all = reachable(j.dependsOn, [&](const std::string& n) {
    for (const Job& x : s.jobs)
      if (x.name == n) return &x.dependsOn;
    return static_cast<const std::vector<std::string>*>(nullptr);
  });
  MapStatus status(jobResults, all, cancelled);
  expr::Value depsV = expr::Value::object(std::move(deps));
  expr::Value stageDepsV = expr::Value::object(std::move(stageDeps));
  expr::Object ctx;
  ctx.add("variables", variablesObject(queue_, {&pipeline_.variables, &s.variables, &j.variables}));
  ctx.add("dependencies", depsV);
  ctx.add("stageDependencies", stageDepsV);
  expr::Value ctxV = expr::Value::object(std::move(ctx));
  std::string e;
  if (!decide(j.condition, ctxV, status, go, &e)) {
    *err = {e, j.conditionWhere};
    return false;
  }
  if (!*go) {
    *why = !j.condition.empty() ? "its condition is false"
           : cancelled          ? "the run was cancelled"
                                : "a job it depends on did not succeed";
    return true;
  }
  if (!j.runtimeMatrix.empty()) {
    if (!resolveMatrix(i, ctxV, go, why, err)) return false;
    if (!*go) return true;
  }
  expr::Object keep;
  keep.add("dependencies", depsV);
  keep.add("stageDependencies", stageDepsV);
  keep.add("stage", stages_[si].dependencies);
  std::lock_guard lock(mu_);
  contexts_[workflow_.jobs[i].id] = expr::Value::object(std::move(keep));
  return true;
}

}  // namespace galley::run::azure

namespace galley::run::azure {

bool Scheduled::resolveMatrix(size_t i, const expr::Value& contexts, bool* go, std::string* why,
                              EvalError* err) {
  const Job& j = *refs_[i].job;
  expr::azure::Host host;
  auto r = expr::azure::evaluateRuntime(j.runtimeMatrix, contexts, host);
  Legs legs;
  std::string e;
  if (!r.ok) e = r.error;
  if (r.ok && !legsOf(r.value, j.runtimeMatrixWhere, &legs, &e)) e += " (" + j.runtimeMatrix + ")";
  if (!e.empty()) {
    *err = {e, j.runtimeMatrixWhere};
    return false;
  }
  if (legs.empty()) {
    *go = false;
    *why = "its runtime matrix has no legs";
    return true;
  }
  workflow_.jobs[i].strategy = strategyOf(j, legs);
  std::lock_guard lock(mu_);
  runtimeLegs_[i] = std::move(legs);
  return true;
}

std::vector<Variable> Scheduled::legVariables(std::string_view id, const std::string& leg) const {
  for (size_t i = 0; i < workflow_.jobs.size(); ++i) {
    if (workflow_.jobs[i].id != id) continue;
    std::lock_guard lock(mu_);
    auto runtime = runtimeLegs_.find(i);
    const Legs& legs = runtime != runtimeLegs_.end() ? runtime->second : refs_[i].job->legs;
    for (const auto& [name, vars] : legs)
      if (name == leg) return vars;
  }
  return {};
}

void Scheduled::noteIssues(std::string_view id) const {
  std::lock_guard lock(mu_);
  withIssues_.emplace(id);
}

bool Scheduled::anyWithIssues() const {
  std::lock_guard lock(mu_);
  return !withIssues_.empty();
}

void Scheduled::keepSecretOutput(std::string_view id, const std::string& key,
                                 const std::string& value) const {
  std::lock_guard lock(mu_);
  secretOutputs_[std::string(id)][key] = value;
}

std::string Scheduled::resultOf(size_t i, const JobResult* r) const {
  if (!r) return "Skipped";
  if (r->result != Result::Success || i >= workflow_.jobs.size()) return azureResult(r->result);
  std::lock_guard lock(mu_);
  return withIssues_.count(workflow_.jobs[i].id) ? "SucceededWithIssues" : "Succeeded";
}

std::map<std::string, std::string> Scheduled::outputsOf(size_t i, const JobResult* r) const {
  if (!r || i >= workflow_.jobs.size())
    return r ? r->outputs : std::map<std::string, std::string>{};
  std::map<std::string, std::string> out = r->outputs;
  std::lock_guard lock(mu_);
  auto it = secretOutputs_.find(workflow_.jobs[i].id);
  if (it != secretOutputs_.end())
    for (const auto& [k, v] : it->second)
      out[k] = v;
  return out;
}

expr::Value Scheduled::resultObject(size_t i, const JobResult* r) const {
  expr::Object o;
  o.add("result", str(resultOf(i, r)));
  expr::Object outputs;
  for (const auto& [k, v] : outputsOf(i, r))
    outputs.add(k, str(v));
  o.add("outputs", expr::Value::object(std::move(outputs)));
  return expr::Value::object(std::move(o));
}

}  // namespace galley::run::azure
