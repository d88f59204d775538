// The run: scripts of a workflow or composite action, as the external
// linters (shellcheck.cpp, pyflakes.cpp) receive them: collected per file,
// checked in batches of many files' scripts per linter process, each
// finding mapped back to its place in the YAML file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/lint/lint.h"
#include "compiler/yaml.h"

namespace galley::lint {

enum class ScriptLinter : uint8_t { Shellcheck, Pyflakes };
inline constexpr size_t kScriptLinters = 2;

// One run: script as a linter is given it.
struct Script {
  // A copy of the run: scalar: findings map through it into its file, which
  // outlives the script (Sources owns it), after the workflow's tree is gone.
  yaml::Node run;
  std::string text;          // the script as the linter gets it
  uint32_t linesBefore = 0;  // lines galley put before the script (a shebang)
};

// A file's scripts, per linter (indexed by ScriptLinter).
using FileScripts = std::array<std::vector<Script>, kScriptLinters>;

// The scripts of root that the linters options names take (a linter with an
// empty path takes none). A script over options.scriptBytes is not taken:
// diags gets a note at it instead.
void collectScripts(const yaml::Node& root, const LintOptions& options, FileScripts& out,
                    Diagnostics& diags);

// Runs the linter over scripts in one process, killed after
// options.batchTimeout; the findings of scripts[i] are appended to found[i]
// (found has one sink per script). On a timeout every script gets a note
// that it was not checked. Thread-safe.
void lintScripts(ScriptLinter linter, const std::vector<const Script*>& scripts,
                 const LintOptions& options, std::vector<Diagnostics>& found);

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

// The file location of a finding a linter reports at 1-based line and
// column (width bytes wide) of the text script.text it was given.
Location scriptLocation(const Script& script, size_t line, size_t column, size_t width);

// A note at the script that a linter did not check it, and why.
void noteUnchecked(const Script& script, std::string_view linter, const std::string& why,
                   Diagnostics& diags);

// A temporary directory holding scripts as numbered files, removed with the
// object. Not thread-safe; one per batch.
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

// Per linter (shellcheck.cpp, pyflakes.cpp): the scripts of root it takes,
// and one batch run.
void collectShellScripts(const yaml::Node& root, std::vector<Script>& out);
void runShellcheck(const std::vector<const Script*>& scripts, const LintOptions& options,
                   std::vector<Diagnostics>& found);
void collectPythonScripts(const yaml::Node& root, std::vector<Script>& out);
void runPyflakes(const std::vector<const Script*>& scripts, const LintOptions& options,
                 std::vector<Diagnostics>& found);

}  // namespace galley::lint
