// Secret masking as the GitHub runner does it (runner.md §4.4): every
// occurrence of a registered value, or of one of its encoded forms, becomes
// "***" in whatever galley logs, stores or prints.
#pragma once

#include <atomic>
#include <cstdint>
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
  // forms; all-blank values are ignored. The runner handles ::add-mask::DATA
  // as addValue(DATA) then addSecretLines(DATA) (and a stop-commands token as
  // addValue alone).
  void addValue(std::string_view value);
  // Registers each line of value (split on CR/LF, trimmed, empty dropped).
  void addSecretLines(std::string_view value);

  // `line` with every occurrence of every registered value replaced by "***";
  // overlapping and adjacent occurrences merge into one "***". Linear in the
  // line for log text; the cost at a position grows with how much of a
  // registered value matches there, so text that repeats a long secret's
  // prefix many times over (a secret "aaaa..." in a line of 'a's) is the slow
  // case, as in the runner's own IndexOf-based masker.
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
  // immutable snapshot of the compiled values: each thread keeps the last
  // snapshots it used and checks them against an atomic version number, so
  // the common case is one atomic load and no lock; after a change, a
  // thread's next call copies the new snapshot under a short mutex. Adding
  // builds the new snapshot outside that mutex (writers are serialized by
  // their own). A line masked while a value is being added sees the old or
  // the new set; one masked after addSecret() returned sees the new set.
  // A thread may hold a destroyed Masker's last snapshot (memory only) until
  // it masks with other Maskers or exits.

 private:
  void addMany(const std::vector<std::string>& values);
  const MaskMatcher* snapshot() const;
  const uint64_t id_;           // unique per Masker, never reused
  std::mutex writers_;          // one rebuild at a time
  mutable std::mutex publish_;  // guards current_
  std::shared_ptr<const MaskMatcher> current_;
  std::atomic<uint64_t> version_{0};  // bumped after current_ changes
};

}  // namespace galley::run
