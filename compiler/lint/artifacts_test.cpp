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

namespace galley::lint {

namespace {

const char* kWorkflowRun =
    "on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]\npermissions: {}\n"
    "jobs:\n  comment:\n    runs-on: ubuntu-latest\n    steps:\n";

std::string poisoned(int line, int column, const std::string& path) {
  return "ci.yml:" + std::to_string(line) + ":" + std::to_string(column) + ": error: '" + path +
         "' holds data read from the artifact downloaded at 10:15, which the triggering run "
         "wrote: expanded into a script, it runs as code with this workflow's secrets and token "
         "[artifact-poisoning]\n";
}

}  // namespace

TEST_CASE("lint artifacts: a workflow_run artifact's contents expanded through a step output") {
  std::string wf = std::string(kWorkflowRun) +
                   "      - uses: actions/download-artifact@v4\n"  // 10
                   "        with:\n"
                   "          run-id: ${{ github.event.workflow_run.id }}\n"
                   "          github-token: ${{ github.token }}\n"
                   "      - id: pr\n"  // 14
                   "        run: |\n"
                   "          NUMBER=$(cat pr/number)\n"
                   "          echo \"number=$NUMBER\" >> \"$GITHUB_OUTPUT\"\n"
                   "          echo \"title=fixed\" >> \"$GITHUB_OUTPUT\"\n"
                   "      - run: gh pr comment ${{ steps.pr.outputs.number }} --body ok\n"  // 19
                   "      - run: echo ${{ steps.pr.outputs.title }}\n"
                   "      - uses: actions/github-script@v7\n"
                   "        with:\n"
                   "          script: console.log(${{ steps.pr.outputs.number }})\n"  // 23
                   "      - id: old\n"
                   "        run: echo \"::set-output name=id::$(<pr-id.txt)\"\n"
                   "      - run: echo ${{ steps.old.outputs.id }}\n";  // 26
  CHECK(findings(wf, "artifact-poisoning") == poisoned(19, 32, "steps.pr.outputs.number") +
                                                  poisoned(23, 35, "steps.pr.outputs.number") +
                                                  poisoned(26, 23, "steps.old.outputs.id"));
}

TEST_CASE("lint artifacts: a workflow_run artifact written to GITHUB_ENV, then read as env") {
  std::string wf = std::string(kWorkflowRun) +
                   "      - uses: dawidd6/action-download-artifact@v6\n"  // 10
                   "      - run: cat pr.env >> $GITHUB_ENV\n"             // 11
                   "      - run: ./deploy ${{ env.PR_REF }}\n";           // 12
  CHECK(findings(wf, "artifact-poisoning") ==
        "ci.yml:11:29: error: data read from the artifact downloaded at 10:15 is written to the "
        "environment of later steps: whoever wrote the artifact can set any variable (BASH_ENV, "
        "LD_PRELOAD, NODE_OPTIONS) [artifact-poisoning]\n" +
            poisoned(12, 27, "env.PR_REF"));
}

TEST_CASE("lint artifacts: no poisoning without workflow_run, or with this run's artifacts") {
  std::string own = std::string(kWorkflowRun) +
                    "      - uses: actions/download-artifact@v4\n"
                    "      - id: pr\n        run: echo \"n=$(cat n)\" >> $GITHUB_OUTPUT\n"
                    "      - run: echo ${{ steps.pr.outputs.n }}\n";
  CHECK(findings(own, "artifact-poisoning") == "");
  std::string push = std::string("on: push\npermissions: {}\njobs:\n  j:\n") +
                     "    runs-on: ubuntu-latest\n    steps:\n"
                     "      - uses: dawidd6/action-download-artifact@v6\n"
                     "      - id: pr\n        run: echo \"n=$(cat n)\" >> $GITHUB_OUTPUT\n"
                     "      - run: echo ${{ steps.pr.outputs.n }}\n";
  CHECK(findings(push, "artifact-poisoning") == "");
}

}  // namespace galley::lint
