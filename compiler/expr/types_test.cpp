#include "compiler/expr/types.h"

#include <doctest/doctest.h>

namespace galley::expr {
namespace {

std::string show(const TypePtr& t) {
  return t ? types::toString(*t) : "(parse error)";
}

TypePtr p(std::string_view s) {
  return types::parse(s);
}

TEST_CASE("types print in the notation they parse from, with lower-case sorted properties") {
  for (const char* s : {"any", "null", "number", "bool", "string", "object", "array<string>", "{}",
                        "{string => string}", "{a: number; b: array<{c: bool}>}"})
    CHECK(show(p(s)) == s);
  CHECK(show(p("{Zeta: string; alpha: bool}")) == "{alpha: bool; zeta: string}");
  CHECK(show(types::objectOf({{"x", types::string()}}, types::number())) ==
        "{x: string; string => number}");
  CHECK(p("{a: }") == nullptr);
  CHECK(p("array<string") == nullptr);
}

TEST_CASE("types find object properties ignoring case") {
  TypePtr t = p("{cache-hit: string; os: string}");
  CHECK(t->find("Cache-Hit") != nullptr);
  CHECK(t->find("OS") != nullptr);
  CHECK(t->find("cache_hit") == nullptr);
}

TEST_CASE("types merge matrix values as GitHub may give either") {
  CHECK(show(types::merge(types::number(), types::boolean())) == "any");
  CHECK(show(types::merge(types::string(), types::number())) == "string");
  CHECK(show(types::merge(p("{name: string; optional: bool}"), p("{name: string; dev: number}"))) ==
        "{dev: number; name: string; optional: bool}");
  CHECK(show(types::merge(p("array<number>"), p("array<bool>"))) == "array<any>");
  CHECK(show(types::merge(types::null(), types::string())) == "any");
}

TEST_CASE("types of values follow their JSON kinds, arrays merging their elements") {
  Value v;
  std::string err;
  REQUIRE(parseJson(R"({"bool":true,"array":[false],"mixed":["a",1.5],"none":[]})", &v, &err));
  CHECK(show(types::ofValue(v)) ==
        "{array: array<bool>; bool: bool; mixed: array<string>; none: array<any>}");
}

TEST_CASE("types compare as actionlint allows: no scalar against object, no order for bools") {
  auto eq = [](const char* a, const char* b) { return types::comparable(*p(a), *p(b), true); };
  auto ord = [](const char* a, const char* b) { return types::comparable(*p(a), *p(b), false); };
  CHECK_FALSE(eq("string", "{}"));
  CHECK_FALSE(eq("number", "array<bool>"));
  CHECK_FALSE(eq("array<bool>", "array<{}>"));
  CHECK(eq("object", "null"));
  CHECK(eq("any", "array<bool>"));
  CHECK(eq("string", "number"));
  CHECK_FALSE(ord("number", "null"));
  CHECK_FALSE(ord("bool", "bool"));
  CHECK(ord("string", "number"));
  CHECK(ord("any", "number"));
}

TEST_CASE("types assign scalars to each other but objects and arrays only to their kind") {
  CHECK(types::assignable(*types::string(), *types::number()));
  CHECK(types::assignable(*types::string(), *types::null()));
  CHECK_FALSE(types::assignable(*types::string(), *types::object()));
  CHECK(types::assignable(*p("array<any>"), *p("array<string>")));
  CHECK_FALSE(types::assignable(*p("array<any>"), *p("{a: bool}")));
}

TEST_CASE("types of contexts come from one table that parses") {
  CHECK(types::context("github")->find("retention_days")->get()->kind == TypeKind::Number);
  CHECK(show(types::context("ENV")) == "{string => string}");
  CHECK(show(types::context("job")->find("container")->get()->elem
                 ? types::any()
                 : *types::context("job")->find("container")) == "{id: string; network: string}");
  CHECK(show(types::context("nope")) == "any");
}

}  // namespace
}  // namespace galley::expr
