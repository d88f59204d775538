// Typed scopes of workflows: matrix rows, step and job outputs, inputs,
// secrets, and the keys that take one whole `${{ }}` of a certain type.
#include <doctest/doctest.h>

#include "compiler/lint/lint.h"
#include "tests/testing.h"

namespace galley::lint {
namespace {

// Expression findings for text linted as .github/workflows/ci.yml, with the
// given other files in the repository.
std::string expressions(const std::string& text,
                        std::vector<std::pair<std::string, std::string>> files = {},
                        const LintOptions& options = {}, const std::string& path = "ci.yml") {
  Sources sources;
  MemoryRepo repo(sources);
  for (auto& [name, body] : files)
    repo.add(name, body);
  // A workflow inside the repository sees its configuration (actionlint.yaml).
  const SourceFile* f = path == "ci.yml" ? sources.add(path, text) : repo.add(path, text);
  Diagnostics all, shown;
  lintFile(*f, FileKind::Workflow, &repo, options, all);
  for (auto& d : all.all())
    if (d.rule == "expression") shown.report(d.severity, d.where, d.rule, d.message, d.hint);
  return testing::headlines(shown);
}

TEST_CASE("typed scopes: matrix values are typed from their rows and include") {
  CHECK(expressions(
            "on: push\n"
            "jobs:\n"
            "  t:\n"
            "    runs-on: ${{ matrix.x }}\n"
            "    strategy:\n"
            "      matrix:\n"
            "        x: [{foo: a}]\n"
            "        n: ['${{ github.retention_days }}']\n"
            "        include:\n"
            "          - null: ${{ fromJSON('null') }}\n"
            "    steps:\n"
            "      - run: echo ${{ matrix.n.foo }} ${{ matrix.null }} ${{ matrix.x.bar }}\n") ==
        "ci.yml:4:14: error: 'runs-on' takes a label, an array of labels or a {group, labels} "
        "mapping, but this expression is of type {foo: string} [expression]\n"
        "ci.yml:12:23: error: property 'foo' is read from a value of type number, which has no "
        "properties [expression]\n"
        "ci.yml:12:39: error: a value of type null should not be evaluated in a template: ${{ }} "
        "renders it as JSON or as nothing [expression]\n"
        "ci.yml:12:62: error: property 'bar' is not defined in object type {foo: string} "
        "[expression]\n");
}

TEST_CASE("typed scopes: long lists of step ids and inputs are looked up through an index") {
  // Past 64 names, a name is found by an index, not by scanning those
  // before it: the same answers as the scan, at any case, first one wins.
  std::string text = "on:\n  workflow_call:\n    inputs:\n";
  for (int i = 0; i < 80; ++i)
    text += "      In" + std::to_string(i) + ": {type: string}\n";
  text += "      last: {type: string, default: '${{ inputs.IN79 }} ${{ inputs.in80 }}'}\n";
  text += "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n";
  for (int i = 0; i < 80; ++i)
    text += "      - id: S" + std::to_string(i) + "\n        run: echo\n";
  text += "      - run: echo ${{ steps.s79.outcome }} ${{ steps.late.outcome }}\n";
  text += "      - id: late\n        run: echo ${{ inputs.in0 }} ${{ steps.LATE.outcome }}\n";
  text += "      - id: s0\n        run: echo ${{ inputs.nope }}\n";
  CHECK(expressions(text) ==
        "ci.yml:84:61: error: input 'in80' is not defined by the workflow [expression]\n"
        "ci.yml:249:48: error: step 'late' is not defined before this point [expression]\n"
        "ci.yml:251:41: error: step 'LATE' is not defined before this point [expression]\n"
        "ci.yml:253:23: error: input 'nope' is not defined by the workflow [expression]\n");
}

TEST_CASE("typed scopes: env takes an object, not a string") {
  CHECK(expressions("on: push\n"
                    "jobs:\n"
                    "  t:\n"
                    "    runs-on: ubuntu-latest\n"
                    "    strategy:\n"
                    "      matrix:\n"
                    "        s: ['A=B']\n"
                    "        o: [{A: B}]\n"
                    "    steps:\n"
                    "      - run: echo\n"
                    "        env: ${{ matrix.o }}\n"
                    "      - run: echo\n"
                    "        env: ${{ matrix.s }}\n") ==
        "ci.yml:13:14: error: 'env' takes a mapping of variables, but this expression is of type "
        "string [expression]\n");
}

TEST_CASE("typed scopes: an input's default sees the inputs before it and has its type") {
  CHECK(expressions("on:\n"
                    "  workflow_call:\n"
                    "    inputs:\n"
                    "      a:\n"
                    "        type: string\n"
                    "        default: ${{ inputs.b }}\n"
                    "      b:\n"
                    "        type: boolean\n"
                    "        default: ${{ inputs.a }}\n"
                    "jobs:\n"
                    "  t:\n"
                    "    runs-on: ubuntu-latest\n"
                    "    steps:\n"
                    "      - run: echo ${{ inputs.b }}\n") ==
        "ci.yml:6:22: error: input 'b' is not defined by the workflow [expression]\n"
        "ci.yml:9:18: error: input 'b' is of type bool, but its default is of type string "
        "[expression]\n");
}

TEST_CASE("typed scopes: a reusable workflow sees only the secrets it declares") {
  CHECK(expressions("on:\n"
                    "  workflow_call:\n"
                    "    secrets:\n"
                    "      token:\n"
                    "jobs:\n"
                    "  t:\n"
                    "    runs-on: ubuntu-latest\n"
                    "    steps:\n"
                    "      - run: echo ${{ secrets.TOKEN }} ${{ secrets.GITHUB_TOKEN }} ${{ "
                    "secrets.other }}\n") ==
        "ci.yml:9:72: error: property 'other' is not defined in object type "
        "{actions_runner_debug: string; actions_step_debug: string; github_token: string; "
        "token: string} [expression]\n");
}

TEST_CASE("typed scopes: outputs of local and popular actions and called workflows are known") {
  CHECK(
      expressions(
          "on: push\n"
          "jobs:\n"
          "  a:\n"
          "    uses: ./.github/workflows/called.yml\n"
          "  t:\n"
          "    needs: a\n"
          "    runs-on: ubuntu-latest\n"
          "    steps:\n"
          "      - uses: ./act\n"
          "        id: mine\n"
          "      - uses: actions/cache@v4.1.0\n"
          "        id: cache\n"
          "        with: {path: x, key: y}\n"
          "      - run: echo ${{ steps.mine.outputs.value }} ${{ steps.mine.outputs.vale }}\n"
          "      - run: echo ${{ steps.cache.outputs.cache-hit }} ${{ steps.cache.outputs.hit }}\n"
          "      - run: echo ${{ needs.a.outputs.version }} ${{ needs.a.outputs.tag }}\n",
          {{"act/action.yml",
            "name: a\ndescription: d\noutputs:\n  value:\n    description: v\n"
            "runs:\n  using: node20\n  main: index.js\n"},
           {".github/workflows/called.yml",
            "on:\n  workflow_call:\n    outputs:\n      version:\n        value: x\n"
            "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: x\n"}}) ==
      "ci.yml:14:55: error: property 'vale' is not defined in object type {value: string} "
      "[expression]\n"
      "ci.yml:15:60: error: property 'hit' is not defined in object type {cache-hit: string} "
      "[expression]\n"
      "ci.yml:16:54: error: job 'a' has no output 'tag' [expression]\n");
}

TEST_CASE("typed scopes: with: values must fit a called workflow's string and number inputs") {
  CHECK(expressions("on: push\n"
                    "jobs:\n"
                    "  a:\n"
                    "    uses: ./.github/workflows/called.yml\n"
                    "    with:\n"
                    "      s: null\n"
                    "      n: ${{ 'x' }}\n"
                    "      b: 'anything'\n"
                    "  c:\n"
                    "    uses: ./.github/workflows/called.yml\n"
                    "    with:\n"
                    "      s: 42\n"
                    "      n:\n",
                    {{".github/workflows/called.yml",
                      "on:\n  workflow_call:\n    inputs:\n      s: {type: string}\n"
                      "      n: {type: number}\n      b: {type: boolean}\n"
                      "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: x\n"}}) ==
        "ci.yml:6:10: error: input 's' of reusable workflow './.github/workflows/called.yml' is a "
        "string, but this value is null [expression]\n"
        "ci.yml:7:10: error: input 'n' of reusable workflow './.github/workflows/called.yml' is a "
        "number, but this value is string [expression]\n"
        "ci.yml:13:9: error: input 'n' of reusable workflow './.github/workflows/called.yml' is a "
        "number, but this value is string [expression]\n");
}

}  // namespace

TEST_CASE("typed scopes: vars names only the configured configuration variables") {
  std::string wf =
      "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
      "      - run: echo ${{ vars.foo }} ${{ vars.BAR }}\n";
  const std::string at = ".github/workflows/ci.yml";
  CHECK(expressions(wf, {{".github/actionlint.yaml", "config-variables: [FOO]\n"}}, {}, at) ==
        ".github/workflows/ci.yml:6:39: error: configuration variable 'BAR' is not one the "
        "configuration lists (config-variables) [expression]\n");
  CHECK(expressions(wf, {}, {}, at) == "");
  CHECK(expressions(wf, {{".github/actionlint.yaml", "config-variables: null\n"}}, {}, at) == "");
  // .galley.yml's list wins over actionlint's.
  Sources sources;
  LintOptions options;
  Diagnostics cd;
  REQUIRE(loadConfig(*sources.add(".galley.yml", "lint:\n  config-variables: [foo, bar]\n"),
                     &options.config, cd));
  CHECK(expressions(wf, {{".github/actionlint.yaml", "config-variables: [FOO]\n"}}, options, at) ==
        "");
}

TEST_CASE("typed scopes: runs-on takes a {group, labels} mapping from an expression") {
  CHECK(expressions("on: push\njobs:\n  t:\n    runs-on: ${{ matrix.r }}\n    strategy:\n"
                    "      matrix:\n        r: [{group: big, labels: [linux]}]\n"
                    "    steps:\n      - run: echo\n") == "");
}

}  // namespace galley::lint
