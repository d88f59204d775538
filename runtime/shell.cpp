#include "runtime/shell.h"

#include <unistd.h>

namespace galley::run {

std::string findProgram(std::string_view program, const std::string& path) {
  if (program.find('/') != std::string_view::npos)
    return access(std::string(program).c_str(), X_OK) == 0 ? std::string(program) : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + std::string(program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

namespace {

// Splits a custom shell's format string at spaces; double or single quotes
// group a word, as the runner's argument parser does.
std::vector<std::string> splitWords(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      inWord = true;
    } else if (c == ' ' || c == '\t') {
      if (inWord) words.push_back(std::move(word));
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push_back(std::move(word));
  return words;
}

bool need(std::string_view program, const std::string& path, std::string* found,
          std::string* err) {
  *found = findProgram(program, path);
  if (!found->empty()) return true;
  *err = "shell '" + std::string(program) + "' is not installed (not found in PATH)";
  return false;
}

}  // namespace

bool githubShell(std::string_view shell, const std::string& path, ShellCommand* out,
                 std::string* err) {
  *out = {};
  std::string program;
  if (shell.empty()) {
    // The runner's default on Linux and macOS: bash, else sh, with `-e`
    // only: no pipefail, unlike an explicit `shell: bash`.
    program = findProgram("bash", path);
    if (program.empty() && !need("sh", path, &program, err)) return false;
    out->argv = {program, "-e", "{0}"};
    out->extension = ".sh";
    return true;
  }
  if (shell == "bash") {
    if (!need("bash", path, &program, err)) return false;
    out->argv = {program, "--noprofile", "--norc", "-e", "-o", "pipefail", "{0}"};
    out->extension = ".sh";
    return true;
  }
  if (shell == "sh") {
    if (!need("sh", path, &program, err)) return false;
    out->argv = {program, "-e", "{0}"};
    out->extension = ".sh";
    return true;
  }
  if (shell == "python") {
    // GitHub's images have `python`; Debian has only `python3` unless
    // python-is-python3 is installed.
    program = findProgram("python", path);
    if (program.empty() && !need("python3", path, &program, err)) return false;
    out->argv = {program, "{0}"};
    out->extension = ".py";
    return true;
  }
  if (shell == "pwsh" || shell == "powershell") {
    if (!need("pwsh", path, &program, err)) return false;
    out->argv = {program, "-command", ". '{0}'"};
    out->extension = ".ps1";
    out->prologue = "$ErrorActionPreference = 'stop'\n";
    out->epilogue = "\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n";
    return true;
  }
  if (shell == "cmd") {
    *err = "shell 'cmd' runs only on Windows";
    return false;
  }
  if (shell.find("{0}") == std::string_view::npos) {
    *err = "Invalid shell option '" + std::string(shell) +
           "'. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) or a format "
           "string containing '{0}'";
    return false;
  }
  std::vector<std::string> words = splitWords(shell);
  if (words.empty() || !need(words[0], path, &program, err)) return false;
  words[0] = program;
  out->argv = std::move(words);
  return true;
}

std::vector<std::string> shellArgv(const ShellCommand& shell, const std::string& script) {
  std::vector<std::string> argv;
  for (const std::string& a : shell.argv) {
    std::string s = a;
    for (size_t at = s.find("{0}"); at != std::string::npos; at = s.find("{0}", at + script.size()))
      s.replace(at, 3, script);
    argv.push_back(std::move(s));
  }
  return argv;
}

}  // namespace galley::run
