// galley runs [show RUN | prune]: CLI wiring for runtime/store and runtime/report.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/run_store.h"
#include "compiler/render.h"
#include "runtime/display.h"
#include "runtime/report.h"

namespace galley::cli {

namespace {

int listCommand(size_t limit) {
  std::string root = runsRootHere();
  std::vector<std::string> problems;
  std::vector<run::StoredRun> runs = run::listRuns(root, &problems, limit);
  for (const auto& p : problems)
    printWarning(p);
  if (runs.empty()) {
    std::cerr << "galley: no runs in " << run::printable(root) << '\n';
    return kExitOk;
  }
  run::writeRunList(std::cout, runs, run::Clock::now(), wantColor(1));
  return kExitOk;
}

int showCommand(const std::string& name) {
  run::StoredRun r;
  if (!openRun(runsRootHere(), name, &r)) return kExitUsage;
  run::writeRunDetails(std::cout, r, run::Clock::now(), wantColor(1));
  return kExitOk;
}

int pruneCommand(const std::optional<size_t>& keep, const std::optional<unsigned>& days) {
  if (!keep && !days) {
    printError("runs prune needs --keep N or --older-than DAYS");
    return kExitUsage;
  }
  run::PruneOptions options;
  options.keep = keep;
  if (days) options.olderThan = run::Clock::now() - std::chrono::hours(24) * *days;
  std::string err;
  std::vector<std::string> removed = run::pruneRuns(runsRootHere(), options, &err);
  if (removed.empty())
    std::cout << "No runs to remove.\n";
  else
    std::cout << "Removed " << removed.size() << (removed.size() == 1 ? " run" : " runs") << " ("
              << removed.front() << (removed.size() > 1 ? " to " + removed.back() : "") << ").\n";
  if (!err.empty()) {
    printError(err);
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace

void attachRuns(CLI::App& app, int& status) {
  auto limit = std::make_shared<size_t>(20);
  CLI::App* cmd = app.add_subcommand("runs", "List the runs galley made here, newest first");
  cmd->add_option("--limit,-n", *limit, "Show at most this many runs (0: all)")
      ->capture_default_str();
  cmd->callback([cmd, limit, &status] {
    if (cmd->get_subcommands().empty()) status = listCommand(*limit);
  });

  auto name = std::make_shared<std::string>();
  CLI::App* show = cmd->add_subcommand(
      "show", "Show a run's jobs and steps with results, durations and annotations");
  show->add_option("run", *name, "Run id, or latest")->required();
  show->callback([name, &status] { status = showCommand(*name); });

  auto keep = std::make_shared<std::optional<size_t>>();
  auto days = std::make_shared<std::optional<unsigned>>();
  CLI::App* prune = cmd->add_subcommand("prune", "Delete old runs (never one in progress)");
  prune->add_option("--keep", *keep, "Keep the newest N finished runs");
  prune->add_option("--older-than", *days, "Delete runs that started more than DAYS days ago");
  prune->callback([keep, days, &status] { status = pruneCommand(*keep, *days); });
}

}  // namespace galley::cli
