// Checks the shape of user-written YAML: mappings with known keys, and
// values of the expected kind. Each check reports at the offending node and
// returns whether the node is usable, so callers skip what is broken and go on.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"

namespace galley::shape {

// A mapping whose keys are all in allowed (unknown keys are reported with a
// did-you-mean hint). what names the mapping in messages ("recipe use").
bool mapping(const yaml::Node& n, std::initializer_list<const char*> allowed,
             const std::string& what, Diagnostics& diags);
bool isMapping(const yaml::Node& n, const std::string& what, Diagnostics& diags);
bool isSequence(const yaml::Node& n, const std::string& what, Diagnostics& diags);

// A scalar (string, number or boolean as written); nullopt after reporting.
std::optional<std::string> scalar(const yaml::Node& n, const std::string& what, Diagnostics& diags);
std::optional<bool> boolean(const yaml::Node& n, const std::string& what, Diagnostics& diags);
// A whole number in [min, max].
std::optional<long> integer(const yaml::Node& n, const std::string& what, long min, long max,
                            Diagnostics& diags);
// A scalar or a sequence of scalars, as a list.
std::optional<std::vector<std::string>> stringList(const yaml::Node& n, const std::string& what,
                                                   Diagnostics& diags);

// A required key; reports "missing 'key'" at the mapping when absent.
const yaml::Node* require(const yaml::Node& map, const char* key, const std::string& what,
                          Diagnostics& diags);

// Ids of jobs, uses, steps and parameters: a letter or '_', then letters,
// digits, '_' and '-'.
bool validId(const std::string& s);
bool id(const yaml::Node& n, const std::string& what, Diagnostics& diags);

}  // namespace galley::shape
