#include "compiler/lint/lint.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/lint/format.h"
#include "compiler/lint/glob.h"
#include "compiler/lint/rules.h"
#include "compiler/render.h"
#include "tests/testing.h"

namespace galley::lint {

namespace {

struct Linted {
  Sources sources;
  Diagnostics diags;
};

// Lints text as .github/workflows/ci.yml, without shellcheck, notes dropped
// unless asked for.
std::string lintText(const std::string& text, LintOptions options = {}, bool notes = false) {
  Sources sources;
  MemoryRepo repo(sources);
  const SourceFile* f = sources.add("ci.yml", text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Workflow, &repo, options, all);
  for (auto& d : all.all())
    if (notes || d.severity != Severity::Note)
      shown.report(d.severity, d.where, d.rule, d.message, d.hint);
  return testing::headlines(shown);
}

const char* kHeader = "on: push\npermissions: {}\njobs:\n";

// Options set by a .galley.yml holding yaml, which must load.
LintOptions configured(Sources& sources, const std::string& yaml) {
  LintOptions options;
  Diagnostics diags;
  REQUIRE(loadConfig(*sources.add(".galley.yml", yaml), &options.config, diags));
  return options;
}

}  // namespace

TEST_CASE("lint: needs naming an unknown job is an error with a suggestion") {
  std::string out = lintText(std::string(kHeader) +
                             "  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"
                             "  test:\n    needs: biuld\n    runs-on: ubuntu-latest\n"
                             "    steps:\n      - run: make test\n");
  CHECK(out == "ci.yml:8:3: error: job 'test' needs 'biuld', which is not a job [job-needs]\n");
}

TEST_CASE("lint: a cycle of needs is reported as a path") {
  std::string out = lintText(std::string(kHeader) +
                             "  a:\n    needs: b\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - run: x\n  b:\n    needs: a\n    runs-on: ubuntu-latest\n"
                             "    steps:\n      - run: y\n");
  CHECK(out ==
        "ci.yml:4:3: error: jobs depend on each other in a cycle: a -> b -> a [job-needs]\n");
}

TEST_CASE("lint: an unknown key is reported at the key with did-you-mean") {
  Sources sources;
  const SourceFile* f = sources.add("ci.yml", std::string(kHeader) +
                                                  "  build:\n    runs-on: ubuntu-latest\n"
                                                  "    step:\n      - run: make\n");
  Diagnostics d;
  lintFile(*f, FileKind::Workflow, nullptr, {}, d);
  const Diagnostic* found = nullptr;
  for (const auto& x : d.all())
    if (x.rule == "unknown-key") found = &x;
  REQUIRE(found);
  const Diagnostic& first = *found;
  CHECK(toString(first.where.begin) == "6:5");
  CHECK(first.hint == "did you mean 'steps'?");
}

TEST_CASE("lint: untrusted event data in a run block is reported on its real line and column") {
  std::string out = lintText(
      "on: issues\npermissions: {}\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: |\n          echo hello\n          echo \"${{ github.event.issue.title }}\"\n");
  CHECK(out ==
        "ci.yml:9:21: error: untrusted data is expanded into a script: 'github.event.issue.title' "
        "is controlled by whoever triggers the workflow [template-injection]\n");
}

TEST_CASE("lint: untrusted data passed through env and expanded with env. is still injection") {
  std::string out = lintText(
      "on: pull_request_target\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
      "    env:\n      REF: ${{ github.head_ref }}\n    steps:\n      - run: echo ${{ env.REF "
      "}}\n");
  CHECK(out.find("ci.yml:9:23: error: untrusted data is expanded into a script: 'env.ref' holds "
                 "'github.head_ref' [template-injection]") != std::string::npos);
}

TEST_CASE("lint: a context the key does not allow is an expression error at its column") {
  std::string out = lintText(std::string(kHeader) +
                             "  j:\n    runs-on: ${{ runner.os }}\n    steps:\n      - run: x\n");
  CHECK(out ==
        "ci.yml:5:18: error: context 'runner' is not available here; available: 'github', "
        "'inputs', 'vars', 'needs', 'strategy', or 'matrix' [expression]\n");
}

TEST_CASE("lint: deprecated workflow commands are found inside the script") {
  std::string out = lintText(std::string(kHeader) +
                             "  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n"
                             "          echo x\n          echo \"::set-output name=a::b\"\n");
  CHECK(out ==
        "ci.yml:9:17: error: workflow command 'set-output' is deprecated: it still runs, with "
        "a warning in the run's log [deprecated-command]\n");
}

TEST_CASE("lint: a schedule more often than every 5 minutes is an error") {
  std::string out = lintText(
      "on:\n  schedule:\n    - cron: '*/2 * * * *'\npermissions: {}\njobs:\n  j:\n"
      "    runs-on: ubuntu-latest\n    steps:\n      - run: x\n");
  CHECK(out ==
        "ci.yml:3:13: error: cron '*/2 * * * *' runs every 2 minute(s); GitHub runs "
        "schedules at most once every 5 minutes [cron]\n");
}

TEST_CASE("lint: galley-ignore on the line above silences that rule") {
  std::string text = std::string(kHeader) +
                     "  j:\n    # galley-ignore: runner-label\n    runs-on: my-box\n"
                     "    steps:\n      - run: x\n";
  CHECK(lintText(text) == "");
  std::string unsilenced =
      std::string(kHeader) + "  j:\n    runs-on: my-box\n    steps:\n      - run: x\n";
  CHECK(lintText(unsilenced).find("[runner-label]") != std::string::npos);
}

TEST_CASE("lint: config turns rules off, changes severities and adds runner labels") {
  Sources sources;
  LintOptions options = configured(sources,
                                   "lint:\n  rules:\n    runner-label: warning\n"
                                   "  runner-labels: [gpu-*]\n");
  std::string text =
      std::string(kHeader) + "  j:\n    runs-on: [gpu-a100, cpu-box]\n    steps:\n      - run: x\n";
  CHECK(lintText(text, options) ==
        "ci.yml:5:25: warning: unknown runner label 'cpu-box'; list custom self-hosted labels "
        "under lint.runner-labels in .galley.yml [runner-label]\n");
  const SourceFile* bad = sources.add("bad.yml", "lint:\n  rules:\n    runner-lable: off\n");
  Diagnostics bd;
  CHECK_FALSE(loadConfig(*bad, &options.config, bd));
  CHECK(bd.all().front().hint == "did you mean 'runner-label'?");
}

TEST_CASE("lint: config paths set rules for the files a glob matches, later entries last") {
  Sources sources;
  LintOptions options = configured(sources,
                                   "lint:\n  rules:\n    runner-label: warning\n"
                                   "  paths:\n"
                                   "    legacy/*.yml:\n      rules: {runner-label: off}\n"
                                   "    legacy/keep.yml:\n      rules: {runner-label: error}\n");
  std::string text =
      std::string(kHeader) + "  j:\n    runs-on: cpu-box\n    steps:\n      - run: x\n";
  auto lintAs = [&](const std::string& path) {
    Diagnostics found;
    lintFile(*sources.add(path, text), FileKind::Workflow, nullptr, options, found);
    return found.all().empty() ? std::string("none")
                               : std::string(severityName(found.all()[0].severity));
  };
  CHECK(lintAs("ci.yml") == "warning");
  CHECK(lintAs("./legacy/old.yml") == "none");
  CHECK(lintAs("legacy/keep.yml") == "error");
  CHECK(lintAs("legacy/sub/deeper.yml") == "warning");  // * stops at '/'

  const SourceFile* bad =
      sources.add("bad.yml",
                  "lint:\n  paths:\n    'a/[z-a].yml':\n      rules: {}\n    b.yml: off\n"
                  "    c.yml:\n      ignore: [x]\n      rules: {runner-lable: off}\n");
  Diagnostics bd;
  CHECK_FALSE(loadConfig(*bad, &options.config, bd));
  std::string got;
  for (const auto& d : bd.all())
    got += std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column) + " " +
           d.message + (d.hint.empty() ? "" : " (" + d.hint + ")") + "\n";
  CHECK(got ==
        "3:5 invalid path glob 'a/[z-a].yml': range start 'z' is after its end 'a'\n"
        "5:12 the settings of 'b.yml' must be a mapping with 'rules'\n"
        "7:7 unknown key 'ignore' in a path's settings: only 'rules'\n"
        "8:15 unknown rule 'runner-lable' (did you mean 'runner-label'?)\n");
}

