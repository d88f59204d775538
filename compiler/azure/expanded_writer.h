// Writes an expanded Azure pipeline (compiler/azure/expand.h): as YAML, as
// YAML with each node's origin in a comment, or as JSON with positions.
#pragma once

#include <string>

#include "compiler/yaml.h"

namespace galley::azure {

// Block-style YAML. Scalars keep their meaning: a plain scalar is written
// plain when it reads back the same, a quoted one stays a string, text with
// line breaks becomes a literal block. Keys in source order.
std::string writeYaml(const yaml::Node& doc);

// The same, each line ending in a comment naming where its node came from
// (`# steps.yml:12:5`), paths relative to baseDir when under it.
std::string writeExplained(const yaml::Node& doc, const std::string& baseDir);

// JSON: every node an object {"file", "line", "column", and "value" (a
// scalar's text, or null), "items" or "entries": [{"key", "value"}]}.
std::string writeExplainedJson(const yaml::Node& doc, const std::string& baseDir);

}  // namespace galley::azure
