#include "compiler/compile.h"

#include <filesystem>

#include "compiler/emit.h"
#include "compiler/expand.h"
#include "compiler/project.h"
#include "compiler/recipe.h"

namespace galley {

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
  for (const auto& spec : project->pipelines) {
    auto pipeline = expand(*project, spec, library, sources, diags);
    if (!pipeline) continue;
    auto add = [&](const std::string& relative, std::string text) {
      files.push_back(
          {(out / relative).lexically_normal().string(), std::move(text), out.string(), relative});
    };
    if (options.github && project->github)
      if (auto text = emitGithub(*pipeline, diags))
        add(".github/workflows/" + spec.id + ".yml", std::move(*text));
    if (options.ado && project->ado)
      if (auto text = emitAdo(*pipeline, diags))
        add(".azure-pipelines/" + spec.id + ".yml", std::move(*text));
  }
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
