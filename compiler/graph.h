// Dependency graphs of uses and jobs: order and cycles.
#pragma once

#include <string>
#include <vector>

namespace galley {

struct GraphNode {
  std::string id;
  std::vector<std::string> needs;  // ids of other nodes; unknown ids are ignored
};

// A topological order (dependencies first, otherwise source order) as
// indexes into nodes. On a cycle returns false and sets *cycle to its path,
// first id repeated at the end: {"a", "b", "a"}.
bool topologicalOrder(const std::vector<GraphNode>& nodes, std::vector<size_t>* order,
                      std::vector<std::string>* cycle);

// "a -> b -> a"
std::string cyclePath(const std::vector<std::string>& cycle);

}  // namespace galley
