#include "compiler/lint/data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace galley::lint {

namespace {

using namespace std::literals;

struct DataFile {
  std::string_view name;
  DataNode root;
};

#include "compiler/data/data_tables.inc"

[[noreturn]] void missing(const char* what, std::string_view name) {
  std::fprintf(stderr, "galley: no embedded %s named %.*s\n", what, int(name.size()), name.data());
  std::abort();
}

}  // namespace

const DataNode* DataNode::find(std::string_view key) const {
  std::span<const DataMember> all = object();
  auto it = std::lower_bound(all.begin(), all.end(), key,
                             [](const DataMember& m, std::string_view k) { return m.key < k; });
  return it != all.end() && it->key == key ? &it->value : nullptr;
}

std::vector<std::string> DataNode::strings() const {
  std::vector<std::string> out;
  for (const DataNode& item : list())
    out.emplace_back(item.text);
  return out;
}

const DataNode& DataNode::operator[](std::string_view key) const {
  if (const DataNode* n = find(key)) return *n;
  missing("data member", key);
}

const DataNode& embeddedData(std::string_view name) {
  for (const DataFile& f : kDataFiles)
    if (f.name == name) return f.root;
  missing("data", name);
}

}  // namespace galley::lint
