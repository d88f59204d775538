#include "compiler/graph.h"

#include <map>

namespace galley {

bool topologicalOrder(const std::vector<GraphNode>& nodes, std::vector<size_t>* order,
                      std::vector<std::string>* cycle) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i)
    index[nodes[i].id] = i;
  enum Mark { kNew, kActive, kDone };
  std::vector<Mark> mark(nodes.size(), kNew);
  order->clear();
  // Iterative depth-first search: user-shaped graphs may be deep.
  for (size_t root = 0; root < nodes.size(); ++root) {
    if (mark[root] != kNew) continue;
    std::vector<std::pair<size_t, size_t>> stack = {{root, 0}};
    mark[root] = kActive;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < nodes[node].needs.size()) {
        auto it = index.find(nodes[node].needs[next++]);
        if (it == index.end()) continue;
        size_t dep = it->second;
        if (mark[dep] == kActive) {
          cycle->clear();
          size_t start = 0;
          while (stack[start].first != dep)
            ++start;
          for (size_t k = start; k < stack.size(); ++k)
            cycle->push_back(nodes[stack[k].first].id);
          cycle->push_back(nodes[dep].id);
          return false;
        }
        if (mark[dep] == kNew) {
          mark[dep] = kActive;
          stack.push_back({dep, 0});
        }
        continue;
      }
      mark[node] = kDone;
      order->push_back(node);
      stack.pop_back();
    }
  }
  return true;
}

std::string cyclePath(const std::vector<std::string>& cycle) {
  std::string s;
  for (const auto& id : cycle)
    s += (s.empty() ? "" : " -> ") + id;
  return s;
}

}  // namespace galley
