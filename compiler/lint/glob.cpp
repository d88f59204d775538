#include "compiler/lint/glob.h"

#include <vector>

namespace galley::lint {

namespace {

bool isSpecial(char c) {
  return c == '*' || c == '?' || c == '+' || c == '[' || c == ']' || c == '\\' || c == '!';
}

// git-check-ref-format: what a branch or tag name may not contain, given that
// `* ? [ \` keep their glob meaning here.
std::string checkRefChar(char c) {
  if (c == ' ' || c == '~' || c == '^' || c == ':' || c == '\t')
    return std::string("character '") + c + "' is invalid in branch and tag names";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
    return "control characters are invalid in branch and tag names";
  return {};
}

std::string checkClass(std::string_view p, size_t* i) {
  size_t start = *i;  // at '['
  size_t j = start + 1;
  size_t count = 0;
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '\\' && j + 1 < p.size()) ++j;
    if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      if (p[j] > p[j + 2]) {
        *i = j + 2;
        return std::string("range start '") + p[j] + "' is after its end '" + p[j + 2] + "'";
      }
      j += 3;
      count += 2;
      continue;
    }
    ++j;
    ++count;
  }
  if (j >= p.size()) {
    *i = p.size() - 1;
    return "'[' has no closing ']'";
  }
  if (count == 0) {
    *i = j;
    return "'[]' matches nothing";
  }
  if (count == 1 && j == start + 2) {
    *i = j;
    return std::string("'[") + p[start + 1] + "]' matches one character: write '" + p[start + 1] +
           "'";
  }
  *i = j;
  return {};
}

}  // namespace

std::string checkGlob(std::string_view p, bool isRef, size_t* column) {
  std::vector<GlobProblem> all = globProblems(p, isRef);
  *column = all.empty() ? 0 : all.front().column;
  return all.empty() ? std::string() : all.front().message;
}

// Problems with ref names (a leading or trailing '/', a bad escape) leave the
// pattern readable, so the scan goes on and reports each; a broken glob stops it.
std::vector<GlobProblem> globProblems(std::string_view p, bool isRef) {
  std::vector<GlobProblem> out;
  auto stop = [&out](size_t column, std::string message) {
    out.push_back({column, std::move(message)});
    return out;
  };
  if (p.empty()) return out;
  if (!isRef) {
    if (p.front() == ' ' || p.back() == ' ' || p.back() == '\n')
      return stop(0, "leading and trailing spaces are not allowed in path patterns");
    if (p == "." || p == ".." || p.substr(0, 2) == "./" || p.substr(0, 3) == "../")
      return stop(0,
                  "'.' and '..' are not allowed in path patterns; paths are relative to the root");
  }
  size_t i = 0;
  if (p[0] == '!') {
    if (p.size() == 1) return stop(0, "'!' must be followed by a pattern");
    i = 1;
  }
  if (isRef && p[i] == '/') out.push_back({i, "branch and tag names cannot start with '/'"});
  bool prevSpecial = true;  // '+' needs a plain character before it
  for (; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && isSpecial(p[i + 1])) {
        ++i;
        prevSpecial = false;
        continue;
      }
      if (isRef)
        out.push_back({i,
                       "'\\' may only escape one of [ ? + * \\ ! in branch and tag names; "
                       "regular expressions are not supported"});
      prevSpecial = false;
      continue;
    }
    if (c == '[') {
      std::string err = checkClass(p, &i);
      if (!err.empty()) return stop(i, err);
      prevSpecial = false;
      continue;
    }
    if (c == '+' || c == '?') {
      if (c == '+' && prevSpecial) return stop(i, "'+' must follow a character it repeats");
      prevSpecial = true;
      continue;
    }
    if (c == '*') {
      prevSpecial = true;
      continue;
    }
    if (isRef) {
      std::string err = checkRefChar(c);
      if (!err.empty()) return stop(i, err);
    }
    prevSpecial = false;
  }
  if (isRef && (p.back() == '/' || p.back() == '.'))
    out.push_back({p.size() - 1, "branch and tag names cannot end with '/' or '.'"});
  return out;
}

