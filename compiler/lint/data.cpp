#include "compiler/lint/data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace galley::lint {

namespace {

struct DataFile {
  uint32_t nameAt;
  uint32_t nameSize;
  DataNode root;
};

#include "compiler/data/data_tables.inc"

std::string_view textAt(uint32_t at, uint32_t size) {
  return {kText + at, size};
}

[[noreturn]] void missing(const char* what, std::string_view name) {
  std::fprintf(stderr, "galley: no embedded %s named %.*s\n", what, int(name.size()), name.data());
  std::abort();
}

}  // namespace

std::string_view DataNode::text() const {
  return kind == Kind::String ? textAt(at, size) : std::string_view();
}

std::span<const DataNode> DataNode::list() const {
  if (kind != Kind::List) return {};
  return {kNodes + at, size};
}

std::span<const DataMember> DataNode::object() const {
  if (kind != Kind::Object) return {};
  return {kMembers + at, size};
}

std::string_view DataMember::key() const {
  return textAt(keyAt, keySize);
}

const DataNode* DataNode::find(std::string_view key) const {
  std::span<const DataMember> all = object();
  auto it = std::lower_bound(all.begin(), all.end(), key,
                             [](const DataMember& m, std::string_view k) { return m.key() < k; });
  return it != all.end() && it->key() == key ? &it->value : nullptr;
}

std::vector<std::string> DataNode::strings() const {
  std::vector<std::string> out;
  for (const DataNode& item : list())
    out.emplace_back(item.text());
  return out;
}

const DataNode& DataNode::operator[](std::string_view key) const {
  if (const DataNode* n = find(key)) return *n;
  missing("data member", key);
}

const DataNode& embeddedData(std::string_view name) {
  for (const DataFile& f : kDataFiles)
    if (textAt(f.nameAt, f.nameSize) == name) return f.root;
  missing("data", name);
}

}  // namespace galley::lint
