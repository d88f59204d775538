// `galley run FILE` for an Azure Pipelines file: the file expanded with the
// template expander (compiler/azure/expand.h), read into the Azure model,
// checked for what cannot run here (before anything starts), and laid out
// for the scheduler.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/azure/expand.h"
#include "runtime/azure/plan.h"

namespace galley::run::azure {

// What an Azure run keeps alive: the expansion (its nodes hold the
// positions), the pipeline and its scheduled form. Never moved.
struct Loaded {
  galley::azure::Expansion expansion;
  Pipeline pipeline;
  std::unique_ptr<Scheduled> scheduled;
};

struct LoadOptions {
  // Queue-time variables (--var), which ${{ variables.x }} sees too.
  std::vector<std::pair<std::string, std::string>> queue;
  // Runtime parameters (--parameters NAME=VALUE, VALUE read as YAML and
  // typed by the declaration) and a YAML file of them (--parameters-file).
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string parametersFile;
  // The repository: where the predefined variables known at queue time
  // (Build.SourceBranch, ...) come from. Empty: none are given.
  std::string repoRoot;
};

// The predefined variables Azure makes available in templates (Microsoft's
// "Use predefined variables" page, column "Available in templates?") whose
// values a local run knows before it starts: the same values the jobs get.
std::vector<std::pair<std::string, std::string>> templateVariables(const std::string& repoRoot);

// Build.SourceBranchName as Azure defines it: the last path segment of the
// ref (refs/heads/feature/tools -> tools).
std::string sourceBranchName(std::string_view ref);

// Expands and reads the pipeline at path, with templateVariables() and the
// queue-time variables (the predefined ones win, as at run time) in the
// template context. A runtime parameter without a default and without a
// value is an error at its declaration. Errors (expansion, reading, a pwsh
// step with no pwsh here) go to diags at their positions; nullptr when the
// run must not start.
std::shared_ptr<Loaded> loadPipeline(const std::string& path, const LoadOptions& options,
                                     Sources& sources, Diagnostics& diags);

}  // namespace galley::run::azure