TEST_CASE("config: environments name their approvers, and a malformed section is positioned") {
  Sources sources;
  Config config;
  Diagnostics diags;
  const SourceFile* good = sources.add(".galley.yml",
                                       "environments:\n  prod:\n    approvers: [ann, bob]\n"
                                       "    description: Production.\n  dev:\n");
  REQUIRE(loadConfig(*good, &config, diags));
  CHECK(config.environments.at("prod") == std::vector<std::string>{"ann", "bob"});
  CHECK(config.environments.at("dev").empty());

  const SourceFile* bad = sources.add("bad.yml",
                                      "environments:\n  prod:\n    aprovers: [ann]\n  qa: [x]\n"
                                      "  staging:\n    approvers: ann\n");
  Diagnostics bd;
  CHECK_FALSE(loadConfig(*bad, &config, bd));
  std::string got;
  for (const auto& d : bd.all())
    got += std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column) + " " +
           d.message + (d.hint.empty() ? "" : " (" + d.hint + ")") + "\n";
  CHECK(got ==
        "3:5 unknown key 'aprovers' in environment 'prod': only 'approvers' and 'description' "
        "(did you mean 'approvers'?)\n"
        "4:7 the settings of environment 'qa' must be a mapping with 'approvers'\n"
        "6:16 expected a sequence of strings\n");
}

TEST_CASE("lint: binary, empty and deeply nested files get a diagnostic, not a crash") {
  CHECK(lintText(std::string("on: push\0\x01", 11)).find("[yaml-syntax]") != std::string::npos);
  CHECK(lintText("").find("the workflow is empty [missing-key]") != std::string::npos);
  CHECK(lintText(std::string(300, '[')).find("[yaml-") != std::string::npos);
  CHECK(lintText("\xff\xfe").find("[yaml-syntax]") != std::string::npos);
}

TEST_CASE("lint: a local action's inputs are checked at the call site") {
  Sources sources;
  MemoryRepo repo(sources);
  repo.add(".github/actions/hello/action.yml",
           "name: hello\ndescription: d\ninputs:\n  who:\n    required: true\n"
           "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n");
  const SourceFile* f =
      sources.add("ci.yml", std::string(kHeader) +
                                "  j:\n    runs-on: ubuntu-latest\n    steps:\n"
                                "      - uses: ./.github/actions/hello\n        with:\n"
                                "          whom: x\n");
  Diagnostics d;
  lintFile(*f, FileKind::Workflow, &repo, {}, d);
  CHECK(testing::headlines(d) ==
        "ci.yml:7:15: error: './.github/actions/hello' requires the input 'who' [action-input]\n"
        "ci.yml:9:11: error: './.github/actions/hello' has no input 'whom' [action-input]\n");
}

TEST_CASE("lint: filter patterns are checked with the column of the bad character") {
  size_t col = 0;
  CHECK(checkGlob("v[9-0]", true, &col) == "range start '9' is after its end '0'");
  CHECK(col == 4);
  CHECK(checkGlob("release/**", true, &col) == "");
  CHECK(checkGlob("./src/**", false, &col).find("'.' and '..'") == 0);
  CHECK(globMatch(".github/workflows/gen-*.yml", ".github/workflows/gen-a.yml"));
  CHECK_FALSE(globMatch("*.yml", "dir/a.yml"));
  CHECK(globMatch("**/a.yml", "x/y/a.yml"));
}

// A glob, a path, and whether the one matches the other.
struct GlobCase {
  const char* glob;
  const char* path;
  bool match;
};

void checkGlobs(bool (*matches)(std::string_view, std::string_view),
                std::initializer_list<GlobCase> cases) {
  for (const GlobCase& c : cases) {
    INFO(c.glob, " ~ ", c.path);
    CHECK(matches(c.glob, c.path) == c.match);
  }
}

TEST_CASE("lint: path globs: * stays in a folder, ** crosses any number, a * after ** works") {
  checkGlobs(globMatch, {
                            {"docs/**/*.md", "docs/a.md", true},
                            {"docs/**/*.md", "docs/a/b/c.md", true},
                            {"docs/**/*.md", "docs/a/b/c.txt", false},
                            {"docs/**/*.md", "src/a.md", false},
                            {"legacy-*.yml", "legacy-build.yml", true},
                            {"legacy-*.yml", "legacy-a/b.yml", false},
                            {"a/**", "a/b/c", true},
                            {"**", "anything/at/all", true},
                            {"a?c", "abc", true},
                            {"a?c", "a/c", false},
                            {"*-*.yml", "gen-a-b.yml", true},
                            {"**/*-ci/*.yml", "x/y/z-ci/w.yml", true},
                            {"**/*-ci/*.yml", "x/y/z-ci/w/v.yml", false},
                        });
}

TEST_CASE("lint: a glob of many ** against a long path answers at once") {
  // Backtracking took exponential time here (a .galley.yml glob hung lint).
  std::string glob, path(200, 'a');
  for (int i = 0; i < 12; ++i)
    glob += "**a";
  CHECK_FALSE(globMatch(glob + "**b", path));
  CHECK(globMatch(glob + "**", path));
  CHECK(globMatch(glob, path));
}

