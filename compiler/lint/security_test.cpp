#include <doctest/doctest.h>

#include <filesystem>

#include "compiler/lint/lint.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

// The findings of one rule, as headlines, for a workflow linted as ci.yml.
std::string findings(const std::string& text, const std::string& rule, LintOptions options = {}) {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Workflow, nullptr, options, all);
  for (const auto& d : all.all())
    if (d.rule == rule) shown.report(d.severity, d.where, d.rule, d.message);
  return testing::headlines(shown);
}

const char* kJob = "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n";

}  // namespace

TEST_CASE("lint security: pull_request_target checking out the head is a dangerous trigger") {
  std::string wf = std::string("on: pull_request_target\npermissions: {}\n") + kJob +
                   "      - uses: actions/checkout@v4\n        with:\n"
                   "          ref: ${{ github.event.pull_request.head.sha }}\n";
  CHECK(findings(wf, "dangerous-trigger").rfind("ci.yml:9:16: error: this workflow runs with", 0) ==
        0);
  std::string safe = std::string("on: pull_request\npermissions: {}\n") + kJob +
                     "      - uses: actions/checkout@v4\n        with:\n"
                     "          ref: ${{ github.event.pull_request.head.sha }}\n";
  CHECK(findings(safe, "dangerous-trigger") == "");
}

TEST_CASE("lint security: untrusted data written to GITHUB_ENV is reported on its line") {
  std::string wf = std::string("on: issues\npermissions: {}\n") + kJob +
                   "      - run: |\n          echo ok\n"
                   "          echo \"T=${{ github.event.issue.title }}\" >> $GITHUB_ENV\n";
  CHECK(findings(wf, "github-env")
            .rfind("ci.yml:9:56: error: untrusted data "
                   "(github.event.issue.title) is written to GITHUB_ENV",
                   0) == 0);
}

TEST_CASE("lint security: secrets inherit, toJSON(secrets), write-all, self-hosted on PRs") {
  std::string wf =
      "on: pull_request\npermissions: write-all\njobs:\n"
      "  call:\n    uses: o/r/.github/workflows/w.yml@v1\n    secrets: inherit\n"
      "  j:\n    runs-on: [self-hosted, linux]\n    steps:\n"
      "      - run: echo hi\n        env:\n          ALL: ${{ toJSON(secrets) }}\n";
  CHECK(findings(wf, "secrets-inherit").rfind("ci.yml:6:14: warning:", 0) == 0);
  CHECK(findings(wf, "secrets-to-json").rfind("ci.yml:12:16: warning:", 0) == 0);
  CHECK(findings(wf, "excessive-permissions").rfind("ci.yml:2:14: warning:", 0) == 0);
  CHECK(findings(wf, "self-hosted-runner").rfind("ci.yml:8:15: warning:", 0) == 0);
}

TEST_CASE("lint security: an if: block scalar with ${{ }} is always true") {
  std::string wf = std::string("on: push\npermissions: {}\n") + kJob +
                   "      - run: echo hi\n        if: |\n          ${{ false }}\n";
  CHECK(findings(wf, "if-always-true")
            .rfind("ci.yml:8:13: error: this condition is always true", 0) == 0);
}

TEST_CASE("lint security: literal registry passwords and token-shaped strings") {
  std::string wf =
      "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
      "    container:\n      image: r.io/x\n      credentials:\n        username: u\n"
      "        password: hunter22\n    steps:\n"
      "      - run: echo ghp_abcdefghijklmnopqrstuvwxyz0123456789\n";
  CHECK(findings(wf, "hardcoded-credentials") ==
        "ci.yml:10:19: error: the container registry password is written in the workflow "
        "[hardcoded-credentials]\n"
        "ci.yml:12:19: error: this looks like a credential written in the workflow "
        "[hardcoded-credentials]\n");
}

