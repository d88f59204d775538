// How a `run:` step's script is run: the GitHub runner's shells on Linux
// and macOS (research/runner.md §4.1), and Azure Pipelines' (§5.6).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace galley::run {

struct ShellCommand {
  std::vector<std::string> argv;  // with "{0}" where the script's path goes
  std::string extension;          // of the script file: ".sh", ".py", ".ps1", ""
  std::string prologue;           // written before the script (pwsh)
  std::string epilogue;           // written after it
};

// The command for `shell:` (empty: none given, GitHub's implicit
// `bash -e {0}`, or `sh -e {0}` without bash). path is the PATH the step
// runs with, for finding the programs. Returns false with *err for an
// unknown shell, a shell that only runs on Windows, a missing program, or a
// custom shell without "{0}".
bool githubShell(std::string_view shell, const std::string& path, ShellCommand* out,
                 std::string* err);

// argv with "{0}" replaced by the script's path.
std::vector<std::string> shellArgv(const ShellCommand& shell, const std::string& script);

// The absolute path of program found in path (':'-separated), or "".
std::string findProgram(std::string_view program, const std::string& path);

}  // namespace galley::run
