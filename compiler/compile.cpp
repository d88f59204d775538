#include "compiler/compile.h"

#include <filesystem>

#include "compiler/emit.h"
#include "compiler/expand.h"
#include "compiler/project.h"
#include "compiler/recipe.h"

namespace galley {

std::optional<std::vector<GeneratedFile>> compile(const CompileOptions& options, Sources& sources,
                                                  Diagnostics& diags) {
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

}  // namespace galley