TEST_CASE("lint: docs/lint.md's rule table is the rule list, row for row") {
  std::ifstream in("docs/lint.md");
  REQUIRE(in);
  std::string documented, line;
  bool inRules = false;  // the table under "## Rules", up to the next heading
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) inRules = line == "## Rules";
    if (inRules && line.rfind("| `", 0) == 0) documented += line + "\n";
  }
  std::string expected;
  for (const auto& r : allRules())
    expected += "| `" + std::string(r.id) + "` | " + severityName(r.severity) + " | " +
                std::string(r.description) + " |\n";
  CHECK(documented == expected);
}

TEST_CASE("lint: SARIF, GitHub and Azure outputs render the same findings") {
  Sources sources;
  const SourceFile* f = sources.add("/repo/ci.yml", "x");
  Diagnostics d;
  d.error({f, {3, 5}, {3, 9}}, "job-needs", "bad, really: 100%");
  std::ostringstream sarif, gh, az;
  writeDocument(sarif, outputFormat("sarif", "/repo", {}), d);
  writeDocument(gh, outputFormat("github", "/repo", {}), d);
  writeDocument(az, outputFormat("azure", "/repo", {}), d);
  auto j = nlohmann::json::parse(sarif.str());
  CHECK(j["version"] == "2.1.0");
  const auto& r = j["runs"][0]["results"][0];
  CHECK(r["ruleId"] == "job-needs");
  CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ci.yml");
  CHECK(r["locations"][0]["physicalLocation"]["region"]["startLine"] == 3);
  CHECK(gh.str() ==
        "::error file=ci.yml,line=3,col=5,endColumn=9,title=job-needs::bad, really: "
        "100%25\n");
  CHECK(az.str() ==
        "##vso[task.logissue type=error;sourcepath=ci.yml;linenumber=3;columnnumber=5;"
        "code=job-needs]bad, really: 100%25 [job-needs]\n");
}

