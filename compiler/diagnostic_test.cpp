#include "compiler/diagnostic.h"

#include <doctest/doctest.h>

#include "compiler/render.h"
#include "tests/testing.h"

using namespace galley;

TEST_CASE("did-you-mean suggests the closest name within a third of the word") {
  CHECK(didYouMean("neds", {"needs", "name", "steps"}) == "did you mean 'needs'?");
  CHECK(didYouMean("trian-model", {"train-model", "unit-tests"}) == "did you mean 'train-model'?");
  CHECK(didYouMean("banana", {"needs", "steps"}) == "");
}

TEST_CASE("the text renderer prints position, severity, message, rule, source line and caret") {
  Sources sources;
  const SourceFile* f = sources.add("galley.yml", "recipes:\n  - use: trian-model\n");
  Diagnostics ds;
  ds.error({f, {2, 10}, {2, 21}}, "unknown-recipe", "unknown recipe 'trian-model'",
           "did you mean 'train-model'?");
  CHECK(galley::testing::rendered(ds) ==
        "galley.yml:2:10: error: unknown recipe 'trian-model' [unknown-recipe]\n"
        "  - use: trian-model\n"
        "         ^~~~~~~~~~~\n"
        "  hint: did you mean 'train-model'?\n");
}

TEST_CASE("diagnostics render as JSON objects with the same fields") {
  Sources sources;
  const SourceFile* f = sources.add("a.yml", "x: 1\n");
  Diagnostics ds;
  ds.warning({f, {1, 1}, {1, 2}}, "rule-x", "something");
  CHECK(
      toJson(ds).dump() ==
      R"([{"column":1,"endColumn":2,"endLine":1,"file":"a.yml","line":1,"message":"something","rule":"rule-x","severity":"warning"}])");
}
