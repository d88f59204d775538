// Renders diagnostics: the one text form (file:line:col: error: message [rule],
// the source line and a caret) and JSON. Lint adds SARIF and CI annotations on
// top of the same Diagnostic objects.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "compiler/diagnostic.h"

namespace galley {

struct RenderOptions {
  bool color = false;
  bool showSource = true;
};

void renderText(std::ostream& out, const Diagnostic& d, const RenderOptions& options);
// Appends d's text form to text.
void appendText(std::string& text, const Diagnostic& d, const RenderOptions& options);
void renderText(std::ostream& out, const Diagnostics& ds, const RenderOptions& options);

nlohmann::json toJson(const Diagnostic& d);
nlohmann::json toJson(const Diagnostics& ds);

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool wantColor(int fd);

}  // namespace galley
