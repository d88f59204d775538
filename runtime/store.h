// The run store: every run galley makes is kept on disk, so that `galley
// runs`, `galley logs`, `galley approve` and `galley rerun` can read it
// later, from another process, even after galley was killed mid-run.
//
// Layout under the root (.galley/runs by default):
//   .lock, .last          allocation of run ids (flock; the highest id given)
//   <id>/run.json         the RunRecord plus galley's pid (atomically replaced)
//   <id>/events.jsonl     while the run goes on: its state changes since
//                         run.json, one line each (runtime/record.h)
//   <id>/plan.json, event.json, inputs.json
//   <id>/logs/<job>/<step>.log          one line per log line (below)
//   <id>/logs/<job>/<step>.summary.md   the step's GITHUB_STEP_SUMMARY
//   <id>/approvals/<job>.json           a pending approval (runtime/approvals.h)
//   <id>/approvals/<job>.decision.json  its decision, created exactly once
//   <id>/artifacts/                     upload-artifact / download-artifact
// <job> is the job key with bytes outside [A-Za-z0-9_.-] as %XX, <step> the
// step's index. A log line is `<isoTime> <o|e|g> <text>` (stdout, stderr, or
// a line galley wrote); the text is masked, as every event is.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/record.h"

namespace galley::run {

// Where the runs of a repository live: $GALLEY_RUNS_DIR when set, else
// <repoRoot>/.galley/runs.
std::string runsRoot(const std::string& repoRoot);
// The cache shared by all runs of a repository (actions/cache):
// $GALLEY_CACHE_DIR when set, else <repoRoot>/.galley/cache. Created.
std::string cacheDir(const std::string& repoRoot);
// <repoRoot>/.galley holds workspaces (git checkouts themselves), logs,
// artifacts and the cache, none of it for commits: like pytest's cache, it
// ignores itself with a .gitignore of `*`, written once when a run uses it.
void ignoreGalleyDir(const std::string& repoRoot);
// A job key as a file name: bytes outside [A-Za-z0-9_-] and a leading '.'
// become %XX, so `call/inner` is `call%2Finner` and no key climbs out.
std::string fileNameOf(std::string_view key);

// A Reporter that keeps the run on disk. run.json is written whole
// (atomically, synced) at the run's start and end; in between, each state
// change appends one line to events.jsonl, a snapshot of the job, step,
// annotation or approval that changed, in one write(2) (synced for
// approvals), so a step costs the same whatever the run's size. Readers
// (loadRun) fold the log over run.json; a line cut short by a kill is
// ignored. Log lines are appended to the step's log as they come, without
// fsync (a killed galley loses no line the kernel has; a machine crash may
// lose the last ones). Write failures do not stop the run: the first is
// kept in error(). Not thread-safe: RunEvents serialises the calls.
class RunStore final : public RunTally {
 public:
  ~RunStore() override;
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& id() const { return id_; }
  const std::string& dir() const { return dir_; }
  // Created by newRun; the engine's artifact steps read and write here.
  std::string artifactsDir() const { return dir_ + "/artifacts"; }
  std::string approvalsDir() const { return dir_ + "/approvals"; }

  // The documents a rerun needs; each written atomically, once or again.
  bool writePlan(const nlohmann::json& plan, std::string* err);
  bool writeEvent(const nlohmann::json& payload, std::string* err);
  bool writeInputs(const nlohmann::json& inputs, std::string* err);

  // The first write that failed, or empty.
  const std::string& error() const { return error_; }

  void runStarted(const RunInfo&) override;
  void jobQueued(const JobInfo&) override;
  void jobStarted(const JobInfo&) override;
  void stepStarted(const JobInfo&, const StepInfo&) override;
  void stepLog(const JobInfo&, const StepInfo&, const LogLine&) override;
  void stepSummary(const JobInfo&, const StepInfo&, const std::string&) override;
  void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) override;
  void annotation(const Annotation&) override;
  void approvalRequested(const Approval&) override;
  void approvalDecided(const Approval&) override;
  void jobFinished(const JobInfo&, const JobResult&) override;
  void runFinished(const RunInfo&, const RunResult&) override;

