// The check stages lintFile chains, one per file pair. Internal to lint/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/expr/checker.h"
#include "compiler/lint/lint.h"
#include "compiler/lint/schema.h"
#include "compiler/yaml.h"

namespace galley::lint {

struct CheckContext {
  const SourceFile& file;
  Repo* repo;  // may be nullptr
  const LintOptions& options;
  Diagnostics& diags;
};

// Job ids, needs, step ids, runners, uses:, inputs of actions and reusable
// workflows, shells, schedules, filters, inputs, env names, matrix, timeouts,
// deprecated commands, constant conditions. (workflow.cpp)
void checkWorkflow(const yaml::Node& root, CheckContext& cx);

// action.yml: runs.using, the main file, branding, composite steps. (action.cpp)
void checkActionMetadata(const yaml::Node& root, CheckContext& cx);

// A composite action's steps, as checkWorkflow checks a job's: ids, if:,
// env names, shells, deprecated commands, uses: and the inputs of the
// actions they call. (workflow.cpp)
void checkActionSteps(const yaml::Node& root, CheckContext& cx);

// Template injection, dangerous triggers, permissions, pinning, credentials.
// (security.cpp)
void checkSecurity(const yaml::Node& root, CheckContext& cx);

// run: scripts through shellcheck. (shellcheck.cpp)
void checkScripts(const yaml::Node& root, CheckContext& cx);

// run: scripts whose shell is Python through pyflakes, findings at their
// place in the script. (pyflakes.cpp)
void checkPythonScripts(const yaml::Node& root, CheckContext& cx);

// ${{ }} in one scalar the schema accepted: syntax, unknown functions and
// argument counts, and contexts or functions not available under contextDef
// (nullptr: no expressions are evaluated here). (expressions.cpp)
// Per job: what steps.<id>, needs.<job> and matrix.<key> may name; for the
// whole workflow, what inputs.<name> may name.
class JobScopes {
 public:
  explicit JobScopes(const yaml::Node& workflowRoot);
  // Fills scope's inputs, and its steps, needs and matrix for a scalar at
  // `at`; leaves those unknown (unchecked) outside any job.
  void fill(Position at, expr::Scope* scope) const;

 private:
  struct Job {
    Position begin, end;
    std::optional<std::vector<std::string>> needs, matrix;
    struct Step {
      Position begin, end;
      std::string id;
    };
    std::vector<Step> steps;
  };
  static std::optional<std::vector<std::string>> matrixKeys(const yaml::Node& job);
  void readInputs(const yaml::Node& root);
  void readOutputs(const std::string& id, const yaml::Node& job);
  std::vector<Job> jobs_;
  std::optional<std::vector<std::string>> inputs_, eventInputs_;
  std::vector<std::string> inputTypes_;
  std::vector<std::pair<std::string, std::vector<std::string>>> outputs_;
};

void checkExpressions(const yaml::Node& scalar, const SchemaDefinition* contextDef,
                      const JobScopes* jobs, CheckContext& cx);

// Shared helpers (workflow.cpp).
bool hasExpression(std::string_view s);
std::string lowerCase(std::string_view s);
// The steps of every job (jobs.*.steps items that are mappings), or of a
// composite action's runs.steps.
std::vector<const yaml::Node*> stepsOf(const yaml::Node& job);
// Inputs of a local action (`uses: ./dir`), or false when it cannot be read.
struct ActionInputs {
  std::string name;                                  // for messages: "actions/cache@v4" or "./dir"
  std::vector<std::pair<std::string, bool>> inputs;  // name, required
  std::vector<std::pair<std::string, std::string>> deprecated;  // name, message
  bool known = false;
};

}  // namespace galley::lint
