// galley expand: expands an Azure Pipelines file and its templates offline
// and prints the final YAML (compiler/azure/expand.h).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/azure/expand.h"
#include "compiler/azure/expanded_writer.h"
#include "compiler/render.h"

namespace galley::cli {

namespace {

struct ExpandArgs {
  std::vector<std::string> files;
  std::vector<std::string> parameters;
  std::string parametersFile;
  std::vector<std::string> variables;
  std::vector<std::string> repos;
  std::string explain;
};

// Expands one file and prints it; the exit status for it.
int expandOne(const std::string& path, const ExpandArgs& args,
              const azure::ExpandOptions& options) {
  Sources sources;
  std::string err;
  const SourceFile* file = sources.read(path, &err);
  if (!file) {
    printError(err);
    return kExitUsage;
  }
  Diagnostics diags;
  azure::Expansion result = azure::expand(*file, options, sources, diags);
  for (const auto& g : result.groups)
    diags.report(Severity::Note, g.where, "azure-variable-group",
                 "variable group '" + g.name +
                     "' lives on the server: its variables are not known when expanding");
  diags.sort();
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  if (!result.pipeline) return kExitFindings;
  std::string base = std::filesystem::path(path).parent_path().string();
  if (args.explain == "json")
    std::cout << azure::writeExplainedJson(*result.pipeline, base);
  else if (args.explain == "comments")
    std::cout << azure::writeExplained(*result.pipeline, base);
  else
    std::cout << azure::writeYaml(*result.pipeline);
  return kExitOk;
}

int runExpand(const ExpandArgs& args) {
  azure::ExpandOptions options;
  std::vector<std::pair<std::string, std::string>> repos;
  if (!splitPairs(args.parameters, "--parameters", &options.parameters) ||
      !splitPairs(args.variables, "--var", &options.variables) ||
      !splitPairs(args.repos, "--repo", &repos))
    return kExitUsage;
  for (auto& [alias, path] : repos)
    options.repositories[alias] = path;
  options.parametersFile = args.parametersFile;
  if (!args.explain.empty() && args.explain != "comments" && args.explain != "json") {
    printError("--explain takes 'comments' or 'json'");
    return kExitUsage;
  }
  int status = kExitOk;
  for (const auto& path : args.files) {
    if (args.files.size() > 1) std::cout << "---\n# " << printable(path) << "\n";
    status = std::max(status, expandOne(path, args, options));
  }
  return status;
}

}  // namespace

void attachExpand(CLI::App& app, int& status) {
  auto args = std::make_shared<ExpandArgs>();
  CLI::App* cmd = app.add_subcommand(
      "expand", "Expand an Azure Pipelines file and its templates, as Azure DevOps would");
  cmd->add_option("FILE", args->files,
                  "Pipeline (or template) files; several are printed as YAML documents")
      ->required();
  cmd->add_option("--parameters", args->parameters,
                  "NAME=VALUE: a value for a pipeline parameter (VALUE read as YAML); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--parameters-file", args->parametersFile,
                  "YAML file with a mapping of parameter values");
  cmd->add_option("--var", args->variables,
                  "NAME=VALUE: a queue-time variable, seen by ${{ variables.NAME }}; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--repo", args->repos,
                  "ALIAS=PATH: the local folder of repository resource ALIAS; repeatable")
      ->allow_extra_args(false);
  cmd->add_flag("--explain{comments}", args->explain,
                "Show where each node came from: comments (default) or --explain=json");
  cmd->callback([args, &status] { status = runExpand(*args); });
}

}  // namespace galley::cli
