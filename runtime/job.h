// Runs one job instance on this host, step by step, as GitHub's runner
// does: env layered workflow -> job -> step, defaults.run, step `if:` with
// the status functions, the runner's shells, file commands after each step,
// workflow commands in the output, masking, timeouts, continue-on-error,
// outcome and conclusion, post steps in reverse order, the job's outputs.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "runtime/masker.h"
#include "runtime/scheduler.h"

namespace galley::run {

class Approver;

struct HostOptions {
  std::string repoRoot;  // the repository (its committed tree is what checkout copies)
  bool inPlace = false;  // --workdir .: the workspace is repoRoot itself
  std::string runDir;    // this run's folder in the store
  std::string artifactsDir;
  std::string cacheDir;
  std::string runId;
  std::map<std::string, std::string> actionDirs;  // --action-dir
  bool debug = false;                             // --verbose, ACTIONS_STEP_DEBUG
  proc::Timing timing;
  // Environments that need an approval before a job bound to them runs,
  // with their approvers (empty: none).
  std::map<std::string, std::string> approvals;
  Approver* approver = nullptr;
};

class HostRunner final : public JobRunner {
 public:
  // masker is the run's: secrets given on the command line are in it, and
  // add-mask adds to it for every job.
  HostRunner(HostOptions options, Reporter& events, Masker& masker);
  JobResult run(const JobRun& job) override;

 private:
  HostOptions options_;
  Reporter& events_;
  Masker& masker_;
  std::once_flag selfLinked_;
  std::string selfDir_;  // the run's bin/ with its link to galley, once made
};

}  // namespace galley::run
