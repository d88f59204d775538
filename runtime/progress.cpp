#include "runtime/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <utility>

#include "compiler/render.h"
#include "runtime/display.h"
#include "runtime/host.h"
#include "runtime/wording.h"

namespace galley::run {

// ---- summary ----

namespace {

void writeRunHeadline(std::ostream& out, const RunRecord& run, bool color) {
  std::string title = "Run";
  if (!run.info.id.empty()) title += " " + printable(run.info.id);
  std::string what = printable(run.info.workflow);
  if (!run.info.event.empty()) what += (what.empty() ? "" : ", ") + printable(run.info.event);
  if (!what.empty()) title += " (" + what + ")";
  std::string outcome = run.status == Status::Completed ? runResultWord(run.result, color)
                                                        : std::string(statusName(run.status));
  std::string duration = took(run.started, run.result.finished);
  out << paint(title, "1", color) << ": " << outcome;
  if (run.status == Status::Completed && !duration.empty()) out << " in " << duration;
  out << '\n';
}

// One line per job: result, name, duration, reason, in aligned columns.
void writeJobTable(std::ostream& out, const RunRecord& run, bool color) {
  size_t nameWidth = 0, timeWidth = 0;
  for (const auto& j : run.jobs) {
    nameWidth = std::max(nameWidth, std::min<size_t>(displayWidth(jobLabel(j)), 40));
    timeWidth = std::max(timeWidth, took(j.result.started, j.result.finished).size());
  }
  for (const auto& j : run.jobs) {
    bool done = j.status == Status::Completed;
    std::string line = "  " + paint(padTo(jobResultWord(j, false), 12),
                                    done ? resultColour(j.result.result) : "33", color);
    line += padTo(jobLabel(j), nameWidth);
    std::string time = done ? took(j.result.started, j.result.finished) : std::string();
    std::string reason = done ? printable(j.result.reason) : "";
    if (timeWidth || !reason.empty()) line += "  " + padTo(time, timeWidth);
    if (!reason.empty()) line += "  " + reason;
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  }
}

// The steps that failed the run, each with the command that shows its log.
void writeFailedSteps(std::ostream& out, const RunRecord& run, bool color) {
  std::vector<std::string> failed;
  for (const auto& j : run.jobs)
    for (const auto& s : j.steps) {
      bool didFail = (s.status == Status::Completed && s.result.conclusion == Result::Failure) ||
                     s.status == Status::Interrupted;
      if (!didFail) continue;
      std::string line = "  " + jobLabel(j) + " / " + stepLabel(s) + ": ";
      line += s.status == Status::Interrupted ? std::string("interrupted")
                                              : stepResultText(s.result, color);
      if (!run.info.id.empty())
        line += " (galley logs " + shellWord(run.info.id) + " --job " + shellWord(j.key) +
                " --step " + shellWord(stepArgument(s)) + ")";
      failed.push_back(line);
    }
  if (failed.empty()) return;
  out << paint("Failed steps:", "1", color) << '\n';
  for (const auto& f : failed)
    out << f << '\n';
}

}  // namespace

void writeSummary(std::ostream& out, const RunRecord& run, bool color) {
  writeRunHeadline(out, run, color);
  writeJobTable(out, run, color);
  writeFailedSteps(out, run, color);
  if (run.annotations.empty()) return;
  out << paint("Annotations:", "1", color) << '\n';
  for (const auto& a : run.annotations)
    out << "  " << annotationText(a, color) << '\n';
}

// ---- plain ----

PlainView::PlainView(std::ostream& out, ViewOptions options)
    : RunTally(options.now), out_(out), options_(std::move(options)) {}

void PlainView::runStarted(const RunInfo& info) {
  RunTally::runStarted(info);
  out_ << "galley run";
  if (!info.id.empty()) out_ << ' ' << printable(info.id);
  out_ << ": " << printable(info.workflow.empty() ? info.file : info.workflow);
  if (!info.event.empty()) out_ << " (" << printable(info.event) << ')';
  out_ << std::endl;
}

void PlainView::jobStarted(const JobInfo& j) {
  RunTally::jobStarted(j);
  out_ << '[' << jobLabel(j) << "] started\n";
}

void PlainView::stepStarted(const JobInfo& j, const StepInfo& s) {
  RunTally::stepStarted(j, s);
  out_ << '[' << jobLabel(j) << '/' << stepLabel(s) << "] started\n";
}

void PlainView::stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) {
  out_ << '[' << jobLabel(j) << '/' << stepLabel(s) << "] " << printable(l.text) << std::endl;
}

