#include "compiler/render.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ostream>

#include "compiler/json_writer.h"

namespace galley {

namespace {

const char* kBold = "\033[1m";
const char* kReset = "\033[0m";

const char* severityColor(Severity s) {
  switch (s) {
    case Severity::Error:
      return "\033[1;31m";
    case Severity::Warning:
      return "\033[1;33m";
    case Severity::Note:
      return "\033[1;36m";
  }
  return "";
}

// The code point of the n-byte UTF-8 sequence at s[i].
uint32_t codePointAt(std::string_view s, size_t i, size_t n) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  if (n == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (n == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// C1 controls and the bidirectional embeddings, overrides and isolates
// (which reorder what a terminal shows).
bool unsafeCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

void appendEscape(std::string& out, uint32_t cp, bool isByte) {
  static const char* kHex = "0123456789abcdef";
  if (cp == '\n') {
    out += "\\n";
  } else if (cp == '\t') {
    out += "\\t";
  } else if (cp == '\r') {
    out += "\\r";
  } else if (isByte || cp <= 0xFF) {
    ((out += "\\x") += kHex[(cp >> 4) & 0xF]) += kHex[cp & 0xF];
  } else {
    out += "\\u";
    for (int d = 3; d >= 0; --d)
      out += kHex[(cp >> (4 * d)) & 0xF];
  }
}

// The terminal columns a code point takes: two for the wide East Asian
// ones and emoji, none for combining marks, else one.
size_t displayWidth(uint32_t cp) {
  if (cp >= 0x300 && cp <= 0x36F) return 0;
  bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
              (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
              (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
              (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
              (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

// Where the bytes [from, to) of a shown line sit in a terminal: appends
// their blanks (tabs kept, so a caret lines up) to out, returns the width.
// A byte shown as '?' takes one column.
size_t appendColumns(std::string_view line, size_t from, size_t to, std::string* out) {
  size_t width = 0;
  for (size_t i = from; i < to && i < line.size();) {
    unsigned char u = static_cast<unsigned char>(line[i]);
    size_t n = u < 0x80 ? 1 : utf8Length(line, i);
    size_t w = n;  // bytes shown as '?' one for one
    if (n > 1 && !unsafeCodePoint(codePointAt(line, i, n)))
      w = displayWidth(codePointAt(line, i, n));
    if (n == 0) n = w = 1;
    if (out) out->append(w, line[i] == '\t' ? '\t' : ' ');
    width += w;
    i += n;
  }
  return width;
}

// The source line, then a caret under the range: "^" and "~" up to its end
// when the range stays on one line. Tabs are kept so the caret lines up.
void renderSnippet(std::string& text, const Location& at, const RenderOptions& o) {
  if (!o.showSource || !at.known()) return;
  std::string_view line = at.file->line(at.begin.line);
  if (line.empty() && at.begin.line > at.file->lineCount()) return;
  // Control bytes from a hostile file must not reach the terminal: show '?'.
  // Lines seldom hold one: a loop with no early exit (vectorised) looks first.
  // Bytes that are not UTF-8 and C1 controls (0x9b is a CSI to some
  // terminals) become '?' too, byte for byte, so the caret stays in place.
  auto control = [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u >= 0x7f;
  };
  bool anyControl = false;
  for (char c : line)
    anyControl |= control(c);
  size_t start = text.size();
  text += line;
  if (anyControl) {
    for (size_t i = 0; i < line.size();) {
      unsigned char u = static_cast<unsigned char>(line[i]);
      size_t n = u < 0x80 ? 1 : utf8Length(line, i);
      bool bad = n == 0 || (n == 1 ? control(line[i]) : unsafeCodePoint(codePointAt(line, i, n)));
      for (size_t k = 0; k < std::max<size_t>(n, 1); ++k)
        if (bad) text[start + i + k] = '?';
      i += std::max<size_t>(n, 1);
    }
  }
  text += '\n';
  if (o.color) text += "\033[1;32m";
  // Columns count bytes; the caret goes under the characters they are.
  size_t indent = at.begin.column ? at.begin.column - 1 : 0;
  size_t shown = std::min(indent, line.size());
  appendColumns(line, 0, shown, &text);
  size_t width = 1;
  if (at.end.line == at.begin.line && at.end.column > at.begin.column) {
    size_t end = at.end.column - 1;
    width = appendColumns(line, shown, std::min(end, line.size()), nullptr) +
            (end > line.size() ? end - std::max(indent, line.size()) : 0);
    width = std::max<size_t>(width, 1);
  }
  text += '^';
  text.append(width - 1, '~');
  if (o.color) text += kReset;
  text += '\n';
}

}  // namespace

void appendPrintable(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Most text is plain ASCII: copy runs of it at once.
    size_t run = i;
    while (run < s.size() && static_cast<unsigned char>(s[run]) >= 0x20 &&
           static_cast<unsigned char>(s[run]) < 0x7F)
      ++run;
    out.append(s, i, run - i);
    i = run;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      appendEscape(out, c, true);
      ++i;
      continue;
    }
    size_t n = utf8Length(s, i);
    if (n == 0) {
      appendEscape(out, c, true);
      ++i;
      continue;
    }
    uint32_t cp = codePointAt(s, i, n);
    if (unsafeCodePoint(cp))
      appendEscape(out, cp, false);
    else
      out.append(s, i, n);
    i += n;
  }
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  appendPrintable(out, s);
  return out;
}

namespace {

void appendNumber(std::string& text, uint32_t n) {
  char digits[16];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  text.append(digits, end);
}

void renderHeader(std::string& text, const Location& at, Severity s, const std::string& message,
                  const std::string& rule, const RenderOptions& o) {
  if (o.color) text += kBold;
  if (at.file) {
    appendPrintable(text, at.file->path());
    if (at.begin.line) {
      text += ':';
      appendNumber(text, at.begin.line);
      text += ':';
      appendNumber(text, at.begin.column);
    }
    text += ": ";
  } else if (!rule.empty()) {
    // A finding about no place in a file reads as galley's other errors do.
    text += "galley: ";
  }
  if (o.color) text += severityColor(s);
  text += severityName(s);
  text += ':';
  if (o.color) (text += kReset) += kBold;
  text += ' ';
  appendPrintable(text, message);
  if (o.color) text += kReset;
  if (!rule.empty()) {
    text += " [";
    appendPrintable(text, rule);
    text += ']';
  }
  text += '\n';
}

// One diagnostic, built in one string and written once: a lint run prints
// thousands.
void render(std::string& text, const Diagnostic& d, const RenderOptions& o) {
  renderHeader(text, d.where, d.severity, d.message, d.rule, o);
  renderSnippet(text, d.where, o);
  if (!d.hint.empty()) {
    text += "  hint: ";
    appendPrintable(text, d.hint);
    text += '\n';
  }
  for (const auto& n : d.notes) {
    renderHeader(text, n.where, Severity::Note, n.message, "", o);
    renderSnippet(text, n.where, o);
  }
}

// The location members that sort before "file", then file: a note's and a
// diagnostic's first members.
void locationHead(JsonObject& o, const Location& at) {
  if (at.begin.line) {
    o.number("column", at.begin.column);
    o.number("endColumn", at.end.line ? at.end.column : at.begin.column);
    o.number("endLine", at.end.line ? at.end.line : at.begin.line);
  }
  o.string("file", at.path());
}

// d as one object, its members indented as at nesting depth `depth`.
void appendJson(std::string& text, const Diagnostic& d, int depth) {
  JsonObject o(text, depth);
  locationHead(o, d.where);
  if (!d.hint.empty()) o.string("hint", d.hint);
  if (d.where.begin.line) o.number("line", d.where.begin.line);
  o.string("message", d.message);
  if (!d.notes.empty()) {
    std::string& notes = o.key("notes");
    notes += '[';
    for (size_t i = 0; i < d.notes.size(); ++i) {
      if (i) notes += ',';
      jsonNewline(notes, depth + 2);
      JsonObject n(notes, depth + 2);
      const Note& note = d.notes[i];
      locationHead(n, note.where);
      if (note.where.begin.line) n.number("line", note.where.begin.line);
      n.string("message", note.message);
    }
    jsonNewline(notes, depth + 1);
    notes += ']';
  }
  o.string("rule", d.rule);
  o.string("severity", severityName(d.severity));
}

}  // namespace

void renderText(std::ostream& out, const Diagnostic& d, const RenderOptions& o) {
  std::string text;
  render(text, d, o);
  out << text;
}

void renderText(std::ostream& out, const Diagnostics& ds, const RenderOptions& o) {
  std::string text;
  for (const auto& d : ds.all()) {
    render(text, d, o);
    if (text.size() > 1 << 16) {
      out << text;
      text.clear();
    }
  }
  out << text;
}

void OutputFormat::items(const Diagnostics& found, std::string& text) const {
  for (size_t i = 0; i < found.all().size(); ++i) {
    if (i) text += between;
    item(found.all()[i], text);
  }
}

OutputFormat textFormat(const RenderOptions& options) {
  OutputFormat f;
  f.item = [options](const Diagnostic& d, std::string& out) { render(out, d, options); };
  return f;
}

OutputFormat jsonFormat() {
  OutputFormat f;
  f.item = [](const Diagnostic& d, std::string& out) {
    jsonNewline(out, 1);
    appendJson(out, d, 1);
  };
  f.begin = "[";
  f.between = ",";
  f.end = "\n]\n";
  f.empty = "[]\n";
  return f;
}

void DocumentWriter::write(std::string_view chunk) {
  if (chunk.empty()) return;
  out_ << (any_ ? format_.between : format_.begin) << chunk;
  any_ = true;
}

void DocumentWriter::finish() {
  out_ << (any_ ? format_.end : format_.empty);
}

void writeDocument(std::ostream& out, const OutputFormat& format, const Diagnostics& found) {
  std::string text;
  format.items(found, text);
  DocumentWriter writer(out, format);
  writer.write(text);
  writer.finish();
}

bool wantColor(int fd) {
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(fd) != 0;
}

}  // namespace galley
