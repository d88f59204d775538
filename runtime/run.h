// A run from start to end: what TARGET names (a galley.yml pipeline, a
// workflow file or a workflow's name), the workflow read and linted, and
// the run itself: store, progress, masking, approvals, the scheduler over
// the host's job runner, the summary and the exit code.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diagnostic.h"
#include "compiler/workflow.h"
#include "runtime/plan.h"

namespace galley::run {

namespace azure {
struct Loaded;
}

struct TargetOptions {
  std::string target;  // as given; empty: the only workflow there is
  // Queue-time variables (--var), for an Azure pipeline's expansion.
  std::vector<std::pair<std::string, std::string>> variables;
  // An Azure pipeline's runtime parameters (--parameters NAME=VALUE, VALUE
  // read as YAML) and a YAML file of them (--parameters-file). Given for
  // anything else, they are a usage error.
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string parametersFile;
};

struct Target {
  std::string repoRoot;
  std::string file;          // the workflow file, as named to the user
  std::string relativeFile;  // repository-relative, for github.workflow_ref
  std::string pipeline;      // a galley.yml pipeline's id, when TARGET is one
  const wf::Workflow* workflow = nullptr;
  // Environments whose jobs wait for an approval, with their approvers.
  std::map<std::string, std::string> approvals;
  bool usageError = false;  // exit 2 rather than 1
  // An Azure Pipelines file: its pipeline, which `workflow` lays out for
  // the scheduler (runtime/azure/plan.h). nullptr for GitHub and galley.yml.
  std::shared_ptr<azure::Loaded> azure;
  // What the workflow was read from, kept alive for its positions.
  std::shared_ptr<void> keep;
};

// Finds and reads the workflow TARGET names, lints it (errors stop it) and
// reads its model. Problems are reported into diags, positioned where they
// can be; returns false when there is nothing to run.
bool resolveTarget(const TargetOptions& options, Sources& sources, Target* target,
                   Diagnostics& diags);

// The plan as text (jobs in waves with their legs, and what is left out
// and why) or as JSON.
void printPlan(std::ostream& out, const Plan& plan, const PlanOptions& options, bool json);

// Runs the plan. invocation (the command line's choices, kept in the
// store's inputs.json) lets `galley rerun` run it again; reuseFrom names a
// run whose successful jobs are reused, outputs and artifacts included,
// instead of run again (`galley rerun --failed`). Returns the exit code: 0 success, 1 a failed run,
// 130 interrupted. interruptFd becomes readable on each Ctrl-C (counted by interrupts): the first
// cancels gracefully, the second kills.
int execute(const Target& target, const Plan& plan, const PlanOptions& popts,
            const std::string& event, const std::string& eventFile, const expr::Value& inputs,
            const std::vector<std::pair<std::string, std::string>>& vars,
            const std::vector<std::pair<std::string, std::string>>& secrets, int parallel,
            const std::string& approve, const std::string& output, bool inPlace, bool verbose,
            std::atomic<int>& interrupts, int interruptFd, const nlohmann::json& invocation = {},
            const std::string& reuseFrom = "");

}  // namespace galley::run
