#include "runtime/azure/pipeline.h"

#include <functional>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/azure.h"
#include "runtime/azure/tasks.h"

namespace galley::run::azure {

const std::string* Step::input(std::string_view key) const {
  for (const auto& [k, v] : inputs)
    if (equalsIgnoreCase(k, key)) return &v;
  return nullptr;
}

namespace {

bool truthy(const yaml::Node& n) {
  return n.isScalar() && equalsIgnoreCase(n.value, "true");
}

std::string trimmed(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

// A scalar's text; YAML collections are not values here.
std::string text(const yaml::Node* n) {
  return n && n->isScalar() ? n->value : "";
}

class Reader {
 public:
  Reader(const SourceFile& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  bool read(const yaml::Node& root, Pipeline* out) {
    out->file = &file_;
    if (!root.isMapping()) {
      diags_.error(root.where, "azure-run", "an Azure pipeline is a mapping");
      return false;
    }
    size_t errors = diags_.errorCount();
    out->name = text(root.find("name"));
    if (const yaml::Node* v = root.find("variables")) variables(*v, &out->variables);
    for (const char* key : {"resources", "extends", "services", "container"})
      if (const yaml::Node* n = root.find(key)) topLevel(key, *n);
    if (const yaml::Node* stages = root.find("stages")) {
      if (!stages->isSequence()) return fail(*stages, "'stages' must be a list");
      for (const auto& s : stages->items)
        stage(s, out);
    } else {
      out->implicitStage = true;
      Stage s;
      s.name = "__default";
      s.where = root.where;
      jobsOf(root, &s);
      out->stages.push_back(std::move(s));
    }
    checkStageGraph(*out);
    return diags_.errorCount() == errors;
  }

 private:
  bool fail(const yaml::Node& n, const std::string& message) {
    diags_.error(n.where, "azure-run", message);
    return false;
  }

  // A condition as written, its syntax checked now: a typo is an error
  // before the run, not a failure halfway through it.
  void condition(const yaml::Node& n, std::string* text, Location* where) {
    *text = n.isScalar() ? n.value : "";
    *where = n.where;
    if (text->empty()) return;
    expr::Expression parsed;
    expr::ExprError err;
    if (!expr::azure::parse(*text, &parsed, &err))
      diags_.error(n.where, "azure-run", "condition: " + err.message);
  }

  void topLevel(const std::string& key, const yaml::Node& n) {
    if (key == "resources") {
      // Repositories were for templates (expanded already); pipelines,
      // builds and packages would trigger or download from the server.
      for (const auto& e : n.entries)
        if (e.key.value != "repositories")
          diags_.error(e.key.where, "unsupported",
                       "resources." + e.key.value +
                           " cannot be used by a local run: they live on the Azure DevOps server");
      return;
    }
    if (key == "extends") {
      fail(n, "'extends' is left in the expanded pipeline: expansion did not take it");
      return;
    }
    diags_.error(n.where, "unsupported",
                 key == "container" ? "container jobs cannot run: galley runs jobs on the host, "
                                      "without Docker"
                                    : "service containers cannot run: galley runs jobs on the "
                                      "host, without Docker");
  }

  void variables(const yaml::Node& n, std::vector<Variable>* out) {
    if (n.isMapping()) {
      for (const auto& e : n.entries)
        out->push_back({e.key.value, text(&e.value), false, e.key.where});
      return;
    }
    if (!n.isSequence()) {
      fail(n, "'variables' must be a mapping or a list");
      return;
    }
    for (const auto& item : n.items) {
      if (const yaml::Node* g = item.find("group")) {
        diags_.error(g->where, "unsupported",
                     "variable group '" + text(g) +
                         "' lives on the Azure DevOps server; a local run cannot read it",
                     "give its variables with --var NAME=VALUE and drop the group");
        continue;
      }
      const yaml::Node* name = item.find("name");
      if (!name) {
        fail(item, "a variable needs 'name' (or 'group')");
        continue;
      }
      const yaml::Node* ro = item.find("readonly");
      out->push_back({name->value, text(item.find("value")), ro && truthy(*ro), name->where});
    }
  }

  static std::vector<std::string> names(const yaml::Node& n) {
    std::vector<std::string> out;
    if (n.isScalar() && !n.value.empty()) out.push_back(n.value);
    for (const auto& item : n.items)
      if (item.isScalar()) out.push_back(item.value);
    return out;
  }

  void stage(const yaml::Node& n, Pipeline* out) {
    if (!n.isMapping()) {
      fail(n, "a stage must be a mapping");
      return;
    }
    if (n.find("template")) {
      fail(n, "a stage template is left in the expanded pipeline");
      return;
    }
    Stage s;
    s.where = n.where;
    s.name = text(n.find("stage"));
    if (s.name.empty()) {
      fail(n, "a stage needs 'stage:' (its name)");
      return;
    }
    s.displayName = text(n.find("displayName"));
    if (const yaml::Node* d = n.find("dependsOn")) {
      s.dependsOn = names(*d);
    } else if (!out->stages.empty()) {
      s.dependsOn.push_back(out->stages.back().name);  // the previous stage
    }
    if (const yaml::Node* c = n.find("condition")) condition(*c, &s.condition, &s.conditionWhere);
    if (const yaml::Node* v = n.find("variables")) variables(*v, &s.variables);
    jobsOf(n, &s);
    for (const auto& other : out->stages)
      if (other.name == s.name)
        diags_.error(s.where, "azure-run", "stage '" + s.name + "' is defined twice");
    out->stages.push_back(std::move(s));
  }

  void jobsOf(const yaml::Node& n, Stage* s) {
    if (const yaml::Node* jobs = n.find("jobs")) {
      if (!jobs->isSequence()) {
        fail(*jobs, "'jobs' must be a list");
        return;
      }
      for (const auto& j : jobs->items)
        job(j, s);
    } else if (const yaml::Node* steps = n.find("steps")) {
      Job j;
      j.name = "Job";
      j.where = steps->where;
      if (const yaml::Node* pool = n.find("pool")) poolOf(*pool, &j);
      stepList(*steps, &j.steps);
      s->jobs.push_back(std::move(j));
    } else {
      fail(n, s->name == "__default" ? "the pipeline has no stages, jobs or steps"
                                     : "stage '" + s->name + "' has no jobs");
      return;
    }
    checkJobGraph(*s);
  }

  void poolOf(const yaml::Node& pool, Job* j) {
    if (pool.isScalar()) j->agentless = equalsIgnoreCase(pool.value, "server");
  }

  void job(const yaml::Node& n, Stage* s) {
    if (!n.isMapping()) {
      fail(n, "a job must be a mapping");
      return;
    }
    if (n.find("template")) {
      fail(n, "a job template is left in the expanded pipeline");
      return;
    }
    Job j;
    j.where = n.where;
    if (const yaml::Node* d = n.find("deployment")) {
      j.deployment = true;
      j.name = text(d);
    } else {
      j.name = text(n.find("job"));
    }
    if (j.name.empty()) {
      fail(n, "a job needs 'job:' or 'deployment:' (its name)");
      return;
    }
    j.displayName = text(n.find("displayName"));
    if (const yaml::Node* d = n.find("dependsOn")) {
      j.dependsOn = names(*d);
      j.dependsOnGiven = true;
    }
    if (const yaml::Node* c = n.find("condition")) condition(*c, &j.condition, &j.conditionWhere);
    if (const yaml::Node* v = n.find("variables")) variables(*v, &j.variables);
    if (const yaml::Node* p = n.find("pool")) poolOf(*p, &j);
    for (const char* key : {"container", "services"})
      if (const yaml::Node* c = n.find(key))
        diags_.error(c->where, "unsupported",
                     std::string(key) == "container"
                         ? "container jobs cannot run: galley runs jobs on the host, without Docker"
                         : "service containers cannot run: galley runs jobs on the host, without "
                           "Docker");
    if (const yaml::Node* t = n.find("timeoutInMinutes")) {
      if (auto v = t->asNumber()) j.timeoutMinutes = *v;
    }
    if (const yaml::Node* c = n.find("continueOnError")) j.continueOnError = truthy(*c);
    const yaml::Node* strategy = n.find("strategy");
    if (j.deployment) {
      deployment(n, strategy, &j);
    } else {
      if (strategy) matrix(*strategy, &j);
      if (const yaml::Node* steps = n.find("steps")) {
        stepList(*steps, &j.steps);
      } else {
        fail(n, "job '" + j.name + "' has no steps");
      }
    }
    for (const auto& other : s->jobs)
      if (other.name == j.name)
        diags_.error(j.where, "azure-run",
                     "job '" + j.name + "' is defined twice in stage '" + s->name + "'");
    s->jobs.push_back(std::move(j));
  }

  void matrix(const yaml::Node& strategy, Job* j) {
    if (const yaml::Node* m = strategy.find("maxParallel"))
      if (auto v = m->asNumber()) j->maxParallel = int(*v);
    if (const yaml::Node* m = strategy.find("matrix")) {
      if (m->isScalar() && trimmed(m->value).starts_with("$[")) {
        runtimeMatrix(*m, j);
        return;
      }
      if (!m->isMapping()) {
        fail(*m,
             "a matrix must be a mapping of leg names to variables, or a runtime expression "
             "$[ ] whose value is one as JSON");
        return;
      }
      for (const auto& leg : m->entries) {
        std::vector<Variable> vars;
        variables(leg.value, &vars);
        j->legs.emplace_back(leg.key.value, std::move(vars));
      }
    } else if (const yaml::Node* p = strategy.find("parallel")) {
      auto n = p->asNumber();
      if (!n || *n < 1 || *n > 99) {
        fail(*p, "'parallel' must be a number from 1 to 99");
        return;
      }
      for (int i = 1; i <= int(*n); ++i)
        j->legs.emplace_back("Job" + std::to_string(i), std::vector<Variable>{});
    }
  }

  // Its syntax is checked now; its value is known when the jobs it reads
  // have run (runtime/azure/plan.cpp resolves it).
  void runtimeMatrix(const yaml::Node& m, Job* j) {
    std::string t = trimmed(m.value);
    if (!t.ends_with("]")) {
      fail(m, "a runtime matrix must be one $[ ] expression, with nothing around it");
      return;
    }
    expr::Expression parsed;
    expr::ExprError err;
    if (!expr::azure::parse(std::string_view(t).substr(2, t.size() - 3), &parsed, &err)) {
      diags_.error(m.where, "azure-run", "matrix: " + err.message);
      return;
    }
    j->runtimeMatrix = t;
    j->runtimeMatrixWhere = m.where;
  }

  void deployment(const yaml::Node& n, const yaml::Node* strategy, Job* j) {
    if (const yaml::Node* env = n.find("environment")) {
      j->environmentWhere = env->where;
      std::string name = env->isMapping() ? text(env->find("name")) : text(env);
      // `env.resource` names a resource of the environment: the approvals
      // are the environment's.
      if (!env->isMapping()) name = name.substr(0, name.find('.'));
      j->environment = name;
    }
    if (!strategy || !strategy->isMapping() || strategy->entries.empty()) {
      fail(n, "deployment '" + j->name + "' needs a strategy (runOnce, rolling or canary)");
      return;
    }
    const auto& e = strategy->entries[0];
    j->strategyName = e.key.value;
    if (j->strategyName == "rolling" || j->strategyName == "canary") {
      j->strategyNote = "strategy " + j->strategyName +
                        " deploys in batches to several targets; a local run has one target, "
                        "so its hooks run once, as runOnce's do";
    } else if (j->strategyName != "runOnce") {
      diags_.error(e.key.where, "azure-run",
                   "unknown deployment strategy '" + j->strategyName + "'",
                   "use runOnce, rolling or canary");
      return;
    }
    for (const char* hook : {"preDeploy", "deploy", "routeTraffic", "postRouteTraffic"})
      if (const yaml::Node* h = e.value.find(hook)) hookOf(*h, hook, j);
    if (const yaml::Node* on = e.value.find("on")) {
      for (const char* which : {"failure", "success"})
        if (const yaml::Node* h = on->find(which)) hookOf(*h, std::string("on.") + which, j);
    }
    if (j->hooks.empty()) fail(e.value, "deployment '" + j->name + "' has no hooks with steps");
  }

  void hookOf(const yaml::Node& h, const std::string& name, Job* j) {
    Hook hook;
    hook.name = name;
    if (const yaml::Node* steps = h.find("steps")) stepList(*steps, &hook.steps);
    j->hooks.push_back(std::move(hook));
  }

  void stepList(const yaml::Node& n, std::vector<Step>* out) {
    if (!n.isSequence()) {
      fail(n, "'steps' must be a list");
      return;
    }
    for (const auto& s : n.items)
      step(s, out);
    std::set<std::string> seen;
    for (const auto& s : *out)
      if (!s.name.empty() && !seen.insert(lowerCase(s.name)).second)
        diags_.error(s.where, "azure-run", "step name '" + s.name + "' is used twice in the job");
  }

  void step(const yaml::Node& n, std::vector<Step>* out) {
    if (!n.isMapping() || n.entries.empty()) {
      fail(n, "a step must be a mapping");
      return;
    }
    Step s;
    s.where = n.where;
    static const std::pair<const char*, StepKind> kinds[] = {
        {"script", StepKind::Script},     {"bash", StepKind::Bash},
        {"pwsh", StepKind::Pwsh},         {"powershell", StepKind::PowerShell},
        {"checkout", StepKind::Checkout}, {"task", StepKind::Task},
        {"publish", StepKind::Publish},   {"download", StepKind::Download}};
    const yaml::Node* body = nullptr;
    for (const auto& [key, kind] : kinds)
      if (const yaml::Node* b = n.find(key)) {
        body = b;
        s.kind = kind;
        break;
      }
    if (!body) {
      const auto& first = n.entries[0];
      if (first.key.value == "template") {
        fail(n, "a step template is left in the expanded pipeline");
      } else if (first.key.value == "downloadBuild" || first.key.value == "getPackage" ||
                 first.key.value == "reviewApp" || first.key.value == "restoreCache") {
        diags_.error(first.key.where, "unsupported",
                     "'" + first.key.value + "' steps cannot run locally yet");
      } else {
        diags_.error(first.key.where, "azure-run", "unknown step '" + first.key.value + "'",
                     didYouMean(first.key.value, {"script", "bash", "pwsh", "powershell",
                                                  "checkout", "task", "publish", "download"}));
      }
      return;
    }
    s.script = text(body);
    s.scriptWhere = body->where;
    if (s.kind == StepKind::Download && s.script != "current" && s.script != "none") {
      diags_.error(body->where, "unsupported",
                   "download of pipeline resource '" + s.script +
                       "' cannot run offline; only 'download: current' and 'download: none'");
      return;
    }
    if (s.kind == StepKind::Task) {
      s.task = s.script;
      s.taskWhere = body->where;
      if (!isBuiltinTask(s.task)) {
        diags_.error(body->where, "unsupported",
                     "task '" + s.task + "' is not built into galley run",
                     "tasks that run: " + quoteList(builtinTasks()));
        return;
      }
    }
    // `checkout: none` stays in the list: it tells the job not to check out.
    if (s.kind == StepKind::Checkout && s.script != "self" && s.script != "none") {
      diags_.error(body->where, "unsupported",
                   "checkout of '" + s.script +
                       "' cannot run offline; only 'checkout: self' and 'checkout: none'");
      return;
    }
    s.name = text(n.find("name"));
    s.displayName = text(n.find("displayName"));
    if (const yaml::Node* c = n.find("condition")) condition(*c, &s.condition, &s.conditionWhere);
    if (const yaml::Node* c = n.find("continueOnError")) s.continueOnError = truthy(*c);
    if (const yaml::Node* e = n.find("enabled")) s.enabled = !e->isScalar() || truthy(*e);
    if (const yaml::Node* t = n.find("timeoutInMinutes"))
      if (auto v = t->asNumber()) s.timeoutMinutes = *v;
    if (const yaml::Node* r = n.find("retryCountOnTaskFailure")) {
      auto v = r->asNumber();
      if (!r->isScalar() || !v || *v < 0 || *v != double(long(*v)) || *v > 1e6)
        diags_.error(r->where, "azure-run",
                     "'retryCountOnTaskFailure' must be a whole number of retries, 0 or more");
      else
        s.retryCountOnTaskFailure = int(*v);
      s.retryWhere = r->where;
    }
    s.workingDirectory = text(n.find("workingDirectory"));
    if (const yaml::Node* f = n.find("failOnStderr")) s.failOnStderr = truthy(*f);
    if (const yaml::Node* e = n.find("errorActionPreference")) s.errorActionPreference = text(e);
    if (const yaml::Node* env = n.find("env"); env && env->isMapping())
      for (const auto& e : env->entries)
        s.env.emplace_back(e.key.value, text(&e.value));
    if (const yaml::Node* in = n.find("inputs"); in && in->isMapping())
      for (const auto& e : in->entries) {
        s.inputs.emplace_back(e.key.value, text(&e.value));
        if (s.kind == StepKind::Task && taskName(s.task) == "azurecli" &&
            equalsIgnoreCase(e.key.value, "scriptType") &&
            equalsIgnoreCase(text(&e.value), "batch"))
          // The agent fails it at the step (no cmd.exe): a local run says so first.
          diags_.error(e.value.where, "unsupported",
                       "AzureCLI@2 with scriptType 'batch' runs a Windows batch file, which a "
                       "Linux agent cannot run",
                       "use scriptType: bash, or pscore (PowerShell, when pwsh is installed)");
      }
    // publish/download shortcuts: their other keys are the task's inputs.
    if (s.kind == StepKind::Publish || s.kind == StepKind::Download)
      for (const auto& e : n.entries)
        if (e.key.value == "artifact" || e.key.value == "patterns" || e.key.value == "path")
          s.inputs.emplace_back(e.key.value, text(&e.value));
    if (n.find("target"))
      diags_.error(n.find("target")->where, "unsupported",
                   "step targets (containers) cannot run: galley runs steps on the host");
    out->push_back(std::move(s));
  }

  // dependsOn names that exist, and no cycles (reported as a path).
  template <class T>
  void checkGraph(const std::vector<T>& items, const char* what,
                  const std::function<const std::vector<std::string>&(const T&)>& deps,
                  const std::function<Location(const T&)>& where) {
    std::vector<std::string> known;
    for (const auto& it : items)
      known.push_back(it.name);
    for (const auto& it : items)
      for (const auto& d : deps(it))
        if (std::find(known.begin(), known.end(), d) == known.end())
          diags_.error(
              where(it), "azure-run",
              std::string(what) + " '" + it.name + "' depends on unknown " + what + " '" + d + "'",
              didYouMean(d, known));
    // Depth-first search for a cycle, state 1 = on the path.
    std::vector<int> state(items.size(), 0);
    std::vector<std::string> path;
    std::function<bool(size_t)> visit = [&](size_t i) -> bool {
      state[i] = 1;
      path.push_back(items[i].name);
      for (const auto& d : deps(items[i])) {
        auto k = std::find(known.begin(), known.end(), d);
        if (k == known.end()) continue;
        size_t j = size_t(k - known.begin());
        if (state[j] == 1) {
          std::string cycle;
          auto start = std::find(path.begin(), path.end(), d);
          for (auto p = start; p != path.end(); ++p)
            cycle += *p + " -> ";
          diags_.error(where(items[i]), "azure-run",
                       std::string(what) + "s depend on each other: " + cycle + d);
          return true;
        }
        if (state[j] == 0 && visit(j)) return true;
      }
      state[i] = 2;
      path.pop_back();
      return false;
    };
    for (size_t i = 0; i < items.size(); ++i)
      if (state[i] == 0 && visit(i)) break;
  }

  void checkJobGraph(const Stage& s) {
    checkGraph<Job>(
        s.jobs, "job", [](const Job& j) -> const std::vector<std::string>& { return j.dependsOn; },
        [](const Job& j) { return j.where; });
  }

  void checkStageGraph(const Pipeline& p) {
    checkGraph<Stage>(
        p.stages, "stage",
        [](const Stage& s) -> const std::vector<std::string>& { return s.dependsOn; },
        [](const Stage& s) { return s.where; });
  }

  const SourceFile& file_;
  Diagnostics& diags_;
};

}  // namespace

bool readPipeline(const yaml::Node& root, const SourceFile& file, Pipeline* out,
                  Diagnostics& diags) {
  Reader r(file, diags);
  return r.read(root, out);
}

}  // namespace galley::run::azure
