#include "compiler/expr/evaluator.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "compiler/expr/template.h"
#include "tests/testing.h"

namespace galley::expr {
namespace {

Value contexts(std::string_view json = "{}") {
  Value v;
  std::string err;
  REQUIRE(parseJson(json, &v, &err));
  return v;
}

// The result as `${{ }}` writes it, or "error: message".
std::string eval(std::string_view expr, std::string_view ctx = "{}") {
  EvalHost host;
  EvalResult r = evaluateText(expr, contexts(ctx), host);
  if (!r.ok) return "error: " + r.error;
  return std::string(kindName(r.value.kind())) + " " + toString(r.value);
}

TEST_CASE("expression && and || return an operand, not a boolean") {
  CHECK(eval("'a' && 'b'") == "String b");
  CHECK(eval("'' && 'b'") == "String ");
  CHECK(eval("0 || 'x'") == "String x");
  CHECK(eval("null || 0") == "Number 0");
  CHECK(eval("1 && 2 && 3") == "Number 3");
}

TEST_CASE("expression numbers print as GitHub's runner prints them") {
  CHECK(eval("1.0") == "Number 1");
  CHECK(eval("0xff") == "Number 255");
  CHECK(eval("0o17") == "Number 15");
  CHECK(eval("1.5e3") == "Number 1500");
  CHECK(eval("-0") == "Number 0");
  CHECK(eval("0.1") == "Number 0.1");
  CHECK(eval("123456789012345") == "Number 123456789012345");
  CHECK(eval("1234567890123456") == "Number 1.23456789012346E+15");
  CHECK(eval("0.00001") == "Number 1E-05");
  CHECK(eval("0.0001") == "Number 0.0001");
  CHECK(eval("NaN") == "Number NaN");
  CHECK(eval("-Infinity") == "Number -Infinity");
}

TEST_CASE("expression equality coerces loosely and compares strings ignoring case") {
  CHECK(eval("'ABC' == 'abc'") == "Boolean true");
  CHECK(eval("' 12 ' == 12") == "Boolean true");
  CHECK(eval("'0x10' == 16") == "Boolean true");
  CHECK(eval("true == '1'") == "Boolean true");
  CHECK(eval("null == ''") == "Boolean true");
  CHECK(eval("NaN == NaN") == "Boolean false");
  CHECK(eval("'abc' < 'ABD'") == "Boolean true");
  CHECK(eval("fromJSON('[]') == fromJSON('[]')") == "Boolean false");
  CHECK(eval("a == a", R"({"a": [1]})") == "Boolean true");
}

TEST_CASE("expression string literals unescape every doubled quote") {
  CHECK(eval("'it''s ''quoted'''") == "String it's 'quoted'");
}

TEST_CASE("expression property names are case-insensitive and missing ones are null") {
  CHECK(eval("GitHub.Event_Name", R"({"github": {"event_name": "push"}})") == "String push");
  CHECK(eval("github.nope.deeper", R"({"github": {}})") == "Null ");
  CHECK(eval("github['event_name']", R"({"github": {"event_name": "push"}})") == "String push");
}

TEST_CASE("expression object filters collect values across arrays and objects") {
  const char* ctx = R"({"x": [{"n": 1}, {"n": 2}, {"m": 3}]})";
  CHECK(eval("join(x.*.n, '+')", ctx) == "String 1+2");
  CHECK(eval("toJSON(x[*].n)", ctx) == "String [\n  1,\n  2\n]");
  CHECK(eval("contains(x.*.n, 2)", ctx) == "Boolean true");
}

TEST_CASE("expression functions follow GitHub") {
  CHECK(eval("format('{0}-{{x}}-{1}', 'a', 3)") == "String a-{x}-3");
  CHECK(eval("format('{0')") == "error: The following format string is invalid: {0");
  CHECK(eval("join(fromJSON('[1,true,null]'))") == "String 1,true,");
  CHECK(eval("startsWith('Hello', 'he')") == "Boolean true");
  CHECK(eval("endsWith('Hello', 'LO')") == "Boolean true");
  CHECK(eval("contains('Hello', 'ELL')") == "Boolean true");
  CHECK(eval("case(false, 'a', true, 'b', 'c')") == "String b");
  CHECK(eval("case(1, 'a', 'c')") == "error: case predicate must evaluate to a boolean value");
  CHECK(eval("toJSON(fromJSON('{\"a\":[1,{}]}'))") ==
        "String {\n  \"a\": [\n    1,\n    {}\n  ]\n}");
  CHECK(eval("fromJSON('')") == "error: empty input");
  CHECK(eval("hashFiles('**/x')") ==
        "error: hashFiles() needs a workspace, and none is available here");
}

TEST_CASE("expression status functions answer from the host's job status") {
  struct Failed : EvalHost {
    JobStatus status() const override { return JobStatus::Failure; }
  } failed;
  EvalResult r = evaluateText("failure() && !success()", Value(), failed);
  REQUIRE(r.ok);
  CHECK(toString(r.value) == "true");
}

TEST_CASE("expression syntax errors carry GitHub's message") {
  CHECK(eval("1 <") ==
        "error: Unexpected end of expression: '<'. Located at position 3 within expression: 1 <");
  CHECK(eval("foo") ==
        "error: Unrecognized named-value: 'foo'. Located at position 1 within expression: foo");
  CHECK(eval("join()") ==
        "error: Too few parameters supplied: 'join'. Located at position 1 within expression: "
        "join()");
}

TEST_CASE("expression nesting beyond depth 50 is an error, not a stack overflow") {
  std::string deep(100000, '(');
  std::string r = eval(deep);
  CHECK(r.rfind("error: Exceeded max expression length 21000", 0) == 0);
  std::string nested(20000, '!');
  nested += "true";
  CHECK(eval(nested).rfind("error: Exceeded max expression depth 50.", 0) == 0);
  std::string parens = std::string(60, '(') + "1" + std::string(60, ')');
  CHECK(eval(parens).rfind("error: Exceeded max expression depth 50.", 0) == 0);
}

TEST_CASE("a comparison chain as long as an expression can be evaluates without deep recursion") {
  // GitHub does not count == chains toward the depth limit: 7,000 nested
  // comparisons are a valid expression. Found by fuzzing under ASan.
  std::string chain = "1";
  while (chain.size() + 3 <= kMaxExpressionLength)
    chain += "==1";
  std::string r, compared;
  testing::onSmallStack(128 * 1024, [&] {
    r = eval(chain);
    compared = eval("3 > 2 > 1");  // (3 > 2) > 1: true > 1 is 1 > 1
  });
  CHECK(r == "Boolean true");
  CHECK(compared == "Boolean false");
}

TEST_CASE("expression evaluation stops when strings outgrow the memory limit") {
  // 32 characters times 8^5: a million characters, two megabytes as UTF-16.
  std::string expr = "'0123456789abcdef0123456789abcdef'";
  for (int i = 0; i < 5; ++i)
    expr = "format('{0}{0}{0}{0}{0}{0}{0}{0}', " + expr + ")";
  std::string r = eval(expr);
  CHECK(r.substr(0, 60) == "error: The maximum allowed memory size was exceeded");
}

TEST_CASE("interpolation writes each ${{ }} as a string, or keeps the type of a lone one") {
  EvalHost host;
  Value ctx = contexts(R"({"matrix": {"os": "linux", "n": 2.50}})");
  EvalResult r = interpolate("run on ${{ matrix.os }} x${{ matrix.n }}", ctx, host);
  REQUIRE(r.ok);
  CHECK(r.value.asString() == "run on linux x2.5");
  r = interpolate("${{ matrix.n }}", ctx, host);
  REQUIRE(r.ok);
  CHECK(r.value.kind() == Kind::Number);
  r = interpolate("${{ '}}' }} done", ctx, host);
  REQUIRE(r.ok);
  CHECK(r.value.asString() == "}} done");
  r = interpolate("echo ${{ matrix.os", ctx, host);
  CHECK(!r.ok);
  CHECK(r.error.rfind("The expression is not closed.", 0) == 0);
}

TEST_CASE("if: conditions get an implicit success() unless they call a status function") {
  std::string e;
  ExprError err;
  REQUIRE(ifExpression("github.ref == 'main'", &e, &err));
  CHECK(e == "success() && (github.ref == 'main')");
  REQUIRE(ifExpression("${{ failure() || github.ref == 'x' }}", &e, &err));
  CHECK(e == " failure() || github.ref == 'x' ");
  REQUIRE(ifExpression("  ", &e, &err));
  CHECK(e == "success()");
  REQUIRE(ifExpression("${{ x }} == 'y'", &e, &err));
  CHECK(e == "success() && (format('{0} == ''y''', x))");
}

TEST_CASE("if: conditions evaluate to a boolean after the implicit success()") {
  struct Failed : EvalHost {
    JobStatus status() const override { return JobStatus::Failure; }
  } failed;
  EvalHost ok;
  Value ctx = contexts(R"({"github": {"ref": "main"}})");
  CHECK(toString(evaluateIf("github.ref == 'main'", ctx, ok).value) == "true");
  CHECK(toString(evaluateIf("github.ref == 'main'", ctx, failed).value) == "false");
  CHECK(toString(evaluateIf("${{ always() && github.ref }}", ctx, failed).value) == "true");
  // A condition mixing text and ${{ }} is a non-empty string: always true.
  CHECK(toString(evaluateIf("${{ github.ref }} == 'other'", ctx, ok).value) == "true");
}

// d arrays nested in each other.
std::string nested(int d) {
  return std::string(d, '[') + std::string(d, ']');
}

TEST_CASE("a JSON document converts with 500 levels of nesting and is refused at 501") {
  Value v;
  std::string err;
  CHECK(fromJsonValue(nlohmann::ordered_json::parse(nested(500)), &v, &err));
  CHECK(err == "");
  CHECK_FALSE(fromJsonValue(nlohmann::ordered_json::parse(nested(501)), &v, &err));
  CHECK(err == "JSON nested deeper than 500 levels");
  // Far deeper than the stack could walk: refused, not a crash.
  CHECK_FALSE(fromJsonValue(nlohmann::ordered_json::parse(nested(100000)), &v, &err));
}

TEST_CASE("fromJSON takes 500 levels of nesting and refuses 501") {
  CHECK(eval("fromJSON('" + nested(500) + "')") == "Array Array");
  CHECK(eval("fromJSON('" + nested(501) + "')") ==
        "error: Error parsing JSON when evaluating fromJson: JSON nested deeper than 500 levels at "
        "offset 500");
}

}  // namespace
}  // namespace galley::expr
