// The bridge between YAML nodes and expression values during Azure
// template expansion: a node read as a value (every scalar a string, as
// Azure reads YAML), and a value written back as nodes. Arrays and objects
// made from nodes remember the node they came from, so a parameter that a
// caller wrote and a template inserts keeps the caller's positions.
#pragma once

#include <deque>
#include <string>
#include <unordered_map>

#include "compiler/expr/value.h"
#include "compiler/yaml.h"

namespace galley::azure {

class ValueNodes {
 public:
  // node as a value: null for a null node, a String for every scalar, an
  // Array or Object (keys in order) for collections. The node is copied
  // into storage this object owns, so it may be a temporary.
  expr::Value toValue(const yaml::Node& node);
  // A value as a node. An array or object toValue made comes back as a
  // copy of its node; anything else is built at `where`: strings and
  // numbers as plain scalars, booleans as True/False (Azure's spelling).
  yaml::Node toNode(const expr::Value& value, const Location& where) const;

 private:
  expr::Value convert(const yaml::Node& node);
  std::deque<yaml::Node> kept_;
  std::unordered_map<const void*, const yaml::Node*> origin_;
};

// A scalar node with text and style at where.
yaml::Node scalarNode(std::string text, const Location& where,
                      yaml::Style style = yaml::Style::Plain);

}  // namespace galley::azure
