// The expanded pipeline: what the recipes of one galley.yml pipeline become
// once parameters are substituted, before any target's syntax. Expansion
// (expand.h) builds it; the GitHub and Azure DevOps emitters read it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/project.h"
#include "compiler/reference.h"

namespace galley::ir {

using Env = std::vector<std::pair<std::string, Text>>;

// One target's form of an action step.
struct TargetForm {
  bool present = false;
  bool skip = false;      // `none`: nothing on this target
  std::string uses;       // GitHub: OWNER/REPO@REF; Azure DevOps: TASK@N
  bool checkout = false;  // Azure DevOps `- checkout: self`
  Env with;               // GitHub with: / Azure DevOps inputs:
};

struct Step {
  enum class Kind { Run, Action, Publish, Download };
  Kind kind = Kind::Run;
  std::string name;
  std::string id;
  Location where;
  std::optional<Cond> condition;
  Env env;
  // Run: the script with references already replaced by environment
  // variables (listed in env).
  std::string script;
  std::string shell = "bash";
  std::vector<std::string> outputs;
  // Action
  TargetForm github;
  TargetForm ado;
  // Publish / Download
  Text path;
  std::string artifact;
  Location artifactWhere;  // the name's text: the user's value when a parameter gave it
  std::optional<Text> workingDirectory;
  long timeoutMinutes = 0;
  bool continueOnError = false;
  long retries = 0;
};

struct JobOutput {
  std::string name;
  std::string step;    // the step id that sets it
  std::string output;  // the step's output name
};

struct Job {
  std::string id;  // unique within its stage
  std::string name;
  std::vector<std::string> needs;  // job ids in the same stage
  std::optional<Cond> condition;
  std::string environment;
  bool approval = false;
  std::string instructions;
  long approvalTimeoutMinutes = 0;
  std::vector<std::pair<std::string, std::vector<std::string>>> matrix;
  std::vector<JobOutput> outputs;
  Env env;
  long timeoutMinutes = 0;
  bool continueOnError = false;
  std::vector<Step> steps;
  Location where;

  const JobOutput* output(const std::string& name) const;
};

// Every reference a job reads: its condition, env, and its steps'
// conditions, env, action inputs (both targets') and artifact paths.
void collectRefs(const Job& job, std::vector<const Ref*>& out);

// A recipe use on the way from galley.yml to a stage: a top-level use, then
// the members of the composite recipes it expands into.
struct UseFrame {
  std::string id;  // the use's own id, as its `needs` name it
  Location where;
  std::vector<std::string> needs;
};

// One leaf recipe use: an Azure DevOps stage; a group of GitHub jobs.
struct Stage {
  std::string id;  // absolute use id, e.g. release-train
  std::string name;
  bool named = false;                  // the use gave name:, which then names its GitHub jobs too
  std::vector<std::string> dependsOn;  // stage ids
  std::optional<Cond> condition;
  std::vector<Job> jobs;
  Location where;
  std::vector<UseFrame> uses;  // from galley.yml's use down to this one

  const Job* job(const std::string& id) const;
  // Jobs no other job of the stage needs: what later stages wait for.
  std::vector<const Job*> lastJobs() const;
};

struct Pipeline {
  std::string id;
  std::string name;
  Location nameWhere;  // galley.yml's name: of the pipeline, when written
  const Project* project = nullptr;
  Triggers on;
  Agents agents;
  std::vector<Stage> stages;

  const Stage* stage(const std::string& id) const;
};

}  // namespace galley::ir
