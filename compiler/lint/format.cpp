#include "compiler/lint/format.h"

#include <algorithm>
#include <ostream>

#include "compiler/json_writer.h"
#include "compiler/lint/rules.h"
#include "compiler/recipe.h"

namespace galley::lint {

namespace {

std::string relative(std::string_view path, std::string_view root) {
  if (!root.empty() && path.size() > root.size() && path.substr(0, root.size()) == root &&
      path[root.size()] == '/')
    path.remove_prefix(root.size() + 1);
  if (path.substr(0, 2) == "./") path.remove_prefix(2);
  return std::string(path);
}

std::string fullMessage(const Diagnostic& d) {
  return d.hint.empty() ? d.message : d.message + " (" + d.hint + ")";
}

// Annotations reach a CI log, which a terminal may show: no control bytes.
std::string shownMessage(const Diagnostic& d) {
  return printable(fullMessage(d));
}

// Workflow commands end at a newline and treat % \r \n specially in the
// message; properties also escape : and ,.
std::string escapeData(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}

std::string escapeProperty(std::string_view s) {
  std::string out;
  for (char c : escapeData(s)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

// Azure's logging commands end properties at ';' and ']'.
std::string escapeAzure(std::string_view s) {
  std::string out;
  for (char c : escapeData(s)) {
    if (c == ';')
      out += "%3B";
    else if (c == ']')
      out += "%5D";
    else
      out += c;
  }
  return out;
}

// The code-point column of p, a byte column in where's file: the run says
// columnKind unicodeCodePoints, as SARIF's default (UTF-16 code units) would
// need surrogate pairs counted. A column past the line's end keeps its excess.
uint32_t codePointColumn(const Location& where, Position p) {
  if (!where.file || p.column == 0) return p.column;
  std::string_view line = where.file->line(p.line);
  size_t bytes = std::min<size_t>(p.column - 1, line.size());
  uint32_t column = 1 + static_cast<uint32_t>(p.column - 1 - bytes);
  for (size_t i = 0; i < bytes; ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

// A SARIF physicalLocation of where, as the member of `parent` at depth.
void sarifPhysical(JsonObject& parent, const Location& where, std::string_view root, int depth) {
  JsonObject physical(parent.key("physicalLocation"), depth);
  {
    JsonObject artifact(physical.key("artifactLocation"), depth + 1);
    artifact.string("uri", relative(where.path(), root));
    artifact.string("uriBaseId", "%SRCROOT%");
  }
  if (where.begin.line) {
    JsonObject region(physical.key("region"), depth + 1);
    uint32_t begin = codePointColumn(where, where.begin);
    if (where.end.line) {
      region.number("endColumn", std::max(codePointColumn(where, where.end), begin + 1));
      region.number("endLine", where.end.line);
    }
    region.number("startColumn", begin);
    region.number("startLine", where.begin.line);
  }
}

// A note SARIF can point at: a place in a file of the repository. A
// built-in recipe is no file the user has, so its notes stay in the text.
bool linkable(const Note& n) {
  return n.where.known() && !isBuiltinRecipeSource(n.where.file);
}

// SARIF reads "[text](id)" in a message as a link to a related location;
// brackets that are text are escaped so that they never read as one.
std::string sarifEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

// The result's text: the message, then each note on a line of its own. A
// note in a file links to its related location (id: its place among the
// linkable notes, from 1), since GitHub code scanning shows a related
// location only where the message links to it; any other note is written
// out with its position.
std::string sarifMessage(const Diagnostic& d) {
  if (d.notes.empty()) return fullMessage(d);
  std::string text = sarifEscaped(fullMessage(d));
  int id = 0;
  for (const auto& n : d.notes) {
    text += "\nnote: ";
    if (linkable(n)) {
      text += "[" + sarifEscaped(n.message) + "](" + std::to_string(++id) + ")";
      continue;
    }
    if (n.where.file) {
      std::string at(n.where.path());
      if (n.where.begin.line)
        at += ":" + std::to_string(n.where.begin.line) + ":" + std::to_string(n.where.begin.column);
      text += sarifEscaped(at) + ": ";
    }
    text += sarifEscaped(n.message);
  }
  return text;
}

// One SARIF result at nesting depth 4 (runs[0].results[i]).
void sarifResult(const Diagnostic& d, std::string_view root, std::string& text) {
  jsonNewline(text, 4);
  JsonObject r(text, 4);
  r.string("level", severityName(d.severity));
  std::string& locations = r.key("locations");
  locations += '[';
  jsonNewline(locations, 6);
  {
    JsonObject loc(locations, 6);
    sarifPhysical(loc, d.where, root, 7);
  }
  jsonNewline(locations, 5);
  locations += ']';
  {
    JsonObject message(r.key("message"), 5);
    message.string("text", sarifMessage(d));
  }
  if (std::any_of(d.notes.begin(), d.notes.end(), linkable)) {
    std::string& related = r.key("relatedLocations");
    related += '[';
    int id = 0;
    for (const auto& n : d.notes) {
      if (!linkable(n)) continue;
      if (id) related += ',';
      jsonNewline(related, 6);
      JsonObject loc(related, 6);
      loc.number("id", ++id);
      {
        JsonObject message(loc.key("message"), 7);
        message.string("text", n.message);
      }
      sarifPhysical(loc, n.where, root, 7);
    }
    jsonNewline(related, 5);
    related += ']';
  }
  r.string("ruleId", d.rule);
}

// What follows the results: the tool and every rule it has, then the version.
std::string sarifTail() {
  std::string text = ",";
  jsonNewline(text, 3);
  appendJsonString(text, "tool");
  text += ": ";
  {
    JsonObject tool(text, 3);
    JsonObject driver(tool.key("driver"), 4);
    driver.string("name", "galley");
    std::string& rules = driver.key("rules");
    rules += '[';
    const auto& all = allRules();
    for (size_t i = 0; i < all.size(); ++i) {
      if (i) rules += ',';
      jsonNewline(rules, 6);
      JsonObject rule(rules, 6);
      {
        JsonObject config(rule.key("defaultConfiguration"), 7);
        config.string("level", severityName(all[i].severity));
      }
      rule.string("id", all[i].id);
      JsonObject description(rule.key("shortDescription"), 7);
      description.string("text", all[i].description);
    }
    jsonNewline(rules, 5);
    rules += ']';
    driver.string("version", GALLEY_VERSION);
  }
  jsonNewline(text, 2);
  text += '}';
  jsonNewline(text, 1);
  text += "],";
  jsonNewline(text, 1);
  text += "\"version\": \"2.1.0\"\n}\n";
  return text;
}

// A finding's notes for the one-line annotation formats, which have no
// related locations: each note after the message, "note: PATH:LINE:COL:
// TEXT", joined by `separator`. Paths are relative to the root as the
// finding's own is.
std::string notesText(const Diagnostic& d, std::string_view root, std::string_view separator) {
  std::string text;
  for (const auto& n : d.notes) {
    std::string note = "note: ";
    if (n.where.file) {
      note += relative(n.where.path(), root);
      if (n.where.begin.line)
        note +=
            ":" + std::to_string(n.where.begin.line) + ":" + std::to_string(n.where.begin.column);
      note += ": ";
    }
    (text += separator) += printable(note + n.message);
  }
  return text;
}

std::string githubLine(const Diagnostic& d, std::string_view root) {
  const char* kind = d.severity == Severity::Error     ? "error"
                     : d.severity == Severity::Warning ? "warning"
                                                       : "notice";
  std::string line = "::";
  ((line += kind) += " file=") += escapeProperty(printable(relative(d.where.path(), root)));
  if (d.where.begin.line) {
    line += ",line=" + std::to_string(d.where.begin.line) +
            ",col=" + std::to_string(d.where.begin.column);
    if (d.where.end.line == d.where.begin.line && d.where.end.column > d.where.begin.column)
      line += ",endColumn=" + std::to_string(d.where.end.column);
  }
  ((((line += ",title=") += escapeProperty(printable(d.rule))) += "::") +=
   escapeData(shownMessage(d) + notesText(d, root, "\n"))) += '\n';
  return line;
}

// Azure's logissue has only warning and error: a note is a plain log line,
// never raised to a warning.
std::string azureNote(const Diagnostic& d, std::string_view root) {
  std::string line = "note: " + relative(d.where.path(), root);
  if (d.where.begin.line)
    line += ":" + std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column);
  std::string message = fullMessage(d);
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  return line + ": " + message + " [" + d.rule + "]" + notesText(d, root, "; ") + "\n";
}

std::string azureLine(const Diagnostic& d, std::string_view root) {
  if (d.severity == Severity::Note) return azureNote(d, root);
  const char* type = d.severity == Severity::Error ? "error" : "warning";
  std::string line = "##vso[task.logissue type=";
  ((line += type) += ";sourcepath=") += escapeAzure(printable(relative(d.where.path(), root)));
  if (d.where.begin.line)
    line += ";linenumber=" + std::to_string(d.where.begin.line) +
            ";columnnumber=" + std::to_string(d.where.begin.column);
  ((((line += ";code=") += escapeAzure(printable(d.rule))) += "]") +=
   escapeData(shownMessage(d) + " [" + printable(d.rule) + "]" + notesText(d, root, "; "))) += '\n';
  return line;
}

}  // namespace

OutputFormat outputFormat(std::string_view name, std::string_view root, const RenderOptions& text) {
  if (name == "json") return jsonFormat();
  OutputFormat f;
  std::string base(root);
  if (name == "sarif") {
    f.item = [base](const Diagnostic& d, std::string& out) { sarifResult(d, base, out); };
    f.begin =
        "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"runs\": [\n"
        "    {\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [";
    f.between = ",";
    std::string tail = sarifTail();
    f.end = "\n      ]" + tail;
    f.empty = f.begin + "]" + tail;
  } else if (name == "github") {
    f.item = [base](const Diagnostic& d, std::string& out) { out += githubLine(d, base); };
  } else if (name == "azure") {
    f.item = [base](const Diagnostic& d, std::string& out) { out += azureLine(d, base); };
  } else {
    f = textFormat(text);
  }
  return f;
}

}  // namespace galley::lint