namespace {

// Patterns without `**`: `*` backtracks in place, one point being enough
// within a segment. Linear in practice.
bool matchStars(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, starP = std::string_view::npos, starS = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      if (p[pi] == '*') {
        starP = pi;
        starS = si;
        ++pi;
        continue;
      }
      if ((p[pi] == '?' && s[si] != '/') || p[pi] == s[si]) {
        ++pi, ++si;
        continue;
      }
    }
    // Give the last `*` one more character, never a '/'.
    if (starP == std::string_view::npos || s[starS] == '/') return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

// Patterns with `**`, where a `*` after it must not take its backtrack
// point (docs/**/*.md and docs/a/b.md): whether each suffix of the pattern
// matches each suffix of s, one pattern position at a time from the end.
// O(pattern x path) time, and rows for the four positions a step reads:
// backtracking instead takes exponential time on `**a**a**a...b`.
bool matchDoubleStars(std::string_view p, std::string_view s) {
  const size_t n = s.size();
  // row(pi)[si]: whether p[pi..] matches s[si..]; rows pi+1 to pi+3 are kept.
  std::vector<std::vector<char>> rows(4, std::vector<char>(n + 1, 0));
  auto row = [&](size_t pi) -> std::vector<char>& { return rows[pi % 4]; };
  row(p.size())[n] = 1;  // the empty pattern matches only the empty rest
  for (size_t pi = p.size(); pi-- > 0;) {
    std::vector<char>& here = row(pi);
    if (p.substr(pi, 2) == "**") {
      // "**/" matches nothing or any text ending in '/'; "**" any text.
      bool slash = pi + 2 < p.size() && p[pi + 2] == '/';
      const std::vector<char>& tail = row(pi + 2 + (slash ? 1 : 0));
      bool later = false;  // some k > si the rest may start at
      for (size_t si = n + 1; si-- > 0;) {
        if (si < n && (!slash || s[si] == '/')) later = later || tail[si + 1];
        here[si] = tail[si] || later;
      }
      continue;
    }
    const std::vector<char>& next = row(pi + 1);
    for (size_t si = n + 1; si-- > 0;) {
      bool ok;
      if (p[pi] == '*')
        ok = next[si] || (si < n && s[si] != '/' && here[si + 1]);
      else
        ok = si < n && (p[pi] == '?' ? s[si] != '/' : p[pi] == s[si]) && next[si + 1];
      here[si] = ok;
    }
  }
  return row(0)[0];
}

}  // namespace

bool globMatch(std::string_view p, std::string_view s) {
  return p.find("**") == std::string_view::npos ? matchStars(p, s) : matchDoubleStars(p, s);
}

namespace {

// Tries each alternative of glob's first {a,b} group in turn (groups do not
// nest); `budget` bounds how many globs the expansion may try in all, so
// that `{a,b}{a,b}{a,b}...` cannot take exponential time.
bool braceMatch(std::string_view glob, std::string_view path, int& budget) {
  size_t open = glob.find('{');
  size_t close = open == std::string_view::npos ? open : glob.find('}', open);
  if (close == std::string_view::npos) return --budget >= 0 && globMatch(glob, path);
  std::string head(glob.substr(0, open));
  std::string_view tail = glob.substr(close + 1);
  std::string_view alternatives = glob.substr(open + 1, close - open - 1);
  for (size_t b = 0; budget > 0;) {
    size_t comma = alternatives.find(',', b);
    std::string_view alt =
        alternatives.substr(b, comma == std::string_view::npos ? comma : comma - b);
    if (braceMatch(head + std::string(alt) + std::string(tail), path, budget)) return true;
    if (comma == std::string_view::npos) break;
    b = comma + 1;
  }
  return false;
}

}  // namespace

bool actionlintGlobMatch(std::string_view glob, std::string_view path) {
  int budget = 1024;  // more alternatives than any real glob spells out
  return braceMatch(glob, path, budget);
}

}  // namespace galley::lint
