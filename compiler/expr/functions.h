// The function tables of the GitHub dialect: names, arities and, for the
// evaluator, implementations. Data, not code paths: a new function is one
// row. Source: docs.github.com "Expressions" and @actions/expressions funcs.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ascii.h"
#include "compiler/expr/value.h"

namespace galley::expr {

// Skipped: a job whose needs include a skipped job (none failed): success(),
// failure() and cancelled() are all false, so only always() (or a
// condition without status functions that GitHub wraps in success()) decides.
enum class JobStatus : uint8_t { Success, Failure, Cancelled, Skipped };

// What functions need from the world outside the expression. The defaults
// suit a context where no job runs (a success status, no workspace).
class EvalHost {
 public:
  virtual ~EvalHost() = default;
  // The status success(), failure() and cancelled() answer from.
  virtual JobStatus status() const { return JobStatus::Success; }
  // hashFiles(patterns...): on success sets *hash (hex SHA-256, or '' when
  // nothing matched); on failure returns false with *err set.
  virtual bool hashFiles(std::span<const std::string> patterns, std::string* hash,
                         std::string* err);
};

// A function's result, or the message of the error it raised.
struct CallResult {
  Value value;
  std::string error;  // empty on success
};

using Builtin = CallResult (*)(std::span<const Value> args, EvalHost& host);

struct FunctionSpec {
  std::string_view name;  // canonical spelling; calls match it ignoring case
  uint32_t minArgs;
  uint32_t maxArgs;
  bool oddArgs;  // case(): pred, value, ..., default
  bool status;   // success(), failure(), cancelled(), always()
  Builtin impl;
};

// Every GitHub function, including hashFiles and the status functions.
std::span<const FunctionSpec> githubFunctions();
// The row for name (case-insensitive), or nullptr.
const FunctionSpec* findFunction(std::span<const FunctionSpec> table, std::string_view name);

}  // namespace galley::expr
