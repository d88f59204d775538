// Static checks of GitHub expressions for the linter: syntax errors, unknown
// functions, wrong argument counts, unknown named values, and typed
// contexts (steps.<id>, needs.<job>, matrix.<key>, inputs.<name>), rule
// "expression".
// Names are reported at their exact column; an undefined step, job, matrix
// key or input at the start of its chain (`steps.x`), as actionlint does.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ascii.h"
#include "compiler/diagnostic.h"
#include "compiler/expr/functions.h"
#include "compiler/expr/types.h"
#include "compiler/yaml.h"

namespace galley::expr {

// Names a scope refers to; whoever builds the scope owns them.
using Names = std::span<const std::string>;

// What an expression may refer to where it sits in a workflow. A scope only
// points at its names, so moving from one step to the next copies nothing:
// the names must outlive the scope.
struct Scope {
  // Named values available here (github, env, matrix, steps, ...).
  Names contexts;
  // Ids of the steps before this one; nullopt when unknown (not checked).
  std::optional<Names> steps;
  // Optional, for long lists: the position of each id among all the ids
  // `steps` is the start of, so a lookup is no scan (an id is defined here
  // when its position is inside `steps`).
  const CaselessIndex* stepIndex = nullptr;
  // Jobs this job needs; nullopt when unknown.
  std::optional<Names> needs;
  // Keys the matrix defines; nullopt when the matrix is dynamic or unknown.
  std::optional<Names> matrix;
  // Inputs the workflow defines (workflow_dispatch, workflow_call), or the
  // action; nullopt when unknown.
  std::optional<Names> inputs;
  // Optional, for long lists, as stepIndex: positions among all the inputs.
  const CaselessIndex* inputIndex = nullptr;
  // What defines the inputs, for messages: "workflow" or "action".
  std::string_view inputsOwner = "workflow";
  // Inputs github.event.inputs has (workflow_dispatch's); nullopt when
  // unknown or the workflow has no workflow_dispatch.
  std::optional<Names> eventInputs;
  // Jobs whose outputs are known, with the names of those outputs, for
  // needs.<job>.outputs.<name> and jobs.<job>.outputs.<name>; a job not
  // listed is not checked.
  std::span<const std::pair<std::string, std::vector<std::string>>> jobOutputs;
  // Types of contexts here where the workflow says more than
  // types::context() knows (inputs, matrix, steps, needs, secrets, ...).
  std::vector<std::pair<std::string_view, TypePtr>> types;
  // Functions callable here.
  std::span<const FunctionSpec> functions = githubFunctions();
};

// Maps a byte range of the expression text to a file location.
using LocationOf = std::function<Location(size_t offset, size_t length)>;

// Checks one expression (the text between `${{` and `}}`); reports every
// problem found into diags. Returns true when it found none.
bool checkExpression(std::string_view text, const LocationOf& where, const Scope& scope,
                     Diagnostics& diags);

// Checks every `${{ }}` in a YAML scalar, with positions in the file; in a
// value with text around its expressions, also that none is an object, array
// or null. When the value is one whole `${{ }}` without problems, sets
// *whole (if given) to its type.
bool checkScalar(const yaml::Node& node, const Scope& scope, Diagnostics& diags,
                 TypePtr* whole = nullptr);

// The type of one expression (the text between `${{` and `}}`); any when it
// has problems.
TypePtr typeOf(std::string_view text, const Scope& scope);

// Checks an `if:` value: the whole value is an expression, `${{ }}` optional.
bool checkIf(const yaml::Node& node, const Scope& scope, Diagnostics& diags);

}  // namespace galley::expr
