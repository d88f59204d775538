#include "runtime/wording.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "runtime/display.h"

namespace galley::run {

const char* resultColour(Result r) {
  switch (r) {
    case Result::Success:
      return "32";
    case Result::Failure:
      return "31";
    case Result::Cancelled:
      return "33";
    case Result::Skipped:
      return "2";
  }
  return "0";
}

std::string jobLabel(const JobInfo& j) {
  return printable(j.name.empty() ? j.key : j.name);
}

std::string jobLabel(const JobRecord& j) {
  return printable(j.name.empty() ? j.key : j.name);
}

std::string stepLabel(const StepInfo& s) {
  return printable(s.name.empty() ? s.id : s.name);
}

std::string stepLabel(const StepRecord& s) {
  return printable(s.name.empty() ? s.id : s.name);
}

bool knownTime(Clock::time_point t) {
  return t.time_since_epoch().count() != 0;
}

std::string took(Clock::time_point from, Clock::time_point to) {
  return knownTime(from) && knownTime(to) ? formatDuration(to - from) : std::string();
}

// `failure (exit code 1; continue-on-error)`: a step's result in words.
std::string stepResultText(const StepResult& r, bool color) {
  std::string text = paint(resultName(r.outcome), resultColour(r.outcome), color);
  std::vector<std::string> notes;
  if (r.outcome == Result::Failure && r.exitCode != 0)
    notes.push_back("exit code " + std::to_string(r.exitCode));
  if (r.outcome == Result::Failure && r.conclusion == Result::Success)
    notes.push_back("continue-on-error");
  if (!notes.empty()) {
    text += " (" + notes[0];
    for (size_t i = 1; i < notes.size(); ++i)
      text += "; " + notes[i];
    text += ")";
  }
  return text;
}

// An annotation's position as compilers print one: `file:line:col: `.
std::string annotationText(const Annotation& a, bool color) {
  std::string where;
  if (!a.file.empty()) {
    where = printable(a.file);
    if (a.line) where += ":" + std::to_string(a.line);
    if (a.line && a.column) where += ":" + std::to_string(a.column);
    where += ": ";
  }
  const char* colour = a.level == "error" ? "1;31" : a.level == "warning" ? "1;33" : "1;36";
  std::string message = a.title.empty() ? a.message : a.title + ": " + a.message;
  // A message of several lines keeps its shape, indented under the first.
  std::string body;
  size_t start = 0;
  for (size_t nl; (nl = message.find('\n', start)) != std::string::npos; start = nl + 1)
    body += printable(std::string_view(message).substr(start, nl - start)) + "\n      ";
  body += printable(std::string_view(message).substr(start));
  return where + paint(a.level, colour, color) + ": " + body;
}

std::string approvalText(const Approval& a) {
  // The engine reports a question the run's cancellation cut short, too.
  if (!a.decided) return "environment '" + printable(a.environment) + "' not decided (cancelled)";
  std::string text = "environment '" + printable(a.environment) + "' " +
                     (a.approved ? "approved" : "rejected") + " by " + printable(a.by);
  if (!a.comment.empty()) text += ": " + printable(a.comment);
  return text;
}

// How `galley logs` names a step: its id, or its number when galley made the id.
std::string stepArgument(const StepRecord& s) {
  if (!s.id.empty() && s.id.rfind("__", 0) != 0) return s.id;
  return std::to_string(s.index + 1);
}

std::string shellWord(const std::string& s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string jobResultWord(const JobRecord& j, bool color) {
  if (j.status != Status::Completed) return statusName(j.status);
  return paint(resultName(j.result.result), resultColour(j.result.result), color);
}

std::string runResultWord(const RunResult& r, bool color) {
  if (r.result == Result::Success && r.withIssues) return paint("partially succeeded", "33", color);
  return paint(resultName(r.result), resultColour(r.result), color);
}

}  // namespace galley::run