TEST_CASE("lint: SARIF links a finding's notes as related locations, and writes out the rest") {
  Sources sources;
  const SourceFile* f = sources.add("/repo/galley.yml", "x\ny\n");
  const SourceFile* r = sources.add("/repo/recipes/r.yml", "a\nb\nc\n");
  const SourceFile* builtin = sources.add("recipe 'unit-tests' (built in)", "a\nb\n");
  Diagnostics d;
  Diagnostic& e = d.error({f, {2, 3}, {2, 5}}, "artifact", "the name [x] is empty");
  e.notes.push_back({{r, {3, 1}, {3, 4}}, "recipe 'r' uses the value [here]"});
  e.notes.push_back({{builtin, {2, 7}, {2, 9}}, "recipe 'unit-tests' uses it"});
  e.notes.push_back({{}, "a note without a place"});
  std::ostringstream out;
  writeDocument(out, outputFormat("sarif", "/repo", {}), d);
  auto j = nlohmann::json::parse(out.str());
  const auto& result = j["runs"][0]["results"][0];
  CHECK(result["message"]["text"] ==
        "the name \\[x\\] is empty\n"
        "note: [recipe 'r' uses the value \\[here\\]](1)\n"
        "note: recipe 'unit-tests' (built in):2:7: recipe 'unit-tests' uses it\n"
        "note: a note without a place");
  REQUIRE(result["relatedLocations"].size() == 1);
  const auto& related = result["relatedLocations"][0];
  CHECK(related["id"] == 1);
  CHECK(related["message"]["text"] == "recipe 'r' uses the value [here]");
  CHECK(related["physicalLocation"]["artifactLocation"]["uri"] == "recipes/r.yml");
  CHECK(related["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(related["physicalLocation"]["region"]["startLine"] == 3);
  CHECK(related["physicalLocation"]["region"]["startColumn"] == 1);
  CHECK(related["physicalLocation"]["region"]["endColumn"] == 4);
  // Without notes, a message is as it is, brackets and all.
  Diagnostics plain;
  plain.error({f, {1, 1}, {1, 2}}, "job-needs", "a [b]");
  std::ostringstream out2;
  writeDocument(out2, outputFormat("sarif", "/repo", {}), plain);
  auto j2 = nlohmann::json::parse(out2.str());
  CHECK(j2["runs"][0]["results"][0]["message"]["text"] == "a [b]");
  CHECK_FALSE(j2["runs"][0]["results"][0].contains("relatedLocations"));
}

TEST_CASE("lint: SARIF columns count code points, and the run says so") {
  Sources sources;
  const SourceFile* f = sources.add(
      "/repo/ci.yml",
      "      - run: echo \"\xc3\xa9\xf0\x9f\x9a\x80 ${{ github.event.issue.title }}\"\n");
  Diagnostics d;
  d.error({f, {1, 31}, {1, 55}}, "template-injection", "m");  // byte columns
  std::ostringstream out;
  writeDocument(out, outputFormat("sarif", "/repo", {}), d);
  auto j = nlohmann::json::parse(out.str());
  CHECK(j["runs"][0]["columnKind"] == "unicodeCodePoints");
  const auto& region = j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startColumn"] == 27);
  CHECK(region["endColumn"] == 51);
}

TEST_CASE("lint: the github and azure formats write a finding's notes after its message") {
  Sources sources;
  const SourceFile* f = sources.add("/repo/galley.yml", "x\ny\n");
  const SourceFile* r = sources.add("/repo/recipes/r.yml", "a\nb\nc\n");
  Diagnostics d;
  Diagnostic& e = d.error({f, {2, 3}, {2, 5}}, "artifact", "the name is empty");
  e.notes.push_back({{r, {3, 1}, {3, 4}}, "recipe 'r' uses the value here"});
  e.notes.push_back({{}, "a note without a place"});
  Diagnostic& n =
      d.report(Severity::Note, {f, {1, 1}, {1, 2}}, "missing-permissions", "no permissions");
  n.notes.push_back({{r, {1, 1}, {1, 2}}, "the default applies"});
  std::ostringstream gh, az;
  writeDocument(gh, outputFormat("github", "/repo", {}), d);
  writeDocument(az, outputFormat("azure", "/repo", {}), d);
  CHECK(gh.str() ==
        "::error file=galley.yml,line=2,col=3,endColumn=5,title=artifact::the name is empty"
        "%0Anote: recipes/r.yml:3:1: recipe 'r' uses the value here%0Anote: a note without a "
        "place\n"
        "::notice file=galley.yml,line=1,col=1,endColumn=2,title=missing-permissions::no "
        "permissions%0Anote: recipes/r.yml:1:1: the default applies\n");
  CHECK(az.str() ==
        "##vso[task.logissue type=error;sourcepath=galley.yml;linenumber=2;columnnumber=3;"
        "code=artifact]the name is empty [artifact]; note: recipes/r.yml:3:1: recipe 'r' uses "
        "the value here; note: a note without a place\n"
        "note: galley.yml:1:1: no permissions [missing-permissions]; note: recipes/r.yml:1:1: "
        "the default applies\n");
}

TEST_CASE(
    "lint: a written-out null is reported where it is written, an absent value after its key") {
  std::string out = lintText(std::string(kHeader) +
                             "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - null\n"
                             "  b:\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - uses: actions/checkout@v4\n        with: &inputs\n"
                             "      - uses: actions/checkout@v4\n        with:\n");
  CHECK(out.find("ci.yml:7:9: error: 'steps' should not be empty") != std::string::npos);
  CHECK(out.find("ci.yml:12:15: error: 'with' should not be empty") != std::string::npos);
  CHECK(out.find("ci.yml:14:14: error: 'with' should not be empty") != std::string::npos);
}

TEST_CASE("lint: a null where a string is expected reads as the empty string, as GitHub's does") {
  std::string out = lintText(std::string(kHeader) +
                             "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - name:\n        uses: someone/action@v1\n"
                             "        with: {token: }\n"
                             "      - run: echo\n        env: {A: , B: ~, C: null, D: !!null }\n"
                             "        working-directory:\n");
  CHECK(out == "");
  // Where the schema wants text, a null is the empty string it then rejects.
  out = lintText(std::string(kHeader) +
                 "  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
                 "    defaults:\n      run:\n        working-directory: ~\n");
  CHECK(out ==
        "ci.yml:10:28: error: 'working-directory' must not be an empty string "
        "[empty-value]\n");
  // A key the mapping requires, left empty, is as good as missing (as actionlint says).
  out = lintText(
      "on:\n  workflow_call:\n    outputs:\n      x:\n        value:\n"
      "permissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
      "    steps:\n      - run: echo\n");
  CHECK(out ==
        "ci.yml:5:15: error: 'value' should not be empty: expected a string [empty-value]\n");
}

TEST_CASE("lint: a string literal expression where a mapping is expected is an expression error") {
  std::string out = lintText(std::string(kHeader) +
                             "  a:\n    runs-on: ubuntu-latest\n    services: ${{ 'redis' }}\n"
                             "    env: ${{ fromJSON('{}') }}\n    steps:\n      - run: echo\n");
  CHECK(out ==
        "ci.yml:6:15: error: 'services' takes a mapping, but this expression is always a string "
        "[expression]\n");
}

TEST_CASE("lint: an expression in an env var name is checked like one in its value") {
  std::string out = lintText(
      "on: push\npermissions: {}\nenv:\n  ${{ runner.name }}: ''\n"
      "  ${{ github.ref_name }}: x\njobs:\n  a:\n"
      "    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n");
  CHECK(out ==
        "ci.yml:4:7: error: context 'runner' is not available here; available: 'github', "
        "'inputs', 'vars', or 'secrets' [expression]\n");
}

TEST_CASE("lint: an anchor that no alias refers to is a warning at its '&'") {
  std::string out = lintText(std::string(kHeader) +
                             "  build:\n    runs-on: &os ubuntu-latest\n    env: &env\n"
                             "      A: 1\n    steps:\n      - run: make\n        env: *env\n");
  CHECK(out ==
        "ci.yml:5:14: warning: anchor '&os' is defined but no alias refers to it "
        "[unused-anchor]\n");
}

namespace {

// The findings of rule in text linted as a workflow.
std::string findingsOf(const std::string& text, const std::string& rule, LintOptions options = {}) {
  std::string all = lintText(text, std::move(options));
  std::string out;
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);)
    if (line.find("[" + rule + "]") != std::string::npos) out += line + "\n";
  return out;
}

std::string job(const std::string& body) {
  return std::string(kHeader) + "  build:\n" + body + "    steps:\n      - run: make\n";
}

// Lints text as an action.yml: its findings of `rule` (all when empty), one
// a line, as "line:col message [rule]", and " / hint" when there is one.
std::string actionFindings(const std::string& text, std::string_view rule = "") {
  Sources sources;
  const SourceFile* f = sources.add("/nonexistent/action.yml", text);
  Diagnostics d;
  lintFile(*f, FileKind::Action, nullptr, {}, d);
  std::string out;
  for (const auto& x : d.all())
    if (rule.empty() || x.rule == rule)
      out += std::to_string(x.where.begin.line) + ":" + std::to_string(x.where.begin.column) + " " +
             x.message + " [" + x.rule + "]" + (x.hint.empty() ? "" : " / " + x.hint) + "\n";
  return out;
}

}  // namespace

TEST_CASE("lint: matrix exclude values must match a value of their axis, or of include") {
  std::string out =
      lintText(job("    runs-on: ubuntu-latest\n"
                   "    strategy:\n      matrix:\n"
                   "        os: [linux, windows, ~]\n"
                   "        cfg: [{a: 1, b: 2}]\n"
                   "        include:\n          - os: macos\n"
                   "        exclude:\n"
                   "          - os: linux\n"     // its own value
                   "          - os: macos\n"     // added by include
                   "          - os: ~\n"         // a null matches a null
                   "          - os: solaris\n"   // none
                   "          - cfg: {a: 1}\n"   // a subset of a mapping
                   "          - cfg: {a: 2}\n"   // none
                   "          - arch: x64\n"));  // no such axis
  CHECK(out ==
        "ci.yml:16:17: error: exclude value for 'os' matches none of the axis's values [matrix]\n"
        "ci.yml:18:18: error: exclude value for 'cfg' matches none of the axis's values [matrix]\n"
        "ci.yml:19:13: error: exclude names 'arch', which is not a matrix axis [matrix]\n");
  // A computed value may be anything: no exclude of that axis is reported.
  CHECK(lintText(job("    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
                     "        os: [linux, '${{ github.ref_name }}']\n"
                     "        exclude:\n          - os: solaris\n")) == "");
}

TEST_CASE("lint: workflow_call outputs read jobs.<id> of the workflow's own jobs") {
  std::string out = lintText(
      "on:\n  workflow_call:\n    outputs:\n"
      "      a:\n        value: ${{ jobs.build.outputs.dir }}\n"
      "      b:\n        value: ${{ jobs.biuld.outputs.dir }}\n"
      "      c:\n        value: ${{ jobs.build.output }}\n"
      "permissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
      "    outputs:\n      dir: ${{ steps.s.outputs.dir }}\n"
      "    steps:\n      - id: s\n        run: echo \"dir=x\" >> \"$GITHUB_OUTPUT\"\n");
  CHECK(out ==
        "ci.yml:7:20: error: property 'biuld' is not defined in object type {build: {outputs: "
        "{dir: string}; result: string}} [expression]\n"
        "ci.yml:9:20: error: property 'output' is not defined in object type {outputs: {dir: "
        "string}; result: string} [expression]\n");
}

