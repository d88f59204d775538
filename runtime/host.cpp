#include "runtime/host.h"

#include "runtime/commands.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <random>

#include "runtime/display.h"

namespace galley::run {

namespace {

constexpr size_t kMaxPendingBytes = 1 << 20;

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}


// 32 hex digits nobody can guess: a step cannot end our stop-commands.
std::string randomToken() {
  std::random_device device;
  std::string out;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i) {
    uint32_t v = device();
    for (int k = 0; k < 8; ++k, v >>= 4)
      out += hex[v & 15];
  }
  return out;
}

// The agent scans every line for `##vso[` and reads `##[` as formatting: a
// zero-width space after the `##` makes the text inert and looks the same.
std::string inertForAzure(std::string text) {
  for (const char* key : {"##vso[", "##["}) {
    for (size_t at = 0; (at = text.find(key, at)) != std::string::npos;) {
      text.insert(at + 2, "\u200B");
      at += 5;
    }
  }
  return text;
}

std::string stepTitle(const JobInfo& j, const StepInfo& s) {
  return printable(j.name.empty() ? j.key : j.name) + "/" + printable(s.name.empty() ? s.id : s.name);
}

std::string randomDelimiter(const std::string& value) {
  for (;;) {
    std::string d = "galley_" + randomToken();
    if (value.find(d) == std::string::npos) return d;
  }
}

}  // namespace

const char* hostName(Host h) {
  switch (h) {
    case Host::None: return "none";
    case Host::GitHubActions: return "github";
    case Host::AzurePipelines: return "azure";
  }
  return "none";
}

Host detectHost(const char* (*getenv)(const char*)) {
  auto get = [getenv](const char* name) -> std::string_view {
    const char* v = getenv ? getenv(name) : std::getenv(name);
    return v ? v : "";
  };
  if (get("GITHUB_ACTIONS") == "true") return Host::GitHubActions;
  if (equalsIgnoringCase(get("TF_BUILD"), "true")) return Host::AzurePipelines;
  return Host::None;
}

HostView::HostView(Host host, std::ostream& out, ViewOptions options, HostFiles files)
    : RunTally(options.now), host_(host), out_(out), options_(std::move(options)),
      files_(std::move(files)) {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  if (files_.githubOutput.empty()) files_.githubOutput = env("GITHUB_OUTPUT");
  if (files_.githubStepSummary.empty()) files_.githubStepSummary = env("GITHUB_STEP_SUMMARY");
  if (files_.azureTempDir.empty()) files_.azureTempDir = env("AGENT_TEMPDIRECTORY");
}

HostView::~HostView() {
  std::lock_guard lock(mu_);
  closeGroup();
  out_.flush();
}

// ---- writing ----

void HostView::writeLine(const std::string& text) {
  std::string safe = printable(text);
  out_ << (host_ == Host::AzurePipelines ? inertForAzure(std::move(safe)) : safe) << std::endl;
}

// A command inside a GitHub group runs between the end and a new start of
// the stop-commands section.
void HostView::writeCommand(const std::string& command) {
  bool suspended = open_ && host_ == Host::GitHubActions && !token_.empty();
  if (suspended) out_ << "::" << token_ << "::\n";
  out_ << command << '\n';
  if (suspended) {
    token_ = randomToken();
    out_ << "::stop-commands::" << token_ << '\n';
  }
}

void HostView::openGroup(const StepKey& k) {
  Pending& p = running_[k];
  std::string title = p.shownBefore ? p.title + " (continued)" : p.title;
  p.shownBefore = true;
  if (host_ == Host::GitHubActions) {
    out_ << "::group::" << escapeCommandData(title) << '\n';
    token_ = randomToken();
    out_ << "::stop-commands::" << token_ << '\n';
  } else {
    out_ << "##[group]" << inertForAzure(title) << '\n';
  }
  open_ = true;
  openKey_ = k;
}

void HostView::closeGroup() {
  if (!open_) return;
  if (host_ == Host::GitHubActions) {
    out_ << "::" << token_ << "::\n::endgroup::\n";
    token_.clear();
  } else {
    out_ << "##[endgroup]\n";
  }
  open_ = false;
}