void PlainView::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) {
  RunTally::stepFinished(j, s, r);
  out_ << '[' << jobLabel(j) << '/' << stepLabel(s) << "] " << stepResultText(r, options_.color);
  if (r.outcome == Result::Skipped) {
    if (!r.skipReason.empty()) out_ << ": " << printable(r.skipReason);
  } else if (std::string d = took(r.started, r.finished); !d.empty()) {
    out_ << " in " << d;
  }
  out_ << std::endl;
}

void PlainView::annotation(const Annotation& a) {
  RunTally::annotation(a);
  std::string where = printable(a.job);
  for (const auto& j : record().jobs)
    if (j.key == a.job) {
      where = jobLabel(j);
      if (const StepRecord* s = j.findStep(a.step)) where += "/" + stepLabel(*s);
    }
  // An annotation of the run itself (its concurrency group) has no job.
  if (!where.empty()) out_ << '[' << where << "] ";
  out_ << annotationText(a, options_.color) << std::endl;
}

void PlainView::approvalRequested(const Approval& a) {
  RunTally::approvalRequested(a);
  const JobRecord* j = record().job(a.job);
  out_ << '[' << (j ? jobLabel(*j) : printable(a.job)) << "] waiting for approval of environment '"
       << printable(a.environment) << "'";
  if (!a.approvers.empty()) out_ << " (approvers: " << printable(a.approvers) << ')';
  out_ << std::endl;
}

void PlainView::approvalDecided(const Approval& a) {
  RunTally::approvalDecided(a);
  const JobRecord* j = record().job(a.job);
  out_ << '[' << (j ? jobLabel(*j) : printable(a.job)) << "] " << approvalText(a) << std::endl;
}

void PlainView::jobFinished(const JobInfo& j, const JobResult& r) {
  RunTally::jobFinished(j, r);
  out_ << '[' << jobLabel(j) << "] "
       << paint(resultName(r.result), resultColour(r.result), options_.color);
  if (r.result != Result::Skipped)
    if (std::string d = took(r.started, r.finished); !d.empty()) out_ << " in " << d;
  if (!r.reason.empty()) out_ << ": " << printable(r.reason);
  out_ << std::endl;
}

void PlainView::runFinished(const RunInfo& info, const RunResult& r) {
  RunTally::runFinished(info, r);
  out_ << std::endl;
  writeSummary(out_, record(), options_.color);
  out_.flush();
}

// ---- live ----

namespace {

constexpr size_t kTailLines = 5;
constexpr auto kFrameInterval = std::chrono::milliseconds(100);

const char* symbolOf(const JobRecord& j, Clock::time_point now) {
  static const char* spinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  switch (j.status) {
    case Status::Queued:
      return "·";
    case Status::Waiting:
      return "?";
    case Status::Interrupted:
      return "!";
    case Status::Running: {
      auto tick = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) /
                  kFrameInterval;
      return spinner[static_cast<size_t>(tick) % 10];
    }
    case Status::Completed:
      break;
  }
  switch (j.result.result) {
    case Result::Success:
      return "✓";
    case Result::Failure:
      return "✗";
    case Result::Cancelled:
      return "⊘";
    case Result::Skipped:
      return "-";
  }
  return " ";
}

const char* symbolColour(const JobRecord& j) {
  if (j.status == Status::Completed) return resultColour(j.result.result);
  return j.status == Status::Running ? "36" : "33";
}

// Terminal size in columns and rows; 80x24 when `fd` is no terminal.
std::pair<size_t, size_t> terminalSize(int fd) {
  struct winsize ws {};
  if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
    return {ws.ws_col, ws.ws_row};
  return {80, 24};
}

}  // namespace

