// Static checks of Azure Pipelines expressions for the linter: syntax
// errors, unknown functions, wrong argument counts and unknown named values,
// at their exact columns, rule "expression".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/expr/checker.h"
#include "compiler/yaml.h"

namespace galley::expr::azure {

// Checks one expression (the text inside ${{ }} or $[ ]). contexts are the
// named values available (variables, parameters, dependencies, ...).
bool checkExpression(std::string_view text, const LocationOf& where,
                     const std::vector<std::string>& contexts, Diagnostics& diags);

// Checks every ${{ }} and $[ ] in a YAML scalar, with file positions.
bool checkScalar(const yaml::Node& node, const std::vector<std::string>& contexts,
                 Diagnostics& diags);

}  // namespace galley::expr::azure
