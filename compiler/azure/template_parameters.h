// A template's `parameters:` declaration and the values a caller passes,
// bound into the `parameters` object its expressions read.
//
// Typed (a list of {name, type, default, values}): every value is checked
// and converted by its type; a parameter without a value or default, a
// value outside `values:`, and a name the template does not declare are
// errors. Untyped (a mapping of name: default, or no declaration): any
// value goes, and names the template does not declare are passed through.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/azure/template_values.h"
#include "compiler/diagnostic.h"
#include "compiler/expr/value.h"
#include "compiler/yaml.h"

namespace galley::azure {

// The kinds of list a template can be used in (and typed parameters hold).
enum class ListKind { None, Stages, Jobs, Steps, Variables, Containers };

struct BoundParameters {
  expr::Value values;              // an Object
  bool typed = false;              // declared in list form
  std::vector<std::string> names;  // declared names, in order
};

struct ParameterContext {
  ValueNodes& nodes;
  // Reports an error (the expander adds the include chain).
  std::function<void(const Location&, std::string rule, std::string message)> error;
  // Expands a value as a list of kind (templates inside it included) in
  // place; for step/job/stage-typed parameters.
  std::function<void(yaml::Node& value, ListKind kind)> expandList;
};

// Binds `provided` (a mapping of the caller's values, already expanded, or
// a null node) to `declared` (the template's `parameters:` node, or
// nullptr). `at` is where the template is used, for "must be provided";
// nullptr for the pipeline itself, whose runtime parameters have no caller:
// a missing one is reported at its declaration.
BoundParameters bindParameters(const yaml::Node* declared, const yaml::Node& provided,
                               const Location* at, ParameterContext& ctx);

// Every parameter type Azure knows, for messages.
const std::vector<std::string>& parameterTypes();

}  // namespace galley::azure
