// What a run shows on the terminal while it goes, and the summary after.
//
// Three views, each a Reporter: Plain (a log, line by line: pipes, CI),
// Live (one redrawn line per job: an interactive terminal) and Json (one
// object per event per line: tools). Plain and Live end with the summary
// (writeSummary); runtime/host.h adds the dialects of a real CI host.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/record.h"

namespace galley::run {

struct ViewOptions {
  bool color = false;
  std::function<Clock::time_point()> now = Clock::now;  // tests pin it
};

// The end of a run for people: every job with its result and duration,
// the failed steps with the command that shows their log, and the
// annotations as `file:line:col: level: message`. Every piece of user text
// is printable().
void writeSummary(std::ostream& out, const RunRecord& run, bool color);

// `[job/step] line` for each log line, and a line when a job or step
// starts or finishes, with its result and duration; the summary at the end.
class PlainView final : public RunTally {
 public:
  PlainView(std::ostream& out, ViewOptions options);

  void runStarted(const RunInfo&) override;
  void jobStarted(const JobInfo&) override;
  void stepStarted(const JobInfo&, const StepInfo&) override;
  void stepLog(const JobInfo&, const StepInfo&, const LogLine&) override;
  void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) override;
  void annotation(const Annotation&) override;
  void approvalRequested(const Approval&) override;
  void approvalDecided(const Approval&) override;
  void jobFinished(const JobInfo&, const JobResult&) override;
  void runFinished(const RunInfo&, const RunResult&) override;

 private:
  std::ostream& out_;
  ViewOptions options_;
};

// One line per job (a symbol, its name, the time it took or takes, the
// running step and its last log line), redrawn in place with ANSI cursor
// movement at most ten times a second, each line cut to the terminal's
// width and the frame to its height. A failed step's last lines are printed
// above the frame as it fails; while an approval is pending the frame is
// cleared and not drawn, so that a prompt has the terminal to itself.
// Thread-safe: events and the redrawing thread take one lock.
class LiveView final : public RunTally {
 public:
  // Writes to `out`; asks `ttyFd` for the terminal's size (-1: 80x24).
  // With `animate`, a thread redraws until runFinished or destruction.
  LiveView(std::ostream& out, int ttyFd, ViewOptions options, bool animate = true);
  ~LiveView() override;

  // The frame for a terminal of this size at options.now(), lines joined
  // by '\n' (no cursor movement): what the redraw writes.
  std::string frame(size_t width, size_t height) const;

  void runStarted(const RunInfo&) override;
  void jobQueued(const JobInfo&) override;
  void jobStarted(const JobInfo&) override;
  void stepStarted(const JobInfo&, const StepInfo&) override;
  void stepLog(const JobInfo&, const StepInfo&, const LogLine&) override;
  void stepFinished(const JobInfo&, const StepInfo&, const StepResult&) override;
  void approvalRequested(const Approval&) override;
  void approvalDecided(const Approval&) override;
  void jobFinished(const JobInfo&, const JobResult&) override;
  void runFinished(const RunInfo&, const RunResult&) override;

 private:
  struct Running {
    std::string step;
    std::deque<std::string> tail;  // the step's last lines
  };
  std::vector<std::string> frameLines(size_t width, size_t height) const;
  std::string jobLine(const JobRecord& job, size_t nameWidth, size_t width) const;
  void draw();                               // with mu_ held
  void printAbove(const std::string& text);  // with mu_ held
  void clearFrame(std::string& out);
  void stopTicker();

  std::ostream& out_;
  int ttyFd_;
  ViewOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool stopping_ = false;
  size_t suspended_ = 0;               // pending approvals
  size_t drawn_ = 0;                   // lines of the frame on screen
  std::map<size_t, Running> running_;  // by job index
};

// One JSON object per event per line: {"event": "stepLog", "at": ...}.
// Invalid UTF-8 in user text becomes U+FFFD.
class JsonView final : public Reporter {
 public:
  JsonView(std::ostream& out, std::function<Clock::time_point()> now = Clock::now);

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
  void emit(const char* event, nlohmann::json fields);
  std::ostream& out_;
  std::function<Clock::time_point()> now_;
  std::map<std::string, Result> results_;  // job key -> result, for runFinished
};

// Which view `galley run` shows. Auto: a CI host's dialect inside GitHub
// Actions or Azure Pipelines (runtime/host.h), else Live on a terminal
// unless CI=true, else Plain.
enum class ViewMode : uint8_t { Auto, Plain, Live, Json };

// The view for `out`, whose descriptor is `fd` (to tell a terminal).
std::unique_ptr<Reporter> makeView(ViewMode mode, std::ostream& out, int fd);

}  // namespace galley::run
