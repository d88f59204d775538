#include "runtime/masker.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace galley::run {

// The compiled set of strings to mask. Built once per change and then only
// read, so any number of threads match against it without locking.
//
// Why not Aho-Corasick: with hundreds of patterns (each secret brings up to
// ten encodings) a full automaton is megabytes of transitions, while log text
// almost never starts a secret. A filter on the first two bytes of every
// pattern (a 64 Kbit table that stays in L1) rejects nearly every position
// with one lookup; the rare candidates are compared with memcmp, longest
// first, since only the longest match at a position matters once ranges merge.
class MaskMatcher {
 public:
  explicit MaskMatcher(std::vector<std::string> patterns);

  // The ranges [begin, end) to replace, merged: overlapping or adjacent
  // occurrences become one range, as in the runner's SecretMasker.
  void ranges(std::string_view text, std::vector<std::pair<size_t, size_t>>* out) const;
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  size_t longestAt(const unsigned char* p, size_t left) const;
  static uint32_t key(const unsigned char* p) { return p[0] | (uint32_t(p[1]) << 8); }

  std::vector<std::string> patterns_;   // all of them, sorted, distinct
  std::vector<std::string> multi_;      // the longer than one byte: by two-byte key, longest first
  std::vector<uint32_t> bucket_;        // key -> first index in multi_ (65537 entries)
  std::array<uint64_t, 1024> pairs_{};  // bit per key that starts a pattern
  std::array<bool, 256> single_{};      // one-byte patterns
  bool anySingle_ = false;
};

MaskMatcher::MaskMatcher(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {
  for (const auto& p : patterns_) {
    if (p.size() == 1) {
      single_[static_cast<unsigned char>(p[0])] = true;
      anySingle_ = true;
    } else if (p.size() > 1) {
      multi_.push_back(p);
    }
  }
  auto keyOf = [](const std::string& s) {
    return key(reinterpret_cast<const unsigned char*>(s.data()));
  };
  std::sort(multi_.begin(), multi_.end(), [&](const std::string& a, const std::string& b) {
    uint32_t ka = keyOf(a), kb = keyOf(b);
    if (ka != kb) return ka < kb;
    return a.size() > b.size();
  });
  bucket_.assign(65537, 0);
  for (const auto& p : multi_) {
    uint32_t k = keyOf(p);
    ++bucket_[k + 1];
    pairs_[k >> 6] |= uint64_t(1) << (k & 63);
  }
  for (size_t k = 1; k < bucket_.size(); ++k)
    bucket_[k] += bucket_[k - 1];
}

size_t MaskMatcher::longestAt(const unsigned char* p, size_t left) const {
  if (left >= 2) {
    uint32_t k = key(p);
    if ((pairs_[k >> 6] >> (k & 63)) & 1) {
      for (uint32_t i = bucket_[k]; i < bucket_[k + 1]; ++i) {
        const std::string& s = multi_[i];
        if (s.size() <= left && std::memcmp(s.data(), p, s.size()) == 0) return s.size();
      }
    }
  }
  return anySingle_ && single_[p[0]] ? 1 : 0;
}

void MaskMatcher::ranges(std::string_view text, std::vector<std::pair<size_t, size_t>>* out) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  bool open = false;
  size_t begin = 0, end = 0;
  for (size_t i = 0; i < n; ++i) {
    // The common case, inlined: no pattern starts with these two bytes.
    if (!anySingle_ && i + 1 < n) {
      uint32_t k = key(p + i);
      if (!((pairs_[k >> 6] >> (k & 63)) & 1)) continue;
    }
    size_t len = longestAt(p + i, n - i);
    if (len == 0) continue;
    if (open && i <= end) {
      end = std::max(end, i + len);
    } else {
      if (open) out->emplace_back(begin, end);
      open = true;
      begin = i;
      end = i + len;
    }
  }
  if (open) out->emplace_back(begin, end);
}

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

// Lines split on CR and LF, trimmed, empty ones dropped (.NET's Split with
// RemoveEmptyEntries | TrimEntries).
std::vector<std::string> lines(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t stop = value.find_first_of("\r\n", start);
    if (stop == std::string_view::npos) stop = value.size();
    std::string_view line = trim(value.substr(start, stop - start));
    if (!line.empty()) out.emplace_back(line);
    start = stop + 1;
  }
  return out;
}