TEST_CASE("lint: a GitHub function the key does not provide is named as such") {
  std::string out = lintText(std::string(kHeader) +
                             "  a:\n    if: ${{ hashFiles('x') != '' }}\n"
                             "    runs-on: ubuntu-latest\n    steps:\n"
                             "      - run: echo ${{ success() }} ${{ format('{0}{1}', 'x') }}\n");
  CHECK(out ==
        "ci.yml:5:13: error: hashFiles() is not available here [expression]\n"
        "ci.yml:8:23: error: success() is not available here: status functions work in if: "
        "conditions [expression]\n"
        "ci.yml:8:40: error: format string contains placeholder {1} but only 1 argument follows "
        "it [expression]\n");
}

TEST_CASE("lint: retired GitHub runners are reported, current ones accepted") {
  CHECK(lintText(job("    runs-on: ubuntu-20.04\n")) ==
        "ci.yml:5:14: error: runner 'ubuntu-20.04' is no longer offered by GitHub (removed in "
        "April 2025) [runner-label]\n");
  CHECK(lintText(job("    runs-on: macos-13\n")) ==
        "ci.yml:5:14: error: runner 'macos-13' is no longer offered by GitHub (removed in "
        "December 2025) [runner-label]\n");
  for (const char* label : {"macos-26", "macos-26-intel", "ubuntu-26.04-arm", "windows-11-arm"})
    CHECK(lintText(job(std::string("    runs-on: ") + label + "\n")) == "");
}

TEST_CASE("lint: an empty runner label is reported where it is") {
  CHECK(findingsOf(job("    runs-on: ['x64', '']\n"), "runner-label") ==
        "ci.yml:5:22: error: runner label is empty [runner-label]\n");
  CHECK(findingsOf(job("    runs-on:\n"), "runner-label") ==
        "ci.yml:5:13: error: runs-on names no runner label [runner-label]\n");
}

TEST_CASE("lint: a matrix value of another OS conflicts with a literal runner label") {
  std::string out = findingsOf(job("    strategy:\n      matrix:\n        os: [windows-latest, "
                                   "ubuntu-24.04]\n    runs-on: [ubuntu-latest, "
                                   "'${{ matrix.os }}']\n"),
                               "runner-label");
  CHECK(out ==
        "ci.yml:7:14: error: label 'windows-latest' conflicts with 'ubuntu-latest': a job runs "
        "on one machine; use a matrix to run on several [runner-label]\n");
}

TEST_CASE("lint: custom runner labels come from .github/actionlint.yaml too") {
  Sources sources;
  MemoryRepo repo(sources);
  repo.add(".github/actionlint.yaml", "self-hosted-runner:\n  labels: [gpu, 'fleet-*']\n");
  const SourceFile* f =
      repo.add(".github/workflows/ci.yml", job("    runs-on: [self-hosted, gpu, fleet-a, tpu]\n"));
  Diagnostics d;
  lintFile(*f, FileKind::Workflow, &repo, {}, d);
  std::string out;
  for (const auto& x : d.all())
    if (x.rule == "runner-label") out += std::to_string(x.where.begin.column) + " " + x.message;
  CHECK(out ==
        "42 unknown runner label 'tpu'; list custom self-hosted labels under lint.runner-labels "
        "in .galley.yml");
}

TEST_CASE("lint: actionlint.yaml ignore patterns are named where galley does not apply them") {
  Sources sources;
  MemoryRepo repo(sources);
  repo.add(".github/actionlint.yaml",
           "paths:\n"
           "  .github/workflows/release.yml:\n    ignore: []\n"
           "  .github/workflows/**/*.{yml,yaml}:\n    ignore:\n      - 'SC2086:.+'\n");
  const SourceFile* ci = repo.add(".github/workflows/ci.yml", job("    runs-on: ubuntu-latest\n"));
  const SourceFile* release =
      repo.add(".github/workflows/release.yml", job("    runs-on: ubuntu-latest\n"));
  const SourceFile* other = repo.add("ci/workflows/x.yml", job("    runs-on: ubuntu-latest\n"));
  auto notes = [&](const SourceFile* f) {
    Diagnostics d;
    lintFile(*f, FileKind::Workflow, &repo, {}, d);
    std::string out;
    for (const auto& x : d.all())
      if (x.rule == "actionlint-paths")
        out += std::string(x.where.path()) + ":" + std::to_string(x.where.begin.line) + ":" +
               std::to_string(x.where.begin.column) + " " + x.message + " / " + x.hint + "\n";
    return out;
  };
  CHECK(notes(ci) ==
        ".github/actionlint.yaml:4:3 the ignore patterns actionlint.yaml sets for "
        "'.github/workflows/**/*.{yml,yaml}' are not applied to .github/workflows/ci.yml: they "
        "are regular expressions over actionlint's messages, which galley's do not share / set "
        "rules for these paths under lint: paths: in .galley.yml\n");
  // An empty ignore list hides nothing; the glob after it still covers the file.
  CHECK(notes(release).find("for '.github/workflows/**/*.{yml,yaml}'") != std::string::npos);
  // Not under a .github/workflows folder: actionlint's configuration is not its.
  CHECK(notes(other) == "");
}

TEST_CASE("lint: actionlint path globs take {a,b} alternatives and ** across folders") {
  checkGlobs(actionlintGlobMatch,
             {
                 {".github/workflows/**/*.{yml,yaml}", ".github/workflows/ci.yml", true},
                 {".github/workflows/**/*.{yml,yaml}", ".github/workflows/a/b.yaml", true},
                 {".github/workflows/**/*.{yml,yaml}", ".github/workflows/c.json", false},
                 {"{a,b}/{x,y}.yml", "b/y.yml", true},
                 {"{a,b}/{x,y}.yml", "c/y.yml", false},
                 {".github/workflows/release.yaml", ".github/workflows/release.yaml", true},
                 {".github/workflows/*.yml", ".github/workflows/a/b.yml", false},
             });
  // 2^40 spellings: the expansion stops at its budget instead of running on.
  std::string glob;
  for (int i = 0; i < 40; ++i)
    glob += "{a,b}";
  CHECK_FALSE(actionlintGlobMatch(glob + "c", std::string(40, 'b')));
  CHECK(actionlintGlobMatch(glob, std::string(40, 'a')));
}

