#include "runtime/report.h"

#include <ctime>
#include <ostream>

#include "runtime/approvals.h"
#include "runtime/display.h"
#include "runtime/wording.h"

namespace galley::run {

std::string localTime(Clock::time_point t) {
  if (!knownTime(t)) return "-";
  std::time_t secs = Clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

namespace {

bool waitingForApproval(const StoredRun& run) {
  return run.record.status == Status::Running && !pendingApprovals(run).empty();
}

// A run's state in one word, coloured like a result.
std::string runWord(const StoredRun& run, bool color) {
  const RunRecord& r = run.record;
  if (r.status == Status::Completed) return runResultWord(r.result, color);
  if (r.status == Status::Interrupted) return paint("interrupted", "33", color);
  return paint(waitingForApproval(run) ? "waiting" : "running", "36", color);
}

std::string runDuration(const RunRecord& r, Clock::time_point now) {
  if (r.status == Status::Completed) return took(r.started, r.result.finished);
  if (r.status == Status::Running) return took(r.started, now);
  return "";
}

}  // namespace

void writeRunList(std::ostream& out, const std::vector<StoredRun>& runs, Clock::time_point now,
                  bool color) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "STATUS", "WORKFLOW", "EVENT", "STARTED", "DURATION"}};
  std::vector<std::string> words = {"STATUS"};  // coloured status, beside its plain width
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    const RunRecord& r = it->record;
    rows.push_back({printable(r.info.id), runWord(*it, false), printable(r.info.workflow),
                    printable(r.info.event), localTime(r.started), runDuration(r, now)});
    words.push_back(runWord(*it, color));
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], std::min<size_t>(displayWidth(row[c]), 40));
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string line;
    for (size_t c = 0; c < rows[i].size(); ++c) {
      std::string cell = c == 1 ? words[i] : fitWidth(rows[i][c], 40);
      std::string padding(
          widths[c] > displayWidth(rows[i][c]) ? widths[c] - displayWidth(rows[i][c]) : 0, ' ');
      line += cell + (c + 1 < rows[i].size() ? padding + "  " : "");
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out << line << '\n';
  }
}

namespace {

void writeJob(std::ostream& out, const JobRecord& j, Clock::time_point now, bool color) {
  out << jobLabel(j) << ": " << jobResultWord(j, color);
  if (j.status == Status::Completed && j.result.result != Result::Skipped) {
    if (std::string d = took(j.result.started, j.result.finished); !d.empty()) out << " in " << d;
  } else if (j.status == Status::Running) {
    if (std::string d = took(j.result.started, now); !d.empty()) out << " for " << d;
  }
  if (j.status == Status::Completed && !j.result.reason.empty())
    out << ": " << printable(j.result.reason);
  out << '\n';
  for (const auto& s : j.steps) {
    out << "  " << s.index + 1 << ' ' << stepLabel(s) << ": ";
    if (s.status != Status::Completed) {
      out << statusName(s.status);
      if (s.status == Status::Running)
        if (std::string d = took(s.result.started, now); !d.empty()) out << " for " << d;
    } else {
      out << stepResultText(s.result, color);
      if (s.result.outcome == Result::Skipped) {
        if (!s.result.skipReason.empty()) out << ": " << printable(s.result.skipReason);
      } else if (std::string d = took(s.result.started, s.result.finished); !d.empty()) {
        out << " in " << d;
      }
    }
    out << '\n';
  }
  for (const auto& [name, value] : j.result.outputs)
    out << "  output " << printable(name) << ": " << printable(value) << '\n';
}

}  // namespace

void writeRunDetails(std::ostream& out, const StoredRun& run, Clock::time_point now, bool color) {
  const RunRecord& r = run.record;
  std::string what = printable(r.info.workflow);
  if (!r.info.event.empty()) what += (what.empty() ? "" : ", ") + printable(r.info.event);
  out << paint("Run " + printable(r.info.id) + (what.empty() ? "" : " (" + what + ")"), "1", color)
      << ": " << runWord(run, color);
  if (std::string d = runDuration(r, now); !d.empty())
    out << (r.status == Status::Completed ? " in " : " for ") << d;
  out << '\n';
  if (!r.info.file.empty()) out << "  file: " << printable(r.info.file) << '\n';
  out << "  started: " << localTime(r.started) << '\n';
  if (r.status == Status::Completed && r.result.interrupted) out << "  cancelled with Ctrl-C\n";
  if (r.status == Status::Interrupted)
    out << "  galley (pid " << run.pid << ") stopped before the run finished\n";
  for (const auto& j : r.jobs) {
    out << '\n';
    writeJob(out, j, now, color);
  }
  if (!r.approvals.empty()) out << '\n' << paint("Approvals:", "1", color) << '\n';
  for (const auto& a : r.approvals) {
    out << "  " << printable(a.job) << ": environment '" << printable(a.environment) << "' ";
    if (!a.decided) {
      out << (r.status == Status::Running ? "pending" : "never decided") << '\n';
      continue;
    }
    out << (a.approved ? "approved" : "rejected") << " by " << printable(a.by) << " at "
        << localTime(a.at);
    if (!a.comment.empty()) out << ": " << printable(a.comment);
    out << '\n';
  }
  if (!r.annotations.empty()) out << '\n' << paint("Annotations:", "1", color) << '\n';
  for (const auto& a : r.annotations)
    out << "  " << annotationText(a, color) << '\n';
}

}  // namespace galley::run
