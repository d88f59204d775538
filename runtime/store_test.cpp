#include "runtime/store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/files.h"
#include "runtime/wording.h"
#include "tests/testing.h"

namespace galley::run {

namespace {

namespace fs = std::filesystem;

// A fresh directory, removed with the fixture.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "galley-store-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Clock::time_point at(int seconds) {
  return Clock::time_point(std::chrono::seconds(1'800'000'000 + seconds));
}

JobInfo job(size_t index, std::string key) {
  JobInfo j;
  j.index = index;
  j.id = key;
  j.key = key;
  j.name = key;
  return j;
}

StepInfo step(size_t index, std::string id, std::string name) {
  StepInfo s;
  s.index = index;
  s.id = std::move(id);
  s.name = std::move(name);
  return s;
}

RunInfo info() {
  RunInfo i;
  i.workflow = "CI";
  i.file = ".github/workflows/ci.yml";
  i.event = "push";
  return i;
}

std::unique_ptr<RunStore> mustCreate(const std::string& root) {
  std::string err;
  auto store = newRun(root, info(), &err, [] { return at(0); });
  REQUIRE_MESSAGE(store, err);
  return store;
}

StoredRun mustLoad(const std::string& root, const std::string& id) {
  StoredRun run;
  std::string err;
  REQUIRE_MESSAGE(loadRun(root, id, &run, &err), err);
  return run;
}

}  // namespace

TEST_CASE("run ids count up from 1 and are not reused after a prune") {
  TempDir tmp;
  for (const char* want : {"1", "2"}) {
    auto s = mustCreate(tmp.path);
    CHECK(s->id() == want);
    s->runFinished(info(), RunResult{});
  }
  std::string err;
  CHECK(pruneRuns(tmp.path, PruneOptions{0, std::nullopt}, &err) ==
        std::vector<std::string>{"1", "2"});
  CHECK(err.empty());
  CHECK(mustCreate(tmp.path)->id() == "3");
}

TEST_CASE("a run that partially succeeded reads back as one, in the store and in words") {
  TempDir tmp;
  std::string id;
  {
    auto s = mustCreate(tmp.path);
    id = s->id();
    RunResult rr;
    rr.withIssues = true;
    s->runFinished(info(), rr);
  }
  StoredRun run = mustLoad(tmp.path, id);
  CHECK(run.record.result.result == Result::Success);
  CHECK(run.record.result.withIssues);
  CHECK(runResultWord(run.record.result, false) == "partially succeeded");
  CHECK(runResultWord(RunResult{}, false) == "success");
}

TEST_CASE("concurrent galley processes get distinct run ids") {
  TempDir tmp;
  std::vector<pid_t> children;
  for (int i = 0; i < 6; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      std::string err;
      auto store = newRun(tmp.path, info(), &err);
      _exit(store ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  std::vector<std::string> ids;
  for (const auto& r : listRuns(tmp.path))
    ids.push_back(r.record.info.id);
  CHECK(ids == std::vector<std::string>{"1", "2", "3", "4", "5", "6"});
}

TEST_CASE("a finished run reads back with its jobs, steps, outputs, annotations and approvals") {
  TempDir tmp;
  std::string id;
  {
    auto store = mustCreate(tmp.path);
    id = store->id();
    RunInfo i = info();
    i.id = "ignored";
    store->runStarted(i);
    JobInfo build = job(0, "build");
    build.name = "build (3.11)";
    build.matrix = {{"python", "3.11"}};
    store->jobQueued(build);
    store->jobQueued(job(1, "deploy"));
    store->jobStarted(build);
    StepInfo s0 = step(0, "test", "Run tests");
    store->stepStarted(build, s0);
    store->stepLog(build, s0, LogLine{at(1), Stream::Out, "collected 3 items"});
    store->stepLog(build, s0, LogLine{at(2), Stream::Err, "warning: slow"});
    store->stepSummary(build, s0, "## Tests\n3 passed\n");
    StepResult sr;
    sr.outcome = Result::Failure;
    sr.conclusion = Result::Success;
    sr.started = at(1);
    sr.finished = at(3);
    sr.exitCode = 1;
    sr.outputs = {{"coverage", "91"}};
    store->stepFinished(build, s0, sr);
    Annotation a;
    a.level = "warning";
    a.message = "slow test";
    a.file = "tests/test_x.py";
    a.line = 4;
    a.column = 2;
    a.job = "build";
    a.step = "test";
    store->annotation(a);
    JobResult jr;
    jr.result = Result::Success;
    jr.started = at(0);
    jr.finished = at(4);
    jr.outputs = {{"wheel", "dist/x.whl"}};
    store->jobFinished(build, jr);
    Approval ap;
    ap.environment = "production";
    ap.job = "deploy";
    ap.approvers = "alice";
    store->approvalRequested(ap);
    ap.decided = true;
    ap.approved = false;
    ap.by = "alice";
    ap.comment = "not today";
    ap.at = at(5);
    store->approvalDecided(ap);
    JobResult skipped;
    skipped.result = Result::Skipped;
    skipped.reason = "environment 'production' was rejected";
    store->jobFinished(job(1, "deploy"), skipped);
    RunResult rr;
    rr.result = Result::Success;
    rr.started = at(0);
    rr.finished = at(6);
    store->runFinished(i, rr);
    CHECK(store->error() == "");
  }
  StoredRun run = mustLoad(tmp.path, id);
  const RunRecord& r = run.record;
  CHECK(r.info.id == "1");
  CHECK(r.info.workflow == "CI");
  CHECK(r.status == Status::Completed);
  CHECK(r.result.result == Result::Success);
  CHECK(r.result.finished == at(6));
  REQUIRE(r.jobs.size() == 2);
  const JobRecord& b = r.jobs[0];
  CHECK(b.key == "build");
  CHECK(b.name == "build (3.11)");
  CHECK(b.matrix == std::vector<std::pair<std::string, std::string>>{{"python", "3.11"}});
  CHECK(b.result.outputs == std::map<std::string, std::string>{{"wheel", "dist/x.whl"}});
  REQUIRE(b.steps.size() == 1);
  CHECK(b.steps[0].result.outcome == Result::Failure);
  CHECK(b.steps[0].result.conclusion == Result::Success);
  CHECK(b.steps[0].result.exitCode == 1);
  CHECK(b.steps[0].result.outputs.at("coverage") == "91");
  CHECK(b.steps[0].hasSummary);
  CHECK(r.jobs[1].result.result == Result::Skipped);
  CHECK(r.jobs[1].result.reason == "environment 'production' was rejected");
  REQUIRE(r.annotations.size() == 1);
  CHECK(r.annotations[0].file == "tests/test_x.py");
  CHECK(r.annotations[0].line == 4);
  REQUIRE(r.approvals.size() == 1);
  CHECK(r.approvals[0].decided);
  CHECK_FALSE(r.approvals[0].approved);
  CHECK(r.approvals[0].comment == "not today");
  CHECK(r.approvals[0].at == at(5));
  CHECK(run.completedJobs().size() == 2);

  size_t next = 0;
  auto lines = readLogLines(run.stepLogPath(b, b.steps[0]), 0, &next);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at == at(1));
  CHECK(lines[0].stream == Stream::Out);
  CHECK(lines[0].text == "collected 3 items");
  CHECK(lines[1].stream == Stream::Err);
  std::string summary, err;
  CHECK(readWholeFile(run.stepSummaryPath(b, b.steps[0]), &summary, &err));
  CHECK(summary == "## Tests\n3 passed\n");
}

TEST_CASE("the plan, event and inputs of a run read back as written") {
  TempDir tmp;
  auto store = mustCreate(tmp.path);
  std::string err;
  CHECK(store->writePlan({{"jobs", {"build"}}}, &err));
  CHECK(store->writeEvent({{"ref", "refs/heads/main"}}, &err));
  CHECK(store->writeInputs({{"model", "v2"}}, &err));
  StoredRun run = mustLoad(tmp.path, store->id());
  nlohmann::json j;
  CHECK(run.plan(&j, &err));
  CHECK(j["jobs"][0] == "build");
  CHECK(run.event(&j, &err));
  CHECK(j["ref"] == "refs/heads/main");
  CHECK(run.inputs(&j, &err));
  CHECK(j["model"] == "v2");
  CHECK(fs::is_directory(run.artifactsDir()));
}

TEST_CASE("a run whose galley is alive is running") {
  TempDir tmp;
  auto store = mustCreate(tmp.path);
  CHECK(mustLoad(tmp.path, store->id()).record.status == Status::Running);
}

TEST_CASE("a run whose galley was killed with SIGKILL mid-run reads back as interrupted") {
  TempDir tmp;
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    std::string err;
    auto store = newRun(tmp.path, info(), &err);
    if (!store) _exit(1);
    store->runStarted(info());
    JobInfo done = job(0, "lint"), busy = job(1, "train");
    store->jobQueued(done);
    store->jobQueued(busy);
    store->jobStarted(done);
    StepResult ok;
    store->stepStarted(done, step(0, "a", "a"));
    store->stepFinished(done, step(0, "a", "a"), ok);
    store->jobFinished(done, JobResult{});
    store->jobStarted(busy);
    StepInfo s = step(0, "fit", "Fit the model");
    store->stepStarted(busy, s);
    // Tell the parent, then write as fast as possible until killed, so the
    // kill lands in the middle of writes.
    if (write(ready[1], "x", 1) != 1) _exit(1);
    for (size_t n = 0;; ++n) {
      store->stepLog(busy, s, LogLine{Clock::now(), Stream::Out, "epoch " + std::to_string(n)});
      if (n % 50 == 0)
        store->annotation(Annotation{"notice", "epoch", "", "", 0, 0, 0, 0, "train", "fit"});
    }
  }
  close(ready[1]);
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  StoredRun run = mustLoad(tmp.path, "1");
  CHECK(run.record.status == Status::Interrupted);
  REQUIRE(run.record.jobs.size() == 2);
  CHECK(run.record.jobs[0].status == Status::Completed);
  CHECK(run.record.jobs[1].status == Status::Interrupted);
  REQUIRE(run.record.jobs[1].steps.size() == 1);
  CHECK(run.record.jobs[1].steps[0].status == Status::Interrupted);
  size_t next = 0;
  auto lines =
      readLogLines(run.stepLogPath(run.record.jobs[1], run.record.jobs[1].steps[0]), 0, &next);
  REQUIRE(!lines.empty());
  for (size_t i = 0; i < lines.size(); ++i)
    CHECK(lines[i].text == "epoch " + std::to_string(i));
  // No temporary file was taken for the record.
  CHECK(listRuns(tmp.path).size() == 1);
}

TEST_CASE("a run in progress reads back from run.json and its event log") {
  TempDir tmp;
  auto store = mustCreate(tmp.path);
  store->runStarted(info());
  JobInfo lint = job(0, "lint"), test = job(1, "test");
  store->jobQueued(lint);
  store->jobQueued(test);
  store->jobStarted(lint);
  StepResult ok;
  ok.outputs["n"] = "1";
  store->stepStarted(lint, step(0, "a", "A"));
  store->stepFinished(lint, step(0, "a", "A"), ok);
  store->stepStarted(lint, step(1, "b", "B"));
  store->annotation(Annotation{"warning", "careful", "", "x.py", 3, 0, 0, 0, "lint", "b"});
  Approval asked{"prod", "test", "alice", false, false, "", "", at(5)};
  store->approvalRequested(asked);

  // run.json was written at the start only; the rest is in events.jsonl.
  CHECK(fs::exists(store->dir() + "/events.jsonl"));
  StoredRun run = mustLoad(tmp.path, store->id());
  CHECK(run.record.status == Status::Running);
  REQUIRE(run.record.jobs.size() == 2);
  const JobRecord& j = run.record.jobs[0];
  CHECK(j.status == Status::Running);
  REQUIRE(j.steps.size() == 2);
  CHECK(j.steps[0].status == Status::Completed);
  CHECK(j.steps[0].result.outputs.at("n") == "1");
  CHECK(j.steps[1].status == Status::Running);
  CHECK(run.record.jobs[1].status == Status::Waiting);
  REQUIRE(run.record.annotations.size() == 1);
  CHECK(run.record.annotations[0].file == "x.py");
  REQUIRE(run.record.approvals.size() == 1);
  CHECK_FALSE(run.record.approvals[0].decided);

  Approval decided = asked;
  decided.decided = decided.approved = true;
  decided.by = "alice";
  store->approvalDecided(decided);
  run = mustLoad(tmp.path, store->id());
  REQUIRE(run.record.approvals.size() == 1);
  CHECK(run.record.approvals[0].by == "alice");
  CHECK(run.record.jobs[1].status == Status::Queued);

  // At the end run.json holds everything and the log is gone.
  store->runFinished(info(), RunResult{});
  CHECK_FALSE(fs::exists(store->dir() + "/events.jsonl"));
  run = mustLoad(tmp.path, store->id());
  CHECK(run.record.status == Status::Completed);
  CHECK(run.record.jobs[0].steps.size() == 2);
  CHECK(run.record.approvals.size() == 1);
}

TEST_CASE("an event line cut short or damaged costs only its own change") {
  TempDir tmp;
  auto store = mustCreate(tmp.path);
  store->runStarted(info());
  JobInfo lint = job(0, "lint");
  store->jobQueued(lint);
  store->jobStarted(lint);
  {
    std::ofstream out(store->dir() + "/events.jsonl", std::ios::app);
    out << "{\"job\": 7, \"step\": {}}\nnot json\n{\"job\": {\"index\": 0, \"key\": \"li";
  }
  StoredRun run = mustLoad(tmp.path, store->id());
  REQUIRE(run.record.jobs.size() == 1);
  CHECK(run.record.jobs[0].status == Status::Running);
}

TEST_CASE("a log line still being written is left for the next read") {
  TempDir tmp;
  std::string path = tmp.path + "/x.log";
  {
    std::ofstream out(path);
    out << "2027-01-15T08:00:00.000Z o one\n2027-01-15T08:00:01.500Z g two\nnot a record\n2027-01";
  }
  size_t next = 0;
  auto lines = readLogLines(path, 0, &next);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].stream == Stream::Galley);
  CHECK(lines[1].text == "two");
  CHECK(lines[2].text == "not a record");
  CHECK(next == 75);
  { std::ofstream(path, std::ios::app) << "-15T08:00:02.000Z e three\n"; }
  lines = readLogLines(path, next, &next);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "three");
  CHECK(lines[0].stream == Stream::Err);
}

