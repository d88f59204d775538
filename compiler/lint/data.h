// Lint data compiled into the binary (compiler/data/, see SOURCES.md there):
// popular actions' inputs and outputs, runner labels, shells, untrusted
// inputs, time zones. The JSON files are written as constant tables by
// compiler/data/data_tables.py, so a process reads them as it starts, with
// no parsing. (GitHub's schemas have tables of their own: schema.h.)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace galley::lint {

struct DataMember;

// One JSON value of the data: a string, a list or an object.
struct DataNode {
  enum class Kind : uint8_t { String, List, Object };
  Kind kind = Kind::String;
  std::string_view text;                // a string's
  const DataNode* items = nullptr;      // a list's
  const DataMember* members = nullptr;  // an object's, sorted by key
  uint32_t size = 0;                    // how many items or members

  std::span<const DataNode> list() const { return {items, kind == Kind::List ? size : 0}; }
  std::span<const DataMember> object() const;  // below, where DataMember is complete
  // A list of strings as owned strings (for did-you-mean candidates).
  std::vector<std::string> strings() const;
  // An object's member, or nullptr.
  const DataNode* find(std::string_view key) const;
  // An object's member. Aborts when it is missing: the data is part of the
  // build, so a missing member is a build defect, not a user error.
  const DataNode& operator[](std::string_view key) const;
};

struct DataMember {
  std::string_view key;
  DataNode value;
};

inline std::span<const DataMember> DataNode::object() const {
  return {members, kind == Kind::Object ? size : 0};
}

// The data file of that name ("actions.json", "lint.json",
// "timezones.json"); aborts on an unknown name.
const DataNode& embeddedData(std::string_view name);

}  // namespace galley::lint
