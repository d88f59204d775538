#include "runtime/progress.h"

#include <sstream>
#include <thread>

#include "runtime/display.h"
#include "tests/testing.h"

namespace galley::run {

namespace {

Clock::time_point at(double seconds) {
  return Clock::time_point(std::chrono::seconds(1'800'000'000)) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// A run told in events at fixed times: `build` (a matrix leg) succeeds
// with a step that fails under continue-on-error, `test` fails, `deploy`
// is skipped. `clock` is what the views' now() reads.
struct Scenario {
  Clock::time_point clock = at(0);
  std::function<Clock::time_point()> now() {
    return [this] { return clock; };
  }

  JobInfo build, test, deploy;
  StepInfo lint, pytest, upload;
  Scenario() {
    build = {0, "build", "build", "build (3.11)", {{"python", "3.11"}}, {}};
    test = {1, "test", "test", "test", {}, {}};
    deploy = {2, "deploy", "deploy", "deploy", {}, {}};
    lint = {0, "lint", "Lint", {}};
    pytest = {0, "pytest", "Run pytest", {}};
    upload = {1, "__upload", "", {}};
  }

  void untilStarted(Reporter& r) {
    RunInfo info{"3", "CI", ".github/workflows/ci.yml", "push"};
    r.runStarted(info);
    r.jobQueued(build);
    r.jobQueued(test);
    r.jobQueued(deploy);
    r.jobStarted(build);
    r.stepStarted(build, lint);
    clock = at(0.5);
    r.jobStarted(test);
    r.stepStarted(test, pytest);
    r.stepLog(test, pytest, LogLine{at(1), Stream::Out, "collected 3 items"});
    r.stepLog(build, lint, LogLine{at(1.2), Stream::Err, "E501 line \033[31mtoo\033[0m long"});
    clock = at(1.5);
  }

  void rest(Reporter& r) {
    StepResult lintResult{Result::Failure, Result::Success, "", at(0), at(2), 1, {}};
    clock = at(2);
    r.stepFinished(build, lint, lintResult);
    r.annotation(
        Annotation{"warning", "line too long", "", "src/x.py", 3, 0, 80, 0, "build", "lint"});
    r.jobFinished(build, JobResult{Result::Success, "", at(0), at(2.5), {{"wheel", "x.whl"}}});
    clock = at(4);
    r.stepLog(test, pytest, LogLine{at(3.9), Stream::Out, "FAILED test_x.py::test_one"});
    r.stepFinished(test, pytest,
                   StepResult{Result::Failure, Result::Failure, "", at(0.5), at(4), 1, {}});
    r.stepFinished(
        test, upload,
        StepResult{Result::Skipped, Result::Skipped, "a previous step failed", {}, {}, 0, {}});
    r.annotation(Annotation{"error", "assert 1 == 2\nwhere 1 = f()", "", "tests/test_x.py", 12, 0,
                            5, 0, "test", "pytest"});
    r.jobFinished(test, JobResult{Result::Failure, "", at(0.5), at(4.2), {}});
    r.jobFinished(deploy, JobResult{Result::Skipped, "needs a job that failed: test", {}, {}, {}});
    clock = at(5);
    r.runFinished(RunInfo{"3", "CI", ".github/workflows/ci.yml", "push"},
                  RunResult{Result::Failure, false, at(0), at(5)});
  }
};

const char* const kSummary =
    "Run 3 (CI, push): failure in 5.0s\n"
    "  success     build (3.11)  2.5s\n"
    "  failure     test          3.7s\n"
    "  skipped     deploy              needs a job that failed: test\n"
    "Failed steps:\n"
    "  test / Run pytest: failure (exit code 1) (galley logs 3 --job test --step pytest)\n"
    "Annotations:\n"
    "  src/x.py:3:80: warning: line too long\n"
    "  tests/test_x.py:12:5: error: assert 1 == 2\n"
    "      where 1 = f()\n";

}  // namespace

TEST_CASE("the plain view prints every line under its job and step, then the summary") {
  Scenario s;
  std::ostringstream out;
  PlainView view(out, ViewOptions{false, s.now()});
  s.untilStarted(view);
  s.rest(view);
  CHECK(out.str() ==
        std::string("galley run 3: CI (push)\n"
                    "[build (3.11)] started\n"
                    "[build (3.11)/Lint] started\n"
                    "[test] started\n"
                    "[test/Run pytest] started\n"
                    "[test/Run pytest] collected 3 items\n"
                    "[build (3.11)/Lint] E501 line ^[[31mtoo^[[0m long\n"
                    "[build (3.11)/Lint] failure (exit code 1; continue-on-error) in 2.0s\n"
                    "[build (3.11)/Lint] src/x.py:3:80: warning: line too long\n"
                    "[build (3.11)] success in 2.5s\n"
                    "[test/Run pytest] FAILED test_x.py::test_one\n"
                    "[test/Run pytest] failure (exit code 1) in 3.5s\n"
                    "[test/__upload] skipped: a previous step failed\n"
                    "[test/Run pytest] tests/test_x.py:12:5: error: assert 1 == 2\n"
                    "      where 1 = f()\n"
                    "[test] failure in 3.7s\n"
                    "[deploy] skipped: needs a job that failed: test\n"
                    "\n") +
            kSummary);
}

TEST_CASE("the plain view prints an annotation of the run itself without a job prefix") {
  Scenario s;
  std::ostringstream out;
  PlainView view(out, ViewOptions{false, s.now()});
  view.runStarted(RunInfo{"3", "CI", ".github/workflows/ci.yml", "push"});
  Annotation a;
  a.level = "error";
  a.message = "Canceling since a higher priority waiting request for 'deploy' exists";
  view.annotation(a);
  CHECK(out.str() ==
        "galley run 3: CI (push)\n"
        "error: Canceling since a higher priority waiting request for 'deploy' exists\n");
}

TEST_CASE("the plain view colours results only when asked") {
  Scenario s;
  std::ostringstream out;
  PlainView view(out, ViewOptions{true, s.now()});
  s.untilStarted(view);
  s.rest(view);
  CHECK(out.str().find("[test] \033[31mfailure\033[0m in 3.7s\n") != std::string::npos);
  CHECK(out.str().find("\033[1mRun 3 (CI, push)\033[0m: \033[31mfailure\033[0m in 5.0s\n") !=
        std::string::npos);
}

TEST_CASE("the JSON view writes one object per event") {
  Scenario s;
  std::ostringstream out;
  JsonView view(out, s.now());
  s.untilStarted(view);
  s.rest(view);
  std::istringstream lines(out.str());
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);)
    got.push_back(line);
  REQUIRE(got.size() == 20);
  CHECK(
      got[0] ==
      R"J({"at":"2027-01-15T08:00:00.000Z","event":"runStarted","run":{"event":"push","file":".github/workflows/ci.yml","id":"3","workflow":"CI"}})J");
  CHECK(
      got[1] ==
      R"J({"at":"2027-01-15T08:00:00.000Z","event":"jobQueued","job":{"id":"build","key":"build","matrix":{"python":"3.11"},"name":"build (3.11)"}})J");
  CHECK(
      got[9] ==
      R"J({"at":"2027-01-15T08:00:01.200Z","event":"stepLog","job":"build","step":"lint","stream":"stderr","text":"E501 line \u001b[31mtoo\u001b[0m long"})J");
  CHECK(
      got[10] ==
      R"J({"at":"2027-01-15T08:00:02.000Z","conclusion":"success","event":"stepFinished","exitCode":1,"finished":"2027-01-15T08:00:02.000Z","job":"build","outcome":"failure","outputs":{},"started":"2027-01-15T08:00:00.000Z","step":"lint"})J");
  CHECK(
      got[11] ==
      R"J({"annotation":{"column":80,"endColumn":0,"endLine":0,"file":"src/x.py","job":"build","level":"warning","line":3,"message":"line too long","step":"lint","title":""},"at":"2027-01-15T08:00:02.000Z","event":"annotation"})J");
  CHECK(
      got[19] ==
      R"J({"at":"2027-01-15T08:00:05.000Z","event":"runFinished","finished":"2027-01-15T08:00:05.000Z","interrupted":false,"jobs":{"build":"success","deploy":"skipped","test":"failure"},"result":"failure","run":"3","started":"2027-01-15T08:00:00.000Z"})J");
}

TEST_CASE("the JSON view replaces bytes that are not UTF-8") {
  Scenario s;
  std::ostringstream out;
  JsonView view(out, s.now());
  view.stepLog(s.test, s.pytest, LogLine{at(1), Stream::Out, "bad \xff byte"});
  CHECK(out.str().find("\"text\":\"bad \xEF\xBF\xBD byte\"") != std::string::npos);
}

TEST_CASE("the summary names a generated step by its number and says when a run was interrupted") {
  RunRecord r;
  r.info = {"12", "Nightly", "n.yml", "schedule"};
  r.status = Status::Interrupted;
  JobRecord j;
  j.key = "train";
  j.name = "train";
  j.status = Status::Interrupted;
  StepRecord st;
  st.index = 2;
  st.id = "__run_2";
  st.name = "python train.py";
  st.status = Status::Interrupted;
  j.steps.push_back(st);
  r.jobs.push_back(j);
  std::ostringstream out;
  writeSummary(out, r, false);
  CHECK(out.str() ==
        "Run 12 (Nightly, schedule): interrupted\n"
        "  interrupted train\n"
        "Failed steps:\n"
        "  train / python train.py: interrupted (galley logs 12 --job train --step 3)\n");
}

TEST_CASE("a live frame has one line per job with its running step and last line") {
  Scenario s;
  std::ostringstream out;
  LiveView view(out, -1, ViewOptions{false, s.now()}, false);
  s.untilStarted(view);
  s.clock = at(65.5);
  CHECK(view.frame(80, 24) ==
        "⠴ build (3.11)  1m 05s    Lint: E501 line ^[[31mtoo^[[0m long\n"
        "⠴ test          1m 05s    Run pytest: collected 3 items\n"
        "· deploy        queued\n");
  // Narrow: every line fits, cut with an ellipsis.
  for (size_t width : {40, 20, 8, 3}) {
    std::istringstream lines(view.frame(width, 24));
    for (std::string line; std::getline(lines, line);)
      CHECK(displayWidth(line) < width);
  }
  CHECK(view.frame(40, 24) ==
        "⠴ build (3.11)  1m 05s    Lint: E501 l…\n"
        "⠴ test          1m 05s    Run pytest: …\n"
        "· deploy        queued\n");
  // A frame never has more lines than the terminal, less one.
  CHECK(view.frame(80, 3) ==
        "⠴ build (3.11)  1m 05s    Lint: E501 line ^[[31mtoo^[[0m long\n"
        "  … 2 more: 0 done, 2 waiting\n");
}

TEST_CASE(
    "a live view prints a failed step's last lines above the frame and ends with the summary") {
  Scenario s;
  std::ostringstream out;
  LiveView view(out, -1, ViewOptions{false, s.now()}, false);
  s.untilStarted(view);
  s.rest(view);
  CHECK(out.str() == std::string("✗ test / Run pytest: failure (exit code 1)\n"
                                 "    collected 3 items\n"
                                 "    FAILED test_x.py::test_one\n"
                                 "\033[?7l\r\033[J"
                                 "✓ build (3.11)  2.5s\n"
                                 "⠋ test          3.5s\n"
                                 "· deploy        queued\n"
                                 "\033[?7h"
                                 "\r\033[3A\r\033[J") +
                         kSummary);
}

}  // namespace galley::run

namespace galley::run {

TEST_CASE("an animated live view redraws its frame in place until the run finishes") {
  Scenario s;
  std::ostringstream out;
  {
    LiveView view(out, -1, ViewOptions{false, s.now()}, true);
    s.untilStarted(view);
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    s.rest(view);
  }
  std::string text = out.str();
  // Redrawn: the cursor went back up over the three lines of the last frame.
  CHECK(text.find("\033[?7l\r\033[3A\r\033[J") != std::string::npos);
  CHECK(text.find("⠴ test          1.0s      Run pytest: collected 3 items\n") !=
        std::string::npos);
  CHECK(text.size() > std::string(kSummary).size());
  CHECK(text.compare(text.size() - std::string(kSummary).size(), std::string::npos, kSummary) == 0);
}

}  // namespace galley::run

namespace galley::run {

TEST_CASE("the plain view says who decided an approval, and when none was made") {
  Scenario s;
  std::ostringstream out;
  PlainView view(out, ViewOptions{false, s.now()});
  view.jobQueued(s.deploy);
  Approval a;
  a.environment = "production";
  a.job = "deploy";
  a.approvers = "alice";
  view.approvalRequested(a);
  view.approvalDecided(a);
  a.decided = true;
  a.approved = true;
  a.by = "alice";
  a.comment = "go";
  view.approvalDecided(a);
  CHECK(out.str() ==
        "[deploy] waiting for approval of environment 'production' (approvers: alice)\n"
        "[deploy] environment 'production' not decided (cancelled)\n"
        "[deploy] environment 'production' approved by alice: go\n");
}

}  // namespace galley::run