TEST_CASE("latest names the newest run and an unknown run is an error") {
  TempDir tmp;
  std::string id, err;
  CHECK_FALSE(resolveRun(tmp.path, "latest", &id, &err));
  CHECK(err == "no runs yet in " + tmp.path);
  mustCreate(tmp.path);
  mustCreate(tmp.path);
  CHECK(resolveRun(tmp.path, "last", &id, &err));
  CHECK(id == "2");
  CHECK_FALSE(resolveRun(tmp.path, "7", &id, &err));
  CHECK(err == "unknown run '7'");
  CHECK_FALSE(resolveRun(tmp.path, "../x", &id, &err));
  CHECK(err == "unknown run '../x'");
}

TEST_CASE("prune keeps the newest runs and never removes one in progress") {
  TempDir tmp;
  auto running = mustCreate(tmp.path);  // 1, still running
  for (int i = 0; i < 3; ++i) {
    auto s = mustCreate(tmp.path);
    s->runFinished(info(), RunResult{});
  }
  std::string err;
  CHECK(pruneRuns(tmp.path, PruneOptions{1, std::nullopt}, &err) ==
        std::vector<std::string>{"2", "3"});
  std::vector<std::string> left;
  for (const auto& r : listRuns(tmp.path))
    left.push_back(r.record.info.id);
  CHECK(left == std::vector<std::string>{"1", "4"});
  auto newest = listRuns(tmp.path, nullptr, 1);
  REQUIRE(newest.size() == 1);
  CHECK(newest[0].record.info.id == "4");
  CHECK(pruneRuns(tmp.path, PruneOptions{std::nullopt, at(1)}, &err) ==
        std::vector<std::string>{"4"});
}

