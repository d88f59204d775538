// `galley run FILE` for an Azure Pipelines file: the file expanded with the
// template expander (compiler/azure/expand.h), read into the Azure model,
// checked for what cannot run here (before anything starts), and laid out
// for the scheduler.
#pragma once

#include <memory>
#include <string>
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

// Expands and reads the pipeline at path; queue holds the queue-time
// variables (--var), which ${{ variables.x }} sees too. Errors (expansion,
// reading, a pwsh step with no pwsh here) go to diags at their positions;
// nullptr when the run must not start.
std::shared_ptr<Loaded> loadPipeline(const std::string& path,
                                     const std::vector<std::pair<std::string, std::string>>& queue,
                                     Sources& sources, Diagnostics& diags);

}  // namespace galley::run::azure
