// The plan of a run: which jobs of a workflow run, in which order, and what
// will be skipped and why, decided before anything starts. Matrices that
// read other jobs' outputs resolve only when their job is ready (the
// scheduler's part); the plan shows them as such.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/diagnostic.h"
#include "compiler/workflow.h"
#include "runtime/matrix.h"

namespace galley::run {

struct PlanOptions {
  std::vector<std::string> jobs;  // --job: these and what they need; empty: all
  std::vector<std::pair<std::string, std::string>> matrix;  // --matrix filters
  // --platform LABEL=host: runs-on labels run here although they name
  // another OS.
  std::map<std::string, std::string> platforms;
  // --action-dir OWNER/REPO@REF=PATH: local clones of remote actions.
  std::map<std::string, std::string> actionDirs;
  std::string repoRoot;  // for finding local actions and workflows
};

struct PlannedJob {
  const wf::Job* job = nullptr;
  std::vector<size_t> needs;  // indexes into Plan::jobs
  int wave = 0;               // 0 for jobs that need nothing; 1 + the deepest need
  bool selected = true;       // false: left out by --job
  // Legs known before the run (a static matrix), or none with
  // dynamicMatrix set when the matrix reads needs.
  std::vector<MatrixLeg> legs;
  bool dynamicMatrix = false;
};

struct Plan {
  const wf::Workflow* workflow = nullptr;
  std::vector<PlannedJob> jobs;                // in workflow order
  size_t index(std::string_view jobId) const;  // npos when unknown
};

// Plans a workflow. Reports at their positions, as errors that stop the run
// before it starts: unknown --job ids, and each feature galley cannot run
// (container jobs, services, Docker actions, remote actions and workflows
// with no --action-dir). Returns false when the run must not start.
bool makePlan(const wf::Workflow& workflow, const PlanOptions& options, Plan* plan,
              Diagnostics& diags);

// The plan as JSON (`galley run --plan --output json`, and plan.json in the
// run store): {"file", "jobs": [{"id", "wave", "needs", "selected", "legs"
// (matrix values), "matrix" (when resolved at run time), "uses", "if",
// "skipped" (why, when known before the run)}]}, with withWorkflow also
// "workflow": the workflow model in GitHub's reader form
// (compiler/workflow_json.h). The store leaves the model out: it holds the
// scripts' text, which values a step masks at run time may be part of.
nlohmann::ordered_json planJson(const Plan& plan, const PlanOptions& options,
                                bool withWorkflow = true);

// Whether a runs-on label runs on this host: self-hosted, linux, ubuntu-*,
// the host's own OS, and any label --platform maps; windows-* and macos-*
// (on Linux) do not. Sets *reason for a label that does not.
bool runsHere(const std::vector<std::string>& labels, const PlanOptions& options,
              std::string* reason);

}  // namespace galley::run
