// The typed GitHub workflow model: what a workflow file says, with the
// position of every part, before anything is evaluated.
//
// Built from the YAML model (yaml.h). Values that GitHub evaluates at run
// time (`runs-on`, `env`, `strategy`, `with`, ...) stay as YAML nodes, with
// their `${{ }}` unevaluated and their positions kept, so that the runner
// evaluates them with the contexts of the moment, as GitHub's runner does,
// and reports a failure at the user's text. What the structure fixes (job
// ids, needs, step ids, uses, triggers, inputs) is typed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/workflow_template.h"
#include "compiler/yaml.h"

namespace galley::wf {

struct Workflow;

// A value evaluated at run time: a scalar, sequence or mapping that may hold
// `${{ }}`. A missing key is std::nullopt, never a Null node. Values are the
// nodes as GitHub's schema reading leaves them (workflow_template.h):
// entries it rejects dropped, a scalar it coerces to a string double-quoted.
using Template = yaml::Node;

// A literal string with where it was written.
struct Text {
  std::string value;
  Location where;
};

struct Step {
  // The id given, or the one GitHub generates when none is (`__run`,
  // `__actions_checkout`, `__run_2`, ...): generated ids start with `__`.
  std::string id;
  bool idGenerated = false;
  Location where;  // the step's mapping
  std::optional<Template> name;
  // `if:` as written; empty means the default, success().
  Text condition;
  // The expression GitHub evaluates for it: `${{ }}` removed, success() &&
  // (...) added unless a status function is called, "success()" when none.
  std::string conditionExpression = "success()";
  Text uses;  // empty for a run step
  std::optional<Template> run;
  std::optional<Template> shell;
  std::optional<Template> workingDirectory;
  std::optional<Template> env;
  std::optional<Template> with;
  std::optional<Template> continueOnError;
  std::optional<Template> timeoutMinutes;
  // GitHub's experimental background steps: `background: true` on a run
  // or action step; steps that wait for background steps or cancel one.
  std::optional<Template> background;
  std::vector<Text> wait;  // `wait:` the steps named
  bool waitAll = false;    // `wait-all:`
  Text cancel;             // `cancel:` the step named

  bool isWait() const { return !wait.empty() || waitAll || !cancel.value.empty(); }
  bool isRun() const { return uses.value.empty() && !isWait(); }
};

struct Job {
  std::string id;
  Location where;  // the job's key
  std::optional<Template> name;
  std::vector<Text> needs;
  Text condition;                                 // empty: success()
  std::string conditionExpression = "success()";  // as Step's
  std::optional<Template> runsOn;
  std::optional<Template> environment;  // a name, or {name, url}
  std::optional<Template> concurrency;  // a group name, or {group, cancel-in-progress}
  std::optional<Template> outputs;      // mapping of name to templated string
  std::optional<Template> env;
  std::optional<Template> defaults;  // {run: {shell, working-directory}}
  std::optional<Template> strategy;  // {matrix, fail-fast, max-parallel}
  std::optional<Template> continueOnError;
  std::optional<Template> timeoutMinutes;
  std::optional<Template> permissions;
  std::optional<Template> container;
  std::optional<Template> services;
  // A call of a reusable workflow (`uses:` instead of `steps:`).
  Text uses;
  std::optional<Template> with;
  std::optional<Template> secrets;  // a mapping; see secretsInherit
  bool secretsInherit = false;      // `secrets: inherit`
  std::vector<Step> steps;
  std::optional<Template> cancelTimeoutMinutes;
  std::optional<Template> snapshot;
  // The workflow a call runs, once read and checked (expandCalls in
  // workflow_call.h); nullptr before, and for a regular job.
  std::shared_ptr<const Workflow> called;

  bool callsWorkflow() const { return !uses.value.empty(); }
};

// An input of workflow_dispatch or workflow_call.
struct Input {
  std::string name;
  Location where;
  std::string type = "string";  // string, boolean, number, choice, environment
  bool required = false;
  std::optional<Template> defaultValue;
  std::vector<std::string> options;  // choice
  std::string description;
};

// An output of workflow_call: `value:` is evaluated with the `jobs` context.
struct CallOutput {
  std::string name;
  Location where;
  std::optional<Template> value;
  std::string description;
};

struct CallSecret {
  std::string name;
  Location where;
  bool required = false;
  std::string description;
};

// One trigger under `on:`, with its configuration (branches, types, ...) as
// written, or nullopt when it has none.
struct Event {
  std::string name;
  Location where;
  std::optional<Template> config;
};

struct Workflow {
  const SourceFile* file = nullptr;
  std::optional<Template> name;
  std::optional<Template> description;
  std::optional<Template> runName;
  std::vector<Event> on;
  std::vector<Input> dispatchInputs;  // on.workflow_dispatch.inputs
  std::vector<Input> callInputs;      // on.workflow_call.inputs
  std::vector<CallOutput> callOutputs;
  std::vector<CallSecret> callSecrets;
  std::optional<Template> env;
  std::optional<Template> defaults;
  std::optional<Template> concurrency;
  std::optional<Template> permissions;
  std::vector<Job> jobs;  // in file order

  const Job* job(std::string_view id) const;
  const Event* event(std::string_view name) const;
};

struct ReadOptions {
  TemplateLimits limits;
  // Characters a workflow file may hold; 0: no limit beyond the loader's.
  size_t maxFileSize = 0;
};

// Reads a workflow from its document's root node. Structural problems
// (missing `jobs`, `runs-on` with `uses`, unknown needs, cycles, bad step ids,
// wrong types) are reported into diags at their positions, with GitHub's
// workflow parser's wording where it has one. Returns false when the
// workflow cannot be run; *out is filled as far as it could be read.
// Problems GitHub finds while building its model (unknown needs, bad ids)
// are only reported when the schema reading found none, as GitHub does: they
// would mostly repeat what it said.
bool readWorkflow(const yaml::Node& root, const SourceFile& file, Workflow* out,
                  Diagnostics& diags);
bool readWorkflow(const yaml::Node& root, const SourceFile& file, const ReadOptions& options,
                  Workflow* out, Diagnostics& diags);

}  // namespace galley::wf
