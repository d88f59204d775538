// GitHub's template schema (workflow-v1.0.json, action-v1.0.json from
// actions/languageservices) read as data, and a validator that walks a YAML
// tree against one of its definitions: unknown, missing and mistyped keys,
// empty values, values outside an allowed set (event activity types,
// permission levels, shells of the defaults...).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::lint {

struct SchemaDefinition;

struct SchemaProperty {
  std::string type;
  bool required = false;
  const SchemaDefinition* def = nullptr;  // `type` resolved once the schema is read
};

struct SchemaDefinition {
  enum class Kind { Any, Null, Boolean, Number, String, Sequence, Mapping, OneOf, AllowedValues };

  // What the walk reads at every node comes first, resolved once the schema
  // is read, so that a visit touches few cache lines and never looks a
  // definition up by name.
  Kind kind = Kind::Any;
  bool hasContext = false;   // context is not empty
  bool loose = false;        // a mapping whose other keys are free-form (looseValueType)
  bool hasConstant = false;  // constant is not empty
  bool requireNonEmpty = false;
  // A mapping's properties, found by a scan that compares first bytes and
  // lengths before any text: cheaper than the map for the few keys a
  // definition has, and the keys that do not match are never read from the
  // map's nodes.
  struct Key {
    std::string_view name;
    const SchemaDefinition* def;  // the property's definition
    char first;                   // name's first byte, or 0 for an empty name
  };
  std::vector<Key> keys;
  const Key* key(std::string_view name) const {
    char first = name.empty() ? 0 : name[0];
    for (const Key& k : keys)
      if (k.first == first && k.name.size() == name.size() && k.name == name) return &k;
    return nullptr;
  }
  std::vector<std::string_view> required;  // a mapping's required keys, sorted
  // Item, loose key and value types, and a OneOf's variants with nested
  // one-ofs flattened.
  const SchemaDefinition* item = nullptr;
  const SchemaDefinition* looseKey = nullptr;
  const SchemaDefinition* looseValue = nullptr;
  std::vector<const SchemaDefinition*> variants;
  // A OneOf's keys that only one of its mapping variants requires, each with
  // that variant: the key that picks a mapping's shape.
  std::vector<std::pair<std::string_view, const SchemaDefinition*>> decidingKeys;
  // For a job: the variant a `uses:` key picks wherever it sits.
  const SchemaDefinition* usesVariant = nullptr;

  // As the schema says it.
  std::string name;
  std::vector<std::string> context;  // contexts and functions allowed in ${{ }} here
  // Mapping
  std::map<std::string, SchemaProperty, std::less<>> properties;
  std::string looseKeyType, looseValueType;
  // Sequence
  std::string itemType;
  // String
  std::string constant;
  // OneOf (definition names) or AllowedValues (values)
  std::vector<std::string> values;
};

// Called for every scalar the validator accepts, with the nearest enclosing
// definition that names contexts (nullptr when none): where expression checks
// learn which contexts are available. `expression`: whether the scalar holds
// a ${{ }} (the validator has looked already).
using ScalarVisitor = std::function<void(const yaml::Node& scalar,
                                         const SchemaDefinition* contextDef, bool expression)>;

class Schema {
 public:
  // The embedded schemas, parsed once. Thread-safe.
  static const Schema& workflow();
  static const Schema& action();

  const SchemaDefinition* find(std::string_view name) const;

  // Reports every mismatch between node and definition `root` into diags.
  // `section` names the node in messages ("workflow", "action").
  void validate(const yaml::Node& node, std::string_view root, std::string_view section,
                Diagnostics& diags, const ScalarVisitor& visit = {}) const;

  // Builds a schema from template-schema JSON text, or the parsed document;
  // *err is set on failure.
  static bool parse(std::string_view json, Schema* out, std::string* err);
  static bool fromJson(const nlohmann::json& doc, Schema* out, std::string* err);

 private:
  void resolve();
  std::map<std::string, SchemaDefinition, std::less<>> defs_;
};

}  // namespace galley::lint
