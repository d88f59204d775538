// The record of one run: what the events of runtime/events.h said, folded
// into jobs and steps. The run store keeps it on disk (runtime/store.h), the
// terminal views draw it (runtime/progress.h), `galley runs` and
// `galley rerun` read it back.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/events.h"

namespace galley::run {

// Where a job or step was written: a copy of a Location that outlives its
// SourceFile (a stored run is read back by a later process).
struct SourcePoint {
  std::string file;
  uint32_t line = 0, column = 0;
};
SourcePoint pointOf(const Location& where);

// Queued: known, not started. Waiting: for an approval. Interrupted: galley
// stopped before it finished (killed, crashed, machine down).
enum class Status : uint8_t { Queued, Waiting, Running, Completed, Interrupted };
const char* statusName(Status s);  // "queued", "waiting", "running", "completed", "interrupted"

struct StepRecord {
  size_t index = 0;
  std::string id, name;
  SourcePoint where;
  Status status = Status::Queued;
  StepResult result;  // meaningful once Completed
  bool hasSummary = false;
};

struct JobRecord {
  size_t index = 0;
  std::string id, key, name;
  std::vector<std::pair<std::string, std::string>> matrix;
  SourcePoint where;
  Status status = Status::Queued;
  JobResult result;               // meaningful once Completed
  std::vector<StepRecord> steps;  // ordered by StepRecord::index

  // The step with this index, or nullptr.
  const StepRecord* step(size_t index) const;
  // The step named by its id or (failing that) its display name, or nullptr.
  const StepRecord* findStep(std::string_view idOrName) const;
};

struct RunRecord {
  RunInfo info;
  Status status = Status::Running;  // Completed after runFinished
  RunResult result;                 // meaningful once Completed
  Clock::time_point started;        // when runStarted came
  std::vector<JobRecord> jobs;      // in the order they were queued
  std::vector<Annotation> annotations;
  std::vector<Approval> approvals;  // requests, each updated by its decision

  const JobRecord* job(std::string_view key) const;
  // The job named by its key, else its id or display name when that names
  // exactly one job; nullptr otherwise.
  const JobRecord* findJob(std::string_view name) const;
};

// Folds events into a RunRecord. Not thread-safe by itself: RunEvents
// serialises the calls. `now` stamps the events that carry no time.
class RunTally : public Reporter {
 public:
  explicit RunTally(std::function<Clock::time_point()> now = Clock::now) : now_(std::move(now)) {}
  const RunRecord& record() const { return record_; }

  void runStarted(const RunInfo&) override;
  void jobQueued(const JobInfo&) override;
  void jobStarted(const JobInfo&) override;
  void stepStarted(const JobInfo&, const StepInfo&) override;
  void stepSummary(const JobInfo&, const StepInfo&, const std::string&) override;
  void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) override;
  void annotation(const Annotation&) override;
  void approvalRequested(const Approval&) override;
  void approvalDecided(const Approval&) override;
  void jobFinished(const JobInfo&, const JobResult&) override;
  void runFinished(const RunInfo&, const RunResult&) override;

 protected:
  JobRecord& jobOf(const JobInfo& j);
  StepRecord& stepOf(const JobInfo& j, const StepInfo& s);
  Clock::time_point now() const { return now_(); }

 private:
  std::function<Clock::time_point()> now_;
  RunRecord record_;
};

// Times as text: UTC, ISO 8601 with milliseconds (2026-12-05T14:40:00.123Z).
std::string isoTime(Clock::time_point t);
// Parses isoTime's text (also without the milliseconds); false when malformed.
bool parseIsoTime(std::string_view text, Clock::time_point* out);

// The record as JSON and back. fromJson never throws: a malformed document
// is false with *err saying what was wrong.
nlohmann::json toJson(const RunRecord& r);
bool fromJson(const nlohmann::json& j, RunRecord* r, std::string* err);
nlohmann::json toJson(const Annotation& a);
nlohmann::json toJson(const Approval& a);
bool fromJson(const nlohmann::json& j, Approval* a, std::string* err);

// The run's event log (runtime/store.h): while a run goes on, each state
// change is one line that snapshots what changed, so that writing it costs
// the size of the change, not of the run. A line is one of
//   {"job": <job without "steps">}        a job's state (matched by index)
//   {"job": <index>, "step": <step>}      a step's state (matched by index)
//   {"annotation": <annotation>}          one more annotation
//   {"approval": <approval>}              a request, or its decision
// eventJson* make them; foldEvent applies one to a record. A line that is
// not one of these is false with *err and leaves the record as it was.
nlohmann::json jobEventJson(const JobRecord& job);
nlohmann::json stepEventJson(const JobRecord& job, const StepRecord& step);
nlohmann::json annotationEventJson(const Annotation& a);
nlohmann::json approvalEventJson(const Approval& a);
bool foldEvent(const nlohmann::json& line, RunRecord* r, std::string* err);

}  // namespace galley::run
