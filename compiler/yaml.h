// The YAML model: a tree of nodes, each with the Location of its text.
//
// Built straight from libyaml's event stream (no document tree in between),
// so that every scalar keeps its style and byte offset, duplicate keys are
// seen, and aliases are expanded under a budget. libyaml is the parser
// PyYAML and (ported) Go's yaml.v3 are built on, so syntax errors read and
// sit where those tools put them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/source.h"

namespace galley::yaml {

enum class Kind : uint8_t { Null, Scalar, Sequence, Mapping };
enum class Style : uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded, Flow, Block };

struct Entry;

struct Node {
  Kind kind = Kind::Null;
  Style style = Style::Plain;
  // Beside kind and style, in what would be their padding: a smaller node
  // (112 bytes, not 120, with libstdc++), so every pass over a tree reads
  // fewer cache lines.
  uint32_t offset = 0;  // byte offset of the node's first character in its file
  // Where the node's text begins (an empty value: just after its key's colon
  // or its sequence dash, where it would be written) and ends.
  Location where;
  // A scalar's text after YAML unescaping and folding; a null's spelling:
  // "" where the value is left empty, else "null", "~", ...
  std::string value;
  std::vector<Node> items;     // sequence items
  std::vector<Entry> entries;  // mapping entries in source order

  bool isNull() const { return kind == Kind::Null; }
  bool isScalar() const { return kind == Kind::Scalar; }
  bool isSequence() const { return kind == Kind::Sequence; }
  bool isMapping() const { return kind == Kind::Mapping; }
  // A plain scalar: the only kind YAML resolves to booleans and numbers.
  bool isPlain() const { return kind == Kind::Scalar && style == Style::Plain; }
  bool isBlockScalar() const { return style == Style::Literal || style == Style::Folded; }

  // The value of key in a mapping, or nullptr.
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  // The entry of key in a mapping, or nullptr.
  const Entry* entry(std::string_view key) const;

  // YAML 1.2 core schema readings of a plain scalar.
  std::optional<bool> asBool() const;
  std::optional<double> asNumber() const;
  // "null", "scalar", "sequence" or "mapping", or for plain scalars
  // "boolean"/"number" where they read as such: for messages.
  std::string typeName() const;
};

struct Entry {
  Node key;
  Node value;
};

const char* kindName(Kind k);

struct LoadLimits {
  uint32_t maxDepth = 256;      // nesting of sequences and mappings
  size_t maxNodes = 2'000'000;  // nodes after alias expansion
  // Bytes of scalar text after alias expansion: twice the largest file
  // galley reads, so only aliases can reach it.
  size_t maxBytes = 2 * kMaxSourceBytes;
};

// An anchor (`&name`) defined in a document, at its `&`, and whether an
// alias used it before the next anchor of that name.
struct Anchor {
  std::string name;
  Location where;
  bool used = false;
};

// Parses every document in file. Reports malformed YAML, NUL bytes, invalid
// UTF-8, duplicate keys, non-scalar keys, aliases to no anchor or inside
// their own anchor's node (read as null), and limit overruns into diags.
// Returns the documents read (possibly partial); empty for an empty file.
// When `anchors` is given, appends every anchor the documents define.
std::vector<Node> loadAll(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits = {},
                          std::vector<Anchor>* anchors = nullptr);

// Loads a file that must hold exactly one document. An empty file gives a
// Null node positioned at 1:1. Returns nullopt when nothing usable was read.
std::optional<Node> load(const SourceFile& file, Diagnostics& diags, const LoadLimits& limits = {});

// The offset in text where the node starting at i begins its own text:
// past its properties (`&anchor`, `!tag`) and the blanks, line breaks and
// comments after them, as the loader places the node.
size_t skipProperties(const std::string& text, size_t i);

}  // namespace galley::yaml