std::string replaceAll(std::string_view s, char from, std::string_view to) {
  std::string out;
  for (char c : s) {
    if (c == from) {
      out += to;
    } else {
      out += c;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                 uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6)
      out += kAlphabet[(v >> shift) & 63];
  }
  size_t left = bytes.size() - i;
  if (left > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (left == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += left == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The runner encodes the value's UTF-8 bytes without their first `shift`
// bytes, so that a secret that follows 1 or 2 other bytes inside a base64
// text (base64("user:" + password)) is still caught.
std::string base64Shifted(std::string_view bytes, size_t shift) {
  return base64(bytes.size() > shift ? bytes.substr(shift) : bytes);
}

// Newtonsoft's JsonConvert.ToString without the quotes.
std::string jsonEscape(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == 0xC2 && i + 1 < s.size() && uint8_t(s[i + 1]) == 0x85) {
      out += "\\u0085";
      ++i;
    } else if (c == 0xE2 && i + 2 < s.size() && uint8_t(s[i + 1]) == 0x80 &&
               (uint8_t(s[i + 2]) == 0xA8 || uint8_t(s[i + 2]) == 0xA9)) {
      out += uint8_t(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Uri.EscapeDataString: RFC 3986 unreserved characters kept, every other
// UTF-8 byte as %XX.
std::string uriEscape(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// SecurityElement.Escape.
std::string xmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '&':
        out += "&amp;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The runner's length limits count UTF-16 code units.
size_t utf16Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++n;  // a character start
    if ((c & 0xF8) == 0xF0) ++n;  // outside the BMP: a surrogate pair
  }
  return n;
}

std::string trimDoubleQuotes(std::string_view s) {
  if (utf16Length(s) > 8 && s.front() == '"' && s.back() == '"')
    return std::string(s.substr(1, s.size() - 2));
  return {};
}

// PowerShell may colour parts of a secret around '&' or "&+" in an error
// message; the runner masks the part before (including the separator)...
std::string powerShellBefore(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return {};
  size_t plus = s.find("&+");
  std::string_view part =
      plus != std::string_view::npos ? s.substr(0, plus + 2) : s.substr(0, s.rfind('&') + 1);
  return utf16Length(part) >= 6 ? std::string(part) : std::string();
}

// ...and the part after (after "&+" without the next, coloured, character).
std::string powerShellAfter(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return {};
  size_t plus = s.find("&+");
  std::string_view part;
  if (plus != std::string_view::npos) {
    if (utf16Length(s.substr(0, plus)) + 3 < utf16Length(s)) part = s.substr(plus + 3);
  } else {
    part = s.substr(s.rfind('&') + 1);
  }
  return utf16Length(part) >= 6 ? std::string(part) : std::string();
}

}  // namespace

std::vector<std::string> Masker::encodings(std::string_view value) {
  std::vector<std::string> out = {
      base64(value),
      base64Shifted(value, 1),
      base64Shifted(value, 2),
      replaceAll(value, '"', "\\\""),
      replaceAll(value, '\'', "''"),
      jsonEscape(value),
      uriEscape(value),
      xmlEscape(value),
      trimDoubleQuotes(value),
      powerShellBefore(value),
      powerShellAfter(value),
  };
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

namespace {

std::atomic<uint64_t> nextMaskerId{1};

// The snapshots this thread used last, by Masker id. Why not one
// atomic<shared_ptr>: every load would be an atomic read-modify-write of the
// shared reference count (a cache line bouncing between masking threads),
// and g++ 12's implementation draws ThreadSanitizer reports.
struct CachedSnapshot {
  uint64_t masker = 0, version = 0;
  std::shared_ptr<const MaskMatcher> matcher;
};
thread_local std::array<CachedSnapshot, 4> tCache;
thread_local size_t tNextSlot = 0;

}  // namespace

Masker::Masker() : id_(nextMaskerId.fetch_add(1)) {}
Masker::~Masker() = default;

const MaskMatcher* Masker::snapshot() const {
  uint64_t version = version_.load(std::memory_order_acquire);
  CachedSnapshot* slot = nullptr;
  for (auto& c : tCache)
    if (c.masker == id_) {
      if (c.version == version) return c.matcher.get();
      slot = &c;
    }
  if (!slot) {
    slot = &tCache[tNextSlot];
    tNextSlot = (tNextSlot + 1) % tCache.size();
  }
  std::lock_guard<std::mutex> lock(publish_);
  slot->masker = id_;
  slot->version = version_.load(std::memory_order_relaxed);
  slot->matcher = current_;
  return slot->matcher.get();
}

void Masker::addMany(const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(writers_);
  std::vector<std::string> patterns;
  {
    std::lock_guard<std::mutex> read(publish_);
    if (current_) patterns = current_->patterns();
  }
  size_t before = patterns.size();
  for (const auto& v : values) {
    patterns.push_back(v);
    for (auto& e : encodings(v))
      patterns.push_back(std::move(e));
  }
  std::sort(patterns.begin(), patterns.end());
  patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
  if (patterns.size() == before) return;  // nothing new: keep the snapshot
  auto next = std::make_shared<const MaskMatcher>(std::move(patterns));
  std::lock_guard<std::mutex> publish(publish_);
  current_ = std::move(next);
  version_.fetch_add(1, std::memory_order_release);
}

void Masker::addSecret(std::string_view value) {
  std::string_view whole = trim(value);
  if (whole.empty()) return;
  std::vector<std::string> values = lines(whole);
  values.emplace_back(whole);
  addMany(values);
}

void Masker::addValue(std::string_view value) {
  if (trim(value).empty()) return;
  addMany({std::string(value)});
}

void Masker::addSecretLines(std::string_view value) {
  std::vector<std::string> values = lines(value);
  if (!values.empty()) addMany(values);
}

namespace {

std::string replaced(std::string_view text, const std::vector<std::pair<size_t, size_t>>& ranges) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const auto& [begin, end] : ranges) {
    out.append(text.substr(at, begin - at));
    out += "***";
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace

std::string Masker::mask(std::string_view line) const {
  const MaskMatcher* m = snapshot();
  if (!m) return std::string(line);
  std::vector<std::pair<size_t, size_t>> ranges;
  m->ranges(line, &ranges);
  if (ranges.empty()) return std::string(line);
  return replaced(line, ranges);
}

void Masker::maskInPlace(std::string& text) const {
  const MaskMatcher* m = snapshot();
  if (!m) return;
  std::vector<std::pair<size_t, size_t>> ranges;
  m->ranges(text, &ranges);
  if (!ranges.empty()) text = replaced(text, ranges);
}

bool Masker::empty() const {
  return snapshot() == nullptr;
}

size_t Masker::patternCount() const {
  const MaskMatcher* m = snapshot();
  return m ? m->patterns().size() : 0;
}

}  // namespace galley::run
