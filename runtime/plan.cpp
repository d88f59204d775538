#include "runtime/plan.h"

#include <functional>
#include <set>

#include "compiler/ascii.h"
#include "compiler/expr/template.h"
#include "compiler/workflow_json.h"
#include "runtime/actions.h"
#include "runtime/evaluate.h"

namespace galley::run {

size_t Plan::index(std::string_view jobId) const {
  for (size_t i = 0; i < jobs.size(); ++i)
    if (jobs[i].job->id == jobId) return i;
  return std::string::npos;
}

namespace {

bool mentionsNeeds(const yaml::Node& n) {
  if (n.isScalar()) return n.value.find("needs") != std::string::npos;
  for (const auto& item : n.items)
    if (mentionsNeeds(item)) return true;
  for (const auto& e : n.entries)
    if (mentionsNeeds(e.value)) return true;
  return false;
}

void checkUses(const wf::Step& step, const PlanOptions& options, Diagnostics& diags) {
  if (step.uses.value.empty()) return;
  switch (actionKind(step.uses.value)) {
    case ActionKind::Docker:
      diags.error(step.uses.where, "unsupported",
                  "Docker actions cannot run: galley runs steps on the host, without Docker");
      return;
    case ActionKind::Remote: {
      std::string spec = step.uses.value;
      if (options.actionDirs.count(spec)) return;
      diags.error(step.uses.where, "unsupported",
                  "remote action '" + spec + "' is not built in and has no local clone",
                  "clone it and pass --action-dir " + spec + "=PATH");
      return;
    }
    default:
      return;
  }
}

}  // namespace

bool makePlan(const wf::Workflow& workflow, const PlanOptions& options, Plan* plan,
              Diagnostics& diags) {
  plan->workflow = &workflow;
  plan->jobs.clear();
  for (const auto& job : workflow.jobs) {
    PlannedJob pj;
    pj.job = &job;
    plan->jobs.push_back(std::move(pj));
  }
  size_t errors = diags.errorCount();

  for (auto& pj : plan->jobs)
    for (const auto& need : pj.job->needs) {
      size_t i = plan->index(need.value);
      if (i != std::string::npos) pj.needs.push_back(i);
    }

  // Waves: readWorkflow has rejected cycles, so a depth-first walk ends.
  std::vector<int> depth(plan->jobs.size(), -1);
  std::function<int(size_t)> waveOf = [&](size_t i) -> int {
    if (depth[i] >= 0) return depth[i];
    depth[i] = 0;
    int w = 0;
    for (size_t n : plan->jobs[i].needs)
      w = std::max(w, waveOf(n) + 1);
    return depth[i] = w;
  };
  for (size_t i = 0; i < plan->jobs.size(); ++i)
    plan->jobs[i].wave = waveOf(i);

  if (!options.jobs.empty()) {
    for (auto& pj : plan->jobs)
      pj.selected = false;
    std::function<void(size_t)> select = [&](size_t i) {
      if (plan->jobs[i].selected) return;
      plan->jobs[i].selected = true;
      for (size_t n : plan->jobs[i].needs)
        select(n);
    };
    std::vector<std::string> ids;
    for (const auto& job : workflow.jobs)
      ids.push_back(job.id);
    for (const auto& id : options.jobs) {
      size_t i = plan->index(id);
      if (i == std::string::npos) {
        diags.error(Location{workflow.file, {1, 1}, {1, 1}}, "unknown-job",
                    "--job '" + id + "' names no job of this workflow", didYouMean(id, ids));
        continue;
      }
      select(i);
    }
  }

  for (auto& pj : plan->jobs) {
    if (!pj.selected) continue;
    const wf::Job& job = *pj.job;
    if (job.container)
      diags.error(job.container->where, "unsupported",
                  "container jobs cannot run: galley runs jobs on the host, without Docker");
    if (job.services)
      diags.error(job.services->where, "unsupported",
                  "service containers cannot run: galley runs jobs on the host, without Docker");
    if (job.callsWorkflow() && !job.uses.value.starts_with("./"))
      diags.error(job.uses.where, "unsupported",
                  "remote reusable workflow '" + job.uses.value + "' cannot be fetched offline",
                  "copy it into .github/workflows/ and call it as ./.github/workflows/NAME.yml");
    for (const auto& step : job.steps)
      checkUses(step, options, diags);
    if (job.strategy && job.strategy->isMapping()) {
      const yaml::Node* matrix = job.strategy->find("matrix");
      if (matrix && mentionsNeeds(*matrix)) {
        pj.dynamicMatrix = true;
      } else if (matrix) {
        // A static matrix may still read github, inputs or vars: the plan
        // evaluates it with no contexts and leaves a failure to the run.
        expr::EvalHost host;
        expr::Value value;
        EvalError err;
        std::string why;
        if (evaluate(*matrix, makeContexts({}), host, &value, &err) &&
            expandMatrix(value, &pj.legs, &why))
          std::erase_if(pj.legs,
                        [&](const MatrixLeg& l) { return !legSelected(l, options.matrix); });
      }
    }
  }
  return diags.errorCount() == errors;
}

bool runsHere(const std::vector<std::string>& labels, const PlanOptions& options,
              std::string* reason) {
  for (const auto& label : labels) {
    if (options.platforms.count(label)) continue;
    std::string l = lowerCase(label);
#ifdef __APPLE__
    bool other = l.starts_with("windows") || l.starts_with("ubuntu");
#else
    bool other = l.starts_with("windows") || l.starts_with("macos") || l == "macos";
#endif
    if (other) {
      *reason = "runs on '" + label + "', another OS than this host's (--platform " + label +
                "=host runs it here)";
      return false;
    }
  }
  return true;
}

nlohmann::ordered_json planJson(const Plan& plan, const PlanOptions& options, bool withWorkflow) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["file"] = plan.workflow->file ? plan.workflow->file->path() : "";
  j["jobs"] = ordered_json::array();
  for (const auto& pj : plan.jobs) {
    ordered_json job;
    job["id"] = pj.job->id;
    job["wave"] = pj.wave;
    job["needs"] = ordered_json::array();
    for (const auto& n : pj.job->needs)
      job["needs"].push_back(n.value);
    job["selected"] = pj.selected;
    if (pj.dynamicMatrix) job["matrix"] = "resolved when the job is ready";
    if (!pj.legs.empty()) {
      ordered_json legs = ordered_json::array();
      for (const auto& leg : pj.legs) {
        ordered_json l = ordered_json::object();
        for (const auto& [k, v] : leg.values)
          l[k] = asText(v);
        legs.push_back(std::move(l));
      }
      job["legs"] = std::move(legs);
    }
    if (pj.job->callsWorkflow()) job["uses"] = pj.job->uses.value;
    if (!pj.job->condition.value.empty()) job["if"] = pj.job->condition.value;
    std::string why;
    if (!pj.selected)
      job["skipped"] = "not selected by --job";
    else if (pj.job->runsOn && pj.job->runsOn->isScalar() &&
             !expr::hasExpression(pj.job->runsOn->value) &&
             !runsHere({pj.job->runsOn->value}, options, &why))
      job["skipped"] = why;
    j["jobs"].push_back(std::move(job));
  }
  if (withWorkflow) j["workflow"] = wf::toReaderJson(*plan.workflow);
  return j;
}

}  // namespace galley::run
