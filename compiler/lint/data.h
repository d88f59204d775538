// Lint data embedded in the binary (compiler/data/, see SOURCES.md there):
// GitHub's workflow and action schemas, popular actions' inputs, runner
// labels, shells, untrusted inputs. Each is parsed once, on first use;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace galley::lint {

// The parsed JSON of an embedded data file by name ("workflow-v1.0.json",
// "action-v1.0.json", "actions.json", "lint.json", "timezones.json"). Aborts on an unknown name
// or malformed embedded JSON: both are build defects, not user errors.
const nlohmann::json& embeddedData(std::string_view name);

// The text of an embedded data file, for a reader that builds its own
// structures from it (the schemas) instead of keeping the JSON document.
std::string_view embeddedText(std::string_view name);

}  // namespace galley::lint