LiveView::LiveView(std::ostream& out, int ttyFd, ViewOptions options, bool animate)
    : RunTally(options.now), out_(out), ttyFd_(ttyFd), options_(std::move(options)) {
  if (!animate) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      draw();
      wake_.wait_for(lock, kFrameInterval, [this] { return stopping_; });
    }
  });
}

LiveView::~LiveView() {
  stopTicker();
}

void LiveView::stopTicker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string LiveView::jobLine(const JobRecord& j, size_t nameWidth, size_t width) const {
  Clock::time_point now = options_.now();
  std::string time, detail;
  switch (j.status) {
    case Status::Queued:
      time = "queued";
      break;
    case Status::Waiting:
      time = "waiting";
      for (const auto& a : record().approvals)
        if (a.job == j.key && !a.decided)
          detail = "approval of environment '" + printable(a.environment) + "'";
      break;
    case Status::Interrupted:
      time = "interrupted";
      break;
    case Status::Running: {
      time = knownTime(j.result.started) ? formatDuration(now - j.result.started) : "";
      auto it = running_.find(j.index);
      if (it != running_.end() && !it->second.step.empty()) {
        detail = it->second.step;
        if (!it->second.tail.empty()) detail += ": " + it->second.tail.back();
      }
      break;
    }
    case Status::Completed:
      time = j.result.result == Result::Skipped ? "" : took(j.result.started, j.result.finished);
      detail = j.result.reason;
      break;
  }
  std::string line = "  " + padTo(fitWidth(jobLabel(j), nameWidth), nameWidth) + "  " +
                     padTo(time, 8) + (detail.empty() ? "" : "  " + detail);
  // One column spare: a line that fills the last column makes some
  // terminals wrap before the next character arrives.
  line = fitWidth(line, width > 1 ? width - 1 : 0);
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  if (line.empty()) return line;
  // The symbol replaces the first space after the cut, so that its colour
  // codes are not counted as columns.
  return paint(symbolOf(j, now), symbolColour(j), options_.color) + line.substr(1);
}

std::vector<std::string> LiveView::frameLines(size_t width, size_t height) const {
  const auto& jobs = record().jobs;
  size_t budget = std::max<size_t>(height > 1 ? height - 1 : 1, 1);
  std::vector<const JobRecord*> shown;
  size_t hidden = 0;
  if (jobs.size() <= budget) {
    for (const auto& j : jobs)
      shown.push_back(&j);
  } else {
    // The jobs that are doing something first, then failures, then the rest.
    auto rank = [](const JobRecord& j) {
      if (j.status == Status::Running || j.status == Status::Waiting) return 0;
      if (j.status == Status::Completed && j.result.result == Result::Failure) return 1;
      return j.status == Status::Queued ? 2 : 3;
    };
    for (int r = 0; r <= 3 && shown.size() < budget - 1; ++r)
      for (const auto& j : jobs)
        if (rank(j) == r && shown.size() < budget - 1) shown.push_back(&j);
    std::sort(shown.begin(), shown.end(),
              [](const JobRecord* a, const JobRecord* b) { return a < b; });
    hidden = jobs.size() - shown.size();
  }
  size_t nameWidth = 0;
  for (const JobRecord* j : shown)
    nameWidth = std::max(nameWidth, displayWidth(jobLabel(*j)));
  nameWidth = std::min<size_t>(nameWidth, std::max<size_t>(width / 3, 8));
  std::vector<std::string> lines;
  for (const JobRecord* j : shown)
    lines.push_back(jobLine(*j, nameWidth, width));
  if (hidden) {
    size_t done = 0, queued = 0;
    for (const auto& j : jobs)
      if (std::find(shown.begin(), shown.end(), &j) == shown.end())
        (j.status == Status::Completed ? done : queued) += 1;
    lines.push_back(fitWidth("  … " + std::to_string(hidden) + " more: " + std::to_string(done) +
                                 " done, " + std::to_string(queued) + " waiting",
                             width));
  }
  return lines;
}

std::string LiveView::frame(size_t width, size_t height) const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& l : frameLines(width, height))
    out += l + "\n";
  return out;
}

void LiveView::clearFrame(std::string& out) {
  if (drawn_ > 0) out += "\r\033[" + std::to_string(drawn_) + "A";
  out += "\r\033[J";
  drawn_ = 0;
}

