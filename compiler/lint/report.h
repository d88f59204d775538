// What a lint run shows a reviewer: the findings at or above a minimum
// severity, notes collapsed to one line per rule unless asked for one by
// one, and a closing summary counting what was found.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "compiler/diagnostic.h"

namespace galley::lint {

struct ReportOptions {
  // Findings below it are neither shown nor counted.
  Severity minSeverity = Severity::Note;
  // Each note shown where it is; otherwise notes are counted per rule and
  // named in closing().
  bool eachNote = false;
};

class Report {
 public:
  explicit Report(ReportOptions options) : options_(options) {}

  // Counts one file's findings and appends those to show to `shown`.
  // Thread-safe: files are taken on the threads that lint them.
  void take(const Diagnostics& found, Diagnostics& shown);

  // The lines that close a text report: one per rule whose notes were not
  // shown ("note: 909 missing-permissions notes (use --notes to show)"),
  // then "12 errors, 3 warnings, 40 notes in 9 files". Empty when nothing
  // was counted.
  std::string closing() const;

  // Whether a counted finding is more than a note: the run fails.
  bool fails() const;

 private:
  ReportOptions options_;
  mutable std::mutex mu_;
  size_t errors_ = 0, warnings_ = 0, notes_ = 0, files_ = 0;
  std::map<std::string, size_t> hiddenNotes_;  // rule -> notes not shown
};

}  // namespace galley::lint
