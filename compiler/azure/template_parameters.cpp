#include "compiler/azure/template_parameters.h"

#include <cmath>

#include "compiler/ascii.h"

namespace galley::azure {

namespace {

using yaml::Node;

const char* shapeError(const Node& n) {
  return n.isSequence() ? "A sequence was not expected" : "A mapping was not expected";
}

struct Declared {
  std::string name;
  std::string type = "string";
  const Node* where = nullptr;  // the declaration
  const Node* defaultValue = nullptr;
  const Node* values = nullptr;
};

// What a typed list parameter holds, and whether one item or a list.
struct ListType {
  const char* name;
  ListKind kind;
  bool list;
};

constexpr ListType kListTypes[] = {
    {"step", ListKind::Steps, false},
    {"stepList", ListKind::Steps, true},
    {"job", ListKind::Jobs, false},
    {"jobList", ListKind::Jobs, true},
    {"deployment", ListKind::Jobs, false},
    {"deploymentList", ListKind::Jobs, true},
    {"stage", ListKind::Stages, false},
    {"stageList", ListKind::Stages, true},
    {"container", ListKind::Containers, false},
    {"containerList", ListKind::Containers, true},
};

const ListType* listType(std::string_view type) {
  for (const auto& t : kListTypes)
    if (equalsIgnoreCase(t.name, type)) return &t;
  return nullptr;
}

class Binder {
 public:
  explicit Binder(ParameterContext& ctx) : ctx_(ctx) {}

  // A value converted by its declared type; false after reporting.
  bool convert(const Declared& d, const Node& value, expr::Value* out) {
    std::string type = d.type;
    if (equalsIgnoreCase(type, "string")) return scalar(d, value, out);
    if (equalsIgnoreCase(type, "number")) return number(d, value, out);
    if (equalsIgnoreCase(type, "boolean")) return boolean(d, value, out);
    if (equalsIgnoreCase(type, "object") || equalsIgnoreCase(type, "legacyObject")) {
      *out = ctx_.nodes.toValue(value);
      return true;
    }
    if (equalsIgnoreCase(type, "stringList")) return stringList(d, value, out);
    if (const ListType* t = listType(type)) return typedList(*t, d, value, out);
    ctx_.error(d.where->where, "azure-parameter-type",
               "parameter '" + d.name + "' has unknown type '" + type + "'; Azure knows " +
                   quoteList(parameterTypes()));
    return false;
  }

 private:
  bool scalar(const Declared& d, const Node& value, expr::Value* out) {
    if (value.isSequence() || value.isMapping()) {
      ctx_.error(
          value.where, "azure-parameter-type",
          std::string(shapeError(value)) + " for parameter '" + d.name + "' of type " + d.type);
      return false;
    }
    *out = expr::Value::string(value.isNull() ? "" : value.value);
    return allowed(d, value, value.isNull() ? "" : value.value);
  }

  bool number(const Declared& d, const Node& value, expr::Value* out) {
    double n = value.isScalar() ? expr::parseNumber(value.value) : NAN;
    if (std::isnan(n) || (value.isScalar() && value.value.empty())) {
      ctx_.error(value.where, "azure-parameter-type",
                 "The '" + d.name + "' parameter value '" + excerpt(value.value) +
                     "' is not a valid number");
      return false;
    }
    *out = expr::Value::number(n);
    return allowed(d, value, value.value);
  }

  bool boolean(const Declared& d, const Node& value, expr::Value* out) {
    if (value.isScalar() &&
        (equalsIgnoreCase(value.value, "true") || equalsIgnoreCase(value.value, "false"))) {
      *out = expr::Value::boolean(equalsIgnoreCase(value.value, "true"));
      return true;
    }
    ctx_.error(value.where, "azure-parameter-type",
               "The '" + d.name + "' parameter value '" + excerpt(value.value) +
                   "' is not a valid boolean (true or false)");
    return false;
  }

  bool stringList(const Declared& d, const Node& value, expr::Value* out) {
    if (!value.isSequence()) {
      ctx_.error(value.where, "azure-parameter-type",
                 "parameter '" + d.name + "' of type stringList needs a list of strings");
      return false;
    }
    for (const Node& item : value.items) {
      if (!item.isScalar()) {
        ctx_.error(item.where, "azure-parameter-type",
                   std::string(shapeError(item)) + " in parameter '" + d.name + "'");
        return false;
      }
      if (!allowed(d, item, item.value)) return false;
    }
    *out = ctx_.nodes.toValue(value);
    return true;
  }

