// Runs one Azure Pipelines job instance on this host, as the Azure agent
// does (research/runner.md §5): variables layered queue time -> pipeline ->
// stage -> job -> matrix leg, `$[ ]` in them evaluated with the job's
// dependencies, predefined variables (Build.*, System.*, Agent.*,
// Pipeline.Workspace), every non-secret variable in the environment under
// its mangled name, `$( )` macros in scripts, inputs and env, an implicit
// `checkout: self` first in a regular job, step conditions (default
// succeeded()), logging commands (`##vso[...]`), deployment hooks in order,
// and outputs named as Azure names them (§5.2).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "runtime/azure/plan.h"
#include "runtime/job.h"
#include "runtime/masker.h"

namespace galley::run::azure {

class AzureRunner final : public JobRunner {
 public:
  // scheduled (and its pipeline) outlive the runner; queue holds the
  // queue-time variables (--var); secrets (--secret) become secret variables.
  AzureRunner(HostOptions options, const Scheduled& scheduled,
              std::vector<std::pair<std::string, std::string>> queue, Reporter& events,
              Masker& masker);
  JobResult run(const JobRun& job) override;

 private:
  // Build.BuildNumber: the pipeline's `name:` format applied once, when the
  // first job starts (the run id when it has none).
  const std::string& buildNumber(const JobRun& job);

  std::once_flag numbered_;
  std::string buildNumber_;
  HostOptions options_;
  const Scheduled& scheduled_;
  std::vector<std::pair<std::string, std::string>> queue_;
  Reporter& events_;
  Masker& masker_;
};

}  // namespace galley::run::azure
