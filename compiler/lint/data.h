// Lint data embedded in the binary as JSON (compiler/data/, see SOURCES.md
// there): popular actions' inputs, runner labels, shells, untrusted inputs,
// time zones. Each is parsed once, on first use; thread-safe. (GitHub's
// schemas are compiled into tables instead: compiler/lint/schema.h.)
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace galley::lint {

// The parsed JSON of an embedded data file by name ("actions.json",
// "lint.json", "timezones.json"). Aborts on an unknown name or malformed
// embedded JSON: both are build defects, not user errors.
const nlohmann::json& embeddedData(std::string_view name);

}  // namespace galley::lint
