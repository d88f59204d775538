#include "compiler/compile.h"

#include <algorithm>
#include <filesystem>

#include "compiler/emit.h"
#include "compiler/expand.h"
#include "compiler/generated_files.h"
#include "compiler/output_check.h"
#include "compiler/project.h"
#include "compiler/recipe.h"
#include "compiler/runner_labels.h"

namespace galley {

namespace {

// The text of a generated file, after the linter's checks on it.
std::string checked(const yaml::Out& tree, const ir::Pipeline& pipeline,
                    const std::filesystem::path& path, bool azure, const OutputCheckConfig& config,
                    Sources& sources, Diagnostics& diags) {
  EmittedFile file{&tree,
                   path.lexically_normal().string(),
                   yaml::write(tree, generatedHeader(pipeline)),
                   azure,
                   {}};
  for (const auto& spec : pipeline.project->pipelines)
    if (spec.id == pipeline.id) file.fallback = spec.where;
  checkEmitted(file, config, sources, diags);
  return std::move(file.text);
}

// Adds .github/actionlint.yaml to files when it does not list every label
// yet: edited in place when it exists (or actionlint.yml does), else new.
void listRunnerLabels(const Project& project, const std::string& root,
                      const std::vector<std::string>& labels, std::vector<GeneratedFile>& files,
                      Diagnostics& diags) {
  std::string relative = ".github/actionlint.yaml", text, err;
  ReadResult r = readGenerated(root, relative, &text, &err);
  if (r == ReadResult::Missing) {
    std::string yml = ".github/actionlint.yml";
    ReadResult other = readGenerated(root, yml, &text, &err);
    if (other != ReadResult::Missing) {
      relative = yml;
      r = other;
    }
  }
  std::string path = (std::filesystem::path(root) / relative).lexically_normal().string();
  if (r == ReadResult::Failed) {
    diags.error({}, "io", "cannot read " + err);
    return;
  }
  std::vector<std::string> missing = unlistedRunnerLabels(text, labels);
  if (missing.empty()) return;
  auto merged = addRunnerLabels(text, missing, &err);
  if (!merged) {
    // At the agents that name the first label it could not add.
    Location at = project.document.where;
    for (const auto& spec : project.pipelines)
      if (std::count(spec.agents.githubLabels.begin(), spec.agents.githubLabels.end(),
                     missing.front())) {
        at = spec.agents.githubWhere.known() ? spec.agents.githubWhere : spec.where;
        break;
      }
    diags.error(at, "runner-label",
                "cannot add the self-hosted runner labels " + quoteList(missing) + " to " + path +
                    ": " + err + "; add them under self-hosted-runner: labels: yourself");
    return;
  }
  files.push_back({path, std::move(*merged), root, relative, false});
}

}  // namespace

std::optional<std::vector<GeneratedFile>> compile(const CompileOptions& options, Sources& sources,
                                                  Diagnostics& diags, OutputFolders* folders) {
  std::string err;
  const SourceFile* file = sources.read(options.file, &err);
  if (!file) {
    diags.error({}, "io", err);
    return std::nullopt;
  }
  auto project = parseProject(*file, diags);
  if (!project || diags.hasErrors()) return std::nullopt;
  RecipeLibrary library(sources, project->recipesDir);
  std::filesystem::path out = options.outDir.empty() ? project->dir : options.outDir;
  if (folders) {
    folders->root = out.string();
    folders->source = std::filesystem::path(project->path).filename().string();
    if (options.github) folders->folders.push_back(".github/workflows");
    if (options.ado) folders->folders.push_back(".azure-pipelines");
  }
  if (!(options.github && project->github) && !(options.ado && project->ado)) {
    diags.error(project->document.where, "target",
                std::string("nothing to compile: --target ") + (options.github ? "github" : "ado") +
                    " asks for a target that galley.yml's 'targets' leaves out");
    return std::nullopt;
  }
  std::vector<GeneratedFile> files;
  auto add = [&](const std::string& relative, std::string text) {
    files.push_back(
        {(out / relative).lexically_normal().string(), std::move(text), out.string(), relative});
  };
  bool github = options.github && project->github;
  std::vector<std::string> labels =
      github ? customRunnerLabels(*project) : std::vector<std::string>{};
  OutputCheckConfig config = outputCheckConfig(out.string(), labels, sources, diags);
  if (diags.hasErrors()) return std::nullopt;
  for (const auto& spec : project->pipelines) {
    auto pipeline = expand(*project, spec, library, sources, diags);
    if (!pipeline) continue;
    if (github)
      if (auto tree = githubWorkflow(*pipeline, diags)) {
        std::string relative = ".github/workflows/" + spec.id + ".yml";
        add(relative, checked(*tree, *pipeline, out / relative, false, config, sources, diags));
      }
    if (options.ado && project->ado)
      if (auto tree = adoPipeline(*pipeline, diags)) {
        std::string relative = ".azure-pipelines/" + spec.id + ".yml";
        add(relative, checked(*tree, *pipeline, out / relative, true, config, sources, diags));
      }
  }
  if (!labels.empty() && !diags.hasErrors())
    listRunnerLabels(*project, out.string(), labels, files, diags);
  if (diags.hasErrors()) return std::nullopt;
  return files;
}

std::optional<std::vector<std::string>> pipelineIds(const std::string& file, Sources& sources,
                                                    Diagnostics& diags) {
  std::string err;
  const SourceFile* f = sources.read(file, &err);
  if (!f) {
    diags.error({}, "io", err);
    return std::nullopt;
  }
  auto project = parseProject(*f, diags);
  if (!project || diags.hasErrors()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& spec : project->pipelines)
    ids.push_back(spec.id);
  return ids;
}

std::optional<PipelineRun> pipelineRun(const std::string& file, const std::string& id,
                                       Sources& sources, Diagnostics& diags) {
  std::string err;
  const SourceFile* f = sources.read(file, &err);
  if (!f) {
    diags.error({}, "io", err);
    return std::nullopt;
  }
  auto project = parseProject(*f, diags);
  if (!project || diags.hasErrors()) return std::nullopt;
  RecipeLibrary library(sources, project->recipesDir);
  for (const auto& spec : project->pipelines) {
    if (spec.id != id) continue;
    auto pipeline = expand(*project, spec, library, sources, diags);
    if (!pipeline) return std::nullopt;
    auto tree = githubWorkflow(*pipeline, diags);
    if (!tree) return std::nullopt;
    PipelineRun run;
    run.id = id;
    run.file = f;
    run.workflow = std::move(*tree);
    for (const auto& env : project->environments)
      if (!env.approvers.empty()) run.approvals.emplace_back(env.name, env.approvers);
    return run;
  }
  return std::nullopt;
}

}  // namespace galley
