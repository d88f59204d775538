// Lint's output formats: the foundation's text and JSON (compiler/render.h),
// SARIF 2.1.0 for GitHub code scanning, and workflow-command annotations for
// GitHub Actions and Azure Pipelines logs. All render the same Diagnostic
// objects, one finding at a time, so that findings are written as the files
// they belong to are linted.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "compiler/diagnostic.h"
#include "compiler/render.h"

namespace galley::lint {

// How a format lays findings out: a document of items. Text and annotations
// are lines with nothing around them; JSON is an array of findings, SARIF a
// log whose results they are. A document is `begin`, the items joined by
// `between`, and `end`; or `empty` when there are none.
struct OutputFormat {
  std::function<void(const Diagnostic& d, std::string& text)> item;  // appends one
  std::string begin, between, end, empty;

  // One file's findings as items joined by `between`.
  void items(const Diagnostics& found, std::string& text) const;
};

// "text", "json", "sarif", "github" or "azure". SARIF and the annotations
// name files relative to `root` when they lie below it; `text` says how the
// text form is rendered.
OutputFormat outputFormat(std::string_view name, std::string_view root, const RenderOptions& text);

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

}  // namespace galley::lint
