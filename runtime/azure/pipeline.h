// The typed model of an expanded Azure Pipelines file, as `galley run`
// runs it: stages, jobs (deployment jobs with their runOnce hooks) and
// steps, with the position of every part. Read from the YAML that the
// template expander (compiler/azure/expand.h) produced; values evaluated at
// run time (`$( )` macros, `$[ ]` expressions, conditions) stay as text.
//
// A pipeline without `stages:` has one implicit stage named `__default`;
// one with only `steps:` has one implicit job named `Job`, as Azure DevOps
// names them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::run::azure {

// A variable as YAML defines it (mapping or list form), not yet evaluated.
struct Variable {
  std::string name, value;
  bool readonly = false;
  Location where;
};

enum class StepKind { Script, Bash, Pwsh, PowerShell, Checkout, Task, Publish, Download };

struct Step {
  StepKind kind = StepKind::Script;
  Location where;
  std::string name;         // `name:`, the reference name ("" when none)
  std::string displayName;  // as written, or ""
  std::string script;       // script/bash/pwsh/powershell; checkout's repository; publish's path
  Location scriptWhere;
  std::string task;  // `Bash@3`: name and major version as written
  Location taskWhere;
  std::vector<std::pair<std::string, std::string>> inputs;  // task inputs, publish/download keys
  std::vector<std::pair<std::string, std::string>> env;
  std::string condition;  // "" means succeeded()
  Location conditionWhere;
  bool continueOnError = false;
  bool enabled = true;
  double timeoutMinutes = 0;        // 0: none of its own
  int retryCountOnTaskFailure = 0;  // retries of a failed attempt, as written
  Location retryWhere;
  std::string workingDirectory;
  bool failOnStderr = false;
  std::string errorActionPreference = "stop";            // pwsh/powershell
  const std::string* input(std::string_view key) const;  // case-insensitive
};

// One lifecycle hook of a deployment's runOnce strategy, in run order.
struct Hook {
  std::string name;  // preDeploy, deploy, routeTraffic, postRouteTraffic, on.failure, on.success
  std::vector<Step> steps;
};

struct Job {
  std::string name;  // `job:` / `deployment:`; "Job" for the implicit one
  std::string displayName;
  Location where;
  std::vector<std::string> dependsOn;  // within its stage
  bool dependsOnGiven = false;
  std::string condition;
  Location conditionWhere;
  std::vector<Variable> variables;
  std::vector<Step> steps;  // a regular job's
  bool deployment = false;
  std::string environment;  // a deployment's environment (its resource dropped)
  Location environmentWhere;
  std::string strategyName;  // runOnce, rolling, canary (deployments)
  std::string strategyNote;  // why rolling/canary run as one local target
  std::vector<Hook> hooks;   // a deployment's, in run order
  // Matrix legs (name, variables) or `parallel: N` copies; empty: one instance.
  std::vector<std::pair<std::string, std::vector<Variable>>> legs;
  // `matrix: $[ ... ]`: the legs an earlier job computed, as a JSON object
  // of leg names to variables, evaluated when the job is ready ("": none).
  std::string runtimeMatrix;
  Location runtimeMatrixWhere;
  int maxParallel = 0;
  double timeoutMinutes = 60;
  bool continueOnError = false;
  bool agentless = false;  // pool: server
};

struct Stage {
  std::string name;  // "__default" for the implicit one
  std::string displayName;
  Location where;
  std::vector<std::string> dependsOn;
  std::string condition;
  Location conditionWhere;
  std::vector<Variable> variables;
  std::vector<Job> jobs;
};

struct Pipeline {
  const SourceFile* file = nullptr;
  std::string name;
  std::vector<Variable> variables;
  std::vector<Stage> stages;
  bool implicitStage = false;
};

// Reads an expanded pipeline. Everything galley cannot run (containers,
// service containers, unknown tasks, steps it does not know, variable
// groups, templates left unexpanded) is an error at its position; so are
// unknown dependsOn names and cycles (as a path, a -> b -> a). Returns
// false when the pipeline must not run.
bool readPipeline(const yaml::Node& root, const SourceFile& file, Pipeline* out,
                  Diagnostics& diags);

}  // namespace galley::run::azure
