// Lint data compiled into the binary (compiler/data/, see SOURCES.md there):
// popular actions' inputs and outputs, runner labels, shells, untrusted
// inputs, time zones. The JSON files are written as constant tables by
// compiler/data/data_tables.py, so a process reads them as it starts, with
// no parsing. (GitHub's schemas have tables of their own: schema.h.)
//
// The tables hold integers, not pointers: a node names its text or its
// children by where they are in the tables, and the accessors below turn that
// into views. Nodes and members live as long as the process; views and spans
// into them may be kept.
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
  uint32_t size = 0;  // a string's length in bytes; how many items or members
  uint32_t at = 0;    // where the string, the first item or the first member is

  // A string's text; empty for a list or an object.
  std::string_view text() const;
  // A list's items; empty for a string or an object.
  std::span<const DataNode> list() const;
  // An object's members, sorted by key; empty for a string or a list.
  std::span<const DataMember> object() const;
  // A list of strings as owned strings (for did-you-mean candidates).
  std::vector<std::string> strings() const;
  // An object's member, or nullptr.
  const DataNode* find(std::string_view key) const;
  // An object's member. Aborts when it is missing: the data is part of the
  // build, so a missing member is a build defect, not a user error.
  const DataNode& operator[](std::string_view key) const;
};

struct DataMember {
  uint32_t keyAt = 0;
  uint32_t keySize = 0;
  DataNode value;

  std::string_view key() const;
};

// The data file of that name ("actions.json", "lint.json",
// "timezones.json"); aborts on an unknown name.
const DataNode& embeddedData(std::string_view name);

}  // namespace galley::lint