// Writes a step's gathered lines as a group of their own; the group that
// was open (another step's) closes first.
void HostView::flush(const StepKey& k, bool finished) {
  Pending& p = running_[k];
  if (!(open_ && openKey_ == k)) {
    if (p.entries.empty() && p.shownBefore && !finished) return;
    closeGroup();
    openGroup(k);
  }
  for (auto& [command, text] : p.entries) {
    if (command)
      writeCommand(text);
    else
      writeLine(text);
  }
  p.entries.clear();
  p.bytes = 0;
  if (finished) closeGroup();
}

// A line that belongs to no step: written outside any group.
void HostView::outside(const std::string& line) {
  closeGroup();
  out_ << line << std::endl;
}

std::string HostView::annotationCommand(const Annotation& a) const {
  if (host_ == Host::GitHubActions) {
    std::vector<std::pair<const char*, std::string>> props;
    if (!a.file.empty()) props.emplace_back("file", a.file);
    if (a.line) props.emplace_back("line", std::to_string(a.line));
    if (a.endLine) props.emplace_back("endLine", std::to_string(a.endLine));
    if (a.line && a.column) props.emplace_back("col", std::to_string(a.column));
    if (a.line && a.endColumn) props.emplace_back("endColumn", std::to_string(a.endColumn));
    if (!a.title.empty()) props.emplace_back("title", a.title);
    std::string cmd = "::" + a.level;
    for (size_t i = 0; i < props.size(); ++i)
      cmd += (i ? "," : " ") + std::string(props[i].first) + "=" + escapeCommandProperty(props[i].second);
    return cmd + "::" + escapeCommandData(a.message);
  }
  // Azure has errors and warnings only: a notice is a plain line.
  std::string message = a.title.empty() ? a.message : a.title + ": " + a.message;
  if (a.level != "error" && a.level != "warning") {
    std::string where = a.file.empty() ? "" : a.file + (a.line ? ":" + std::to_string(a.line) : "") + ": ";
    return inertForAzure(printable(where + a.level + ": " + message));
  }
  std::string cmd = "##vso[task.logissue type=" + a.level;
  if (!a.file.empty()) cmd += ";sourcepath=" + escapeAzureProperty(a.file);
  if (a.line) cmd += ";linenumber=" + std::to_string(a.line);
  if (a.line && a.column) cmd += ";columnnumber=" + std::to_string(a.column);
  return cmd + "]" + escapeAzureData(message);
}

// ---- events ----

void HostView::runStarted(const RunInfo& info) {
  std::lock_guard lock(mu_);
  RunTally::runStarted(info);
  outside("galley run" + (info.id.empty() ? "" : " " + printable(info.id)) + ": " +
          printable(info.workflow.empty() ? info.file : info.workflow) +
          (info.event.empty() ? "" : " (" + printable(info.event) + ")"));
}

void HostView::jobStarted(const JobInfo& j) {
  std::lock_guard lock(mu_);
  RunTally::jobStarted(j);
}

void HostView::stepStarted(const JobInfo& j, const StepInfo& s) {
  std::lock_guard lock(mu_);
  RunTally::stepStarted(j, s);
  StepKey k{j.index, s.index};
  running_[k] = Pending{stepTitle(j, s), {}, 0, false};
  // Alone, a step streams; joining another, it ends that one's live group.
  if (running_.size() == 1)
    openGroup(k);
  else
    closeGroup();
}

void HostView::stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) {
  std::lock_guard lock(mu_);
  StepKey k{j.index, s.index};
  // Alone again after a line outside the groups closed its group.
  if (!open_ && running_.size() == 1 && running_.count(k)) flush(k, false);
  if (open_ && openKey_ == k) {
    writeLine(l.text);
    return;
  }
  Pending& p = running_[k];
  if (p.title.empty()) p.title = stepTitle(j, s);
  p.entries.emplace_back(false, l.text);
  p.bytes += l.text.size();
  if (p.bytes >= kMaxPendingBytes) flush(k, false);
}

