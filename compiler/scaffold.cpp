#include "compiler/scaffold.h"

#include "compiler/ascii.h"

namespace galley {

std::vector<std::string> templateNames() {
  std::vector<std::string> names;
  for (const auto& [key, text] : builtinTemplateFiles()) {
    std::string name = key.substr(0, key.find('/'));
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

bool validProjectName(const std::string& name, std::string* why) {
  if (name.empty()) {
    *why = "a project name cannot be empty";
    return false;
  }
  if (name.size() > kMaxProjectName) {
    *why = "a project name has at most " + std::to_string(kMaxProjectName) +
           " characters (its endpoints are named after it)";
    return false;
  }
  if (!isAsciiAlpha(name[0])) {
    *why = "a project name starts with a letter";
    return false;
  }
  for (char c : name)
    if (!isAsciiAlnum(c) && c != '-' && c != '_') {
      *why = "a project name has letters, digits, '-' and '_' only";
      return false;
    }
  return true;
}

bool parseTargets(const std::string& text, std::vector<std::string>* targets, std::string* why) {
  bool github = false, ado = false;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string entry = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (entry == "github" || entry == "all") github = true;
    if (entry == "ado" || entry == "azure" || entry == "all") ado = true;
    if (entry != "github" && entry != "ado" && entry != "azure" && entry != "all") {
      *why = "unknown target '" + entry + "': use github, ado or both (github,ado)";
      return false;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  targets->clear();
  if (github) targets->push_back("github");
  if (ado) targets->push_back("ado");
  return true;
}

namespace {

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

std::vector<ScaffoldFile> scaffold(const std::string& name, const std::string& project,
                                   const std::vector<std::string>& targets) {
  std::string list = "[";
  for (const auto& t : targets)
    list += (list.size() > 1 ? ", " : "") + t;
  list += "]";
  std::vector<ScaffoldFile> files;
  std::string prefix = name + "/";
  for (const auto& [key, text] : builtinTemplateFiles()) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    ScaffoldFile f{key.substr(prefix.size()), text};
    // Project names hold no braces (validProjectName), so a replacement
    // never forms a new placeholder.
    replaceAll(f.text, "{{targets}}", list);
    replaceAll(f.text, "{{name}}", project);
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace galley
