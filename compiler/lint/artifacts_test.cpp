#include <doctest/doctest.h>

#include "compiler/lint/lint.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

// The findings of one rule, as headlines, for a workflow linted as ci.yml.
std::string findings(const std::string& text, const std::string& rule) {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Workflow, nullptr, {}, all);
  for (const auto& d : all.all())
    if (d.rule == rule) shown.report(d.severity, d.where, d.rule, d.message);
  return testing::headlines(shown);
}

const char* kJob =
    "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n";

std::string artipacked(int line, int column, const std::string& path) {
  return "ci.yml:" + std::to_string(line) + ":" + std::to_string(column) +
         ": warning: the upload's path '" + path +
         "' includes the .git directory of the checkout at 7:15, where actions/checkout keeps "
         "the token (persist-credentials defaults to true) [artipacked]\n";
}

}  // namespace

TEST_CASE("lint artifacts: an upload of the workspace root after a checkout keeping its token") {
  std::string wf = std::string(kJob) +
                   "      - uses: actions/checkout@v4\n"
                   "      - run: make\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n";
  CHECK(findings(wf, "artipacked") == artipacked(11, 17, "."));
  std::string fixed =
      std::string(kJob) +
      "      - uses: actions/checkout@v4\n        with:\n"
      "          persist-credentials: false\n"
      "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n";
  CHECK(findings(fixed, "artipacked") == "");
  std::string quoted =
      std::string(kJob) +
      "      - uses: actions/checkout@v4\n        with:\n"
      "          persist-credentials: 'false'\n"
      "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n";
  CHECK(findings(quoted, "artipacked") == "");
}

TEST_CASE(
    "lint artifacts: build outputs, uploads before the checkout and other jobs are no finding") {
  std::string wf = std::string(kJob) +
                   "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n"
                   "      - uses: actions/checkout@v4\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: |\n            dist/\n            build/*.tar.gz\n"
                   "            ./src/**/*.log\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: |\n            .\n            !./.git\n"
                   "  b:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n";
  CHECK(findings(wf, "artipacked") == "");
}

TEST_CASE("lint artifacts: every form of the workspace root, and the checkout's own path") {
  std::string wf = std::string(kJob) +
                   "      - uses: actions/checkout@v4\n        with:\n          path: src\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: |\n            dist\n            ./src/\n"
                   "            !src/tmp\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: ${{ github.workspace }}\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: '**'\n"
                   "      - uses: actions/upload-artifact@v3\n        with:\n"
                   "          path: other\n";
  CHECK(findings(wf, "artipacked") == artipacked(14, 13, "./src/") +
                                          artipacked(18, 17, "${{ github.workspace }}") +
                                          artipacked(21, 18, "**"));
}

TEST_CASE("lint artifacts: upload-artifact from v4.4 leaves .git out unless include-hidden-files") {
  auto upload = [](const std::string& uses, const std::string& extra) {
    return std::string(kJob) + "      - uses: actions/checkout@v4\n      - uses: " + uses +
           "\n        with:\n          path: ./\n" + extra;
  };
  CHECK(findings(upload("actions/upload-artifact@v4", ""), "artipacked") == "");
  CHECK(findings(upload("actions/upload-artifact@v4.4.0", ""), "artipacked") == "");
  CHECK(findings(upload("actions/upload-artifact@v5", ""), "artipacked") == "");
  CHECK(findings(upload("actions/upload-artifact@v4.3.6", ""), "artipacked") ==
        artipacked(10, 17, "./"));
  CHECK(findings(upload("actions/upload-artifact@v4", "          include-hidden-files: true\n"),
                 "artipacked") == artipacked(10, 17, "./"));
}

}  // namespace galley::lint
