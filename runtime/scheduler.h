// Runs a plan: each job when its needs have finished, its `if:` decided
// with their results, its matrix expanded (reading their outputs if it
// does), its legs in parallel up to the run's and the job's limits, with
// fail-fast; and calls of local reusable workflows as nested runs.
//
// The scheduler does no process work itself: a JobRunner runs each leg, so
// tests drive the scheduler with a fake runner.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "compiler/expr/value.h"
#include "compiler/process.h"
#include "runtime/concurrency.h"
#include "runtime/evaluate.h"
#include "runtime/events.h"
#include "runtime/plan.h"

namespace galley::run {

// Everything one job instance needs to run, evaluated by the scheduler.
struct JobRun {
  const wf::Workflow* workflow = nullptr;
  const wf::Job* job = nullptr;
  JobInfo info;
  // The contexts a job starts with: github, vars, secrets, inputs, matrix,
  // strategy, needs (env, job, runner and steps are the runner's).
  std::map<std::string, expr::Value> contexts;
  std::vector<std::pair<std::string, std::string>> secrets;  // to mask and expose
  // Cancels this leg only (fail-fast, the run's cancellation reaches it too).
  const proc::CancelToken* cancel = nullptr;
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // Runs one job instance to its end, reporting its steps. Thread-safe:
  // legs run on several threads at once.
  virtual JobResult run(const JobRun& job) = 0;
};

// Reads a local reusable workflow (`uses: ./.github/workflows/x.yml`),
// reporting problems at `where`. Returns nullptr when it cannot be read.
using WorkflowLoader =
    std::function<const wf::Workflow*(const std::string& uses, Location where, std::string* err)>;

// A dialect's own decision whether a job runs, taken instead of the job's
// GitHub `if:` (Azure Pipelines' stage and job conditions). results holds
// the result of each job of the plan by index, nullptr for those not
// finished; cancelled: the run is being cancelled. Returns false with *err
// when the condition cannot be decided (the job fails); else sets *go, and
// *why when the job does not run. Called with the scheduler's lock held,
// one job at a time.
using JobGate = std::function<bool(size_t job, const std::vector<const JobResult*>& results,
                                   bool cancelled, bool* go, std::string* why, EvalError* err)>;

struct SchedulerOptions {
  int parallel = 1;  // -j: legs running at once, over the whole run
  PlanOptions plan;
  WorkflowLoader loadWorkflow;
  // The contexts every job of the top workflow starts with: github, vars,
  // secrets, inputs.
  std::map<std::string, expr::Value> contexts;
  std::vector<std::pair<std::string, std::string>> secrets;
  // rerun --failed: results of jobs to reuse instead of running them, by key.
  std::map<std::string, JobResult> reuse;
  // Where job-level `concurrency:` groups are kept (none: not enforced),
  // this run's id (to name it to the claims it makes wait), and where to
  // say that a job waits for its group.
  const GroupRegistry* groups = nullptr;
  std::string runId;
  std::function<void(const std::string&)> notice;
  // Empty: GitHub's `if:` with its status functions.
  JobGate gate;
  // The `uses:` of the calls this plan runs inside, outermost first.
  std::vector<std::string> calls;
};

struct WorkflowResult {
  Result result = Result::Success;
  // Each job's result and outputs, by job id (for `needs` and `jobs`).
  std::map<std::string, JobResult> jobs;
};

// Runs plan to its end. cancel is the run's (Ctrl-C): jobs not started
// then are decided again with cancelled(), running legs are cancelled.
WorkflowResult runPlan(const Plan& plan, const SchedulerOptions& options, JobRunner& runner,
                       Reporter& events, const proc::CancelToken& cancel,
                       const std::string& keyPrefix = "");

}  // namespace galley::run
