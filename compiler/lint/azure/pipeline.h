// The stages, jobs and steps of an Azure Pipelines file as lint's checks
// read them: names, dependsOn, conditions, pools, the scripts steps run and
// the variables their scripts set with ##vso[task.setvariable]. Items that
// `${{ if }}` / `${{ each }}` directives insert are read as if they were
// always there. Pointers point into the YAML tree the Pipeline was read
// from, which must outlive it.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/yaml.h"

namespace galley::lint::azure {

// A variable a script sets (`##vso[task.setvariable variable=NAME;...]`).
struct SetVariable {
  std::string name;
  bool isOutput = false;
  bool isSecret = false;
};

struct Step {
  const yaml::Node* node = nullptr;
  const yaml::Node* name = nullptr;  // the `name:` key's value, or nullptr
  // The step's first key: "script", "bash", "pwsh", "powershell", "task",
  // "checkout", "template", ...
  std::string kind;
  // The script it runs inline: script:/bash:/pwsh:/powershell:, or a
  // script task's inline input (Bash@3 script, CmdLine@2 script, AzureCLI@2
  // inlineScript, PowerShell@2 script...); nullptr when none.
  const yaml::Node* script = nullptr;
  bool shell = false;  // the script runs in bash (script: on a non-Windows pool, bash:, Bash@3)
  // Whether the script (when there is one) is all there is to know of what
  // the step sets: false for tasks that set variables of their own.
  bool knownOutputs = false;
  std::vector<SetVariable> sets;
};

struct Job {
  const yaml::Node* node = nullptr;
  const yaml::Node* name = nullptr;  // the job:/deployment: value
  bool deployment = false;
  bool matrix = false;   // strategy matrix or parallel: outputs are named per leg
  bool windows = false;  // its pool names a Windows image
  const yaml::Node* dependsOn = nullptr;
  const yaml::Node* condition = nullptr;
  const yaml::Node* variables = nullptr;
  const yaml::Node* pool = nullptr;
  std::vector<Step> steps;  // a deployment's: the steps of every lifecycle hook
};

struct Stage {
  const yaml::Node* node = nullptr;  // nullptr for the implicit stage of a jobs:/steps: pipeline
  const yaml::Node* name = nullptr;
  const yaml::Node* dependsOn = nullptr;
  const yaml::Node* condition = nullptr;
  const yaml::Node* variables = nullptr;
  std::vector<Job> jobs;
  bool templatedJobs = false;  // some jobs come from templates: not all names are known
};

struct Pipeline {
  std::vector<Stage> stages;
  const yaml::Node* pool = nullptr;  // the pipeline's default pool
  bool templatedStages = false;      // some stages come from templates
  // The names of the variables the file defines (variables: blocks, matrix
  // legs, ##vso[task.setvariable]), lower-cased.
  std::set<std::string> variables;
  // Whether the file is a template of steps, jobs, stages or variables (its
  // names are the caller's to complete: dependsOn may name jobs elsewhere).
  bool isTemplate = false;
};

// Reads root (a pipeline, or a template of stages, jobs or steps).
Pipeline readPipeline(const yaml::Node& root, bool isTemplate);

// The items of a sequence, with the items `${{ }}` directives insert
// flattened in; mapping items only.
void forEachItem(const yaml::Node& seq, const std::function<void(const yaml::Node&)>& visit);

// The names a dependsOn value lists (a string or a sequence of them), with
// their nodes.
std::vector<const yaml::Node*> dependsOnNames(const yaml::Node* dependsOn);

// The variables a script sets with logging commands.
std::vector<SetVariable> setVariables(std::string_view script);

// Whether a pool value names a Windows image (vmImage: windows-*).
bool isWindowsPool(const yaml::Node* pool);

}  // namespace galley::lint::azure
