// runner.server's Azure Pipelines expansion suite
// (../shared/corpus/ado/runner.server/testworkflows/azpipelines): cases
// whose header expects an exception must fail with an error holding the
// expected message; the rest must expand, and no step of the result may be
// one of the cases' own asserts (`- assert: ...`, `- error: ...`: any step
// without a step key such as script, task or template, which Azure would
// refuse). Cases are found as runner.server's TestGenerator finds them:
// pipeline*.yml in a folder, else files with a meta header, else the
// folders below.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "compiler/azure/expand.h"
#include "tests/testing.h"

namespace galley {
namespace {

namespace fs = std::filesystem;

struct Case {
  fs::path file;
  std::string name;
  std::vector<std::string> expectedMessages;  // ExpectedErrorMessage, ExpectedMessage
  bool expectError = false;
  bool validateSyntax = false;
  bool autoCompletion = false;
  std::vector<std::string> localRepositories;  // owner/repo@ref=path
};

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::vector<std::string> meta(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  std::regex re("^# " + name + ": (.*?)\\r?$", std::regex::icase | std::regex::multiline);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[1].str());
  return out;
}

bool readCase(const fs::path& file, bool asPipeline, const fs::path& root, Case* c) {
  std::string text = readText(file);
  auto names = meta(text, "Name");
  auto exception = meta(text, "ExpectedException");
  auto errorMessage = meta(text, "ExpectedErrorMessage");
  auto message = meta(text, "ExpectedMessage");
  auto repos = meta(text, "LocalRepository");
  bool hasMeta = !names.empty() || !exception.empty() || !errorMessage.empty() || !repos.empty();
  if (!asPipeline && !hasMeta) return false;
  c->file = file;
  c->name = fs::relative(file, root).string();
  c->expectError = !exception.empty();
  // runner.server places errors at positions in its own built-in schema
  // file ("__built-in-schema.yml (Line: 40, Col:11): "): the message is
  // what follows.
  static const std::regex schemaPrefix(R"(^__built-in-schema\.yml \(Line: \d+, Col:\d+\): )");
  for (const auto& m : errorMessage)
    c->expectedMessages.push_back(std::regex_replace(m, schemaPrefix, ""));
  // runner.server's generator ignores ExpectedMessage; it is checked here
  // too, unless it quotes a name the case's file does not contain (a
  // header copied from another case).
  std::string body;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("#", 0) != 0) body += line + "\n";
  for (const auto& m : message) {
    static const std::regex quoted("'([^']*)'");
    bool copied = false;
    for (auto it = std::sregex_iterator(m.begin(), m.end(), quoted); it != std::sregex_iterator();
         ++it)
      copied = copied || body.find((*it)[1].str()) == std::string::npos;
    if (copied)
      std::cout << "azure expand conformance: " << fs::relative(file, root).string()
                << ": ExpectedMessage '" << m
                << "' quotes a name the case does not contain; only the error is checked\n";
    else
      c->expectedMessages.push_back(m);
  }
  c->validateSyntax = !meta(text, "ValidateSyntax").empty();
  c->autoCompletion = !meta(text, "AutoCompletion").empty();
  c->localRepositories = repos;
  return true;
}

void findCases(const fs::path& root, const fs::path& dir, std::vector<Case>& out) {
  std::vector<fs::path> files, dirs;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory())
      dirs.push_back(e.path());
    else if (e.path().extension() == ".yml")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  std::vector<fs::path> pipelines;
  for (const auto& f : files)
    if (f.filename().string().rfind("pipeline", 0) == 0) pipelines.push_back(f);
  bool asPipeline = !pipelines.empty();
  if (asPipeline) files = pipelines;
  bool found = false;
  for (const auto& f : files) {
    Case c;
    if (readCase(f, asPipeline, root, &c)) {
      out.push_back(std::move(c));
      found = true;
    }
  }
  if (!found)
    for (const auto& d : dirs)
      findCases(root, d, out);
}

const char* const kStepKeys[] = {"task",       "script",   "bash",      "pwsh",
                                 "powershell", "checkout", "download",  "downloadBuild",
                                 "getPackage", "publish",  "reviewApp", "template"};