 private:
  friend std::unique_ptr<RunStore> newRun(const std::string&, RunInfo, std::string*,
                                          std::function<Clock::time_point()>);
  RunStore(std::string dir, std::string id, std::function<Clock::time_point()> now);
  void save();
  void append(const nlohmann::json& event, bool sync = false);
  void appendJob(const JobInfo& j);
  void appendStep(const JobInfo& j, const StepInfo& s);
  void approvalEvents(const Approval& a);
  void fail(const std::string& err);
  int logFd(const JobInfo& j, const StepInfo& s);
  void closeLog(const JobInfo& j, const StepInfo& s);

  std::string dir_, id_;
  std::string error_;
  int events_ = -1;                                // events.jsonl, opened by the first state change
  std::map<std::pair<size_t, size_t>, int> logs_;  // (job index, step index) -> fd
};

// Allocates the next run id under root (1, 2, 3, ...: unique across
// concurrent galley processes, never reused, even after a prune), creates
// its directory and writes a first run.json (status running, this
// process's pid). info.id is replaced by the new id. nullptr with *err when
// the root cannot be created or written. `now` stamps events without a time.
std::unique_ptr<RunStore> newRun(const std::string& root, RunInfo info, std::string* err,
                                 std::function<Clock::time_point()> now = Clock::now);

// One run read back.
struct StoredRun {
  std::string dir;
  RunRecord record;  // status Interrupted when galley stopped before runFinished
  int pid = 0;       // the galley process that made it
  Clock::time_point created;

  long number() const;  // the id as a number, 0 when not numeric
  std::string stepLogPath(const JobRecord& job, const StepRecord& step) const;
  std::string stepSummaryPath(const JobRecord& job, const StepRecord& step) const;
  std::string artifactsDir() const { return dir + "/artifacts"; }
  std::string approvalsDir() const { return dir + "/approvals"; }
  // plan.json, event.json, inputs.json; false with *err when absent or malformed.
  bool plan(nlohmann::json* out, std::string* err) const;
  bool event(nlohmann::json* out, std::string* err) const;
  bool inputs(nlohmann::json* out, std::string* err) const;
  // The job results and outputs a rerun starts from: key -> record, for
  // completed jobs only.
  std::map<std::string, const JobRecord*> completedJobs() const;
};

// Reads one run. A run whose record says running but whose galley process
// is gone (or is another process now holding the pid) is Interrupted, and so
// are its jobs and steps that had not finished. False with *err for an
// unknown id or a malformed record.
bool loadRun(const std::string& root, const std::string& id, StoredRun* out, std::string* err);

// The runs under root, oldest first: all of them, or (newest > 0) only the
// newest that many ids. Runs that cannot be read are left out and named in
// *problems (when given).
std::vector<StoredRun> listRuns(const std::string& root,
                                std::vector<std::string>* problems = nullptr, size_t newest = 0);

// A run named on the command line: its id, or `latest` / `last` for the
// newest. False with *err ("no runs yet", "unknown run 'x'").
bool resolveRun(const std::string& root, const std::string& name, std::string* id,
                std::string* err);

// Deletes old runs: all but the newest `keep` (when set) and those that
// started before `olderThan` (when set). A run still in progress is never
// deleted. The ids removed are returned.
struct PruneOptions {
  std::optional<size_t> keep;
  std::optional<Clock::time_point> olderThan;
};
std::vector<std::string> pruneRuns(const std::string& root, const PruneOptions& options,
                                   std::string* err);

// One line of a step's log, parsed.
struct StoredLine {
  Clock::time_point at;
  Stream stream = Stream::Out;
  std::string text;
};
// Parses the complete lines of a log from byte `offset` on; *next is where
// the first incomplete line (or the end) starts, for following a log that
// is still being written. A malformed line is kept whole as text.
std::vector<StoredLine> readLogLines(const std::string& path, size_t offset, size_t* next);

}  // namespace galley::run
