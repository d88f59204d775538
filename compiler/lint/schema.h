// GitHub's template schema (workflow-v1.0.json, action-v1.0.json from
// actions/languageservices) as constant tables, and a validator that walks a YAML
// tree against one of its definitions: unknown, missing and mistyped keys,
// empty values, values outside an allowed set (event activity types,
// permission levels, shells of the defaults...).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::lint {

// One definition of the schema, with every reference resolved. Built once
// per process, when a schema is first used, from constant tables compiled
// from GitHub's JSON by compiler/data/schema_tables.py: no JSON is parsed.
// Definitions live as long as the process.
struct SchemaDefinition {
  enum class Kind : uint8_t {
    Any,
    Null,
    Boolean,
    Number,
    String,
    Sequence,
    Mapping,
    OneOf,
    AllowedValues
  };

  // What the walk reads at every node comes first, so that a visit touches
  // few cache lines.
  Kind kind = Kind::Any;
  bool hasContext = false;   // context is not empty
  bool loose = false;        // a mapping whose other keys are free-form (looseValue)
  bool hasConstant = false;  // constant is not empty
  bool requireNonEmpty = false;
  // A mapping's properties, sorted by name, found by a scan that compares
  // first bytes and lengths before any text: cheaper than a search for the
  // few keys a definition has.
  struct Key {
    std::string_view name;
    const SchemaDefinition* def;  // the property's definition
    char first;                   // name's first byte, or 0 for an empty name
  };
  std::span<const Key> keys;
  const Key* key(std::string_view name) const {
    char first = name.empty() ? 0 : name[0];
    for (const Key& k : keys)
      if (k.first == first && k.name.size() == name.size() && k.name == name) return &k;
    return nullptr;
  }
  std::span<const std::string_view> required;  // a mapping's required keys, sorted
  // Item, loose key and value types, and a OneOf's variants with nested
  // one-ofs flattened.
  const SchemaDefinition* item = nullptr;
  const SchemaDefinition* looseKey = nullptr;
  const SchemaDefinition* looseValue = nullptr;
  std::span<const SchemaDefinition* const> variants;
  // A OneOf's keys that only one of its mapping variants requires, each with
  // that variant: the key that picks a mapping's shape.
  struct DecidingKey {
    std::string_view key;
    const SchemaDefinition* variant;
  };
  std::span<const DecidingKey> decidingKeys;
  // For a job: the variant a `uses:` key picks wherever it sits.
  const SchemaDefinition* usesVariant = nullptr;
  // A OneOf whose variant a key's value names (an action's `runs:` by its
  // `using:`), from schema_fixes.json: picked before any deciding key.
  struct Selector {
    std::string_view key;
    std::string_view value;
    const SchemaDefinition* variant;
  };
  std::span<const Selector> selectors;

  std::string_view name;
  std::span<const std::string_view> context;  // contexts and functions allowed in ${{ }} here
  std::string_view constant;                  // a String's only value
  std::span<const std::string_view> values;   // an AllowedValues' values
};

// Called for every scalar the validator accepts, with the nearest enclosing
// definition that names contexts (nullptr when none): where expression checks
// learn which contexts are available. `expression`: whether the scalar holds
// a ${{ }} (the validator has looked already).
using ScalarVisitor = std::function<void(const yaml::Node& scalar,
                                         const SchemaDefinition* contextDef, bool expression)>;

class Schema {
 public:
  // GitHub's workflow and action schemas, with the fixes lint.json lists.
  static const Schema& workflow();
  static const Schema& action();

  // definitions sorted by name.
  explicit constexpr Schema(std::span<const SchemaDefinition> definitions) : defs_(definitions) {}

  const SchemaDefinition* find(std::string_view name) const;

  // Reports every mismatch between node and definition `root` into diags.
  // `section` names the node in messages ("workflow", "action").
  void validate(const yaml::Node& node, std::string_view root, std::string_view section,
                Diagnostics& diags, const ScalarVisitor& visit = {}) const;

 private:
  std::span<const SchemaDefinition> defs_;
};

}  // namespace galley::lint
