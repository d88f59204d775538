#include "runtime/azure/target.h"

#include <algorithm>
#include <cstdlib>

#include "compiler/diagnostic.h"
#include "compiler/yaml.h"
#include "runtime/contexts.h"
#include "runtime/shell.h"

namespace galley::run::azure {

namespace {

// Steps that need a program this host lacks fail before the run, at the step.
void checkPrograms(const Pipeline& p, Diagnostics& diags) {
  const char* path = getenv("PATH");
  bool pwsh = !findProgram("pwsh", path ? path : "").empty();
  auto check = [&](const Step& s) {
    if ((s.kind == StepKind::Pwsh || s.kind == StepKind::PowerShell) && !pwsh)
      diags.error(s.scriptWhere, "unsupported",
                  std::string(s.kind == StepKind::Pwsh ? "pwsh" : "powershell") +
                      " steps run PowerShell (pwsh), which is not installed on this host");
  };
  for (const Stage& st : p.stages)
    for (const Job& j : st.jobs) {
      for (const Step& s : j.steps)
        check(s);
      for (const Hook& h : j.hooks)
        for (const Step& s : h.steps)
          check(s);
    }
}

// The names a parameters file gives values for; false when it cannot be
// read as a mapping (the expander reports that).
bool namesInFile(const std::string& path, Sources& sources, std::vector<std::string>* names) {
  std::string err;
  const SourceFile* f = sources.read(path, &err);
  if (!f) return false;
  Diagnostics ignored;
  std::optional<yaml::Node> doc = yaml::load(*f, ignored);
  if (!doc || !doc->isMapping()) return false;
  for (const auto& e : doc->entries)
    names->push_back(e.key.value);
  return true;
}

// A pipeline's own runtime parameter with neither a default nor a value
// cannot run: said at its declaration, with how to give one. (The expander
// reports it too, but at the top of the file.)
bool checkParametersGiven(const std::string& path, const LoadOptions& options, Sources& sources,
                          Diagnostics& diags) {
  std::string err;
  const SourceFile* file = sources.read(path, &err);
  if (!file) return true;  // the expander says why
  Diagnostics ignored;
  std::optional<yaml::Node> doc = yaml::load(*file, ignored);
  const yaml::Node* params = doc && doc->isMapping() ? doc->find("parameters") : nullptr;
  if (!params || !params->isSequence()) return true;
  std::vector<std::string> given;
  for (const auto& [k, v] : options.parameters)
    given.push_back(k);
  if (!options.parametersFile.empty() && !namesInFile(options.parametersFile, sources, &given))
    return true;
  bool ok = true;
  for (const yaml::Node& d : params->items) {
    const yaml::Node* name = d.isMapping() ? d.find("name") : nullptr;
    if (!name || !name->isScalar() || d.find("default")) continue;
    if (std::find(given.begin(), given.end(), name->value) != given.end()) continue;
    std::string hint = "give one with --parameters " + name->value + "=VALUE";
    if (const yaml::Node* values = d.find("values"); values && values->isSequence()) {
      std::vector<std::string> choices;
      for (const yaml::Node& v : values->items)
        if (v.isScalar()) choices.push_back(v.value);
      if (!choices.empty()) hint += " (one of " + quoteList(choices) + ")";
    }
    diags.error(d.where, "azure-parameter-missing",
                "A value for the '" + name->value + "' parameter must be provided.", hint);
    ok = false;
  }
  return ok;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> templateVariables(const std::string& repoRoot) {
  GitFacts git = gitFacts(repoRoot);
  return {{"Build.Reason", "Manual"},
          {"Build.Repository.Name", git.repository},
          {"Build.Repository.Provider", "Git"},
          {"Build.SourceBranch", git.ref},
          {"Build.SourceBranchName", sourceBranchName(git.ref)},
          {"Build.SourceVersion", git.sha},
          {"System.HostType", "build"},
          {"System.TeamProject", git.owner}};
}

std::string sourceBranchName(std::string_view ref) {
  size_t slash = ref.find_last_of('/');
  return std::string(slash == std::string_view::npos ? ref : ref.substr(slash + 1));
}

std::shared_ptr<Loaded> loadPipeline(const std::string& path, const LoadOptions& options,
                                     Sources& sources, Diagnostics& diags) {
  auto loaded = std::make_shared<Loaded>();
  galley::azure::ExpandOptions eo;
  eo.variables = options.queue;
  if (!options.repoRoot.empty())
    for (auto& kv : templateVariables(options.repoRoot))
      eo.variables.push_back(std::move(kv));
  eo.parameters = options.parameters;
  eo.parametersFile = options.parametersFile;
  if (!checkParametersGiven(path, options, sources, diags)) return nullptr;
  loaded->expansion = galley::azure::expand(path, eo, sources, diags);
  if (!loaded->expansion.pipeline || diags.hasErrors() || loaded->expansion.files.empty())
    return nullptr;
  const SourceFile& file = *loaded->expansion.files[0];
  if (!readPipeline(*loaded->expansion.pipeline, file, &loaded->pipeline, diags)) return nullptr;
  checkPrograms(loaded->pipeline, diags);
  if (diags.hasErrors()) return nullptr;
  loaded->scheduled = std::make_unique<Scheduled>(loaded->pipeline);
  return loaded;
}

}  // namespace galley::run::azure
