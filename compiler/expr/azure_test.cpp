// Table-driven tests from the examples of Microsoft's expression reference
// (learn.microsoft.com/azure/devops/pipelines/process/expressions) and of
// runner.server's azpipelines test workflows (expressions-docs, *-function*,
// iif-*).
#include "compiler/expr/azure.h"

#include <doctest/doctest.h>

#include <map>

#include "tests/testing.h"

namespace galley::expr::azure {
namespace {

Value contexts() {
  Value v;
  std::string err;
  REQUIRE(parseJson(R"({
    "variables": {"Build.SourceBranch": "refs/heads/main", "Build.Reason": "Manual",
                  "emptyString": "", "major": "1", "environments": "prod1,prod2",
                  "letters": "abc"},
    "parameters": {"branchOptions": ["refs/heads/main", "refs/heads/test"],
                   "myArray": ["FOO", "BAR", "ZOO"], "left": true, "right": false,
                   "status": "success", "regions": "  wus1,   wus2, wus3,wus4",
                   "listOfValues": {"this_is": {"a_complex": "object", "with": ["one", "two"]}},
                   "test": {"pool": "ManagedDevOpsPool"}},
    "dependencies": {"A": {"result": "Succeeded", "outputs": {"setvar.myVar": "hi"}}},
    "stageDependencies": {"S1": {"J1": {"outputs": {"step.v": "x"}}}},
    "pipeline": {"startTime": "2024-03-07T09:05:02.1234567Z"}
  })",
                    &v, &err));
  return v;
}

std::string run(std::string_view expr) {
  Host host;
  Result r = evaluate(expr, contexts(), host);
  if (!r.ok) return "error: " + r.error;
  return (r.version ? "Version" : std::string(kindName(r.value.kind()))) + " " +
         toAzureString(r.value);
}

struct Case {
  const char* expr;
  const char* want;
};

