#include "compiler/graph.h"

#include <doctest/doctest.h>

using namespace galley;

TEST_CASE("topological order puts needs first and keeps source order otherwise") {
  std::vector<GraphNode> nodes = {{"deploy", {"train"}}, {"lint", {}}, {"train", {"lint"}}};
  std::vector<size_t> order;
  std::vector<std::string> cycle;
  REQUIRE(topologicalOrder(nodes, &order, &cycle));
  CHECK(order == std::vector<size_t>{1, 2, 0});
}

TEST_CASE("a needs cycle is reported as a path") {
  std::vector<GraphNode> nodes = {{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {}}};
  std::vector<size_t> order;
  std::vector<std::string> cycle;
  REQUIRE_FALSE(topologicalOrder(nodes, &order, &cycle));
  CHECK(cyclePath(cycle) == "a -> b -> c -> a");
}

TEST_CASE("a job needing itself is a cycle of one") {
  std::vector<size_t> order;
  std::vector<std::string> cycle;
  REQUIRE_FALSE(topologicalOrder({{"a", {"a"}}}, &order, &cycle));
  CHECK(cyclePath(cycle) == "a -> a");
}
