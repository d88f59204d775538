// ASCII case folding: how GitHub compares names (contexts, ids, functions,
// keys), and what every layer of the compiler shares when it ignores case.
#pragma once

#include <string>
#include <string_view>

namespace galley {

// c lower-cased if it is an ASCII capital; every other byte unchanged.
inline char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
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
  for (char c : s)
    out += asciiLower(c);
}

inline std::string lowerCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  appendLower(out, s);
  return out;
}

}  // namespace galley