TEST_CASE("lint security: each token shape, and strings one byte short of one") {
  std::string wf =
      "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: echo x gho_abcdefghijklmnopqrstuvwxyz0123456789ABC\n"         // 7
      "      - run: echo github_pat_abcdefghijklmnopqrstuvwxyz_0123456789ABCD\n"  // 8
      "      - run: echo AKIA0123456789ABCDEF\n"                                  // 9
      "      - run: echo xoxb-0123-456789ab\n"                                    // 10
      "      - run: echo ghp_abcdefghijklmnopqrstuvwxyz012345678\n"               // 11: 35
      "      - run: echo github_pat_abcdefghijklmnopqrstuvwxyz_012345678\n"       // 12: 39
      "      - run: echo AKIA0123456789abcdef xoxc-0123-456789ab xoxp-0123456\n"  // 13
      "      - run: echo ghp_ghp_abcdefghijklmnopqrstuvwxyz0123456789\n";         // 14
  CHECK(findings(wf, "hardcoded-credentials") ==
        "ci.yml:7:21: error: this looks like a credential written in the workflow "
        "[hardcoded-credentials]\n"
        "ci.yml:8:19: error: this looks like a credential written in the workflow "
        "[hardcoded-credentials]\n"
        "ci.yml:9:19: warning: this is an AWS access key ID: an identifier, not a secret by "
        "itself, that pairs with a secret access key [hardcoded-credentials]\n"
        "ci.yml:10:19: error: this looks like a credential written in the workflow "
        "[hardcoded-credentials]\n"
        "ci.yml:14:23: error: this looks like a credential written in the workflow "
        "[hardcoded-credentials]\n");
}

TEST_CASE("lint security: a token spelled with escapes in double quotes is found") {
  // The file's text holds no token prefix: only the unescaped value does.
  std::string wf =
      "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: \"echo \\x41KIAABCDEFGHIJKLMNOP\"\n"
      "      - run: \"echo $\\x7b{ toJSON(secrets) }}\"\n";
  CHECK(findings(wf, "hardcoded-credentials") ==
        "ci.yml:7:20: warning: this is an AWS access key ID: an identifier, not a secret by "
        "itself, that pairs with a secret access key [hardcoded-credentials]\n");
  CHECK(findings(wf, "secrets-to-json") ==
        "ci.yml:8:20: warning: toJSON(secrets) puts every secret of the repository into one "
        "value [secrets-to-json]\n");
}

TEST_CASE("lint security: pinning policy for uses:") {
  std::string wf = std::string("on: push\npermissions: {}\n") + kJob +
                   "      - uses: someone/tool@main\n      - uses: someone/other@v2\n"
                   "      - uses: actions/checkout@v4\n";
  CHECK(findings(wf, "unpinned-uses") ==
        "ci.yml:7:15: warning: 'someone/tool@main' follows the branch 'main': whoever pushes "
        "to it changes what this workflow runs [unpinned-uses]\n");
  LintOptions sha;
  sha.config.pinning = Pinning::Sha;
  std::string out = findings(wf, "unpinned-uses", sha);
  CHECK(out.find("ci.yml:8:15: warning: 'someone/other@v2' is not pinned to a commit SHA") !=
        std::string::npos);
  CHECK(out.find("actions/checkout") == std::string::npos);  // a trusted owner
}

TEST_CASE("lint shellcheck: findings map back into the run block") {
  if (!std::filesystem::exists("/usr/bin/shellcheck")) {
    MESSAGE("skipped: /usr/bin/shellcheck is absent");
    return;
  }
  LintOptions options;
  options.shellcheck = "/usr/bin/shellcheck";
  std::string wf = std::string("on: push\npermissions: {}\n") + kJob +
                   "      - run: |\n          echo ${{ github.sha }}\n          rm -rf $DIR/\n";
  std::string out = findings(wf, "shellcheck", options);
  CHECK(out.rfind("ci.yml:9:18: warning: SC2115: ", 0) == 0);
}

TEST_CASE("lint security: untrusted data inside a computed index is found, each at its chain") {
  std::string wf = std::string("on: issues\npermissions: {}\n") + kJob +
                   "      - run: echo ${{ github.event.pages[github.event.issue.title].x }} "
                   "${{ github.event.commits[0].message }}\n";
  CHECK(findings(wf, "template-injection") ==
        "ci.yml:7:42: error: untrusted data is expanded into a script: "
        "'github.event.issue.title' is controlled by whoever triggers the workflow "
        "[template-injection]\n"
        "ci.yml:7:77: error: untrusted data is expanded into a script: "
        "'github.event.commits.0.message' is controlled by whoever triggers the workflow "
        "[template-injection]\n");
}

TEST_CASE("lint security: an object filter that reads untrusted properties is reported") {
  std::string wf = std::string("on: issues\npermissions: {}\n") + kJob +
                   "      - run: echo '${{ toJSON(github.event.*.title) }}'\n"
                   "      - run: echo '${{ toJSON(github.event.*[github.run_id]) }}'\n";
  CHECK(findings(wf, "template-injection") ==
        "ci.yml:7:31: error: untrusted data is expanded into a script: the filter "
        "'github.event.*.title' reads 'github.event.issue.title', "
        "'github.event.pull_request.title', 'github.event.discussion.title', controlled by "
        "whoever triggers the workflow [template-injection]\n");
}

}  // namespace galley::lint
