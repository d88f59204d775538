// Renders diagnostics: the one text form (file:line:col: error: message [rule],
// the source line and a caret) and JSON. Lint adds SARIF and CI annotations on
// top of the same Diagnostic objects.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

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

// d as one JSON object (file, line, column, endLine, endColumn when known;
// severity, rule, message; hint and notes when present), its members
// indented as at nesting depth `depth`, as nlohmann::json's dump(2) would
// write it (compiler/json_writer.h).
void appendJson(std::string& text, const Diagnostic& d, int depth);
// Every diagnostic of ds, in one array.
void renderJson(std::ostream& out, const Diagnostics& ds);

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool wantColor(int fd);

}  // namespace galley
