#include "compiler/yaml.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

using namespace galley;
using galley::testing::headlines;
using galley::testing::rendered;

namespace {

struct Loaded {
  Sources sources;
  Diagnostics diags;
  std::optional<yaml::Node> node;
};

std::unique_ptr<Loaded> parse(std::string text, yaml::LoadLimits limits = {}) {
  auto l = std::make_unique<Loaded>();
  l->node = yaml::load(*l->sources.add("test.yml", std::move(text)), l->diags, limits);
  return l;
}

}  // namespace

TEST_CASE("every node keeps its 1-based line and column") {
  auto l = parse("name: demo\njobs:\n  build:\n    steps:\n      - run: make\n");
  REQUIRE(l->node);
  const yaml::Node* run = l->node->find("jobs")->find("build")->find("steps")->items[0].find("run");
  REQUIRE(run);
  CHECK(run->value == "make");
  CHECK(run->where.begin == Position{5, 14});
  CHECK(run->where.end == Position{5, 18});
  CHECK(l->node->entries[1].key.where.begin == Position{2, 1});
}

TEST_CASE("scalar styles are recorded") {
  auto l = parse("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\n");
  REQUIRE(l->node);
  CHECK(l->node->find("a")->style == yaml::Style::Plain);
  CHECK(l->node->find("b")->style == yaml::Style::SingleQuoted);
  CHECK(l->node->find("b")->where.end == Position{2, 12});
  CHECK(l->node->find("c")->style == yaml::Style::DoubleQuoted);
  CHECK(l->node->find("d")->style == yaml::Style::Literal);
  CHECK(l->node->find("d")->value == "lit\n");
  CHECK(l->node->find("e")->style == yaml::Style::Folded);
}

TEST_CASE("plain null spellings and empty values are Null") {
  auto l = parse("a: ~\nb: null\nc:\nd: 'null'\n");
  REQUIRE(l->node);
  CHECK(l->node->find("a")->isNull());
  CHECK(l->node->find("b")->isNull());
  CHECK(l->node->find("c")->isNull());
  CHECK(l->node->find("d")->isScalar());
}

TEST_CASE("plain scalars read as booleans and numbers, quoted ones do not") {
  auto l = parse("a: true\nb: 0x1F\nc: -2.5e3\nd: '3'\ne: 1.2.3\n");
  REQUIRE(l->node);
  CHECK(l->node->find("a")->asBool() == true);
  CHECK(l->node->find("b")->asNumber() == 31);
  CHECK(l->node->find("c")->asNumber() == -2500);
  CHECK_FALSE(l->node->find("d")->asNumber());
  CHECK_FALSE(l->node->find("e")->asNumber());
  CHECK(l->node->find("e")->typeName() == "string");
}

TEST_CASE("duplicate mapping keys are errors pointing at both") {
  auto l = parse("jobs:\n  a: 1\n  b: 2\n  a: 3\n");
  CHECK(rendered(l->diags) ==
        "test.yml:4:3: error: key 'a' is duplicated in this mapping [duplicate-key]\n"
        "  a: 3\n"
        "  ^\n"
        "test.yml:2:3: note: 'a' is first defined here\n"
        "  a: 1\n"
        "  ^\n");
}

TEST_CASE("malformed YAML is a positioned syntax error") {
  auto l = parse("a: [1, 2\nb: 3\n");
  CHECK_FALSE(l->node);
  REQUIRE(l->diags.errorCount() == 1);
  CHECK(l->diags.all()[0].rule == "yaml-syntax");
  CHECK(l->diags.all()[0].where.begin.line >= 1);
}

TEST_CASE("an empty file is a Null document at 1:1") {
  auto l = parse("");
  REQUIRE(l->node);
  CHECK(l->node->isNull());
  CHECK(l->node->where.begin == Position{1, 1});
  auto comments = parse("# only a comment\n");
  REQUIRE(comments->node);
  CHECK(comments->node->isNull());
}

TEST_CASE("binary and invalid UTF-8 files are rejected with a position") {
  auto bin = parse(std::string("a: 1\nb: \0\x01\x02", 11));
  CHECK(headlines(bin->diags) ==
        "test.yml:2:4: error: file holds NUL bytes: it looks binary, not YAML [yaml-syntax]\n");
  auto utf = parse("a: ok\nb: caf\xe9\n");
  CHECK(headlines(utf->diags) == "test.yml:2:7: error: file is not valid UTF-8 [yaml-syntax]\n");
}

TEST_CASE("deep nesting stops at the depth limit instead of overflowing the stack") {
  std::string deep(100000, '[');
  auto l = parse(deep);
  CHECK_FALSE(l->node);
  REQUIRE(l->diags.errorCount() == 1);
  CHECK(l->diags.all()[0].message == "nesting is deeper than 256 levels");
  // yaml-cpp reads "[[" as a sequence holding an implicit flow mapping, so
  // each bracket opens two levels: the limit trips at the 129th bracket.
  CHECK(l->diags.all()[0].where.begin == Position{1, 129});
}

TEST_CASE("aliases expand, and a billion-laughs document stops at the node budget") {
  auto ok = parse("base: &b {x: 1}\nuse: *b\n");
  REQUIRE(ok->node);
  CHECK(ok->node->find("use")->find("x")->value == "1");

  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      bomb += std::string(i ? ", " : "") + "*" + char(c - 1);
    bomb += "]\n";
  }
  auto l = parse(bomb, {256, 100000});
  CHECK_FALSE(l->node);
  REQUIRE(l->diags.errorCount() == 1);
  CHECK(l->diags.all()[0].rule == "yaml-limit");
}

TEST_CASE("more than one document in a single-document file is an error") {
  auto l = parse("a: 1\n---\nb: 2\n");
  CHECK(headlines(l->diags) ==
        "test.yml:3:1: error: expected one YAML document, found 2 [yaml-syntax]\n");
}
