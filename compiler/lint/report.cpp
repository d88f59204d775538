#include "compiler/lint/report.h"

namespace galley::lint {

namespace {

// Lower is more severe: Error < Warning < Note.
bool atLeast(Severity s, Severity min) {
  return static_cast<int>(s) <= static_cast<int>(min);
}

std::string count(size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

void Report::take(const Diagnostics& found, Diagnostics& shown) {
  size_t errors = 0, warnings = 0, notes = 0;
  std::map<std::string, size_t> hidden;
  for (const Diagnostic& d : found.all()) {
    if (!atLeast(d.severity, options_.minSeverity)) continue;
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
    if (d.severity == Severity::Note) {
      ++notes;
      if (!options_.eachNote) {
        ++hidden[d.rule];
        continue;
      }
    }
    Diagnostic copy = d;
    shown.add(std::move(copy));
  }
  if (errors + warnings + notes == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  errors_ += errors;
  warnings_ += warnings;
  notes_ += notes;
  ++files_;
  for (const auto& [rule, n] : hidden)
    hiddenNotes_[rule] += n;
}

std::string Report::closing() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (files_ == 0) return "";
  std::string out;
  for (const auto& [rule, n] : hiddenNotes_)
    out += "note: " + count(n, (rule + " note").c_str()) + " (use --notes to show)\n";
  out += count(errors_, "error") + ", " + count(warnings_, "warning") + ", " +
         count(notes_, "note") + " in " + count(files_, "file") + "\n";
  return out;
}

bool Report::fails() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_ + warnings_ > 0;
}

}  // namespace galley::lint