void HostView::stepSummary(const JobInfo& j, const StepInfo& s, const std::string& markdown) {
  std::lock_guard lock(mu_);
  RunTally::stepSummary(j, s, markdown);
  if (host_ == Host::GitHubActions && !files_.githubStepSummary.empty()) {
    std::ofstream(files_.githubStepSummary, std::ios::app) << markdown << (markdown.empty() || markdown.back() == '\n' ? "" : "\n");
  } else if (host_ == Host::AzurePipelines && !files_.azureTempDir.empty()) {
    std::string path = files_.azureTempDir + "/galley-summary-" + std::to_string(++summaries_) + ".md";
    std::ofstream(path) << markdown;
    StepKey k{j.index, s.index};
    std::string cmd = "##vso[task.uploadsummary]" + escapeAzureData(path);
    if (open_ && openKey_ == k)
      writeCommand(cmd);
    else
      running_[k].entries.emplace_back(true, cmd);
  }
}

void HostView::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) {
  std::lock_guard lock(mu_);
  RunTally::stepFinished(j, s, r);
  StepKey k{j.index, s.index};
  if (running_.count(k)) flush(k, true);
  running_.erase(k);
  // A step that ran beside this one may stream again now.
  if (running_.size() == 1 && !open_) flush(running_.begin()->first, false);
}

void HostView::annotation(const Annotation& a) {
  std::lock_guard lock(mu_);
  RunTally::annotation(a);
  std::string cmd = annotationCommand(a);
  for (auto& [k, p] : running_) {
    const JobRecord* job = nullptr;
    for (const auto& jr : record().jobs)
      if (jr.index == k.first) job = &jr;
    const StepRecord* step = job ? job->step(k.second) : nullptr;
    if (!job || job->key != a.job || !step || step->id != a.step) continue;
    if (open_ && openKey_ == k)
      writeCommand(cmd);
    else
      p.entries.emplace_back(true, cmd);
    return;
  }
  closeGroup();
  out_ << cmd << '\n';
}

void HostView::approvalRequested(const Approval& a) {
  std::lock_guard lock(mu_);
  RunTally::approvalRequested(a);
  outside("[" + printable(a.job) + "] waiting for approval of environment '" +
          printable(a.environment) + "'");
}

void HostView::approvalDecided(const Approval& a) {
  std::lock_guard lock(mu_);
  RunTally::approvalDecided(a);
  outside("[" + printable(a.job) + "] environment '" + printable(a.environment) + "' " +
          (a.approved ? "approved" : "rejected") + " by " + printable(a.by) +
          (a.comment.empty() ? "" : ": " + printable(a.comment)));
}

void HostView::jobFinished(const JobInfo& j, const JobResult& r) {
  std::lock_guard lock(mu_);
  RunTally::jobFinished(j, r);
  std::string line = "[" + printable(j.name.empty() ? j.key : j.name) + "] " + resultName(r.result);
  if (r.result != Result::Skipped && r.started.time_since_epoch().count() &&
      r.finished.time_since_epoch().count())
    line += " in " + formatDuration(r.finished - r.started);
  if (!r.reason.empty()) line += ": " + printable(r.reason);
  outside(line);
}

void HostView::runFinished(const RunInfo& info, const RunResult& r) {
  std::lock_guard lock(mu_);
  RunTally::runFinished(info, r);
  closeGroup();
  out_ << '\n';
  writeSummary(out_, record(), options_.color);
  out_.flush();
}

bool HostView::setOutput(const std::string& name, const std::string& value, std::string* err) {
  std::lock_guard lock(mu_);
  if (host_ == Host::GitHubActions) {
    if (files_.githubOutput.empty()) {
      *err = "GITHUB_OUTPUT is not set";
      return false;
    }
    std::ofstream out(files_.githubOutput, std::ios::app);
    std::string delimiter = randomDelimiter(name + value);
    out << name << "<<" << delimiter << '\n' << value << '\n' << delimiter << '\n';
    if (!out) {
      *err = "cannot write " + files_.githubOutput;
      return false;
    }
    return true;
  }
  if (host_ == Host::AzurePipelines) {
    writeCommand("##vso[task.setvariable variable=" + escapeAzureProperty(name) +
                 ";isOutput=true]" + escapeAzureData(value));
    return true;
  }
  *err = "not running inside a CI host";
  return false;
}

}  // namespace galley::run