TEST_CASE("lint: a schedule's timezone must be an IANA time zone name") {
  std::string wf =
      "on:\n  schedule:\n    - cron: '0 5 * * *'\n      timezone: Asia/Somewhere\n"
      "    - cron: '0 6 * * *'\n      timezone: UTC\n"
      "    - cron: '0 7 * * *'\n      timezone: America/New_York\n"
      "permissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: make\n";
  CHECK(findingsOf(wf, "events") ==
        "ci.yml:4:17: error: unknown time zone 'Asia/Somewhere': use an IANA time zone name such "
        "as 'America/New_York' or 'Etc/UTC' [events]\n");
}

TEST_CASE("lint: every ref-name problem of a branch pattern is reported") {
  std::string wf =
      "on:\n  push:\n    tags:\n      - /v\\d+/\npermissions: {}\njobs:\n  a:\n"
      "    runs-on: ubuntu-latest\n    steps:\n      - run: make\n";
  std::string out = findingsOf(wf, "glob");
  CHECK(out ==
        "ci.yml:4:9: error: invalid filter pattern: branch and tag names cannot start with '/' "
        "[glob]\n"
        "ci.yml:4:11: error: invalid filter pattern: '\\' may only escape one of [ ? + * \\ ! in "
        "branch and tag names; regular expressions are not supported [glob]\n"
        "ci.yml:4:14: error: invalid filter pattern: branch and tag names cannot end with '/' or "
        "'.' [glob]\n");
}

TEST_CASE("lint: a quoted if: with a space after ${{ }} is always true") {
  std::string out = findingsOf(std::string(kHeader) +
                                   "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "      - run: make\n        if: \"${{ github.ref == 'x' }} \"\n",
                               "if-always-true");
  CHECK(out ==
        "ci.yml:8:13: error: this condition is always true: text outside a single ${{ }} makes "
        "it a non-empty string [if-always-true]\n");
}

TEST_CASE("lint: docker:// with an empty tag") {
  std::string out = findingsOf(std::string(kHeader) +
                                   "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "      - uses: 'docker://alpine:'\n"
                                   "      - uses: 'docker://localhost:5000/alpine'\n",
                               "action-ref");
  CHECK(out ==
        "ci.yml:7:15: error: the tag of Docker image 'alpine:' is empty: write 'alpine:TAG' or "
        "drop the ':' [action-ref]\n");
}

TEST_CASE("lint: an empty container and credentials that are a string") {
  std::string out = lintText(job("    runs-on: ubuntu-latest\n    container: {}\n") +
                             "  other:\n    runs-on: ubuntu-latest\n    container:\n"
                             "      image: alpine\n      credentials: 'user:pass'\n"
                             "    steps:\n      - run: make\n");
  CHECK(out.find("ci.yml:6:16: error: 'container' is empty: name an image, or remove the key "
                 "[empty-value]\n") != std::string::npos);
  CHECK(out.find("ci.yml:13:7: error: container credentials need both 'username' and "
                 "'password' [missing-key]\n") != std::string::npos);
}

TEST_CASE("lint: a local reusable workflow whose workflow_call cannot be read") {
  Sources sources;
  MemoryRepo repo(sources);
  repo.add(".github/workflows/reusable.yml",
           "on:\n  workflow_call:\n    outputs: my outputs\njobs:\n  a:\n"
           "    runs-on: ubuntu-latest\n    steps:\n      - run: make\n");
  const SourceFile* f =
      repo.add(".github/workflows/ci.yml",
               std::string(kHeader) + "  call:\n    uses: ./.github/workflows/reusable.yml\n");
  Diagnostics d;
  lintFile(*f, FileKind::Workflow, &repo, {}, d);
  REQUIRE(d.all().size() >= 1);
  std::string out;
  for (const auto& x : d.all())
    if (x.rule == "workflow-call")
      out += std::to_string(x.where.begin.line) + ":" + std::to_string(x.where.begin.column) + " " +
             x.message;
  CHECK(out ==
        "5:11 reusable workflow './.github/workflows/reusable.yml' cannot be read: its "
        "workflow_call 'outputs' must be a mapping, not a string");
}

TEST_CASE("lint: action metadata: runs: is read as its using: says, whatever keys it holds") {
  auto runs = [](const std::string& body) {
    return actionFindings("name: a\ndescription: d\nruns:\n" + body);
  };
  // A Docker action with a JavaScript action's key: 'main' is the stray key.
  CHECK(runs("  using: docker\n  image: Dockerfile\n  main: index.js\n") ==
        "6:3 unexpected key 'main' in 'runs'; expected 'args', 'entrypoint', 'env', 'image', "
        "'post-entrypoint', 'post-if', 'pre-entrypoint', 'pre-if', or 'using' [unknown-key]\n");
  // A composite action needs steps, not one of every shape's keys; its run
  // steps need a shell (once).
  CHECK(runs("  using: composite\n") ==
        "3:1 'runs' is missing the required key 'steps' [missing-key]\n");
  CHECK(runs("  using: composite\n  steps:\n    - run: make\n") ==
        "6:7 'steps' is missing the required key 'shell' [missing-key]\n");
}

TEST_CASE("lint: a value outside a long allowed set gets a hint, not a list of them all") {
  CHECK(actionFindings("name: a\ndescription: d\nbranding:\n  icon: not-an-icon\n"
                       "  color: pink\nruns:\n  using: node20\n  main: i.js\n",
                       "invalid-value") ==
        "4:9 invalid value 'not-an-icon' for 'icon' [invalid-value] / one of 256 values, such as "
        "'activity', 'airplay', or 'alert-circle'\n"
        "5:10 invalid value 'pink' for 'color'; expected 'white', 'yellow', 'blue', 'green', "
        "'orange', 'red', 'purple', or 'gray-dark' [invalid-value]\n");
}

TEST_CASE("lint: action metadata: unknown input keys and pre-if without pre") {
  CHECK(actionFindings(
            "name: a\ndescription: d\ninputs:\n  x:\n    requird: true\nruns:\n  using: node20\n"
            "  main: index.js\n  pre-if: always()\n",
            "action-metadata") ==
        "5:5 unexpected key 'requird' in the definition of input 'x' [action-metadata] / did you "
        "mean 'required'?\n"
        "9:3 'pre-if' is set but there is no 'pre' script for it to guard [action-metadata]\n");
}

TEST_CASE("lint: pyflakes findings land at their place in a Python script") {
  const char* pyflakes = "/usr/bin/pyflakes3";
  if (!std::filesystem::exists(pyflakes)) {
    MESSAGE("skipped: pyflakes3 is not installed");
    return;
  }
  LintOptions options;
  options.pyflakes = pyflakes;
  std::string out = findingsOf(std::string(kHeader) +
                                   "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "      - shell: python\n        run: |\n"
                                   "          import os\n          print('${{ runner.os }}')\n"
                                   "          x = ${{ inputs.n }}\n          print(hello)\n",
                               "pyflakes", options);
  CHECK(out ==
        "ci.yml:9:11: warning: 'os' imported but unused [pyflakes]\n"
        "ci.yml:12:17: warning: undefined name 'hello' [pyflakes]\n");
}

