// Maps byte offsets inside a YAML scalar's value (after unescaping and
// folding) back to file positions, for every scalar style: plain, single-
// and double-quoted, literal `|` and folded `>` block scalars. An expression
// at offset 7 of a `run: |` block is reported on its real line and column.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/source.h"
#include "compiler/yaml.h"

namespace galley::expr {

class ScalarMap {
 public:
  // Replays node's source text (on first use) to learn where each value
  // byte came from. node must be a scalar that outlives the map. Not
  // thread-safe: one map serves one thread.
  explicit ScalarMap(const yaml::Node& node);

  // The file position of byte `offset` of the value; offset == value size
  // gives the position just past the last byte.
  Position position(size_t offset) const;
  // The file location of value bytes [offset, offset + length).
  Location location(size_t offset, size_t length) const;
  // False when the source could not be replayed to the value (a YAML form
  // this mapper does not know); positions then fall back to the node's start.
  bool exact() const {
    replay();
    return exact_;
  }

 private:
  void replay() const;
  const yaml::Node& node_;
  // Filled on first use.
  mutable std::vector<uint32_t> source_;  // file offset of each value byte, plus one past the end
  mutable bool exact_ = false;
  mutable bool replayed_ = false;
};

}  // namespace galley::expr
