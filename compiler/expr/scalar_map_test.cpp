#include "compiler/expr/scalar_map.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

namespace galley::expr {
namespace {

struct Loaded {
  Sources sources;
  Diagnostics diags;
  std::optional<yaml::Node> doc;
};

std::unique_ptr<Loaded> load(std::string text) {
  auto l = std::make_unique<Loaded>();
  l->doc = yaml::load(*l->sources.add("w.yml", std::move(text)), l->diags);
  REQUIRE(l->doc);
  REQUIRE(l->diags.empty());
  return l;
}

// The position of the first occurrence of needle in key's value.
Position where(const yaml::Node& doc, const char* key, std::string_view needle) {
  const yaml::Node* n = doc.find(key);
  REQUIRE(n);
  size_t at = n->value.find(needle);
  REQUIRE(at != std::string::npos);
  ScalarMap map(*n);
  CHECK(map.exact());
  return map.position(at);
}

TEST_CASE("scalar offsets map to file positions in plain scalars, also folded over lines") {
  auto l = load("a: echo ${{ x }}\nb: one\n  two   ${{ y }}\n\n  three ${{ z }}\n");
  CHECK(where(*l->doc, "a", "x") == Position{1, 13});
  CHECK(where(*l->doc, "b", "y") == Position{3, 13});
  CHECK(where(*l->doc, "b", "z") == Position{5, 13});
}

TEST_CASE("scalar offsets map through single-quote escapes") {
  auto l = load("a: 'it''s ${{ x }}'\nb: 'one\n    two ${{ y }}'\n");
  CHECK(where(*l->doc, "a", "x") == Position{1, 15});
  CHECK(where(*l->doc, "b", "y") == Position{3, 13});
}

TEST_CASE("scalar offsets map through double-quote escapes") {
  auto l = load("a: \"tab\\there \\\"${{ x }}\\\" \\u00e9 ${{ y }}\"\nb: \"a\\\n   b ${{ z }}\"\n");
  CHECK(where(*l->doc, "a", "x") == Position{1, 21});
  CHECK(where(*l->doc, "a", "y") == Position{1, 39});
  CHECK(where(*l->doc, "b", "z") == Position{3, 10});
}

TEST_CASE("scalar offsets map into literal block scalars line by line") {
  auto l = load("a: |\n  echo one\n\n    indented ${{ x }}\n  last ${{ y }}\nb: 1\n");
  CHECK(where(*l->doc, "a", "x") == Position{4, 18});
  CHECK(where(*l->doc, "a", "y") == Position{5, 12});
}

TEST_CASE("scalar offsets map into folded block scalars") {
  auto l = load("a: >-\n  first ${{ x }}\n  second ${{ y }}\n\n  third ${{ z }}\nb: 1\n");
  CHECK(where(*l->doc, "a", "x") == Position{2, 13});
  CHECK(where(*l->doc, "a", "y") == Position{3, 14});
  CHECK(where(*l->doc, "a", "z") == Position{5, 13});
}

TEST_CASE("scalar offsets map into block scalars nested in sequences") {
  auto l = load("steps:\n  - run: |\n      echo ${{ matrix.os }}\n");
  const yaml::Node& run = *l->doc->find("steps")->items[0].find("run");
  ScalarMap map(run);
  REQUIRE(map.exact());
  Location loc = map.location(run.value.find("matrix"), 9);
  CHECK(loc.begin == Position{3, 16});
  CHECK(loc.end == Position{3, 25});
}

}  // namespace
}  // namespace galley::expr
