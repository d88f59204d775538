// Secret masking as the GitHub runner does it (runner.md §4.4): every
// occurrence of a registered value, or of one of its encoded forms, becomes
// "***" in whatever galley logs, stores or prints.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace galley::run {

class MaskMatcher;  // the compiled set of values (masker.cpp)

class Masker {
 public:
  Masker();
  ~Masker();
  Masker(const Masker&) = delete;
  Masker& operator=(const Masker&) = delete;

  // Registers a secret the way the runner registers secret variables: the
  // value with surrounding ASCII whitespace trimmed, whole, and each of its
  // lines (split on CR and LF, each trimmed, empty ones dropped). Like GitHub
  // it masks every non-empty value, even a one-character one: a short secret
  // masks many innocent bytes, but leaking it would be worse, and logs then
  // read the same as on GitHub. Empty or all-blank values are ignored.
  void addSecret(std::string_view value);

  // Registers exactly `value` (no trimming, no line split) with its encoded
  // forms; ::add-mask:: registers its data this way plus each trimmed line
  // (call addSecret-style splitting yourself via addSecretLines).
  void addValue(std::string_view value);
  // Registers each line of value (split on CR/LF, trimmed, empty dropped).
  void addSecretLines(std::string_view value);

  // `line` with every occurrence of every registered value replaced by "***";
  // overlapping and adjacent occurrences merge into one "***".
  std::string mask(std::string_view line) const;
  // For multi-line text (step summaries, JSON): masks whole registered values
  // wherever they occur, across line breaks too, and therefore every line's.
  void maskInPlace(std::string& text) const;
  bool empty() const;
  // How many distinct strings (values and their encodings) are matched.
  size_t patternCount() const;

  // The encoded forms GitHub registers beside a value (ValueEncoders.cs):
  // base64 of its UTF-8 bytes, and of them without the first 1 and 2 bytes;
  // `"` -> `\"`; `'` -> `''`; JSON string escape; URI data escape; XML escape;
  // without enclosing double quotes (when longer than 8); the PowerShell
  // `&`/`&+` parts (6 or more characters). Empty forms are left out; the
  // value itself is not included. Exposed for tests.
  static std::vector<std::string> encodings(std::string_view value);

  // Thread-safety: any thread may add while others mask. Masking reads an
  // immutable snapshot (one atomic shared_ptr load per call, no mutex);
  // adding rebuilds the snapshot under a writers' mutex and publishes it.
  // A line masked while a value is being added sees the old or the new set.

 private:
  void addMany(const std::vector<std::string>& values);
  std::mutex writers_;
  std::atomic<std::shared_ptr<const MaskMatcher>> current_;
};

}  // namespace galley::run
