// The Azure Pipelines tasks `galley run` runs natively, without the task's
// own code: each is reimplemented from its task.json inputs and documented
// behaviour (research/runner.md §5.6). Any other task stops the run before
// it starts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace galley::run::azure {

// The tasks built in, as `Name@Major` (compared ignoring case).
const std::vector<std::string>& builtinTasks();

// Whether `task:` (e.g. `bash@3`) names one of builtinTasks().
bool isBuiltinTask(std::string_view task);

// The task's name without its version, lower-cased: `bash` for `Bash@3`.
std::string taskName(std::string_view task);

}  // namespace galley::run::azure

#include <chrono>

#include "runtime/actions.h"
#include "runtime/azure/pipeline.h"

namespace galley::run::azure {

// What a task may do in the job that runs it (implemented by the job).
class TaskHost {
 public:
  virtual ~TaskHost() = default;
  // Runs argv as the step's process: its lines logged and masked, logging
  // commands acted on. failure is the message of a non-zero exit ("{code}"
  // replaced by the code); failOnStderr fails the step on any stderr line.
  virtual Result runProcess(std::vector<std::string> argv, const std::string& cwd,
                            const std::vector<std::pair<std::string, std::string>>& env,
                            bool failOnStderr, const std::string& failure) = 0;
  // A script as a `script:` (Script), `bash:` (Bash) or `pwsh:` step runs it.
  virtual Result runScript(StepKind kind, const std::string& script, const std::string& cwd,
                           bool failOnStderr, const std::string& errorAction) = 0;
  virtual void log(const std::string& text) = 0;
  virtual void error(const std::string& message) = 0;  // at the step
  virtual void warning(const std::string& message) = 0;
  // A notice annotation: shown in the run's summary.
  virtual void notice(const std::string& message) = 0;
  virtual std::string variable(const std::string& name) const = 0;  // "" when unset
  virtual void setVariable(const std::string& name, const std::string& value) = 0;
  virtual void summary(const std::string& markdown) = 0;
  // The job's environment approval path: blocks until approved (true) or
  // rejected or cancelled (false, with *why).
  virtual bool approve(const std::string& what, const std::string& approvers,
                       const std::string& instructions, std::string* why) = 0;
  // The GitHub actions built into galley (checkout, setup-python) run
  // through this API with the step's record.
  virtual ActionContext& actions() = 0;
  virtual const std::string& stepId() const = 0;
  virtual Location where() const = 0;
};

// Runs a `task:` step (and publish/download shortcuts, and checkout)
// whose inputs have been macro-expanded. Problems are errors at the step.
Result runTask(const Step& step, const std::vector<std::pair<std::string, std::string>>& inputs,
               TaskHost& host);

}  // namespace galley::run::azure