TEST_CASE("azure expressions: the Microsoft reference examples") {
  const Case cases[] = {
      {"and(True, False)", "Boolean False"},
      {"and(eq(1, 1), eq(2, 2))", "Boolean True"},
      {"or(eq(1, 1), eq(2, 3))", "Boolean True"},
      {"not(eq(1, 2))", "Boolean True"},
      {"xor(True, False)", "Boolean True"},
      {"eq(variables.letters, 'ABC')", "Boolean True"},
      {"ne(1, 2)", "Boolean True"},
      {"ge(5, 5)", "Boolean True"},
      {"gt(5, 2)", "Boolean True"},
      {"le(2, 2)", "Boolean True"},
      {"lt(2, 5)", "Boolean True"},
      {"in('B', 'A', 'B', 'C')", "Boolean True"},
      {"notIn('D', 'A', 'B', 'C')", "Boolean True"},
      {"contains('ABCDE', 'BCD')", "Boolean True"},
      {"startsWith('ABCDE', 'AB')", "Boolean True"},
      {"endsWith('ABCDE', 'DE')", "Boolean True"},
      {"containsValue(parameters.branchOptions, variables['Build.SourceBranch'])", "Boolean True"},
      {"join(';', parameters.myArray)", "String FOO;BAR;ZOO"},
      {"length(split(variables.environments, ','))", "Number 2"},
      {"split(variables.environments, ',')[1]", "String prod2"},
      {"coalesce(variables.emptyString, '', 'literal value')", "String literal value"},
      {"format('Hello {0} {1}', 'John', 'Doe')", "String Hello John Doe"},
      {"format('{0:yyyyMMdd}-{0:HH:mm:ss}', pipeline.startTime)", "String 20240307-09:05:02"},
      {"format('{{literal}} {0}', 1.5)", "String {literal} 1.5"},
      {"length('fabrikam')", "Number 8"},
      {"length(parameters.status)", "Number 7"},
      {"lower('FOO')", "String foo"},
      {"upper('bah')", "String BAH"},
      {"replace('https://www.tinfoilsecurity.com/saml/consume', "
       "'https://www.tinfoilsecurity.com', 'http://server')",
       "String http://server/saml/consume"},
      {"trim('  variable  ')", "String variable"},
      {"iif(eq(variables['Build.Reason'], 'PullRequest'), 'Azure Pipelines', "
       "'ManagedDevOpsPool')",
       "String ManagedDevOpsPool"},
      {"iif(eq(1, 1), parameters.test, 'x').pool", "String ManagedDevOpsPool"},
      {"not(and(parameters.left, parameters.right))", "Boolean True"},
      {"convertToJson(parameters.listOfValues)",
       "String {\n  \"this_is\": {\n    \"a_complex\": \"object\",\n    \"with\": [\n      "
       "\"one\",\n      \"two\"\n    ]\n  }\n}"},
      {"dependencies.A.outputs['setvar.myVar']", "String hi"},
      {"eq(dependencies.A.result, 'succeeded')", "Boolean True"},
      {"stageDependencies.S1.J1.outputs['step.v']", "String x"},
      {"counter(variables['major'], 100)", "Number 100"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    CHECK(run(c.expr) == c.want);
  }
}

TEST_CASE("azure type casting converts the right operand to the left operand's type") {
  const Case cases[] = {
      {"lt(False, True)", "Boolean True"},
      {"lt(True, False)", "Boolean False"},
      {"eq(1, '1')", "Boolean True"},
      {"eq('1', 1)", "Boolean True"},
      {"eq(True, 'anything')", "Boolean True"},
      {"eq('True', True)", "Boolean True"},
      {"eq(1, 'abc')", "Boolean False"},
      {"eq(1, '1,000')", "Boolean False"},
      {"eq(1000, '1,000')", "Boolean True"},
      {"eq(0, '')", "Boolean True"},
      {"eq('', null)", "Boolean True"},
      {"gt(1.2.3, '1.2.0')", "Boolean True"},
      {"lt(1.2.3, 1.10.0)", "Boolean True"},
      {"eq(1.2, 1.2.0)", "Boolean False"},
      {"1.2.3", "Version 1.2.3"},
      {"gt(1, 'abc')", "error: Unable to convert from String to Number for gt()"},
      {"ge(1.2.3, True)", "error: Unable to convert from Boolean to Version for ge()"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expr);
    CHECK(run(c.expr) == c.want);
  }
}

TEST_CASE("azure syntax errors and unknown names are errors with positions") {
  CHECK(run("eq(1, 2") ==
        "error: Unexpected end of expression. Located at position 8 within expression: eq(1, 2");
  CHECK(run("nope(1)") == "error: Unrecognized function: 'nope'");
  CHECK(run("nothing") == "error: Unrecognized named-value: 'nothing'");
  CHECK(run("eq(1)") == "error: Too few parameters supplied: 'eq'");
  CHECK(run("1.2.3.4.5") ==
        "error: Unexpected symbol: '1.2.3.4.5'. Located at position 1 within expression: "
        "1.2.3.4.5");
  std::string deep;
  for (int i = 0; i < 200; ++i)
    deep += "not(";
  deep += "true" + std::string(200, ')');
  CHECK(run(deep).rfind("error: Exceeded max expression depth 50.", 0) == 0);
  // Accessors count too: 10,000 of them once nested 10,000 walks deep.
  std::string chain = "variables";
  for (int i = 0; i < 10000; ++i)
    chain += ".a";
  std::string r;
  testing::onSmallStack(128 * 1024, [&] { r = run(chain); });
  CHECK(r.rfind("error: Exceeded max expression depth 50. Located at position 108 ", 0) == 0);
  std::string allowed = "variables";  // 1 + 48 accessors + 1 for the key inside the last
  for (int i = 0; i < 48; ++i)
    allowed += "['a']";
  CHECK(run(allowed) == "Null ");
}

TEST_CASE("azure and() and or() stop at the deciding argument") {
  CHECK(run("and(False, nope())") == "Boolean False");
  CHECK(run("or(True, nope())") == "Boolean True");
  CHECK(run("or(False, nope())") == "error: Unrecognized function: 'nope'");
}

TEST_CASE("azure status functions answer from the host, optionally for named jobs") {
  struct Failed : Host {
    std::string status(const std::vector<std::string>& names) const override {
      return names.size() == 1 && names[0] == "Build" ? "Failed" : "Succeeded";
    }
  } host;
  Value none = Value::object({});
  CHECK(evaluate("failed('Build')", none, host).value.asBool());
  CHECK(!evaluate("failed()", none, host).value.asBool());
  CHECK(evaluate("succeeded()", none, host).value.asBool());
  CHECK(evaluate("succeededOrFailed('Build')", none, host).value.asBool());
}

TEST_CASE("azure compile-time ${{ }} writes a missing value as empty, keeps a lone one's type") {
  Host host;
  Result r = expandTemplate("pool-${{ variables.nope }}-${{ parameters.left }}", contexts(), host);
  REQUIRE(r.ok);
  CHECK(r.value.asString() == "pool--True");
  r = expandTemplate("${{ format('{{{0}}}', 'x') }}!", contexts(), host);
  REQUIRE(r.ok);
  CHECK(r.value.asString() == "{x}!");
  r = expandTemplate("${{ parameters.myArray }}", contexts(), host);
  REQUIRE(r.ok);
  CHECK(r.value.kind() == Kind::Array);
}

TEST_CASE("azure runtime $[ ] must be the whole value") {
  Host host;
  Result r = evaluateRuntime("$[lt(False, True)]", contexts(), host);
  REQUIRE(r.ok);
  CHECK(toAzureString(r.value) == "True");
  r = evaluateRuntime("x $[lt(False, True)]", contexts(), host);
  CHECK(!r.ok);
  CHECK(r.error == "A runtime expression $[ ] must be the whole value: x $[lt(False, True)]");
}

}  // namespace
}  // namespace galley::expr::azure
