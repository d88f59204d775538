// Builds run stores for tests/run/store_cli.sh, through the same RunStore
// the engine reports to.
// Usage: galley_store_fixture ROOT finished|interrupted|wait|slow
//   finished     two finished runs at fixed times (a success, a failure)
//   interrupted  a run whose galley (this process) exits mid-job
//   wait         a run that waits for `galley approve`, then finishes
//   slow         a run that logs a line every 100 ms for a second
#include <unistd.h>

#include <iostream>
#include <thread>

#include "runtime/approvals.h"
#include "runtime/store.h"

using namespace galley::run;

namespace {

Clock::time_point at(double seconds) {
  return Clock::time_point(std::chrono::seconds(1'800'000'000)) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

Clock::time_point fakeNow = at(0);

std::unique_ptr<RunStore> create(const std::string& root, RunInfo info, bool fixedTimes) {
  std::string err;
  auto store =
      fixedTimes ? newRun(root, info, &err, [] { return fakeNow; }) : newRun(root, info, &err);
  if (!store) {
    std::cerr << "fixture: " << err << '\n';
    std::exit(2);
  }
  info.id = store->id();
  store->runStarted(info);
  return store;
}

const JobInfo kBuild{0, "build", "build", "build (3.11)", {{"python", "3.11"}}, {}};
const JobInfo kTest{1, "test", "test", "test", {}, {}};
const JobInfo kDeploy{2, "deploy", "deploy", "deploy", {}, {}};
const StepInfo kLint{0, "lint", "Lint", {}};
const StepInfo kPytest{0, "pytest", "Run pytest", {}};
const StepInfo kUpload{1, "__upload_1", "", {}};

void finished(const std::string& root) {
  {
    auto s = create(root, {"", "CI", ".github/workflows/ci.yml", "push"}, true);
    s->jobQueued(kBuild);
    s->jobStarted(kBuild);
    s->stepStarted(kBuild, kLint);
    s->stepLog(kBuild, kLint, LogLine{at(1), Stream::Out, "all clean"});
    s->stepFinished(kBuild, kLint,
                    StepResult{Result::Success, Result::Success, "", at(0), at(2), 0, {}});
    s->jobFinished(kBuild,
                   JobResult{Result::Success, "", at(0), at(2.5), {{"wheel", "dist/x.whl"}}});
    s->runFinished({}, RunResult{Result::Success, false, at(0), at(3)});
  }
  fakeNow = at(3600);
  auto s = create(root, {"", "CI", ".github/workflows/ci.yml", "pull_request"}, true);
  s->jobQueued(kBuild);
  s->jobQueued(kTest);
  s->jobQueued(kDeploy);
  s->jobStarted(kBuild);
  s->stepStarted(kBuild, kLint);
  s->stepLog(kBuild, kLint, LogLine{at(3601), Stream::Err, "E501 line \033[31mtoo\033[0m long"});
  s->stepFinished(kBuild, kLint,
                  StepResult{Result::Failure, Result::Success, "", at(3600), at(3602), 1, {}});
  s->annotation(
      Annotation{"warning", "line too long", "", "src/x.py", 3, 0, 80, 0, "build", "lint"});
  s->jobFinished(kBuild, JobResult{Result::Success, "", at(3600), at(3602.5), {}});
  s->jobStarted(kTest);
  s->stepStarted(kTest, kPytest);
  s->stepLog(kTest, kPytest, LogLine{at(3601), Stream::Out, "collected 3 items"});
  s->stepLog(kTest, kPytest, LogLine{at(3603), Stream::Out, "FAILED test_x.py::test_one"});
  s->stepFinished(kTest, kPytest,
                  StepResult{Result::Failure, Result::Failure, "", at(3600.5), at(3604), 1, {}});
  s->stepFinished(
      kTest, kUpload,
      StepResult{Result::Skipped, Result::Skipped, "a previous step failed", {}, {}, 0, {}});
  s->annotation(
      Annotation{"error", "assert 1 == 2", "", "tests/test_x.py", 12, 0, 5, 0, "test", "pytest"});
  s->jobFinished(kTest, JobResult{Result::Failure, "", at(3600.5), at(3604.2), {}});
  s->jobFinished(kDeploy, JobResult{Result::Skipped, "needs a job that failed: test", {}, {}, {}});
  s->runFinished({}, RunResult{Result::Failure, false, at(3600), at(3605)});
}

void interrupted(const std::string& root) {
  fakeNow = at(7200);
  auto s = create(root, {"", "Nightly", ".github/workflows/nightly.yml", "schedule"}, true);
  JobInfo train{0, "train", "train", "train", {}, {}};
  StepInfo fit{0, "fit", "Fit the model", {}};
  s->jobQueued(train);
  s->jobStarted(train);
  s->stepStarted(train, fit);
  s->stepLog(train, fit, LogLine{at(7201), Stream::Out, "epoch 1"});
  std::cout.flush();
  _exit(0);  // as if killed: no runFinished, no destructor
}

void wait(const std::string& root) {
  auto s =
      create(root, {"", "Release", ".github/workflows/release.yml", "workflow_dispatch"}, false);
  s->jobQueued(kDeploy);
  Approval a;
  a.environment = "production";
  a.job = "deploy";
  a.approvers = "alice";
  s->approvalRequested(a);
  WaitApprover approver(s->id(), s->approvalsDir(), &std::cout, std::chrono::milliseconds(20));
  std::atomic<bool> cancelled{false};
  approver.decide(a, &cancelled);
  s->approvalDecided(a);
  std::cout << "decided: " << (a.approved ? "approved" : "rejected") << " by " << a.by << ": "
            << a.comment << std::endl;
  s->jobFinished(kDeploy,
                 JobResult{a.approved ? Result::Success : Result::Skipped, "", {}, {}, {}});
  s->runFinished({}, RunResult{Result::Success, false, {}, Clock::now()});
}

void slow(const std::string& root) {
  auto s = create(root, {"", "Slow", "slow.yml", "push"}, false);
  JobInfo job{0, "job", "job", "job", {}, {}};
  StepInfo step{0, "count", "Count", {}};
  s->jobStarted(job);
  s->stepStarted(job, step);
  for (int i = 1; i <= 10; ++i) {
    s->stepLog(job, step, LogLine{Clock::now(), Stream::Out, "line " + std::to_string(i)});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  s->stepFinished(job, step, StepResult{});
  s->jobFinished(job, JobResult{});
  s->runFinished({}, RunResult{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: galley_store_fixture ROOT finished|interrupted|wait|slow\n";
    return 2;
  }
  std::string root = argv[1], mode = argv[2];
  if (mode == "finished")
    finished(root);
  else if (mode == "interrupted")
    interrupted(root);
  else if (mode == "wait")
    wait(root);
  else if (mode == "slow")
    slow(root);
  else
    return 2;
  return 0;
}
