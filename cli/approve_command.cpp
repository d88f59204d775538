// galley approve RUN [JOB] [--reject] [--comment TEXT]: answers a run that
// waits for approval (galley run --approve wait).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/run_store.h"
#include "runtime/approvals.h"
#include "runtime/display.h"
#include "runtime/report.h"

namespace galley::cli {

namespace {

struct ApproveArgs {
  std::string run, job, comment;
  bool reject = false;
};

std::string keysOf(const std::vector<run::Approval>& approvals) {
  std::string out;
  for (const auto& a : approvals)
    out += (out.empty() ? "" : ", ") + a.job;
  return out;
}

// The request to answer; false after printing why (and *status set).
bool findRequest(const run::StoredRun& r, const std::string& job, run::Approval* out, int* status) {
  const std::string& id = r.record.info.id;
  std::vector<run::Approval> pending = run::pendingApprovals(r);
  if (job.empty()) {
    if (pending.size() == 1) {
      *out = pending[0];
      return true;
    }
    *status = pending.empty() ? kExitFindings : kExitUsage;
    printError(pending.empty() ? "nothing pending in run " + id
                               : "run " + id + " waits for " + std::to_string(pending.size()) +
                                     " approvals (" + keysOf(pending) + "): name the job");
    return false;
  }
  const run::JobRecord* named = r.record.findJob(job);
  std::string key = named ? named->key : job;
  std::string err;
  if (run::readApproval(run::approvalRequestPath(r.approvalsDir(), key), out, &err)) {
    run::Approval decided;
    if (run::readApproval(run::approvalDecisionPath(r.approvalsDir(), key), &decided, &err)) {
      *status = kExitFindings;
      printError("job '" + key + "' of run " + id + " was already " +
                 (decided.approved ? "approved" : "rejected") + " by " + decided.by + " at " +
                 run::localTime(decided.at));
      return false;
    }
    return true;
  }
  if (!named) {
    *status = kExitUsage;
    printError("run " + id + " has no job '" + job + "'");
    return false;
  }
  *status = kExitFindings;
  printError("job '" + key + "' of run " + id + " is not waiting for approval" +
             (pending.empty() ? "" : " (waiting: " + keysOf(pending) + ")"));
  return false;
}

int approveCommand(const ApproveArgs& args) {
  run::StoredRun r;
  if (!openRun(runsRootHere(), args.run, &r)) return kExitUsage;
  const std::string& id = r.record.info.id;
  if (r.record.status != run::Status::Running) {
    printError("nothing pending in run " + id + ": it is " +
               (r.record.status == run::Status::Interrupted ? "interrupted" : "finished"));
    return kExitFindings;
  }
  int status = kExitOk;
  run::Approval decision;
  if (!findRequest(r, args.job, &decision, &status)) return status;
  decision.decided = true;
  decision.approved = !args.reject;
  decision.by = run::currentActor();
  decision.comment = args.comment;
  decision.at = run::Clock::now();
  bool already = false;
  run::Approval first;
  std::string err;
  if (!run::recordDecision(r.approvalsDir(), decision, &already, &first, &err)) {
    printError(already ? "job '" + decision.job + "' of run " + id + " was already " +
                             (first.approved ? "approved" : "rejected") + " by " + first.by
                       : err);
    return kExitFindings;
  }
  std::cout << (decision.approved ? "Approved " : "Rejected ") << run::printable(decision.job)
            << " (environment '" << run::printable(decision.environment) << "') in run " << id
            << " as " << run::printable(decision.by) << ".\n";
  return kExitOk;
}

}  // namespace

void attachApprove(CLI::App& app, int& status) {
  auto args = std::make_shared<ApproveArgs>();
  CLI::App* cmd = app.add_subcommand(
      "approve", "Approve (or reject) a job of a run that waits for approval of its environment");
  cmd->add_option("run", args->run, "Run id, or latest")->required();
  cmd->add_option("job", args->job, "The job that waits (needed when several do)");
  cmd->add_flag("--reject", args->reject, "Reject instead of approving");
  cmd->add_option("--comment,-m", args->comment, "A comment kept with the decision");
  cmd->callback([args, &status] { status = approveCommand(*args); });
}

}  // namespace galley::cli
