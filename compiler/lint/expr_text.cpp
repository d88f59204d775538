#include "compiler/lint/expr_text.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "compiler/ascii.h"
#include "compiler/expr/template.h"

namespace galley::lint {

ExprSpan nextExpression(std::string_view text, size_t from) {
  size_t i = expr::findExpressionOpen(text, from);
  if (i == std::string_view::npos) return {std::string_view::npos, std::string_view::npos, {}};
  size_t j = i + 3;
  char quote = 0;
  for (; j < text.size(); ++j) {
    char c = text[j];
    if (quote) {
      if (c == quote) {
        if (j + 1 < text.size() && text[j + 1] == quote)
          ++j;  // '' escapes a quote
        else
          quote = 0;
      }
      continue;
    }
    if (c == '\'') quote = c;
    if (c == '}' && j + 1 < text.size() && text[j + 1] == '}') break;
  }
  size_t end = j < text.size() ? j + 2 : text.size();
  return {i, end, text.substr(i + 3, (j < text.size() ? j : text.size()) - i - 3)};
}

std::vector<ExprSpan> findExpressions(std::string_view text) {
  std::vector<ExprSpan> out;
  for (const ExprSpan& span : expressionsIn(text))
    out.push_back(span);
  return out;
}

namespace {

bool identStart(char c) {
  return isAsciiAlpha(c) || c == '_';
}
bool identChar(char c) {
  return isAsciiAlnum(c) || c == '_' || c == '-';
}

// Past the string literal that opens at s[i] ('' escapes a quote inside).
size_t skipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i)
    if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'')
        ++i;
      else
        break;
    }
  return i + 1;
}

// Where each `[` of s closes, strings skipped, as (open, close) sorted by
// open; a `[` that never closes has no entry. One pass with a stack, so that
// deeply nested indexes cost no more than flat ones.
std::vector<std::pair<size_t, size_t>> bracketPairs(std::string_view s) {
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<size_t> open;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '\'') {
      i = skipString(s, i);
      continue;
    }
    if (s[i] == '[') open.push_back(i);
    if (s[i] == ']' && !open.empty()) {
      pairs.emplace_back(open.back(), i);
      open.pop_back();
    }
    ++i;
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace

std::vector<ContextPath> contextPaths(std::string_view s) {
  std::vector<ContextPath> out;
  std::vector<std::pair<size_t, size_t>> brackets;  // found when the first `[` needs them
  bool bracketsFound = false;
  auto closeOf = [&](size_t open) {
    if (!bracketsFound) brackets = bracketPairs(s), bracketsFound = true;
    auto it = std::lower_bound(brackets.begin(), brackets.end(), std::pair{open, size_t{0}});
    return it != brackets.end() && it->first == open ? it->second : std::string_view::npos;
  };
  // One pass, left to right: a chain is recorded where it starts. Past a
  // chain with a computed index, the scan goes on just past its first name,
  // so the chains inside its indexes (`pages[commits[issue.title].author]`)
  // are met in turn; its own `.name` parts follow a '.', which no chain
  // starts after. Past any other chain, it goes on after the chain.
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'') {
      i = skipString(s, i);
      continue;
    }
    if (!identStart(c) || (i > 0 && (identChar(s[i - 1]) || s[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && identChar(s[i]))
      ++i;
    size_t headEnd = i;
    std::string path;
    appendLower(path, s.substr(start, i - start));
    size_t k = i;
    while (k < s.size() && s[k] == ' ')
      ++k;
    if (k < s.size() && s[k] == '(') continue;  // a function call
    if (path == "true" || path == "false" || path == "null") continue;
    bool computed = false;  // an index read from other paths, to scan next
    for (;;) {
      if (i < s.size() && s[i] == '.') {
        size_t b = ++i;
        if (i < s.size() && s[i] == '*') {
          ++i;
          path += ".*";
          continue;
        }
        while (i < s.size() && identChar(s[i]))
          ++i;
        path += '.';
        appendLower(path, s.substr(b, i - b));
        continue;
      }
      if (i < s.size() && s[i] == '[') {
        size_t close = closeOf(i);
        if (close == std::string_view::npos) break;
        std::string_view idx = s.substr(i + 1, close - i - 1);
        if (idx.size() >= 2 && idx.front() == '\'' && idx.back() == '\'' &&
            idx.find('\'', 1) == idx.size() - 1) {
          path += '.';
          appendLower(path, idx.substr(1, idx.size() - 2));
        } else if (!idx.empty() && idx.find_first_not_of("0123456789") == std::string_view::npos) {
          (path += '.') += idx;
        } else {
          path += ".[]";  // a computed index: any element
          computed = true;
        }
        i = close + 1;
        continue;
      }
      break;
    }
    out.push_back({std::move(path), start});
    if (computed) i = headEnd;
  }
  return out;
}

bool pathMatches(std::string_view pattern, std::string_view path) {
  size_t p = 0, q = 0;
  while (p < pattern.size()) {
    size_t pe = pattern.find('.', p);
    if (pe == std::string_view::npos) pe = pattern.size();
    if (q >= path.size()) return false;
    size_t qe = path.find('.', q);
    if (qe == std::string_view::npos) qe = path.size();
    std::string_view ps = pattern.substr(p, pe - p), qs = path.substr(q, qe - q);
    // A wildcard in the path (github.*) reads everything, but is not the
    // named field a pattern asks for.
    if (ps != "*" && ps != qs) return false;
    p = pe + 1;
    q = qe + 1;
  }
  return true;
}

std::string blankExpressions(const std::string& s) {
  std::string out = s;
  for (const auto& span : findExpressions(s))
    for (size_t i = span.begin; i < span.end; ++i)
      if (out[i] != '\n') out[i] = '_';
  return out;
}

}  // namespace galley::lint
