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
  CHECK(l->diags.all()[0].where.begin == Position{1, 257});
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

TEST_CASE("aliases of one long string stop at the byte budget, at the alias that breaks it") {
  // A 1 MB string repeated 1,000 times: a 1 MB file that would expand to
  // 1 GB of text, with only 1,003 nodes. The 67th alias breaks 64 MiB.
  std::string text = "x: &a \"" + std::string(1000000, 'A') + "\"\ny: [";
  for (int i = 0; i < 1000; ++i)
    text += std::string(i ? ", " : "") + "*a";
  text += "]\n";
  auto l = parse(text);
  CHECK_FALSE(l->node);
  CHECK(headlines(l->diags) ==
        "test.yml:2:269: error: document expands to more than 67108864 bytes of text (aliases "
        "are expanded under a budget) [yaml-limit]\n");
  // The same budget counts text inside anchored collections and keys.
  auto nested = parse("a: &a {k: [\"12345\"]}\nb: [*a, *a]\n", {256, 1000, 16});
  CHECK(headlines(nested->diags) ==
        "test.yml:2:9: error: document expands to more than 16 bytes of text (aliases are "
        "expanded under a budget) [yaml-limit]\n");
  auto fits = parse("a: &a {k: [\"12345\"]}\nb: [*a]\n", {256, 1000, 16});
  CHECK(fits->node);
}

TEST_CASE("more than one document in a single-document file is an error") {
  auto l = parse("a: 1\n---\nb: 2\n");
  CHECK(headlines(l->diags) ==
        "test.yml:3:1: error: expected one YAML document, found 2 [yaml-syntax]\n");
}

TEST_CASE("syntax errors use libyaml's words and sit at the offending character") {
  auto l = parse("on: push\nsteps: -\n");
  CHECK(headlines(l->diags) ==
        "test.yml:2:8: error: block sequence entries are not allowed in this context "
        "[yaml-syntax]\n");
}

TEST_CASE("columns count bytes, after non-ASCII text and after a byte order mark") {
  auto l = parse("a: \xc3\xa9t\xc3\xa9\nb: [\xe2\x82\xac, x]\n");
  REQUIRE(l->node);
  CHECK(l->node->find("b")->items[1].where.begin == Position{2, 10});
  CHECK(l->node->find("b")->items[1].offset == 18);
  auto bom = parse("\xEF\xBB\xBFk: v\n");
  REQUIRE(bom->node);
  CHECK(bom->node->find("k")->where.begin == Position{1, 7});
}

TEST_CASE("an anchored node begins at its own text; an anchored null at the anchor") {
  auto l = parse("a: &x value\nb: &y\nc: *x\n");
  REQUIRE(l->node);
  CHECK(l->node->find("a")->where.begin == Position{1, 7});
  CHECK(l->node->find("b")->isNull());
  CHECK(l->node->find("b")->where.begin == Position{2, 4});
  CHECK(l->node->find("c")->value == "value");
}

TEST_CASE("an alias inside the node its anchor names is an error, read as null") {
  auto l = parse("a: &r\n  b: *r\n  c: 1\n");
  CHECK(rendered(l->diags).find("test.yml:2:6: error: alias '*r' is inside the node its anchor "
                                "names [yaml-syntax]") != std::string::npos);
  Sources sources;
  Diagnostics diags;
  auto docs = yaml::loadAll(*sources.add("t.yml", "a: &r\n  b: *r\n  c: 1\n"), diags);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].find("a")->find("b")->isNull());
  CHECK(docs[0].find("a")->find("c")->value == "1");
}

TEST_CASE("an alias to no anchor is an error at the alias") {
  auto l = parse("a: 1\nb: *nope\n");
  CHECK(headlines(l->diags) ==
        "test.yml:2:4: error: alias '*nope' names no anchor defined before it [yaml-syntax]\n");
}

TEST_CASE("anchors are listed with whether an alias used them; a newer anchor takes the name") {
  Sources sources;
  Diagnostics diags;
  std::vector<yaml::Anchor> anchors;
  // The inner &a (line 3) is newer than the outer one (line 2), so *a uses it.
  yaml::loadAll(*sources.add("t.yml", "x: 1\nouter: &a\n  inner: &a v\n  use: *a\nlast: &b 2\n"),
                diags, {}, &anchors);
  CHECK(diags.all().empty());
  REQUIRE(anchors.size() == 3);
  CHECK((anchors[0].name == "a" && !anchors[0].used && anchors[0].where.begin == Position{2, 8}));
  CHECK((anchors[1].name == "a" && anchors[1].used && anchors[1].where.begin == Position{3, 10}));
  CHECK((anchors[2].name == "b" && !anchors[2].used));
}

TEST_CASE("a null keeps its spelling, and an empty value sits just after its colon or dash") {
  auto l = parse("a:\nb: null\nc: ~\nd:\n  -\n  - x\n");
  REQUIRE(l->node);
  CHECK(l->node->find("a")->value == "");
  CHECK(l->node->find("a")->where.begin == Position{1, 3});
  CHECK(l->node->find("b")->value == "null");
  CHECK(l->node->find("c")->value == "~");
  CHECK(l->node->find("d")->items[0].isNull());
  CHECK(l->node->find("d")->items[0].where.begin == Position{5, 4});
}