TEST_CASE("lint: a local action's problems are reported once, YAML 1.1 booleans accepted") {
  Sources sources;
  MemoryRepo repo(sources);
  repo.add("act/action.yml",
           "name: a\ndescription: d\ninputs:\n  old:\n    required: yes\n"
           "    deprecationMessage: use new\n  flag:\n    required: on\n"
           "runs:\n  using: node16\n  main: index.js\n");
  const SourceFile* f =
      repo.add(".github/workflows/ci.yml",
               "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
               "      - uses: ./act\n        with: {old: x, flag: y}\n      - uses: ./act\n"
               "        with: {old: x, flag: y}\n");
  Diagnostics d;
  lintFile(*f, FileKind::Workflow, &repo, {}, d);
  std::string out;
  for (const auto& x : d.all())
    if (x.severity != Severity::Note)
      out += std::to_string(x.where.begin.line) + ":" + std::to_string(x.where.begin.column) + " " +
             x.message + " [" + x.rule + "]\n";
  // node16 once (the first use); 'required: yes' is no type error; the
  // required deprecated input gives no warning.
  CHECK(out.find("7:15 local action './act' has invalid metadata in act/action.yml: runtime "
                 "'node16' is no longer run by GitHub; use node20 or node24 [local-action]\n") ==
        0);
  CHECK(out.find("9:15") == std::string::npos);
  CHECK(out.find("deprecated") == std::string::npos);
  CHECK(out.find("boolean") == std::string::npos);
}

TEST_CASE("lint: a composite action's steps are checked like a job's") {
  Sources sources;
  MemoryRepo repo(sources);
  const SourceFile* f =
      sources.add("action.yml",
                  "name: demo\n"
                  "description: d\n"
                  "inputs:\n"
                  "  who: {description: who}\n"
                  "runs:\n"
                  "  using: composite\n"
                  "  steps:\n"
                  "    - run: echo \"${{ github.event.issue.title }}\"\n"
                  "      shell: bash\n"
                  "    - uses: actions/checkout@v4\n"
                  "      id: co\n"
                  "      with:\n"
                  "        fetch-dept: 1\n"
                  "    - run: echo '::set-output name=a::b'\n"
                  "      shell: bash\n"
                  "    - run: echo ${{ inputs.who }} ${{ inputs.whom }}\n"
                  "      shell: bash\n"
                  "    - run: echo ${{ steps.co.outputs.ref }} ${{ steps.x.outcome }}\n"
                  "      shell: bash\n");
  Diagnostics all, shown;
  lintFile(*f, FileKind::Action, &repo, {}, all);
  for (auto& d : all.all())
    if (d.severity != Severity::Note) shown.report(d.severity, d.where, d.rule, d.message, d.hint);
  CHECK(testing::headlines(shown) ==
        "action.yml:8:22: error: untrusted data is expanded into a script: "
        "'github.event.issue.title' is controlled by whoever triggers the workflow "
        "[template-injection]\n"
        "action.yml:10:13: warning: 'actions/checkout@v4' is built for Node.js 20, which GitHub "
        "removed from its runners on 2026-09-16: they run it on Node.js 24 [node20-action]\n"
        "action.yml:13:9: error: 'actions/checkout@v4' has no input 'fetch-dept' [action-input]\n"
        "action.yml:14:18: error: workflow command 'set-output' is deprecated: it still runs, with "
        "a warning in the run's log [deprecated-command]\n"
        "action.yml:16:39: error: input 'whom' is not defined by the action [expression]\n"
        "action.yml:18:49: error: step 'x' is not defined before this point [expression]\n");
}

TEST_CASE("lint: a disk repository names its files relative to its root, the file system's too") {
  Sources sources;
  const SourceFile* f = sources.add("/srv/repo/.github/workflows/ci.yml", "on: push\n");
  DiskRepo repo("/srv/repo", sources);
  CHECK(repo.relativePath(*f) == ".github/workflows/ci.yml");
  DiskRepo top("/", sources);
  CHECK(top.relativePath(*f) == "srv/repo/.github/workflows/ci.yml");
  DiskRepo other("/srv/other", sources);
  CHECK(other.relativePath(*f) == "");
}

