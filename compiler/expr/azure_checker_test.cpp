#include "compiler/expr/azure_checker.h"

#include <doctest/doctest.h>

#include "tests/testing.h"

namespace galley::expr::azure {
namespace {

std::string check(std::string text) {
  Sources sources;
  Diagnostics diags;
  auto doc = yaml::load(*sources.add("azure-pipelines.yml", std::move(text)), diags);
  REQUIRE(doc);
  checkScalar(*doc->find("v"), {"variables", "parameters", "dependencies"}, diags);
  return testing::headlines(diags);
}

TEST_CASE("azure expression checks report unknown functions and arity at their columns") {
  CHECK(check("v: ${{ eqq(1, 2) }} $(x)\n") ==
        "azure-pipelines.yml:1:8: error: unknown function 'eqq' [expression]\n");
  CHECK(check("v: $[ and(true) ]\n") ==
        "azure-pipelines.yml:1:7: error: and() takes at least 2 arguments, not 1 [expression]\n");
  CHECK(check("v: ${{ not(varables.x) }}\n") ==
        "azure-pipelines.yml:1:12: error: unknown named value 'varables' [expression]\n");
}

TEST_CASE("azure expression checks report syntax errors inside block scalars") {
  CHECK(check("v: |\n  echo ${{ eq(1, 2 }}\n") ==
        "azure-pipelines.yml:2:20: error: Unexpected end of expression [expression]\n");
}

}  // namespace
}  // namespace galley::expr::azure
