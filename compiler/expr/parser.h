// Parses a GitHub expression into an Expression tree.
//
// Mirrors GitHub's parser, including where it counts depth: nesting deeper
// than kMaxDepth is an error, so recursion here and in the evaluator is
// bounded and deep input cannot overflow the stack.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/expr/ast.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/lexer.h"

namespace galley::expr {

inline constexpr int kMaxDepth = 50;

struct ParseOptions {
  // Named values the expression may use (compared ignoring case).
  std::vector<std::string> contexts;
  // Functions it may call.
  std::span<const FunctionSpec> functions = githubFunctions();
  // Accept unknown named values and functions and any argument count, so
  // that a checker can report them all with their positions.
  bool permissive = false;
};

// Parses text into *out. On failure returns false and sets *err (kind
// "lexing" or "parsing", GitHub's message, the offending token's range).
bool parse(std::string_view text, const ParseOptions& options, Expression* out, ExprError* err);

// parse(), for callers that only read the tree: each thread keeps the trees it
// parsed last without error (a fixed number, by text and options), since
// workflows repeat their expressions (`matrix.os`, `secrets.GITHUB_TOKEN`).
// The tree stays valid until the thread's next call. nullptr, with *err set,
// when text does not parse.
const Expression* parseCached(std::string_view text, const ParseOptions& options, ExprError* err);

// Frees the thread's cached trees. Lint calls it after each file: most of
// a file's repeats are its own, and trees kept from file to file would
// hold memory the next files' YAML would otherwise reuse, on fresh pages
// whose first touch (a page fault) costs more than parsing again.
void clearParseCache();

}  // namespace galley::expr
