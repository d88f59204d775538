// An Azure pipeline as the scheduler runs it. The scheduler knows jobs with
// needs (runtime/scheduler.h); an Azure pipeline has stages of jobs. Each
// Azure job becomes one scheduler job whose needs are its dependsOn inside
// its stage plus every job of the stages its stage depends on, so that a
// stage starts when the stages before it have ended. Matrix and parallel
// legs become the scheduler's matrix legs (one `leg` value each). Stage and
// job conditions are decided here, with Azure's semantics (research/
// runner.md §5.3), through the scheduler's JobGate seam.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "compiler/workflow.h"
#include "runtime/azure/pipeline.h"
#include "runtime/scheduler.h"

namespace galley::run::azure {

// Azure's name for a result: Succeeded, Failed, Canceled, Skipped.
const char* azureResult(Result r);

// The reason of a job (and the start of a step's annotation) that
// succeeded with issues: Azure's SucceededWithIssues, which the shared
// Result has no value for (research/runner.md §5.3).
inline constexpr const char* kWithIssues = "succeeded with issues";

// Decides a condition: "" is succeeded(). status(names) of the host answers
// succeeded()/failed()/...; contexts holds variables, dependencies, ...
// False with *err (the expression's message) when it cannot be evaluated.
class StatusSource;
bool decide(const std::string& condition, const expr::Value& contexts, const StatusSource& status,
            bool* go, std::string* err);

// The aggregate status of named dependencies (all when names is empty).
class StatusSource {
 public:
  virtual ~StatusSource() = default;
  virtual std::string status(const std::vector<std::string>& names) const = 0;
};

class Scheduled {
 public:
  // pipeline must outlive this object.
  explicit Scheduled(const Pipeline& pipeline);

  // The GitHub-shaped workflow the scheduler plans (job ids `stage.job`,
  // or `job` alone when the pipeline has no stages).
  const wf::Workflow& workflow() const { return workflow_; }
  const Pipeline& pipeline() const { return pipeline_; }

  struct Ref {
    const Stage* stage = nullptr;
    const Job* job = nullptr;
  };
  // The Azure job of a scheduler job id, or {} when unknown.
  Ref find(std::string_view id) const;

  // The gate the scheduler calls; queue holds queue-time variables (--var),
  // seen by conditions under the pipeline's own. A job with a runtime
  // matrix (`matrix: $[ ]`) has it resolved here, once the gate lets the
  // job run: its legs replace the job's strategy in workflow(), which the
  // scheduler reads after the gate (runtime/scheduler.h). A value that is
  // not a JSON object of legs fails the job at the matrix; no legs skip it.
  JobGate gate(std::vector<std::pair<std::string, std::string>> queue);

  // The variables of a job's leg: a static matrix's, or those its runtime
  // matrix resolved to. Empty for an unknown leg. Thread-safe.
  std::vector<Variable> legVariables(std::string_view id, const std::string& leg) const;

  // What job runners tell the gate, which the scheduler's results cannot
  // carry. Thread-safe.
  // A leg of job `id` succeeded with issues (task.complete, continueOnError):
  // `dependencies.J.result` and the stage's result read SucceededWithIssues.
  void noteIssues(std::string_view id) const;
  bool anyWithIssues() const;
  // A secret output (`isOutput=true;issecret=true`): its result carries it
  // masked (so does the run store); later jobs see the value through here.
  void keepSecretOutput(std::string_view id, const std::string& key,
                        const std::string& value) const;

  // What a job that the gate let run sees of the jobs before it:
  // {"dependencies": {J: {result, outputs}}, "stageDependencies": {S: {J:
  // {result, outputs}}}, "stage": {S: {result, outputs: {'J.step.var'}}}}
  // ("stage": the `dependencies` its stage's variables see). Empty objects
  // for a job not decided yet.
  expr::Value dependencyContexts(std::string_view id) const;

 private:
  struct StageDecision {
    bool decided = false, go = false;
    std::string why;
    expr::Value dependencies;  // the stages it depends on, as its condition saw them
  };
  bool decideJob(size_t i, const std::vector<const JobResult*>& results, bool cancelled, bool* go,
                 std::string* why, EvalError* err);
  bool resolveMatrix(size_t i, const expr::Value& contexts, bool* go, std::string* why,
                     EvalError* err);
  // Azure's result of job i (SucceededWithIssues included), and its
  // outputs with secret ones in clear.
  std::string resultOf(size_t i, const JobResult* r) const;
  std::map<std::string, std::string> outputsOf(size_t i, const JobResult* r) const;
  expr::Value resultObject(size_t i, const JobResult* r) const;
  bool decideStage(size_t stage, const std::vector<const JobResult*>& results, bool cancelled,
                   EvalError* err);

  const Pipeline& pipeline_;
  wf::Workflow workflow_;
  std::vector<Ref> refs_;        // by workflow job index
  std::vector<size_t> stageOf_;  // by workflow job index
  std::vector<std::pair<std::string, std::string>> queue_;
  std::vector<StageDecision> stages_;
  mutable std::mutex mu_;
  std::map<std::string, expr::Value, std::less<>> contexts_;
  std::map<size_t, std::vector<std::pair<std::string, std::vector<Variable>>>> runtimeLegs_;
  mutable std::set<std::string, std::less<>> withIssues_;
  mutable std::map<std::string, std::map<std::string, std::string>, std::less<>> secretOutputs_;
};

}  // namespace galley::run::azure
