// One diagnostic type for every stage: loader, recipe checks, expressions,
// lint. Checks report into a Diagnostics sink and carry on; drivers stop at
// checkpoints between stages when the sink holds errors.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "compiler/source.h"

namespace galley {

enum class Severity { Error, Warning, Note };

const char* severityName(Severity s);

// A secondary location that explains a diagnostic ("declared here").
struct Note {
  Location where;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string rule;     // stable id such as "unknown-key"; shown as [rule]
  std::string message;  // one sentence, no trailing period
  Location where;
  std::string hint;  // optional, e.g. "did you mean 'needs'?"
  std::vector<Note> notes;
};

// Collects diagnostics. Not thread-safe: give each thread its own sink and
// merge them.
class Diagnostics {
 public:
  Diagnostic& report(Severity severity, Location where, std::string rule, std::string message,
                     std::string hint = {});
  Diagnostic& error(Location where, std::string rule, std::string message, std::string hint = {}) {
    return report(Severity::Error, where, std::move(rule), std::move(message), std::move(hint));
  }
  Diagnostic& warning(Location where, std::string rule, std::string message,
                      std::string hint = {}) {
    return report(Severity::Warning, where, std::move(rule), std::move(message), std::move(hint));
  }

  void append(Diagnostics&& other);
  // Takes one finding as it is (from another sink).
  Diagnostic& add(Diagnostic&& d);
  // Empties the sink, keeping its storage for the next findings.
  void clear() {
    items_.clear();
    errors_ = 0;
  }
  // Room for n more, when the caller knows how many are coming.
  void reserve(size_t n) { items_.reserve(items_.size() + n); }
  // Orders by file, then position, keeping the report order for ties, and
  // drops exact repeats.
  void sort();

  const std::vector<Diagnostic>& all() const { return items_; }
  std::vector<Diagnostic>& all() { return items_; }
  size_t errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ > 0; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
};

// s as a message quotes it: itself when at most max bytes, else its first
// max bytes (whole UTF-8 characters) and "...", so that a message never
// echoes a whole file read as one long value.
std::string excerpt(std::string_view s, size_t max = 80);

// The Levenshtein distance between a and b, ignoring ASCII case.
size_t editDistance(std::string_view a, std::string_view b);

// Names quoted and joined for a message: 'a', 'b', or 'c' ('a' or 'b').
std::string quoteList(std::span<const std::string> names);

// "did you mean 'x'?" for the candidate closest to word, or "" when none is
// close enough to be a plausible typo.
std::string didYouMean(std::string_view word, std::span<const std::string> candidates);
inline std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  return didYouMean(word, std::span<const std::string>(candidates));
}

}  // namespace galley