void LiveView::draw() {
  if (suspended_ || record().jobs.empty()) return;
  auto [width, height] = terminalSize(ttyFd_);
  std::vector<std::string> lines = frameLines(width, height);
  // Autowrap off while drawing: a line the width count got wrong is cut by
  // the terminal instead of wrapping and shifting every line below it.
  std::string out = "\033[?7l";
  clearFrame(out);
  for (const auto& l : lines)
    out += l + "\n";
  out += "\033[?7h";
  drawn_ = lines.size();
  out_ << out << std::flush;
}

void LiveView::printAbove(const std::string& text) {
  std::string out;
  if (drawn_ > 0) clearFrame(out);
  out_ << out << text << std::flush;
}

void LiveView::runStarted(const RunInfo& info) {
  std::lock_guard lock(mu_);
  RunTally::runStarted(info);
}

void LiveView::jobQueued(const JobInfo& j) {
  std::lock_guard lock(mu_);
  RunTally::jobQueued(j);
}

void LiveView::jobStarted(const JobInfo& j) {
  std::lock_guard lock(mu_);
  RunTally::jobStarted(j);
}

void LiveView::stepStarted(const JobInfo& j, const StepInfo& s) {
  std::lock_guard lock(mu_);
  RunTally::stepStarted(j, s);
  running_[j.index] = Running{stepLabel(s), {}};
}

void LiveView::stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) {
  std::lock_guard lock(mu_);
  Running& r = running_[j.index];
  r.tail.push_back(printable(l.text, false));
  if (r.tail.size() > kTailLines) r.tail.pop_front();
}

void LiveView::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) {
  std::lock_guard lock(mu_);
  RunTally::stepFinished(j, s, r);
  Running done = std::exchange(running_[j.index], Running{});
  if (r.conclusion == Result::Failure) {
    std::string text = paint("✗", "31", options_.color) + " " + jobLabel(j) + " / " + stepLabel(s) +
                       ": " + stepResultText(r, options_.color) + "\n";
    for (const auto& l : done.tail)
      text += "    " + l + "\n";
    printAbove(text);
    draw();
  }
}

void LiveView::approvalRequested(const Approval& a) {
  std::lock_guard lock(mu_);
  RunTally::approvalRequested(a);
  std::string text = "? " + printable(a.job) + " waits for approval of environment '" +
                     printable(a.environment) + "'";
  if (!a.approvers.empty()) text += " (approvers: " + printable(a.approvers) + ")";
  printAbove(text + "\n");
  ++suspended_;
}

void LiveView::approvalDecided(const Approval& a) {
  std::lock_guard lock(mu_);
  RunTally::approvalDecided(a);
  if (suspended_) --suspended_;
  printAbove((a.approved ? "✓ " : "✗ ") + printable(a.job) + ": " + approvalText(a) + "\n");
  draw();
}

void LiveView::jobFinished(const JobInfo& j, const JobResult& r) {
  std::lock_guard lock(mu_);
  RunTally::jobFinished(j, r);
  running_.erase(j.index);
}

void LiveView::runFinished(const RunInfo& info, const RunResult& r) {
  stopTicker();
  std::lock_guard lock(mu_);
  RunTally::runFinished(info, r);
  std::string out;
  if (drawn_ > 0) clearFrame(out);
  out_ << out;
  writeSummary(out_, record(), options_.color);
  out_.flush();
}

// ---- JSON ----

namespace {

nlohmann::json jobJson(const JobInfo& j) {
  nlohmann::json matrix = nlohmann::json::object();
  for (const auto& [k, v] : j.matrix)
    matrix[k] = v;
  return {{"key", j.key}, {"id", j.id}, {"name", j.name}, {"matrix", matrix}};
}

nlohmann::json timeOrNull(Clock::time_point t) {
  return knownTime(t) ? nlohmann::json(isoTime(t)) : nlohmann::json(nullptr);
}

const char* streamName(Stream s) {
  return s == Stream::Err ? "stderr" : s == Stream::Galley ? "galley" : "stdout";
}

}  // namespace

