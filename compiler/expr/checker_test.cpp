#include "compiler/expr/checker.h"

#include <doctest/doctest.h>

#include "compiler/expr/lexer.h"
#include "tests/testing.h"

namespace galley::expr {
namespace {

Scope jobScope() {
  static const std::vector<std::string> contexts = {"github", "env",    "matrix",  "steps",
                                                    "needs",  "inputs", "vars",    "secrets",
                                                    "job",    "runner", "strategy"};
  static const std::vector<std::string> steps = {"build", "test-run"}, needs = {"setup"},
                                        matrix = {"os", "node"},
                                        inputNames = {"name", "debug", "count"};
  Scope s;
  s.contexts = contexts;
  s.steps = steps;
  s.needs = needs;
  s.matrix = matrix;
  s.inputs = inputNames;
  static const TypePtr inputs = types::parse("{name: string; debug: bool; count: number}");
  s.types = {{"inputs", inputs}};
  s.eventInputs = s.inputs;
  return s;
}

// Headlines of the diagnostics for the key `run` in a one-mapping document.
std::string check(std::string yamlText, const char* key = "run") {
  Sources sources;
  Diagnostics diags;
  auto doc = yaml::load(*sources.add("w.yml", std::move(yamlText)), diags);
  REQUIRE(doc);
  const yaml::Node* n = doc->find(key);
  REQUIRE(n);
  if (std::string_view(key) == "if")
    checkIf(*n, jobScope(), diags);
  else
    checkScalar(*n, jobScope(), diags);
  return testing::headlines(diags);
}

TEST_CASE("expression checks report an undefined step at the start of its chain") {
  CHECK(check("run: echo ${{ steps.buld.outputs.x }}\n") ==
        "w.yml:1:15: error: step 'buld' is not defined before this point [expression]\n");
  CHECK(check("run: echo ${{ steps['nope'].outputs.x }}\n") ==
        "w.yml:1:15: error: step 'nope' is not defined before this point [expression]\n");
  CHECK(check("run: echo ${{ steps.test-run.outcome }}\n") == "");
}

TEST_CASE("expression checks report needs and matrix keys the workflow does not define") {
  CHECK(check("run: ${{ needs.build.result }} ${{ matrix.arch }}\n") ==
        "w.yml:1:10: error: job 'build' is not in this job's needs [expression]\n"
        "w.yml:1:36: error: the matrix has no key 'arch' [expression]\n");
  CHECK(check("run: ${{ needs.SETUP.result }} ${{ matrix.OS }}\n") == "");
}

TEST_CASE("expression checks report unknown functions and wrong argument counts") {
  CHECK(check("run: ${{ startswith(github.ref) }} ${{ toJsn(github) }}\n") ==
        "w.yml:1:10: error: startsWith() takes exactly 2 arguments, not 1 [expression]\n"
        "w.yml:1:40: error: unknown function 'toJsn' [expression]\n");
  CHECK(check("run: ${{ case(true, 1) }} ${{ format() }}\n") ==
        "w.yml:1:10: error: case() takes at least 3 arguments, not 2 [expression]\n"
        "w.yml:1:31: error: format() takes at least 1 argument, not 0 [expression]\n");
}

TEST_CASE("expression checks report unknown named values and syntax errors") {
  CHECK(check("run: ${{ githb.ref }} ${{ 1 == }}\n") ==
        "w.yml:1:10: error: unknown named value 'githb' [expression]\n"
        "w.yml:1:29: error: Unexpected end of expression: '==' [expression]\n");
  CHECK(check("run: echo ${{ github.ref\n") ==
        "w.yml:1:11: error: The expression is not closed. An unescaped ${{ sequence was found, "
        "but the closing }} sequence was not found. [expression]\n");
}

TEST_CASE("expression checks point into literal block scalars on the right line") {
  CHECK(check("run: |\n  echo start\n    echo ${{ matrix.arch }}\n") ==
        "w.yml:3:14: error: the matrix has no key 'arch' [expression]\n");
}

TEST_CASE("expression checks read a bare if: condition as an expression") {
  CHECK(check("if: steps.nope.outcome == 'success'\n", "if") ==
        "w.yml:1:5: error: step 'nope' is not defined before this point [expression]\n");
  CHECK(check("if: ${{ success() && matrix.nope }}\n", "if") ==
        "w.yml:1:22: error: the matrix has no key 'nope' [expression]\n");
}

}  // namespace
TEST_CASE("expression checks report an object, array or null rendered in a template") {
  CHECK(
      check("run: echo ${{ github.event }} ${{ null }} ${{ github.event.commits.*.id }}\n") ==
      "w.yml:1:11: error: a value of type object should not be evaluated in a template: ${{ }} "
      "renders it as JSON or as nothing [expression]\n"
      "w.yml:1:31: error: a value of type null should not be evaluated in a template: ${{ }} "
      "renders it as JSON or as nothing [expression]\n"
      "w.yml:1:43: error: a value of type array<any> should not be evaluated in a template: ${{ }} "
      "renders it as JSON or as nothing [expression]\n");
  CHECK(
      check("run: echo ${{ toJSON(github.event) }} ${{ env.FOO }} ${{ github.event.number }}\n") ==
      "");
  CHECK(check("if: ${{ github.event }}\n", "if") == "");
  CHECK(check("PR: ${{ github.event.pull_requests.*.number }}\n", "PR") == "");
}

TEST_CASE("expression checks report inputs the workflow does not define, at the chain's start") {
  CHECK(check("run: ${{ inputs.nme }} ${{ github.event.inputs.dbg }} ${{ inputs.DEBUG }}\n") ==
        "w.yml:1:10: error: input 'nme' is not defined by the workflow [expression]\n"
        "w.yml:1:28: error: input 'dbg' is not defined by the workflow's workflow_dispatch "
        "[expression]\n");
}

TEST_CASE("expression checks report subscripts of the wrong type for objects and filtered arrays") {
  CHECK(check("run: ${{ github[inputs.debug] }} ${{ github.event.*[inputs.name] }}\n") ==
        "w.yml:1:17: error: property access of object must be type of string but got bool "
        "[expression]\n"
        "w.yml:1:53: error: index access of array must be type of number but got string "
        "[expression]\n");
  CHECK(check("run: ${{ github[inputs.name] }} ${{ github.event.*[inputs.count] }}\n") == "");
}

TEST_CASE("expression checks report comparisons of values that cannot be compared") {
  CHECK(check("if: github.event == 'release' && inputs.debug > 60\n", "if") ==
        "w.yml:1:5: error: an object value cannot be compared to a string value with '==' "
        "[expression]\n"
        "w.yml:1:34: error: a bool value cannot be compared to a number value with '>' "
        "[expression]\n");
  CHECK(check("if: ${{ 1 > null || false < true }}\n", "if") ==
        "w.yml:1:9: error: a number value cannot be compared to a null value with '>' "
        "[expression]\n"
        "w.yml:1:21: error: a bool value cannot be compared to a bool value with '<' "
        "[expression]\n");
  CHECK(
      check("if: github.event_name == 'push' && inputs.count > 1 && env.X == github.event.action\n",
            "if") == "");
}

TEST_CASE("expression checks walk a comparison chain as long as an expression can be") {
  // 7,000 nested comparisons: valid for GitHub, and found by fuzzing to
  // overflow a recursive walk under ASan.
  std::string chain = "run: ${{ 1";
  while (chain.size() + 3 + 3 <= kMaxExpressionLength + 9)
    chain += "==1";
  std::string deep, wrong;
  testing::onSmallStack(128 * 1024, [&] {
    deep = check(chain + " }}\n");
    wrong = check("if: 1 == 1 != github.event == 2\n", "if");
  });
  CHECK(deep == "");
  CHECK(wrong ==
        "w.yml:1:5: error: a bool value cannot be compared to an object value with '!=' "
        "[expression]\n");
}

TEST_CASE(
    "expression checks report broken JSON literals and format strings that do not fit their "
    "arguments") {
  CHECK(check("run: ${{ fromJSON('[1') }} ${{ fromJSON('{\"a\":1}').a }}\n") ==
        "w.yml:1:19: error: broken JSON string is passed to fromJSON(): expected ',' or ']' at "
        "offset 2 [expression]\n");
  CHECK(check("run: ${{ format('{0}{1}', 1, 2, 3) }} ${{ format('{0}{2}', 1, 2) }}\n") ==
        "w.yml:1:10: error: format string has no placeholder {2}: the argument is unused "
        "[expression]\n"
        "w.yml:1:43: error: format string contains placeholder {2} but only 2 arguments follow "
        "it [expression]\n");
  CHECK(check("run: ${{ format('{{0}} {0}', 1) }}\n") == "");
}

TEST_CASE("expression checks report outputs a job does not declare, at the chain's start") {
  Scope scope = jobScope();
  const std::vector<std::pair<std::string, std::vector<std::string>>> outputs = {
      {"setup", {"version"}}};
  scope.jobOutputs = outputs;
  Sources sources;
  Diagnostics diags;
  auto doc = yaml::load(
      *sources.add("w.yml",
                   "run: ${{ needs.setup.outputs.tag }} ${{ needs.setup.outputs.VERSION }}\n"),
      diags);
  REQUIRE(doc);
  checkScalar(*doc->find("run"), scope, diags);
  CHECK(testing::headlines(diags) ==
        "w.yml:1:10: error: job 'setup' has no output 'tag' [expression]\n");
}

namespace {

// Headlines for `run` checked with the given context types.
std::string checkTyped(std::string yamlText,
                       std::vector<std::pair<std::string_view, TypePtr>> typed) {
  Scope scope = jobScope();
  scope.steps.reset();
  scope.matrix.reset();
  scope.types = std::move(typed);
  Sources sources;
  Diagnostics diags;
  auto doc = yaml::load(*sources.add("w.yml", std::move(yamlText)), diags);
  REQUIRE(doc);
  checkScalar(*doc->find("run"), scope, diags);
  return testing::headlines(diags);
}

TEST_CASE("typed expressions report properties a strict object does not have, at the chain") {
  CHECK(check("run: echo ${{ job.container.os }} ${{ github.events }}\n") ==
        "w.yml:1:15: error: property 'os' is not defined in object type {id: string; network: "
        "string} [expression]\n"
        "w.yml:1:39: error: property 'events' is not defined in object type " +
            types::toString(*types::context("github")) + " [expression]\n");
  CHECK(
      checkTyped("run: ${{ steps.cache.outputs.cache_hit }} ${{ steps.cache.outputs.CACHE-HIT }}\n",
                 {{"steps", types::parse("{cache: {outputs: {cache-hit: string}}}")}}) ==
      "w.yml:1:10: error: property 'cache_hit' is not defined in object type {cache-hit: "
      "string} [expression]\n");
}

TEST_CASE("typed expressions report reading a property of a string or number") {
  CHECK(check("run: ${{ github.repository.owner }} ${{ vars.FOO.bar }} ${{ env.A }}\n") ==
        "w.yml:1:10: error: property 'owner' is read from a value of type string, which has no "
        "properties [expression]\n"
        "w.yml:1:41: error: property 'bar' is read from a value of type string, which has no "
        "properties [expression]\n");
}

TEST_CASE("typed expressions report objects, arrays and null from matrix and fromJSON in text") {
  TypePtr matrix = types::parse("{a: array<bool>; o: {b: bool}; n: null; s: string}");
  CHECK(checkTyped("run: echo ${{ matrix.a }} ${{ matrix.o.b }} ${{ matrix.n }} ${{ matrix.s }}\n",
                   {{"matrix", matrix}}) ==
        "w.yml:1:11: error: a value of type array<bool> should not be evaluated in a template: "
        "${{ }} renders it as JSON or as nothing [expression]\n"
        "w.yml:1:45: error: a value of type null should not be evaluated in a template: ${{ }} "
        "renders it as JSON or as nothing [expression]\n");
  CHECK(checkTyped("run: echo ${{ matrix.a == matrix.o }}\n", {{"matrix", matrix}}) ==
        "w.yml:1:15: error: an array<bool> value cannot be compared to a {b: bool} value with "
        "'==' [expression]\n");
}

TEST_CASE("typed expressions report function arguments of the wrong type at the argument") {
  CHECK(check("run: ${{ startsWith('a', github.event) }} ${{ contains(fromJSON('{}'), 'a') }}\n") ==
        "w.yml:1:26: error: the 2nd argument of startsWith() must be a string, not object "
        "[expression]\n"
        "w.yml:1:56: error: the 1st argument of contains() must be a string or an array, not {} "
        "[expression]\n");
  CHECK(check("run: ${{ contains(github.event.labels.*.name, 'x') }} ${{ join(matrix.os) }}\n") ==
        "");
}

TEST_CASE("typed expressions accept a number key into a map, as GitHub reads ports") {
  CHECK(check("run: ${{ job.services.db.ports[5432] }} ${{ env[0] }}\n") ==
        "w.yml:1:49: error: property access of object must be type of string but got number "
        "[expression]\n");
}

}  // namespace
}  // namespace galley::expr
