// Calls of reusable workflows: a job with `uses:` runs the jobs of another
// workflow. GitHub checks the call before anything runs: the called
// workflow must be triggered by workflow_call, take the inputs and secrets
// given (and get those it requires), request no more permissions than the
// caller grants, and calls may nest only so deep. The runner reads local
// calls (`uses: ./.github/workflows/x.yml`) with the same code.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "compiler/workflow.h"

namespace galley::wf {

// The GITHUB_TOKEN's permissions: scope ("contents") to level ("read",
// "write"); a scope not listed has none.
using Permissions = std::map<std::string, std::string>;

// What a repository grants a workflow that sets no permissions: read of
// contents and packages only, or write everywhere.
enum class PermissionsPolicy { LimitedRead, Write };

// The permissions a `permissions:` value grants (read-all, write-all, {},
// or a mapping of scopes); nullopt for an expression.
std::optional<Permissions> readPermissions(const Template& value);
Permissions defaultPermissions(PermissionsPolicy policy);

// Loads the workflow a `uses:` names, read with readWorkflow (its problems
// reported into diags at its own file). nullptr with *err set when it cannot
// be found or read.
using WorkflowLoader = std::function<std::shared_ptr<Workflow>(const Text& uses, Diagnostics& diags,
                                                               std::string* err)>;

// How deep calls nest on github.com: ten levels of workflows, the caller
// and nine called ones (GitHub Enterprise Server: four levels).
inline constexpr uint32_t kMaxCallDepth = 9;

struct CallOptions {
  PermissionsPolicy policy = PermissionsPolicy::Write;
  uint32_t maxDepth = kMaxCallDepth;  // calls nested in calls
  size_t maxJobs = 0;                 // jobs in all, calls and called jobs counted; 0: no limit
};

// Checks one call: `caller`, a job of `callerWorkflow` with `uses:`, runs
// `called`. Reports, with GitHub's messages, a called workflow without
// workflow_call, missing required inputs and secrets (at the `uses:`),
// inputs and secrets it does not define or of the wrong type (at the value),
// and permissions beyond `allowed` (at the caller's job id). Returns false
// when anything was reported.
bool checkCall(const Workflow& callerWorkflow, const Job& caller, const Workflow& called,
               const Permissions& allowed, Diagnostics& diags);

// Loads and checks every call in wf, and the calls in those, depth first,
// attaching each called workflow to its job (Job::called). `allowed` is what
// the workflow itself may use (defaultPermissions of the policy for a
// workflow that runs from an event).
bool expandCalls(Workflow& wf, const WorkflowLoader& load, const CallOptions& options,
                 Diagnostics& diags);

// The permissions a job runs with, as GitHub reports them: its own, else
// for a call those the called workflow sets, else its workflow's, else
// those of the job that called its workflow (`inherited`). nullopt when
// nothing sets any.
std::optional<Permissions> jobPermissions(const Workflow& wf, const Job& job,
                                          const std::optional<Permissions>& inherited);

// Jobs in wf, each call counted with the jobs it runs.
size_t countJobs(const Workflow& wf);

}  // namespace galley::wf
