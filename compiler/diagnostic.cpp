#include "compiler/diagnostic.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>

#include "compiler/ascii.h"

namespace galley {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

Diagnostic& Diagnostics::report(Severity severity, Location where, std::string rule,
                                std::string message, std::string hint) {
  if (severity == Severity::Error) ++errors_;
  items_.push_back({severity, std::move(rule), std::move(message), where, std::move(hint), {}});
  return items_.back();
}

Diagnostic& Diagnostics::add(Diagnostic&& d) {
  if (d.severity == Severity::Error) ++errors_;
  items_.push_back(std::move(d));
  return items_.back();
}

void Diagnostics::append(Diagnostics&& other) {
  errors_ += other.errors_;
  for (auto& d : other.items_)
    items_.push_back(std::move(d));
  other.items_.clear();
  other.errors_ = 0;
}

void Diagnostics::sort() {
  // Findings are large: sort their indexes, then move each finding once,
  // along the cycles of the permutation, without a second vector of them.
  std::vector<uint32_t> order(items_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [this](uint32_t x, uint32_t y) {
    const Diagnostic &a = items_[x], &b = items_[y];
    // Mostly one file's: its paths need no comparing.
    if (a.where.file != b.where.file && a.where.path() != b.where.path())
      return a.where.path() < b.where.path();
    return a.where.begin < b.where.begin;
  });
  constexpr uint32_t kPlaced = UINT32_MAX;
  for (uint32_t i = 0; i < order.size(); ++i) {
    if (order[i] == kPlaced) continue;
    if (order[i] == i) {
      order[i] = kPlaced;
      continue;
    }
    // Slot j takes the finding at order[j]; the cycle closes back at i.
    Diagnostic first = std::move(items_[i]);
    uint32_t j = i;
    for (uint32_t from; (from = order[j]) != i; j = from) {
      items_[j] = std::move(items_[from]);
      order[j] = kPlaced;
    }
    items_[j] = std::move(first);
    order[j] = kPlaced;
  }
  // A recipe used twice reports its own problems twice; say each once.
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.where.file == b.where.file && a.where.begin == b.where.begin && a.rule == b.rule &&
           a.message == b.message;
  };
  items_.erase(std::unique(items_.begin(), items_.end(), same), items_.end());
  errors_ = std::count_if(items_.begin(), items_.end(),
                          [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace {

// The dynamic programme row by row, for words too long for one machine word.
size_t editDistanceByRows(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = asciiLower(a[i - 1]) == asciiLower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The distance from one word of up to 64 bytes to many others, each column
// of the programme computed as bit vectors (Myers 1999, in Hyyro's form for
// whole words): a few instructions a byte of the other word, where the rows
// take a few a byte pair. Runner labels are matched against sixty names.
class Distances {
 public:
  explicit Distances(std::string_view word) : size_(word.size()) {
    for (size_t i = 0; i < size_; ++i)
      match_[static_cast<unsigned char>(asciiLower(word[i]))] |= uint64_t{1} << i;
  }

  size_t to(std::string_view other) const {
    if (size_ == 0) return other.size();
    const uint64_t last = uint64_t{1} << (size_ - 1);
    uint64_t plus = ~uint64_t{0}, minus = 0;  // vertical deltas of +1 and -1
    size_t score = size_;
    for (char c : other) {
      uint64_t eq = match_[static_cast<unsigned char>(asciiLower(c))];
      uint64_t xv = eq | minus;
      uint64_t xh = (((eq & plus) + plus) ^ plus) | eq;
      uint64_t hPlus = minus | ~(xh | plus);
      uint64_t hMinus = plus & xh;
      if (hPlus & last)
        ++score;
      else if (hMinus & last)
        --score;
      // The first row counts up by one a column: a +1 enters at the top.
      hPlus = (hPlus << 1) | 1;
      hMinus <<= 1;
      plus = hMinus | ~(xv | hPlus);
      minus = hPlus & xv;
    }
    return score;
  }

  static bool fits(std::string_view word) { return word.size() <= 64; }

 private:
  size_t size_;
  uint64_t match_[256] = {};
};

}  // namespace

std::string excerpt(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut;  // not inside a UTF-8 sequence
  return std::string(s.substr(0, cut)) + "...";
}

size_t editDistance(std::string_view a, std::string_view b) {
  return Distances::fits(a) ? Distances(a).to(b) : editDistanceByRows(a, b);
}

std::string quoteList(std::span<const std::string> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? (names.size() > 2 ? ", or " : " or ") : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

namespace {

// Whether b is a with two neighbouring characters swapped ("tset" for
// "test"): one typo to a reader, though two edits to Levenshtein.
bool isTransposition(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i])
    ++i;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.substr(i + 2) == b.substr(i + 2);
}

}  // namespace

std::string didYouMean(std::string_view word, std::span<const std::string> candidates) {
  // A third of the word may differ, as ninja's SpellcheckString allows a few edits.
  size_t best = std::max<size_t>(1, word.size() / 3) + 1;
  const std::string* match = nullptr;
  std::optional<Distances> distances;
  if (Distances::fits(word)) distances.emplace(word);
  for (const auto& c : candidates) {
    // The lengths alone bound the distance from below.
    size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (gap >= best) continue;
    size_t d = isTransposition(word, c) ? 1
               : distances              ? distances->to(c)
                                        : editDistanceByRows(word, c);
    if (d < best) {
      best = d;
      match = &c;
    }
  }
  return match ? "did you mean '" + *match + "'?" : std::string();
}

}  // namespace galley
