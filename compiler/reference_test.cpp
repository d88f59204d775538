#include "compiler/reference.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

using namespace galley;

namespace {

// Resolves only params.on (true) and needs.j.outputs.x (a runtime value).
struct FakeResolver : Resolver {
  bool resolve(const std::vector<std::string>& path, Location at, Text& out,
               Diagnostics& diags) override {
    if (path.size() == 2 && path[0] == "params" && path[1] == "on") {
      out.append(Text::literal("true"));
      return true;
    }
    if (path.size() == 4 && path[0] == "needs") {
      Ref r;
      r.kind = Ref::Kind::JobOutput;
      r.job = path[1];
      r.name = path[3];
      out.pieces.push_back({"", r});
      return true;
    }
    diags.error(at, "reference", "unknown " + path[0]);
    return false;
  }
};

std::optional<bool> folded(const std::string& text, Diagnostics& diags) {
  Sources sources;
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.value = text;
  FakeResolver r;
  auto c = parseCondition(n, r, diags);
  if (!c) return std::nullopt;
  return fold(*c);
}

}  // namespace

TEST_CASE("conditions: literals and parameters fold with GitHub's precedence and equality") {
  Diagnostics d;
  CHECK(folded("${{ 'a' == 'A' && (1 == 2 || true) }}", d) == true);
  CHECK(folded("!true", d) == false);
  CHECK(folded("false || true && false", d) == false);
  CHECK(folded("params.on == true", d) == true);
  CHECK(folded("1.0 == 1", d) == true);
  CHECK(d.empty());
}

TEST_CASE("conditions: a runtime value keeps the condition, minus its constant parts") {
  Diagnostics d;
  Sources sources;
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.value = "params.on && needs.j.outputs.x == 'yes'";
  FakeResolver r;
  auto c = parseCondition(n, r, d);
  REQUIRE(c);
  CHECK_FALSE(fold(*c));
  CHECK(c->op == Cond::Op::Eq);
  CHECK(c->args[0].op == Cond::Op::Value);
}

TEST_CASE("conditions: unsupported operators and functions are errors") {
  Diagnostics d;
  CHECK_FALSE(folded("1 < 2", d));
  CHECK_FALSE(folded("contains('ab', 'a')", d));
  REQUIRE(d.all().size() == 2);
  CHECK(d.all()[0].message == "'<' is not supported in galley conditions; use == or !=");
  CHECK(d.all()[1].message ==
        "unknown function 'contains': galley conditions take success(), failure(), always() and "
        "cancelled()");
}

TEST_CASE("conditions: nesting deeper than 50 levels is an error, not a stack overflow") {
  Diagnostics d;
  CHECK_FALSE(folded(std::string(100000, '(') + "true", d));
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].message == "condition nests deeper than 50 levels");
}

TEST_CASE("conditions: a chain of operands folds as the binary form did") {
  Diagnostics d;
  CHECK(folded("true && true && true", d) == true);
  CHECK(folded("true && true && false", d) == false);
  CHECK(folded("false || false || true", d) == true);
  CHECK(folded("needs.j.outputs.x == 'a' && false && needs.j.outputs.x == 'b'", d) == false);
  CHECK(folded("needs.j.outputs.x == 'a' || true", d) == true);
  CHECK(d.empty());
  // Constant operands drop out; what is left stays one chain.
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.value = "needs.j.outputs.x == 'a' && true && needs.j.outputs.x == 'b' && params.on";
  FakeResolver r;
  auto c = parseCondition(n, r, d);
  REQUIRE(c);
  CHECK_FALSE(fold(*c));
  CHECK(c->op == Cond::Op::And);
  CHECK(c->args.size() == 2);
}

TEST_CASE("conditions: 100,000 && terms are one level deep, not a stack overflow") {
  std::string text = "needs.j.outputs.x";
  for (int i = 1; i < 100000; ++i)
    text += " && needs.j.outputs.x";
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.value = text;
  FakeResolver r;
  Diagnostics d;
  auto c = parseCondition(n, r, d);
  REQUIRE(c);
  CHECK(c->op == Cond::Op::And);
  CHECK(c->args.size() == 100000);
  CHECK_FALSE(fold(*c));
}
