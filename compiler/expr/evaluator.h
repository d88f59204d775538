// Evaluates a parsed GitHub expression against named values.
#pragma once

#include <string>

#include "compiler/expr/ast.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/value.h"

namespace galley::expr {

// A value, or the message of the error that stopped evaluation.
struct EvalResult {
  bool ok = true;
  Value value;
  std::string error;
  std::string errorKind;  // "lexing", "parsing" or "evaluation"
};

// Evaluation stops with an error once the strings that functions produce
// exceed this many bytes (GitHub's runner: 1 MiB of UTF-16 text), so that
// format('{0}{0}...', toJSON(x)) cannot exhaust memory.
inline constexpr size_t kMaxEvaluationMemory = 1u << 20;

// Evaluates expr. contexts is an Object whose keys are the named values
// (github, env, matrix...); names the parser accepted but contexts lacks
// read as null. The empty expression evaluates to null.
EvalResult evaluate(const Expression& expr, const Value& contexts, EvalHost& host);

// Parses and evaluates text with the named values of contexts and GitHub's
// functions: the one-call form the CLI and tests use. Syntax errors come
// back as errors with GitHub's message.
EvalResult evaluateText(std::string_view text, const Value& contexts, EvalHost& host);

}  // namespace galley::expr