// A step the case planted to fail: a mapping with no step key.
const yaml::Node* plantedStep(const yaml::Node& n) {
  for (const auto& e : n.entries) {
    if (e.key.value == "steps" && e.value.isSequence()) {
      for (const auto& step : e.value.items) {
        bool known = false;
        for (const char* k : kStepKeys)
          known = known || step.find(k);
        if (!known) return &step;
      }
    }
    if (const yaml::Node* found = plantedStep(e.value)) return found;
  }
  for (const auto& item : n.items)
    if (const yaml::Node* found = plantedStep(item)) return found;
  return nullptr;
}

// The repository resources' aliases mapped by the case's LocalRepository
// lines (owner/repo@ref=folder), matched by repository name.
std::map<std::string, std::string> repositories(const Case& c, const fs::path& root) {
  std::map<std::string, std::string> out;
  Sources sources;
  Diagnostics diags;
  const SourceFile* f = sources.add(c.file.string(), readText(c.file));
  auto doc = yaml::load(*f, diags);
  const yaml::Node* repos = doc ? doc->find("resources") : nullptr;
  repos = repos ? repos->find("repositories") : nullptr;
  if (!repos) return out;
  for (const auto& line : c.localRepositories) {
    std::string key = line.substr(0, line.find('=')), folder = line.substr(line.find('=') + 1);
    std::string name = key.substr(0, key.find('@'));
    for (const auto& r : repos->items) {
      const yaml::Node* alias = r.find("repository");
      const yaml::Node* repoName = r.find("name");
      if (alias && repoName && repoName->value == name)
        out[alias->value] = (root / folder).string();
    }
  }
  return out;
}

// "" when the case passes, else why not.
std::string runCase(const Case& c, const fs::path& root) {
  azure::ExpandOptions options;
  options.selfRoot = c.file.parent_path().string();
  options.repositories = repositories(c, root);
  Sources sources;
  Diagnostics diags;
  azure::Expansion result = azure::expand(c.file.string(), options, sources, diags);
  std::string messages;
  for (const auto& d : diags.all())
    if (d.severity == Severity::Error) messages += d.message + "\n";
  if (c.expectError) {
    if (!diags.hasErrors()) return "expected an error, expanded without one";
    for (const auto& m : c.expectedMessages)
      if (messages.find(m) == std::string::npos)
        return "expected an error with '" + m + "', got: " + messages;
    return "";
  }
  if (diags.hasErrors()) return "unexpected error: " + testing::rendered(diags);
  if (const yaml::Node* step = plantedStep(*result.pipeline))
    return "an assert step is left at line " + std::to_string(step->where.begin.line) + ": " +
           (step->entries.empty() ? step->value : step->entries[0].key.value);
  return "";
}

TEST_CASE("runner.server's Azure expansion suite passes at 95% or more") {
  fs::path root =
      fs::path(testing::sharedDir()) / "corpus/ado/runner.server/testworkflows/azpipelines";
  if (!fs::exists(root)) {
    MESSAGE("skipped: " << root.string() << " not found");
    return;
  }
  std::vector<Case> cases;
  findCases(root, root, cases);
  size_t passed = 0, skipped = 0;
  std::vector<std::string> failures;
  for (const Case& c : cases) {
    if (c.autoCompletion || c.validateSyntax) {
      ++skipped;
      std::cout << "azure expand conformance: skipped " << c.name << ": "
                << (c.autoCompletion ? "an editor auto-completion case, not an expansion"
                                     : "runner.server's ValidateSyntax mode (syntax and runtime "
                                       "conditions without evaluating): lint's job")
                << "\n";
      continue;
    }
    std::string why = runCase(c, root);
    if (why.empty())
      ++passed;
    else
      failures.push_back(c.name + ": " + why);
  }
  for (const auto& f : failures)
    std::cout << "azure expand conformance: FAILED " << f << "\n";
  size_t run = cases.size() - skipped;
  std::cout << "azure expand conformance: " << passed << "/" << run << " passed, " << skipped
            << " skipped, of " << cases.size() << " cases\n";
  CHECK(cases.size() >= 140);
  CHECK(passed * 100 >= run * 95);
}

}  // namespace
}  // namespace galley
