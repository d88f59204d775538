// Azure Pipelines variables as the agent keeps them for one job: names
// compared ignoring case, values that may be secret (masked, never put in
// the environment) or read-only, `$(name)` macros expanded from them, and
// the environment the agent gives each step (research/runner.md §5.1).
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
    std::string name, value;
    bool secret = false, readonly = false;
  };

  // Sets name (a later set of the same name, in any case, replaces it).
  // False with *err, leaving it unchanged, when it is read-only.
  bool set(const std::string& name, const std::string& value, bool secret = false,
           bool readonly = false, std::string* err = nullptr);
  const Entry* find(std::string_view name) const;
  const std::vector<Entry>& all() const { return entries_; }

  // text with each `$(name)` replaced by its variable; an undefined name is
  // left as written, as the agent leaves it. False with *err on a cycle.
  bool expand(std::string_view text, std::string* out, std::string* err) const;

  // The `variables` object of runtime expressions and conditions.
  expr::Value context() const;

  // NAME=VALUE for every variable that is not secret, names mangled by envName.
  std::vector<std::pair<std::string, std::string>> environment() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace galley::run::azure