TEST_CASE("a malformed run record is an error naming the file") {
  TempDir tmp;
  auto s = mustCreate(tmp.path);
  std::string err;
  REQUIRE(
      writeFileAtomically(s->dir() + "/run.json", "{\"id\": \"1\", \"status\": \"odd\"}", &err));
  StoredRun run;
  CHECK_FALSE(loadRun(tmp.path, "1", &run, &err));
  CHECK(err == s->dir() + "/run.json: unknown status 'odd'");
  std::vector<std::string> problems;
  CHECK(listRuns(tmp.path, &problems).empty());
  CHECK(problems.size() == 1);
}

TEST_CASE("job keys become file names that stay inside the run") {
  CHECK(fileNameOf("build") == "build");
  CHECK(fileNameOf("call/inner") == "call%2Finner");
  CHECK(fileNameOf("..") == "%2E.");
  CHECK(fileNameOf("a b") == "a%20b");
  CHECK(fileNameOf("") == "%");
}

TEST_CASE("times round-trip through their ISO text") {
  Clock::time_point t = at(0) + std::chrono::milliseconds(123);
  CHECK(isoTime(t) == "2027-01-15T08:00:00.123Z");
  Clock::time_point back;
  CHECK(parseIsoTime(isoTime(t), &back));
  CHECK(back == t);
  CHECK(parseIsoTime("2027-01-15T08:00:00Z", &back));
  CHECK_FALSE(parseIsoTime("2027-01-15 08:00:00Z", &back));
  CHECK_FALSE(parseIsoTime("2027-13-15T08:00:00Z", &back));
}

}  // namespace galley::run
