// Renders diagnostics: the one text form (file:line:col: error: message [rule],
// the source line and a caret) and JSON. Lint adds SARIF and CI annotations on
// top of the same Diagnostic objects.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "compiler/diagnostic.h"

namespace galley {

struct RenderOptions {
  bool color = false;
  bool showSource = true;
};

// s made safe to print on a terminal: C0 controls (newline and tab too),
// DEL, C1 controls, bidirectional overrides and bytes that are not UTF-8
// are written as escapes (\x1b, \n, \u202e), so a name or message taken
// from a hostile file can neither drive the terminal nor forge a line of
// output. Everything else, backslashes included, is unchanged. Every
// renderer passes user-derived text (paths, messages, hints, rules)
// through it; so does the CLI for what it prints itself.
std::string printable(std::string_view s);
// Appends printable(s) to out.
void appendPrintable(std::string& out, std::string_view s);

void renderText(std::ostream& out, const Diagnostic& d, const RenderOptions& options);
void renderText(std::ostream& out, const Diagnostics& ds, const RenderOptions& options);

// How findings are laid out in one output: a document of items. Text is
// lines with nothing around them, JSON an array of findings; lint adds SARIF
// and CI annotations (compiler/lint/format.h). A document is `begin`, the
// items joined by `between`, and `end`; or `empty` when there are none.
struct OutputFormat {
  std::function<void(const Diagnostic& d, std::string& text)> item;  // appends one
  std::string begin, between, end, empty;

  // Some findings as items joined by `between`.
  void items(const Diagnostics& found, std::string& text) const;
};

// The text form above, one finding after another.
OutputFormat textFormat(const RenderOptions& options);
// A JSON array with one object per finding (file, line, column, endLine,
// endColumn when known; severity, rule, message; hint and notes when
// present), as nlohmann::json's dump(2) would write it
// (compiler/json_writer.h).
OutputFormat jsonFormat();

// Writes one document whose items arrive in chunks (each some items joined
// by `between`, as OutputFormat::items makes them), in the order given.
class DocumentWriter {
 public:
  DocumentWriter(std::ostream& out, const OutputFormat& format) : out_(out), format_(format) {}
  void write(std::string_view chunk);
  // Ends the document; call once, after the last chunk.
  void finish();

 private:
  std::ostream& out_;
  const OutputFormat& format_;
  bool any_ = false;
};

// A whole document of findings at once.
void writeDocument(std::ostream& out, const OutputFormat& format, const Diagnostics& found);

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool wantColor(int fd);

}  // namespace galley
