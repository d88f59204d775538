// Azure Pipelines variables as the agent keeps them for one job: names
// compared ignoring case, values that may be secret (masked, never put in
// the environment) or read-only, `$(name)` macros expanded from them, and
// the environment the agent gives each step (research/runner.md §5.1).
//
// Each variable has the value it was set to and its expanded value: the
// agent's Variables.RecalculateExpanded (src/Agent.Worker/Variables.cs)
// replaces `$(name)` in every value recursively at job start and before each
// step, and everything a step sees (macros, the environment, conditions)
// reads the expanded values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/expr/value.h"

namespace galley::run::azure {

// The environment variable the agent sets for a variable: upper-cased, with
// '.' and ' ' turned into '_' (`Build.SourcesDirectory` ->
// BUILD_SOURCESDIRECTORY).
std::string envName(std::string_view name);

class Variables {
 public:
  struct Entry {
    std::string name;
    std::string value;  // expanded (see recalculate())
    std::string raw;    // as set
    // secret: set secret, or expanded from a secret; own: set secret.
    bool secret = false, own = false, readonly = false;
  };

  // A variable recalculate() could not expand, and the agent's words for it.
  struct Warning {
    std::string name, message;
  };

  // Sets name (a later set of the same name, in any case, replaces it),
  // expanded and raw alike, as the agent's Set does. A variable that was
  // secret stays secret. False with *err, leaving it unchanged, when it is
  // read-only.
  bool set(const std::string& name, const std::string& value, bool secret = false,
           bool readonly = false, std::string* err = nullptr);
  const Entry* find(std::string_view name) const;
  const std::vector<Entry>& all() const { return entries_; }

  // Expands every raw value again: `$(name)` of a defined variable is
  // replaced by its value, itself expanded, up to 50 levels; an undefined
  // name is left as written. A variable whose expansion meets a cycle or
  // the depth limit keeps its raw value and yields a Warning. A value
  // expanded from a secret is secret (returned in *secrets when not empty).
  std::vector<Warning> recalculate(std::vector<std::string>* secrets = nullptr);

  // text with each `$(name)` replaced by its variable's expanded value, in
  // one pass (the agent's VarUtil.ExpandValues: replaced text is not read
  // again); an undefined name is left as written.
  std::string expand(std::string_view text) const;

  // The `variables` object of runtime expressions and conditions.
  expr::Value context() const;

  // NAME=VALUE (expanded) for every variable that is not secret, names
  // mangled by envName.
  std::vector<std::pair<std::string, std::string>> environment() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace galley::run::azure
