// The checks lintAzure chains, one file each. Internal to lint/azure/.
#pragma once

#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/lint/azure/pipeline.h"
#include "compiler/lint/scripts.h"
#include "compiler/yaml.h"

namespace galley::lint::azure {

// dependsOn naming unknown stages or jobs, cycles of them, duplicate names;
// dependencies.X / stageDependencies.X.Y references and the output
// variables they name; conditions that can never be true. (references.cpp)
void checkReferences(const Pipeline& p, Diagnostics& diags);

// Two steps of one job with the same `name:` (without case, as Azure
// compares them). Meant for an expanded pipeline: in a file as written,
// steps in `${{ if }}` and `${{ else }}` branches are never both there.
// A deployment's hooks are not compared with each other. (references.cpp)
void checkStepNames(const Pipeline& p, Diagnostics& diags);

// ${{ }}, $[ ] and $(var) in every scalar: syntax, functions, argument
// counts, named values, which syntax is evaluated where; $(var) that no
// variable defines (a note). (expressions.cpp)
void checkExpressions(const yaml::Node& root, const Pipeline& p, Diagnostics& diags);

// task: steps against the built-in tasks' table: unknown tasks and
// versions, deprecated versions, unknown and missing inputs. (tasks.cpp)
void checkTasks(const Pipeline& p, Diagnostics& diags);

// User-controlled variables expanded into scripts, persisted credentials,
// secrets echoed, pull-request builds on self-hosted pools, template
// repositories pinned to a branch. (security.cpp)
void checkSecurity(const yaml::Node& root, const Pipeline& p, Diagnostics& diags);

// The bash scripts of the pipeline as shellcheck is to get them: run as
// Azure runs them, without -e. (scripts.cpp)
void collectShellScripts(const Pipeline& p, std::vector<Script>& out);

// Whether a $(name) macro is a variable Azure defines itself
// (Build.SourceBranch, System.AccessToken, Agent.TempDirectory...).
bool isPredefinedVariable(std::string_view name);

}  // namespace galley::lint::azure
