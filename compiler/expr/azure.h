// The Azure Pipelines expression dialect: function-call syntax (no infix
// operators), True/False/Null, numbers, version literals (1.2.3), 'strings',
// property and index access (variables['a.b'],
// dependencies.J.outputs['step.var']), Azure's type casting (a comparison
// converts its right operand to the left operand's type), and the three
// syntaxes: compile-time ${{ }}, runtime $[ ] and macros $(var).
// Source: learn.microsoft.com/azure/devops/pipelines/process/expressions.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "compiler/expr/ast.h"
#include "compiler/expr/lexer.h"
#include "compiler/expr/value.h"

namespace galley::expr::azure {

// A value, whether it is a version (kept as its String text), or an error.
struct Result {
  bool ok = true;
  Value value;
  bool version = false;
  std::string error;
};

// What the world outside the expression answers.
class Host {
 public:
  virtual ~Host() = default;
  // Status of the named jobs or stages (all dependencies when names is
  // empty): "Succeeded", "SucceededWithIssues", "Failed", "Canceled".
  virtual std::string status(const std::vector<std::string>& names) const { return "Succeeded"; }
  // counter(prefix, seed): the next value for prefix. The default keeps the
  // counters in memory, starting at seed.
  virtual double counter(const std::string& prefix, double seed);
  // Reading key from object, which lacks it: an error message to stop
  // with, or "" to read null (the default). Template expansion makes a
  // template's undeclared parameter an error this way.
  virtual std::string missingProperty(const Value& object, const std::string& key) const {
    return {};
  }

 private:
  std::map<std::string, double> counters_;
};

inline constexpr int kMaxDepth = 50;
inline constexpr size_t kMaxLength = 21000;

// Parses an Azure expression into *out (nodes keep byte offsets). On
// failure returns false with *err (message, offset).
bool parse(std::string_view text, Expression* out, ExprError* err);

// The arity of an Azure function (case-insensitive); false when unknown.
bool functionArity(std::string_view name, uint32_t* minArgs, uint32_t* maxArgs);
// Every Azure function name, for "did you mean".
std::vector<std::string> functionNames();

// Parses and evaluates an expression. contexts is an Object of named values
// (variables, parameters, dependencies, stageDependencies, pipeline, ...).
Result evaluate(std::string_view text, const Value& contexts, Host& host);
// Evaluates an expression parse() accepted.
Result evaluate(const Expression& parsed, const Value& contexts, Host& host);

// The string of a value as Azure writes it (True/False, numbers, versions).
std::string toAzureString(const Value& v);

// Compile-time template: a value that is exactly one ${{ }} keeps its type;
// otherwise each ${{ }} is written as a string, a missing value as ''.
Result expandTemplate(std::string_view text, const Value& contexts, Host& host);

// Runtime expression: $[ ] must be the whole value; text around it is an
// error.
Result evaluateRuntime(std::string_view text, const Value& contexts, Host& host);

}  // namespace galley::expr::azure