JsonView::JsonView(std::ostream& out, std::function<Clock::time_point()> now)
    : out_(out), now_(std::move(now)) {}

void JsonView::emit(const char* event, nlohmann::json fields) {
  nlohmann::json j = {{"event", event}};
  if (!fields.contains("at")) j["at"] = isoTime(now_());
  j.update(fields);
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

void JsonView::runStarted(const RunInfo& i) {
  emit("runStarted",
       {{"run", {{"id", i.id}, {"workflow", i.workflow}, {"file", i.file}, {"event", i.event}}}});
}

void JsonView::jobQueued(const JobInfo& j) {
  emit("jobQueued", {{"job", jobJson(j)}});
}

void JsonView::jobStarted(const JobInfo& j) {
  emit("jobStarted", {{"job", jobJson(j)}});
}

void JsonView::stepStarted(const JobInfo& j, const StepInfo& s) {
  emit("stepStarted",
       {{"job", j.key}, {"step", {{"index", s.index}, {"id", s.id}, {"name", s.name}}}});
}

void JsonView::stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) {
  emit("stepLog", {{"at", isoTime(l.at)},
                   {"job", j.key},
                   {"step", s.id},
                   {"stream", streamName(l.stream)},
                   {"text", l.text}});
}

void JsonView::stepSummary(const JobInfo& j, const StepInfo& s, const std::string& md) {
  emit("stepSummary", {{"job", j.key}, {"step", s.id}, {"markdown", md}});
}

void JsonView::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) {
  nlohmann::json f = {{"job", j.key},
                      {"step", s.id},
                      {"outcome", resultName(r.outcome)},
                      {"conclusion", resultName(r.conclusion)},
                      {"exitCode", r.exitCode},
                      {"started", timeOrNull(r.started)},
                      {"finished", timeOrNull(r.finished)},
                      {"outputs", r.outputs}};
  if (!r.skipReason.empty()) f["skipReason"] = r.skipReason;
  emit("stepFinished", std::move(f));
}

void JsonView::annotation(const Annotation& a) {
  emit("annotation", {{"annotation", toJson(a)}});
}

void JsonView::approvalRequested(const Approval& a) {
  emit("approvalRequested", {{"approval", toJson(a)}});
}

void JsonView::approvalDecided(const Approval& a) {
  emit("approvalDecided", {{"approval", toJson(a)}});
}

void JsonView::jobFinished(const JobInfo& j, const JobResult& r) {
  results_[j.key] = r.result;
  nlohmann::json f = {{"job", j.key},
                      {"result", resultName(r.result)},
                      {"started", timeOrNull(r.started)},
                      {"finished", timeOrNull(r.finished)},
                      {"outputs", r.outputs}};
  if (!r.reason.empty()) f["reason"] = r.reason;
  emit("jobFinished", std::move(f));
}

void JsonView::runFinished(const RunInfo& i, const RunResult& r) {
  nlohmann::json jobs = nlohmann::json::object();
  for (const auto& [key, result] : results_)
    jobs[key] = resultName(result);
  nlohmann::json f = {{"run", i.id},
                      {"result", resultName(r.result)},
                      {"interrupted", r.interrupted},
                      {"started", timeOrNull(r.started)},
                      {"finished", timeOrNull(r.finished)},
                      {"jobs", jobs}};
  if (r.withIssues) f["withIssues"] = true;
  emit("runFinished", std::move(f));
  out_.flush();
}

// ---- choosing ----

std::unique_ptr<Reporter> makeView(ViewMode mode, std::ostream& out, int fd) {
  if (mode == ViewMode::Json) return std::make_unique<JsonView>(out);
  ViewOptions options;
  options.color = wantColor(fd);
  if (mode == ViewMode::Auto) {
    Host host = detectHost();
    if (host != Host::None) return std::make_unique<HostView>(host, out, ViewOptions{});
    const char* ci = std::getenv("CI");
    bool interactive = isatty(fd) && !(ci && std::string_view(ci) == "true");
    mode = interactive ? ViewMode::Live : ViewMode::Plain;
  }
  if (mode == ViewMode::Live) return std::make_unique<LiveView>(out, fd, options);
  return std::make_unique<PlainView>(out, options);
}

}  // namespace galley::run