  // Step, job, stage and container parameters are expanded as what they
  // hold, so that templates inside them are included and checked here.
  bool typedList(const ListType& t, const Declared& d, const Node& value, expr::Value* out) {
    if (value.isNull() && t.list) {
      *out = expr::Value::array({});
      return true;
    }
    bool wrongShape = t.list ? !value.isSequence() : !value.isMapping();
    if (wrongShape) {
      ctx_.error(value.where, "azure-parameter-type",
                 std::string(value.isScalar() || value.isNull() ? "A scalar was not expected"
                                                                : shapeError(value)) +
                     " for parameter '" + d.name + "' of type " + d.type);
      return false;
    }
    Node list = value;
    if (!t.list) {
      list = Node();
      list.kind = yaml::Kind::Sequence;
      list.where = value.where;
      list.items.push_back(value);
    }
    for (const Node& item : list.items) {
      if (!item.isMapping()) {
        ctx_.error(item.where, "azure-parameter-type",
                   std::string(item.isSequence() ? "A sequence was not expected"
                                                 : "A scalar was not expected") +
                       " in parameter '" + d.name + "' of type " + d.type);
        return false;
      }
    }
    ctx_.expandList(list, t.kind);
    if (d.type.rfind("deployment", 0) == 0)
      for (Node& item : list.items)
        normalizeEnvironment(item);
    if (!t.list && list.items.size() == 1) {
      *out = ctx_.nodes.toValue(list.items[0]);
      return true;
    }
    *out = ctx_.nodes.toValue(list);
    return true;
  }

  // `environment: NAME` of a deployment job reads as {name: NAME}.
  static void normalizeEnvironment(Node& job) {
    Node* env = job.find("environment");
    if (!env || !env->isScalar()) return;
    Node mapping;
    mapping.kind = yaml::Kind::Mapping;
    mapping.where = env->where;
    mapping.entries.push_back({scalarNode("name", env->where), *env});
    *env = std::move(mapping);
  }

  bool allowed(const Declared& d, const Node& at, const std::string& text) {
    if (!d.values || !d.values->isSequence()) return true;
    std::vector<std::string> names;
    for (const Node& v : d.values->items) {
      if (v.isScalar() && v.value == text) return true;
      if (v.isScalar()) names.push_back(v.value);
    }
    ctx_.error(at.where, "azure-parameter-value",
               "The '" + d.name + "' parameter value '" + excerpt(text) +
                   "' is not a valid value; allowed: " + quoteList(names));
    return false;
  }

  ParameterContext& ctx_;
};

bool readDeclared(const Node& item, Declared* d, ParameterContext& ctx) {
  d->where = &item;
  if (!item.isMapping()) {
    ctx.error(item.where, "azure-parameter",
              "a parameter declaration must be a mapping with 'name'");
    return false;
  }
  const Node* name = item.find("name");
  if (!name || !name->isScalar() || name->value.empty()) {
    ctx.error(item.where, "azure-parameter", "a parameter declaration needs a 'name'");
    return false;
  }
  d->name = name->value;
  if (const Node* type = item.find("type"); type && type->isScalar()) d->type = type->value;
  d->defaultValue = item.find("default");
  d->values = item.find("values");
  return true;
}

}  // namespace

const std::vector<std::string>& parameterTypes() {
  static const std::vector<std::string> types = {
      "string", "number",    "boolean",   "object",       "legacyObject", "stringList",
      "step",   "stepList",  "job",       "jobList",      "deployment",   "deploymentList",
      "stage",  "stageList", "container", "containerList"};
  return types;
}

BoundParameters bindParameters(const Node* declared, const Node& provided, const Location* at,
                               ParameterContext& ctx) {
  BoundParameters bound;
  expr::Object values;
  if (declared && declared->isSequence()) {
    bound.typed = true;
    Binder binder(ctx);
    std::vector<Declared> decls;
    for (const Node& item : declared->items) {
      Declared d;
      if (readDeclared(item, &d, ctx)) decls.push_back(std::move(d));
    }
    for (const auto& e : provided.entries) {
      bool known = false;
      for (const auto& d : decls)
        known = known || d.name == e.key.value;
      if (!known) {
        std::vector<std::string> names;
        for (const auto& d : decls)
          names.push_back(d.name);
        ctx.error(e.key.where, "azure-parameter",
                  "Unexpected parameter '" + e.key.value + "'" +
                      (names.empty() ? std::string(": the template declares none")
                                     : "; the template declares " + quoteList(names)));
      }
    }
    for (const auto& d : decls) {
      bound.names.push_back(d.name);
      const Node* value = provided.find(d.name);
      if (!value) value = d.defaultValue;
      if (!value) {
        ctx.error(at ? *at : d.where->where, "azure-parameter-missing",
                  "A value for the '" + d.name + "' parameter must be provided.");
        // Declared all the same: uses of it are not errors of their own.
        values.add(d.name, expr::Value());
        continue;
      }
      expr::Value v;
      binder.convert(d, *value, &v);
      values.add(d.name, std::move(v));
    }
  } else {
    if (declared && declared->isMapping())
      for (const auto& e : declared->entries) {
        bound.names.push_back(e.key.value);
        const Node* value = provided.find(e.key.value);
        values.add(e.key.value, ctx.nodes.toValue(value ? *value : e.value));
      }
    else if (declared && !declared->isNull())
      ctx.error(declared->where, "azure-parameter",
                "'parameters' must be a list of declarations or a mapping of defaults");
    for (const auto& e : provided.entries)
      values.add(e.key.value, ctx.nodes.toValue(e.value));
  }
  bound.values = expr::Value::object(std::move(values));
  return bound;
}

}  // namespace galley::azure
