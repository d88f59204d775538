// Strings with `${{ }}` in them, and `if:` conditions.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/expr/evaluator.h"
#include "compiler/expr/lexer.h"

namespace galley::expr {

// A piece of a templated string: literal text, or the expression between
// `${{` and `}}` (untrimmed). text views the split string, which must
// outlive it; offset is where text starts in the string.
struct Segment {
  bool expression = false;
  std::string_view text;
  uint32_t offset = 0;
};

// Splits value at each `${{ ... }}`. A `}}` inside a quoted string in the
// expression does not close it. An unclosed `${{` is an error (kind
// "parsing", offset of the `${{`).
bool splitTemplate(std::string_view value, std::vector<Segment>* out, ExprError* err);

// The offset of the first `${{` in value at or after `from`, or npos.
// Inline, since lint asks of nearly every scalar; each `$` is tested in
// place, where string_view::find calls memcmp for it.
inline size_t findExpressionOpen(std::string_view value, size_t from = 0) {
  const char* p = value.data();
  size_t n = value.size();
  while (from + 3 <= n) {
    const void* dollar = std::memchr(p + from, '$', n - from - 2);
    if (!dollar) break;
    size_t i = static_cast<const char*>(dollar) - p;
    if (p[i + 1] == '{' && p[i + 2] == '{') return i;
    from = i + 1;
  }
  return std::string_view::npos;
}

// Whether value holds `${{` at all.
inline bool hasExpression(std::string_view value) {
  return findExpressionOpen(value) != std::string_view::npos;
}

// Evaluates a templated string. A value that is exactly one `${{ }}` (with
// nothing around it) keeps the expression's type; otherwise the result is a
// String joining the literal text and each expression as `${{ }}` writes it.
EvalResult interpolate(std::string_view value, const Value& contexts, EvalHost& host);

// The expression GitHub evaluates for an `if:` value: the `${{ }}` around a
// whole condition is optional; text mixing literal parts and `${{ }}` becomes
// a format() call (a non-empty string, so true); an empty condition is
// success(); and unless a status function (success, failure, cancelled,
// always) is called, the condition is `success() && (condition)`.
// Returns false with *err when the condition does not parse.
bool ifExpression(std::string_view condition, std::string* expression, ExprError* err);

// Evaluates an `if:` value as GitHub does: ifExpression, then truthiness.
EvalResult evaluateIf(std::string_view condition, const Value& contexts, EvalHost& host);

}  // namespace galley::expr
