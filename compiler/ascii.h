// ASCII case folding: how GitHub compares names (contexts, ids, functions,
// keys), and what every layer of the compiler shares when it ignores case.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace galley {

// c lower-cased if it is an ASCII capital; every other byte unchanged.
inline char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII classes, without the C library's locale lookup: names in workflows
// and expressions are ASCII.
inline bool isAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}
inline bool isAsciiAlnum(char c) {
  return isAsciiAlpha(c) || isAsciiDigit(c);
}

// Whether two names are equal ignoring ASCII case.
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  return true;
}

// Appends s lower-cased to out.
inline void appendLower(std::string& out, std::string_view s) {
  size_t at = out.size();
  out.append(s);
  for (size_t i = at; i < out.size(); ++i)
    out[i] = asciiLower(out[i]);
}

inline std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = asciiLower(c);
  return out;
}

// Names that compare without case (job ids, env and input names), with the
// index of the first of each: a scan while there are few, a hash table once
// there are many, so a workflow with thousands of jobs stays linear.
class CaselessIndex {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);
  // The index of the first name equal to name without case; adds name with
  // index i when there is none, and returns i.
  size_t add(std::string_view name, size_t i);
  size_t find(std::string_view name) const;

 private:
  // The first names sit inline (most indexes hold a few job or step ids):
  // no allocation until there are more. They are views: the names must
  // outlive the index while it holds so few.
  static constexpr size_t kScanLimit = 16;
  std::array<std::pair<std::string_view, size_t>, kScanLimit> few_;
  size_t fewCount_ = 0;
  std::unordered_map<std::string, size_t> many_;  // lower-cased, once past kScanLimit
};

}  // namespace galley
