// Lint's output formats: the foundation's text and JSON (compiler/render.h,
// which defines OutputFormat and DocumentWriter), SARIF 2.1.0 for GitHub code
// scanning, and workflow-command annotations for GitHub Actions and Azure
// Pipelines logs. All render the same Diagnostic objects, one finding at a
// time, so that findings are written as the files they belong to are linted.
#pragma once

#include <string_view>

#include "compiler/diagnostic.h"
#include "compiler/render.h"

namespace galley::lint {

// "text", "json", "sarif", "github" or "azure". SARIF and the annotations
// name files relative to `root` when they lie below it; `text` says how the
// text form is rendered.
OutputFormat outputFormat(std::string_view name, std::string_view root, const RenderOptions& text);

}  // namespace galley::lint
