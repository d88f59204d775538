// Finds ${{ }} spans in a scalar and the context paths they read
// (github.event.issue.title, steps.build.outputs.dir). Lexical only: the
// expression language itself is compiler/expr's; this is what the security
// audits need to follow data, and it never rejects an expression.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace galley::lint {

struct ExprSpan {
  size_t begin = 0;        // offset of "${{"
  size_t end = 0;          // offset just past "}}" (text.size() when unterminated)
  std::string_view inner;  // between the braces
};

// The first ${{ }} span of text at or after `from`, or a span with begin
// npos when there is none.
ExprSpan nextExpression(std::string_view text, size_t from = 0);

// Every ${{ }} span of text.
std::vector<ExprSpan> findExpressions(std::string_view text);

// The same spans, found one at a time as a loop asks for them: nothing is
// allocated (most scalars the audits scan have one or two).
class ExprSpans {
 public:
  class iterator {
   public:
    iterator(std::string_view text, size_t from) : text_(text), span_(nextExpression(text, from)) {}
    const ExprSpan& operator*() const { return span_; }
    const ExprSpan* operator->() const { return &span_; }
    iterator& operator++() {
      span_ = nextExpression(text_, span_.end);
      return *this;
    }
    bool operator!=(const iterator& o) const { return span_.begin != o.span_.begin; }

   private:
    std::string_view text_;
    ExprSpan span_;
  };
  explicit ExprSpans(std::string_view text) : text_(text) {}
  iterator begin() const { return iterator(text_, 0); }
  iterator end() const { return iterator(text_, text_.size()); }

 private:
  std::string_view text_;
};
inline ExprSpans expressionsIn(std::string_view text) {
  return ExprSpans(text);
}

// text with each ${{ }} replaced by underscores of the same width (newlines
// kept): columns stay put and a script linter sees one word where the runner
// substitutes text.
std::string blankExpressions(const std::string& text);

struct ContextPath {
  // Lower-cased; a `*` filter as ".*", a computed index as ".[]", a literal
  // one as ".key" or ".0": github.event.commits.*.message,
  // github.event.pages.[].page_name.
  std::string path;
  size_t offset = 0;  // in the inner text
};

// Property chains read by an expression, outermost first. Function names are
// skipped, their arguments kept.
std::vector<ContextPath> contextPaths(std::string_view inner);

// Whether `path` (as contextPaths gives it) matches `pattern`, where "*" in
// the pattern matches any one segment and a pattern matches its extensions
// too (github.event.issue matches github.event.issue.title).
bool pathMatches(std::string_view pattern, std::string_view path);

}  // namespace galley::lint
