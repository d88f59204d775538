// Evaluating a workflow's run-time values: templates (`${{ }}` in scalars,
// sequences and mappings) and `if:` conditions, with the contexts of the
// moment. A failure carries the position of the text that caused it.
#pragma once

#include <map>
#include <string>

#include "compiler/expr/evaluator.h"
#include "compiler/workflow.h"

namespace galley::run {

struct EvalError {
  std::string message;
  Location where;
};

// Builds the contexts object (github, env, matrix, ...) from named parts.
expr::Value makeContexts(const std::map<std::string, expr::Value>& parts);

// A template's value: plain scalars read as YAML 1.2 core types (null,
// booleans, numbers), other scalars are strings with each `${{ }}`
// interpolated (a scalar that is exactly one expression keeps its type),
// sequences and mappings evaluate item by item. Keys are literal.
bool evaluate(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
              expr::Value* out, EvalError* err);

// The template's value as `${{ }}` writes it (null is "").
bool evaluateString(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
                    std::string* out, EvalError* err);

// A mapping of names to strings (env:, with:, outputs:). A template that is
// an expression must evaluate to an object. Values keep their order.
bool evaluateMap(const wf::Template& t, const expr::Value& contexts, expr::EvalHost& host,
                 std::vector<std::pair<std::string, std::string>>* out, EvalError* err);

// An `if:` as GitHub reads it (expr::evaluateIf); an empty condition is
// success().
bool evaluateCondition(const wf::Text& condition, const expr::Value& contexts,
                       expr::EvalHost& host, bool* out, EvalError* err);

// A value as text for an environment variable or an output: strings as
// they are, others as `${{ }}` writes them (JSON for arrays and objects, as
// the runner does for env values built from objects).
std::string asText(const expr::Value& v);

}  // namespace galley::run
