#include "compiler/lint/scripts.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "compiler/lint/lint.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

const char* kShellcheck = "/usr/bin/shellcheck";

bool haveShellcheck() {
  if (std::filesystem::exists(kShellcheck)) return true;
  MESSAGE("skipped: /usr/bin/shellcheck is absent");
  return false;
}

LintOptions withShellcheck() {
  LintOptions options;
  options.shellcheck = kShellcheck;
  return options;
}

// The shellcheck findings (notes too), as headlines, for a workflow linted as ci.yml.
std::string shellcheck(const std::string& text, const LintOptions& options = withShellcheck()) {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Workflow, nullptr, options, all);
  for (const auto& d : all.all())
    if (d.rule == "shellcheck") shown.report(d.severity, d.where, d.rule, d.message);
  return testing::headlines(shown);
}

const char* kHead = "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n";

const char* kSC2164 =
    "warning: SC2164: Use 'cd ... || exit' or 'cd ... || return' in case cd fails. [shellcheck]\n";

}  // namespace

TEST_CASE("lint shellcheck: cd without || exit is left out where GitHub runs the shell with -e") {
  if (!haveShellcheck()) return;
  std::string wf = std::string(kHead) +
                   "    steps:\n"
                   "      - run: cd build\n"
                   "      - run: cd build\n        shell: bash\n"
                   "      - run: cd build\n        shell: sh\n"
                   "      - run: cd build\n        shell: bash {0}\n"
                   "      - run: cd build\n        shell: bash -ex {0}\n";
  CHECK(shellcheck(wf) == "ci.yml:12:14: " + std::string(kSC2164));
}

TEST_CASE("lint shellcheck: defaults.run.shell of the workflow and of the job set the shell") {
  if (!haveShellcheck()) return;
  std::string wf =
      "on: push\npermissions: {}\ndefaults:\n  run:\n    shell: bash {0}\njobs:\n"
      "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cd build\n"
      "  b:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n"
      "        shell: bash\n    steps:\n      - run: cd build\n";
  CHECK(shellcheck(wf) == "ci.yml:10:14: " + std::string(kSC2164));
}

TEST_CASE("lint shellcheck: pwsh, cmd, python and Windows runners' default shell are not its") {
  if (!haveShellcheck()) return;
  std::string wf =
      "on: push\npermissions: {}\njobs:\n"
      "  win:\n    runs-on: windows-latest\n    steps:\n"
      "      - run: cd build; echo $env:X\n"
      "      - run: cd build\n        shell: bash {0}\n"
      "  legs:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n"
      "        os: [ubuntu-latest, windows-2022]\n    steps:\n"
      "      - run: cd build; echo $env:X\n"
      "  included:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n"
      "        include:\n          - os: windows-latest\n    steps:\n"
      "      - run: cd build; echo $env:X\n"
      "  linux:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: cd build\n        shell: pwsh\n"
      "      - run: cd build\n        shell: powershell\n"
      "      - run: cd build\n        shell: cmd\n"
      "      - run: import os\n        shell: python\n";
  CHECK(shellcheck(wf) == "ci.yml:8:14: " + std::string(kSC2164));
}

TEST_CASE("lint shellcheck: ${{ }} stands in as a word valid everywhere, columns kept") {
  if (!haveShellcheck()) return;
  std::string wf = std::string(kHead) +
                   "    steps:\n"
                   "      - run: |\n"
                   "          [ \"${{ env.X }}\" -le 3770 ] && echo ok\n"
                   "          ${{ matrix.name }}=1 && export V_${{ matrix.k }}=2 && echo $V\n"
                   "          if [ \"${{ secrets.T }}\" ]; then echo set; fi\n";
  CHECK(shellcheck(wf) ==
        "ci.yml:9:70: note: SC2086: Double quote to prevent globbing and word splitting. "
        "[shellcheck]\n");
}

TEST_CASE("lint shellcheck: one finding repeated in a script is reported once with a count") {
  if (!haveShellcheck()) return;
  std::string wf = std::string(kHead) + "    steps:\n      - run: |\n";
  for (int i = 0; i < 50; ++i)
    wf += "          echo $A" + std::to_string(i) + "\n";
  wf += "      - run: echo $B\n";
  CHECK(shellcheck(wf) ==
        "ci.yml:8:16: note: SC2086: Double quote to prevent globbing and word splitting. "
        "(and 49 more in this script) [shellcheck]\n"
        "ci.yml:58:19: note: SC2086: Double quote to prevent globbing and word splitting. "
        "[shellcheck]\n");
}

TEST_CASE("lint shellcheck: a script over the size budget is named, not checked") {
  if (!haveShellcheck()) return;
  LintOptions options = withShellcheck();
  options.scriptBytes = 100;
  std::string wf = std::string(kHead) + "    steps:\n      - run: echo " + std::string(200, 'x') +
                   " $A\n      - run: echo $B\n";
  CHECK(shellcheck(wf, options) ==
        "ci.yml:7:14: note: shellcheck did not check this script: it is 208 bytes, more than the "
        "100 bytes a script may have [shellcheck]\n"
        "ci.yml:8:19: note: SC2086: Double quote to prevent globbing and word splitting. "
        "[shellcheck]\n");
}

TEST_CASE("lint shellcheck: a linter over its time budget is killed and its scripts named") {
  // A stand-in shellcheck that never answers.
  std::string dir = std::filesystem::temp_directory_path() / "galley-slow-linter-XXXXXX";
  REQUIRE(mkdtemp(dir.data()));
  std::string slow = dir + "/shellcheck";
  std::ofstream(slow) << "#!/bin/sh\nsleep 30\n";
  std::filesystem::permissions(slow, std::filesystem::perms::owner_all);
  LintOptions options;
  options.shellcheck = slow;
  options.batchTimeout = std::chrono::milliseconds(300);
  std::string wf = std::string(kHead) + "    steps:\n      - run: echo $A\n";
  auto start = std::chrono::steady_clock::now();
  std::string out = shellcheck(wf, options);
  auto took = std::chrono::steady_clock::now() - start;
  std::filesystem::remove_all(dir);
  CHECK(out ==
        "ci.yml:7:14: note: shellcheck did not check this script: shellcheck took more than "
        "300 ms over the batch of 1 scripts that holds it, and was stopped [shellcheck]\n");
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("lint shellcheck: scripts of many files checked in shared batches land in their files") {
  if (!haveShellcheck()) return;
  std::string dir = std::filesystem::temp_directory_path() / "galley-batches-XXXXXX";
  REQUIRE(mkdtemp(dir.data()));
  std::vector<std::string> paths;
  for (int i = 0; i < 5; ++i) {
    std::string path = dir + "/w" + std::to_string(i) + ".yml";
    std::string wf = std::string(kHead) + "    steps:\n";
    for (int s = 0; s <= i; ++s)
      wf += "      - run: echo $A" + std::to_string(s) + std::string(size_t(s), ' ') + "\n";
    std::ofstream(path) << wf;
    paths.push_back(path);
  }
  LintOptions options = withShellcheck();
  options.batchScripts = 2;
  Sources sources;
  Diagnostics batched = lintPaths(paths, sources, options, 2);
  Diagnostics oneByOne;
  for (const auto& p : paths) {
    Diagnostics d;
    std::string err;
    lintFile(*sources.read(p, &err), FileKind::Workflow, nullptr, withShellcheck(), d);
    oneByOne.append(std::move(d));
  }
  std::filesystem::remove_all(dir);
  CHECK(batched.all().size() == 15);
  CHECK(testing::headlines(batched) == testing::headlines(oneByOne));
}

}  // namespace galley::lint
