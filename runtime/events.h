// What a run tells the world as it goes: the seam between the engine
// (scheduler, job runner) and whatever shows or keeps a run (the progress
// view, the JSON event stream, the run store, a real host's log).
//
// Every string in an event has been masked already: reporters never see a
// secret. The engine calls reporters from several job threads; RunEvents
// (below) serialises the calls, so a Reporter needs no locking of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/source.h"

namespace galley::run {

using Clock = std::chrono::system_clock;

// A job's or step's result, as GitHub names them (`needs.x.result`,
// `steps.x.outcome` / `conclusion`).
enum class Result : uint8_t { Success, Failure, Cancelled, Skipped };
const char* resultName(Result r);  // "success", "failure", "cancelled", "skipped"

// One planned job instance: a job, or one leg of its matrix.
struct JobInfo {
  size_t index = 0;  // unique within the run, stable in the plan
  std::string id;    // the job's id in its workflow (`build`)
  std::string key;   // unique, path-safe: `build`, `build-2`, `call/inner`
  std::string name;  // for display: `build (3.11, ubuntu-latest)`
  std::vector<std::pair<std::string, std::string>> matrix;  // leg values, as text
  Location where;
};

struct StepInfo {
  size_t index = 0;  // 0-based within the job (post steps continue the count)
  std::string id;    // `steps.<id>`; generated ids start with `__`
  std::string name;  // for display: `Run pytest`
  Location where;
};

enum class Stream : uint8_t { Out, Err, Galley };  // Galley: a line galley itself wrote

struct LogLine {
  Clock::time_point at;
  Stream stream = Stream::Out;
  std::string text;  // one line, no newline, masked
};

// An `::error`/`::warning`/`::notice` a step wrote, or one galley made
// (a failed step, a timeout).
struct Annotation {
  std::string level;  // "error", "warning" or "notice"
  std::string message;
  std::string title;
  std::string file;  // as the step gave it (repository-relative), or a source path
  uint32_t line = 0, endLine = 0, column = 0, endColumn = 0;
  std::string job;   // JobInfo::key
  std::string step;  // StepInfo::id, or empty for a job-level annotation
};

// An annotation of `level` at a place in a source file (line and column of
// where.begin; 0 when where is unknown). Job and step are the caller's.
Annotation annotationAt(std::string level, std::string message, Location where);

struct StepResult {
  Result outcome = Result::Success;     // before continue-on-error
  Result conclusion = Result::Success;  // after it
  std::string skipReason;               // for a skipped step: why
  Clock::time_point started, finished;
  int exitCode = 0;
  std::map<std::string, std::string> outputs;
};

struct JobResult {
  Result result = Result::Success;
  std::string reason;  // why skipped, failed or cancelled, for the summary
  Clock::time_point started, finished;
  std::map<std::string, std::string> outputs;
};

struct Approval {
  std::string environment;
  std::string job;  // JobInfo::key that asked
  std::string approvers;
  bool decided = false;
  bool approved = false;
  std::string by, comment;
  Clock::time_point at;
};

struct RunInfo {
  std::string id;        // galley's run id
  std::string workflow;  // its display name
  std::string file;      // the workflow file or galley.yml
  std::string event;     // push, workflow_dispatch, ...
};

struct RunResult {
  Result result = Result::Success;
  bool interrupted = false;  // Ctrl-C
  Clock::time_point started, finished;
  // A success with issues: Azure's "partially succeeded" (a job succeeded
  // with issues). GitHub runs never set it.
  bool withIssues = false;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void runStarted(const RunInfo&) {}
  // A planned job instance is known (its matrix may resolve later).
  virtual void jobQueued(const JobInfo&) {}
  virtual void jobStarted(const JobInfo&) {}
  virtual void stepStarted(const JobInfo&, const StepInfo&) {}
  virtual void stepLog(const JobInfo&, const StepInfo&, const LogLine&) {}
  // markdown a step appended to GITHUB_STEP_SUMMARY (masked), once per step.
  virtual void stepSummary(const JobInfo&, const StepInfo&, const std::string& markdown) {}
  virtual void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) {}
  virtual void annotation(const Annotation&) {}
  virtual void approvalRequested(const Approval&) {}
  virtual void approvalDecided(const Approval&) {}
  virtual void jobFinished(const JobInfo&, const JobResult&) {}
  virtual void runFinished(const RunInfo&, const RunResult&) {}
};

// Fans each event out to every reporter added, one event at a time.
class RunEvents final : public Reporter {
 public:
  void add(Reporter* r) { reporters_.push_back(r); }
  void runStarted(const RunInfo& r) override {
    each([&](Reporter& x) { x.runStarted(r); });
  }
  void jobQueued(const JobInfo& j) override {
    each([&](Reporter& x) { x.jobQueued(j); });
  }
  void jobStarted(const JobInfo& j) override {
    each([&](Reporter& x) { x.jobStarted(j); });
  }
  void stepStarted(const JobInfo& j, const StepInfo& s) override {
    each([&](Reporter& x) { x.stepStarted(j, s); });
  }
  void stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) override {
    each([&](Reporter& x) { x.stepLog(j, s, l); });
  }
  void stepSummary(const JobInfo& j, const StepInfo& s, const std::string& md) override {
    each([&](Reporter& x) { x.stepSummary(j, s, md); });
  }
  void stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) override {
    each([&](Reporter& x) { x.stepFinished(j, s, r); });
  }
  void annotation(const Annotation& a) override {
    each([&](Reporter& x) { x.annotation(a); });
  }
  void approvalRequested(const Approval& a) override {
    each([&](Reporter& x) { x.approvalRequested(a); });
  }
  void approvalDecided(const Approval& a) override {
    each([&](Reporter& x) { x.approvalDecided(a); });
  }
  void jobFinished(const JobInfo& j, const JobResult& r) override {
    each([&](Reporter& x) { x.jobFinished(j, r); });
  }
  void runFinished(const RunInfo& i, const RunResult& r) override {
    each([&](Reporter& x) { x.runFinished(i, r); });
  }

 private:
  template <class F>
  void each(F&& f) {
    std::lock_guard lock(mu_);
    for (Reporter* r : reporters_)
      f(*r);
  }
  std::mutex mu_;
  std::vector<Reporter*> reporters_;
};

}  // namespace galley::run
