// An Azure pipeline as the scheduler runs it. The scheduler knows jobs with
// needs (runtime/scheduler.h); an Azure pipeline has stages of jobs. Each
// Azure job becomes one scheduler job whose needs are its dependsOn inside
// its stage plus every job of the stages its stage depends on, so that a
// stage starts when the stages before it have ended. Matrix and parallel
// legs become the scheduler's matrix legs (one `leg` value each). Stage and
// job conditions are decided here, with Azure's semantics (research/
// runner.md §5.3), through the scheduler's JobGate seam.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/workflow.h"
#include "runtime/azure/pipeline.h"
#include "runtime/scheduler.h"

namespace galley::run::azure {

// Azure's name for a result: Succeeded, Failed, Canceled, Skipped.
const char* azureResult(Result r);

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
  // seen by conditions under the pipeline's own.
  JobGate gate(std::vector<std::pair<std::string, std::string>> queue);

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
  bool decideStage(size_t stage, const std::vector<const JobResult*>& results, bool cancelled,
                   EvalError* err);

  const Pipeline& pipeline_;
  wf::Workflow workflow_;
  std::deque<yaml::Node> strategies_;  // the legs' matrices, kept for the workflow's jobs
  std::vector<Ref> refs_;              // by workflow job index
  std::vector<size_t> stageOf_;        // by workflow job index
  std::vector<std::pair<std::string, std::string>> queue_;
  std::vector<StageDecision> stages_;
  mutable std::mutex mu_;
  std::map<std::string, expr::Value, std::less<>> contexts_;
};

}  // namespace galley::run::azure
