#include "runtime/shell.h"

#include <doctest/doctest.h>

namespace galley::run {

namespace {

std::string line(std::string_view shell) {
  ShellCommand c;
  std::string err;
  if (!githubShell(shell, "/usr/bin:/bin", &c, &err)) return "error: " + err;
  std::string s;
  for (const auto& a : shellArgv(c, "S"))
    s += (s.empty() ? "" : " ") + a;
  return s + " [" + c.extension + "]";
}

}  // namespace

TEST_CASE("shells run with the GitHub runner's command lines") {
  std::string bash = findProgram("bash", "/usr/bin:/bin");
  std::string sh = findProgram("sh", "/usr/bin:/bin");
  REQUIRE(!bash.empty());
  // No shell: bash with -e only, no pipefail (the runner's implicit default).
  CHECK(line("") == bash + " -e S [.sh]");
  CHECK(line("bash") == bash + " --noprofile --norc -e -o pipefail S [.sh]");
  CHECK(line("sh") == sh + " -e S [.sh]");
  CHECK(line("bash -x {0}") == bash + " -x S []");
  CHECK(line("cmd") == "error: shell 'cmd' runs only on Windows");
  CHECK(line("perl") ==
        "error: Invalid shell option 'perl'. Shell must be a valid built-in (bash, sh, cmd, "
        "powershell, pwsh) or a format string containing '{0}'");
  CHECK(line("nosuchshell {0}") == "error: shell 'nosuchshell' is not installed (not found in PATH)");
}

TEST_CASE("python runs the script with python, else python3") {
  std::string py = findProgram("python", "/usr/bin:/bin");
  if (py.empty()) py = findProgram("python3", "/usr/bin:/bin");
  if (py.empty()) return;
  CHECK(line("python") == py + " S [.py]");
}

}  // namespace galley::run
