#include "compiler/lint/format.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "compiler/lint/rules.h"

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

}  // namespace

void renderSarif(std::ostream& out, const Diagnostics& ds, std::string_view root) {
  using nlohmann::json;
  json rules = json::array();
  for (const auto& r : allRules())
    rules.push_back({{"id", r.id},
                     {"shortDescription", {{"text", r.description}}},
                     {"defaultConfiguration", {{"level", severityName(r.severity)}}}});
  json results = json::array();
  for (const auto& d : ds.all()) {
    json region = json::object();
    if (d.where.begin.line) {
      region["startLine"] = d.where.begin.line;
      region["startColumn"] = d.where.begin.column;
      if (d.where.end.line) {
        region["endLine"] = d.where.end.line;
        region["endColumn"] = std::max(d.where.end.column, d.where.begin.column + 1);
      }
    }
    json loc = {{"physicalLocation",
                 {{"artifactLocation",
                   {{"uri", relative(d.where.path(), root)}, {"uriBaseId", "%SRCROOT%"}}}}}};
    if (!region.empty()) loc["physicalLocation"]["region"] = region;
    json r = {{"ruleId", d.rule},
              {"level", severityName(d.severity)},
              {"message", {{"text", fullMessage(d)}}},
              {"locations", json::array({loc})}};
    results.push_back(std::move(r));
  }
  json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::array(
           {{{"tool",
              {{"driver", {{"name", "galley"}, {"version", GALLEY_VERSION}, {"rules", rules}}}}},
             {"results", results}}})}};
  out << sarif.dump(2) << '\n';
}

void renderGithub(std::ostream& out, const Diagnostics& ds, std::string_view root) {
  for (const auto& d : ds.all()) {
    const char* kind = d.severity == Severity::Error     ? "error"
                       : d.severity == Severity::Warning ? "warning"
                                                         : "notice";
    out << "::" << kind << " file=" << escapeProperty(relative(d.where.path(), root));
    if (d.where.begin.line) {
      out << ",line=" << d.where.begin.line << ",col=" << d.where.begin.column;
      if (d.where.end.line == d.where.begin.line && d.where.end.column > d.where.begin.column)
        out << ",endColumn=" << d.where.end.column;
    }
    out << ",title=" << escapeProperty(d.rule) << "::" << escapeData(fullMessage(d)) << '\n';
  }
}

void renderAzure(std::ostream& out, const Diagnostics& ds, std::string_view root) {
  for (const auto& d : ds.all()) {
    const char* type = d.severity == Severity::Error ? "error" : "warning";
    out << "##vso[task.logissue type=" << type
        << ";sourcepath=" << escapeAzure(relative(d.where.path(), root));
    if (d.where.begin.line)
      out << ";linenumber=" << d.where.begin.line << ";columnnumber=" << d.where.begin.column;
    out << ";code=" << escapeAzure(d.rule) << "]"
        << escapeData(fullMessage(d) + " [" + d.rule + "]") << '\n';
  }
}

}  // namespace galley::lint
