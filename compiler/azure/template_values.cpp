#include "compiler/azure/template_values.h"

#include "compiler/expr/azure.h"

namespace galley::azure {

yaml::Node scalarNode(std::string text, const Location& where, yaml::Style style) {
  yaml::Node n;
  n.kind = yaml::Kind::Scalar;
  n.style = style;
  n.where = where;
  n.value = std::move(text);
  return n;
}

expr::Value ValueNodes::toValue(const yaml::Node& node) {
  if (node.isScalar()) return expr::Value::string(node.value);
  if (node.isNull()) return expr::Value();
  kept_.push_back(node);
  return convert(kept_.back());
}

// Azure's template reader has no YAML types: `true` and `3` are strings
// until a typed parameter converts them.
expr::Value ValueNodes::convert(const yaml::Node& node) {
  expr::Value v;
  switch (node.kind) {
    case yaml::Kind::Null:
      return v;
    case yaml::Kind::Scalar:
      return expr::Value::string(node.value);
    case yaml::Kind::Sequence: {
      std::vector<expr::Value> items;
      items.reserve(node.items.size());
      for (const auto& item : node.items)
        items.push_back(convert(item));
      v = expr::Value::array(std::move(items));
      break;
    }
    case yaml::Kind::Mapping: {
      expr::Object o;
      for (const auto& e : node.entries)
        o.add(e.key.value, convert(e.value));
      v = expr::Value::object(std::move(o));
      break;
    }
  }
  origin_[v.identity()] = &node;
  return v;
}

yaml::Node ValueNodes::toNode(const expr::Value& value, const Location& where) const {
  switch (value.kind()) {
    case expr::Kind::Null: {
      yaml::Node n;
      n.where = where;
      return n;
    }
    case expr::Kind::Boolean:
    case expr::Kind::Number:
    case expr::Kind::String:
      return scalarNode(expr::azure::toAzureString(value), where);
    case expr::Kind::Array:
    case expr::Kind::Object:
      break;
  }
  if (auto it = origin_.find(value.identity()); it != origin_.end()) return *it->second;
  yaml::Node n;
  n.where = where;
  if (value.kind() == expr::Kind::Array) {
    n.kind = yaml::Kind::Sequence;
    for (const auto& item : value.items())
      n.items.push_back(toNode(item, where));
  } else {
    n.kind = yaml::Kind::Mapping;
    for (const auto& [key, v] : value.asObject().entries())
      n.entries.push_back({scalarNode(key, where), toNode(v, where)});
  }
  return n;
}

}  // namespace galley::azure
