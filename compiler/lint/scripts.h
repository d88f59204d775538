// The run: scripts of a workflow or composite action, as the external
// linters (shellcheck.cpp, pyflakes.cpp) receive them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "compiler/yaml.h"

namespace galley::lint {

// Calls visit for every step with a non-empty run: script: the steps of each
// job (job is that job) and of a composite action's runs: (job is nullptr).
void forEachScript(const yaml::Node& root,
                   const std::function<void(const yaml::Node& step, const yaml::Node& run,
                                            const yaml::Node* job)>& visit);

// The shell a defaults: mapping sets (defaults.run.shell), or nullptr.
const yaml::Node* defaultShell(const yaml::Node* defaults);

// The byte offset of a 1-based line and column in text (clamped to it), as
// linters report positions in the script they were given.
size_t scriptOffset(std::string_view text, size_t line, size_t column);

// A temporary directory holding scripts as numbered files, removed with the
// object. Not thread-safe; one per lint of a file.
class ScriptFiles {
 public:
  ScriptFiles();
  ~ScriptFiles();
  ScriptFiles(const ScriptFiles&) = delete;
  ScriptFiles& operator=(const ScriptFiles&) = delete;

  // False when the directory could not be made.
  bool ok() const { return !dir_.empty(); }
  // The path of script `index` with extension ext (".sh"), written there.
  std::string write(size_t index, std::string_view text, std::string_view ext);
  // Which script a path the linter reports names: its index, or SIZE_MAX.
  size_t indexOf(std::string_view path) const;

 private:
  std::string dir_;
};

}  // namespace galley::lint