TEST_CASE("lint: streamed output is the gathered findings rendered, in path order") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("galley-lint-stream-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  };
  std::string job = "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n";
  // Given out of path order, with a file that cannot be read among them.
  std::vector<std::string> paths = {
      write("c.yml", "on: push\npermissions: {}\n" + job + "        shel: bash\n"),
      write("a.yml", "on: pus\npermissions: {}\n" + job),
      (dir / "b-missing.yml").string(),
      write("d.yml", "on: push\npermissions: {}\n" + job),
  };
  for (unsigned threads : {1u, 2u}) {
    Sources gathered, streamed;
    RenderOptions plain{false, true};
    std::ostringstream expected, out;
    Diagnostics diags = lintPaths(paths, gathered, {}, threads);
    renderText(expected, diags, plain);
    bool failed = lintPathsStreamed(
        paths, streamed, {}, threads,
        [&](const Diagnostics& found, std::string& text) { textFormat(plain).items(found, text); },
        [&](std::string_view text) { out << text; });
    CHECK(failed);
    CHECK(out.str() == expected.str());
    // a.yml, then the file that cannot be read, then c.yml; d.yml is clean.
    std::string text = out.str();
    size_t a = text.find("a.yml:1:5"), b = text.find("b-missing.yml"), c = text.find("c.yml:8:9");
    CHECK(a < b);
    CHECK(b < c);
    CHECK(c != std::string::npos);
    CHECK(text.find("d.yml") == std::string::npos);
  }
  // Every format: the document written as files finish is the document of
  // the gathered findings; with no findings, an empty one.
  for (std::string name : {"text", "json", "sarif", "github", "azure"}) {
    for (unsigned threads : {1u, 2u}) {
      for (bool clean : {false, true}) {
        std::vector<std::string> some = clean ? std::vector<std::string>{paths[3]} : paths;
        Sources gathered, streamed;
        OutputFormat format = outputFormat(name, dir.string(), {false, true});
        std::ostringstream expected, out;
        writeDocument(expected, format, lintPaths(some, gathered, {}, threads));
        DocumentWriter writer(out, format);
        lintPathsStreamed(
            some, streamed, {}, threads,
            [&](const Diagnostics& found, std::string& text) { format.items(found, text); },
            [&](std::string_view text) { writer.write(text); });
        writer.finish();
        INFO(name, " on ", threads, " threads", clean ? ", no findings" : "");
        CHECK(out.str() == expected.str());
        if (name == "json" || name == "sarif") {
          nlohmann::json doc = nlohmann::json::parse(out.str());
          const nlohmann::json& items = name == "json" ? doc : doc["runs"][0]["results"];
          CHECK(items.size() == (clean ? 0u : lintPaths(some, gathered, {}, 1).all().size()));
        }
      }
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("lint: an action major built for Node.js 20 is a warning naming the first for 24") {
  std::string text = std::string(kHeader) +
                     "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                     "      - uses: actions/checkout@v4.2.2\n"  // a release of the v4 major
                     "      - uses: actions/checkout@v5\n"      // built for Node.js 24
                     "      - uses: actions/checkout@v2\n"      // a runtime no runner has
                     "      - uses: Docker/Login-Action@v3\n"   // names ignore case
                     "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n";
  CHECK(lintText(text) ==
        "ci.yml:7:15: warning: 'actions/checkout@v4.2.2' is built for Node.js 20, which GitHub "
        "removed from its runners on 2026-09-16: they run it on Node.js 24 [node20-action]\n"
        "ci.yml:9:15: error: 'actions/checkout@v2' runs on a Node.js version GitHub no longer "
        "runs; update its version [outdated-action]\n"
        "ci.yml:10:15: warning: 'Docker/Login-Action@v3' is built for Node.js 20, which GitHub "
        "removed from its runners on 2026-09-16: they run it on Node.js 24 [node20-action]\n");
  Sources sources;
  MemoryRepo repo(sources);
  Diagnostics found;
  lintFile(*sources.add("ci.yml", text), FileKind::Workflow, &repo, {}, found);
  std::vector<std::string> hints;
  for (const auto& d : found.all())
    if (d.rule == "node20-action") hints.push_back(d.hint);
  CHECK(hints == std::vector<std::string>{
                     "update to actions/checkout@v5, its first version built for Node.js 24",
                     "update to docker/login-action@v4, its first version built for Node.js 24"});
}

TEST_CASE("lint: a SHA pin is checked as the tag its comment names") {
  // As the pinning audit advises: the SHA, and the tag in a comment.
  std::string out = lintText(
      std::string(kHeader) +
      "  a:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - id: co\n"
      "        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
      "        with:\n          fetch-dept: 1\n"
      "      - uses: actions/setup-node@1a4442cacd436585916779262731d5b162bc6ec7  # tag=3.8.1\n"
      "      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # the latest\n"
      "      - uses: reviewdog/action-actionlint@v1\n        with:\n          fail_on_error: true\n"
      "      - run: echo ${{ steps.co.outputs.commit }} ${{ steps.co.outputs.nope }}\n");
  CHECK(out ==
        "ci.yml:8:15: warning: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683' "
        "(v4.2.2 by its comment) is built for Node.js 20, which GitHub removed from its runners "
        "on 2026-09-16: they run it on Node.js 24 [node20-action]\n"
        "ci.yml:10:11: error: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683' "
        "(v4.2.2 by its comment) has no input 'fetch-dept' [action-input]\n"
        "ci.yml:11:15: error: 'actions/setup-node@1a4442cacd436585916779262731d5b162bc6ec7' "
        "(v3.8.1 by its comment) runs on a Node.js version GitHub no longer runs; update its "
        "version [outdated-action]\n"
        "ci.yml:15:11: error: input 'fail_on_error' of 'reviewdog/action-actionlint@v1' is "
        "deprecated: Deprecated, use `fail_level` instead [action-input]\n"
        "ci.yml:16:54: error: property 'nope' is not defined in object type {commit: string; "
        "ref: string} [expression]\n");
}

}  // namespace galley::lint

namespace galley::lint {

TEST_CASE("lint: a deliberate if: false says the job never runs, not to remove the key") {
  std::string out = lintText(std::string(kHeader) +
                             "  off:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - run: make\n        if: ${{ false }}\n"
                             "      - run: make\n        if: true\n");
  CHECK(out ==
        "ci.yml:5:9: error: the condition is always false: this job never runs [constant-if]\n"
        "ci.yml:9:13: error: the condition is always false: this step never runs "
        "[constant-if]\n"
        "ci.yml:11:13: error: the condition is always true; remove the if: key "
        "[constant-if]\n");
}

TEST_CASE("lint: set-env is disabled, set-output deprecated but running") {
  std::string out = lintText(std::string(kHeader) +
                             "  j:\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - run: echo '::set-env name=A::b'\n");
  CHECK(out ==
        "ci.yml:7:20: error: workflow command 'set-env' is disabled: the runner fails the step "
        "unless ACTIONS_ALLOW_UNSECURE_COMMANDS is set [deprecated-command]\n");
}

TEST_CASE("lint: a cron separated by no-break spaces names the character") {
  std::string out = lintText(
      "on:\n  schedule:\n    - cron: '0\xC2\xA0"
      "3 * * *'\npermissions: {}\njobs:\n"
      "  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n");
  CHECK(out ==
        "ci.yml:3:15: error: cron '0\xC2\xA0"
        "3 * * *' separates its fields with U+00A0 "
        "(NO-BREAK SPACE), which cron does not read as a space [cron]\n");
}

TEST_CASE("lint: filters under create are named as filters the event does not have") {
  std::string out = lintText(
      "on:\n  create:\n    tags: ['v*']\npermissions: {}\njobs:\n"
      "  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n");
  CHECK(out ==
        "ci.yml:3:5: error: 'create' takes no settings: filters such as 'tags' are not "
        "available for the create event [events]\n");
}

}  // namespace galley::lint

namespace galley::lint {

TEST_CASE("lint: actionlint's popular actions: unknown inputs of ruby/setup-ruby, old goreleaser") {
  std::string out = lintText(std::string(kHeader) +
                             "  j:\n    runs-on: ubuntu-latest\n    steps:\n"
                             "      - uses: ruby/setup-ruby@v1\n        with:\n"
                             "          ruby-versions: '3.3'\n"
                             "      - uses: goreleaser/goreleaser-action@v1\n"
                             "      - uses: octokit/request-action@v2.x\n        with:\n"
                             "          route: GET /\n");
  CHECK(out ==
        "ci.yml:9:11: error: 'ruby/setup-ruby@v1' has no input 'ruby-versions' [action-input]\n"
        "ci.yml:10:15: error: 'goreleaser/goreleaser-action@v1' runs on a Node.js version GitHub "
        "no longer runs; update its version [outdated-action]\n");
}

}  // namespace galley::lint
