// Actions a step `uses:`, run natively: the well-known ones (checkout,
// setup-python, setup-node, upload/download-artifact, cache) implemented
// here, local composite and JavaScript actions read from the repository.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "compiler/expr/functions.h"
#include "compiler/process.h"
#include "runtime/job.h"

namespace galley::run {

enum class ActionKind {
  Checkout,          // actions/checkout
  SetupPython,       // actions/setup-python
  SetupNode,         // actions/setup-node
  UploadArtifact,    // actions/upload-artifact
  DownloadArtifact,  // actions/download-artifact
  Cache,             // actions/cache, actions/cache/restore, actions/cache/save
  Local,             // ./path: a composite or JavaScript action in the repository
  Docker,            // docker://image: cannot run without Docker
  Remote,            // any other remote action: runs only from an --action-dir clone
};

// The kind of a `uses:` value; for Cache, *variant is "", "restore" or "save".
ActionKind actionKind(std::string_view uses, std::string* variant = nullptr);

// The files a step's file commands go to (GITHUB_ENV, ...).
struct StepFiles {
  std::string env, output, path, state, summary;
};

// What a step did, as `steps.<id>` shows it.
struct StepOutcome {
  Result outcome = Result::Success;
  Result conclusion = Result::Success;
  std::map<std::string, std::string> outputs;
  int exitCode = 0;
};

// The `steps` context of steps that ran: outputs, outcome, conclusion.
expr::Value stepsContext(const std::map<std::string, StepOutcome>& steps);

struct ActionContext;

// A step that runs after the job's steps (an action's post:, cache saves),
// in reverse order of registration, if its condition holds.
struct PostStep {
  std::string stepId, name;
  std::string condition = "always()";
  Location where;
  std::function<Result(ActionContext&)> run;
};

// What an action may do in the job that runs it.
class JobApi {
 public:
  virtual ~JobApi() = default;
  virtual const HostOptions& options() const = 0;
  virtual const JobRun& jobRun() const = 0;
  virtual const std::string& workspace() const = 0;
  virtual const std::string& temp() const = 0;
  virtual std::string path() const = 0;
  virtual void prependPath(const std::string& dir) = 0;
  virtual void setJobEnv(const std::string& k, const std::string& v) = 0;
  virtual void addPost(PostStep post) = 0;
  virtual void log(const StepInfo& info, const std::string& text) = 0;
  virtual void error(const std::string& message, Location where, const std::string& stepId) = 0;
  virtual void warning(const std::string& message, Location where, const std::string& stepId) = 0;
  // A step process's environment: the job's, the step's env, then extra.
  virtual std::vector<std::string> env(
      const std::vector<std::pair<std::string, std::string>>& stepEnv, const StepFiles& files,
      const std::vector<std::pair<std::string, std::string>>& extra) = 0;
  virtual StepFiles files() = 0;
  virtual expr::Value contextsFor(
      const std::vector<std::pair<std::string, std::string>>& stepEnv) const = 0;
  virtual expr::JobStatus jobStatus() const = 0;
  virtual Masker& masker() = 0;
  // Runs a process as part of a step: masked lines, workflow commands.
  virtual Result execute(const proc::Spec& spec, const StepInfo& info,
                         std::chrono::milliseconds timeout, StepOutcome& record,
                         const std::string& stepId, const std::string& name) = 0;
  // Applies the step's file commands; GITHUB_STATE names are prefixed with stateScope.
  virtual bool applyFiles(const StepFiles& f, const StepInfo& info, StepOutcome& record,
                          const std::string& stepId, const std::string& stateScope) = 0;
  virtual std::map<std::string, std::string>& state() = 0;
};

// The step an action runs in.
struct ActionContext {
  JobApi& job;
  const StepInfo& info;
  StepOutcome& record;
};

struct ActionCall {
  std::string uses;
  Location where;
  std::string stepId;
  std::vector<std::pair<std::string, std::string>> with;
  std::vector<std::pair<std::string, std::string>> stepEnv;
  std::chrono::milliseconds timeout{};
  int depth = 0;  // composite nesting
};

// Runs a `uses:` step. Problems are annotations at call.where.
Result runActionStep(const ActionCall& call, ActionContext& ctx);

// A multi-line input (paths, patterns, cache keys), as the runner's actions
// and Azure's tasks read one: a line an item, trimmed, blank lines dropped.
std::vector<std::string> inputLines(std::string_view text);

// hashFiles(): the SHA-256 over the SHA-256 of each matching file under
// workspace, in path order ('' when none match), as the runner computes it.
bool hashWorkspaceFiles(const std::string& workspace, std::span<const std::string> patterns,
                        std::string* hash, std::string* err);

}  // namespace galley::run
