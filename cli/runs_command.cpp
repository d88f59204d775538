// galley runs [show RUN | prune]: CLI wiring for runtime/store and runtime/report.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_store.h"
#include "compiler/render.h"
#include "runtime/display.h"
#include "runtime/record.h"
#include "runtime/report.h"

namespace galley::cli {

namespace {

// A run as `galley runs --output json` lists it: the record without steps,
// annotations and approvals (`runs show --output json` has them).
nlohmann::json listEntry(const run::StoredRun& r) {
  nlohmann::json j = run::toJson(r.record);
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& job : j["jobs"]) {
    nlohmann::json brief = job;
    brief.erase("steps");
    jobs.push_back(std::move(brief));
  }
  j["jobs"] = std::move(jobs);
  j["annotations"] = j["annotations"].size();
  j.erase("approvals");
  j["dir"] = r.dir;
  return j;
}

// Text from steps may be any bytes: invalid UTF-8 is replaced, not thrown.
void printJson(const nlohmann::json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

int listCommand(size_t limit, bool json) {
  std::string root = runsRootHere();
  std::vector<std::string> problems;
  std::vector<run::StoredRun> runs = run::listRuns(root, &problems, limit);
  for (const auto& p : problems)
    printWarning(p);
  if (json) {
    // Newest first, as the text list.
    nlohmann::json all = nlohmann::json::array();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it)
      all.push_back(listEntry(*it));
    printJson(all);
    return kExitOk;
  }
  if (runs.empty()) {
    std::cerr << "galley: no runs in " << run::printable(root) << '\n';
    return kExitOk;
  }
  run::writeRunList(std::cout, runs, run::Clock::now(), wantColor(1));
  return kExitOk;
}

int showCommand(const std::string& name, bool json) {
  run::StoredRun r;
  if (!openRun(runsRootHere(), name, &r)) return kExitUsage;
  if (json) {
    nlohmann::json j = run::toJson(r.record);
    j["dir"] = r.dir;
    printJson(j);
    return kExitOk;
  }
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
      ->check(count(0))
      ->capture_default_str();
  auto output = std::make_shared<std::string>("text");
  cmd->add_option("--output", *output, "text, or json (the stored records)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([cmd, limit, output, &status] {
    if (cmd->get_subcommands().empty()) status = listCommand(*limit, *output == "json");
  });

  auto name = std::make_shared<std::string>();
  CLI::App* show = cmd->add_subcommand(
      "show", "Show a run's jobs and steps with results, durations and annotations");
  show->add_option("run", *name, "Run id, or latest")->required();
  auto showOutput = std::make_shared<std::string>("text");
  show->add_option("--output", *showOutput, "text, or json (the stored record)")
      ->check(CLI::IsMember({"text", "json"}));
  show->callback(
      [name, showOutput, &status] { status = showCommand(*name, *showOutput == "json"); });

  auto keep = std::make_shared<std::optional<size_t>>();
  auto days = std::make_shared<std::optional<unsigned>>();
  CLI::App* prune = cmd->add_subcommand("prune", "Delete old runs (never one in progress)");
  prune->add_option("--keep", *keep, "Keep the newest N finished runs")->check(count(0));
  prune->add_option("--older-than", *days, "Delete runs that started more than DAYS days ago")
      ->check(count(0));
  prune->callback([keep, days, &status] { status = pruneCommand(*keep, *days); });
}

}  // namespace galley::cli
