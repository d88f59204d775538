// galley logs RUN [--job J] [--step S] [--follow]: a stored run's step logs.
#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/run_store.h"
#include "runtime/display.h"
#include "runtime/record.h"
#include "runtime/wording.h"

namespace galley::cli {

namespace {

struct LogsArgs {
  std::string run, job, step;
  bool follow = false, timestamps = false;
};

bool jobMatches(const run::JobRecord& j, const std::string& name) {
  return name.empty() || j.key == name || j.id == name || j.name == name;
}

bool stepMatches(const run::StepRecord& s, const std::string& name) {
  return name.empty() || s.id == name || s.name == name || std::to_string(s.index + 1) == name;
}

std::string jobList(const run::RunRecord& r) {
  std::string out;
  for (const auto& j : r.jobs)
    out += (out.empty() ? "" : ", ") + j.key;
  return out.empty() ? "none" : out;
}

// Checks that --job and --step name something; false after printing why.
bool selectionExists(const run::StoredRun& r, const LogsArgs& args) {
  bool anyJob = false, anyStep = false;
  for (const auto& j : r.record.jobs) {
    if (!jobMatches(j, args.job)) continue;
    anyJob = true;
    for (const auto& s : j.steps)
      anyStep = anyStep || stepMatches(s, args.step);
  }
  if (!anyJob) {
    printError("run " + r.record.info.id + " has no job '" + args.job +
               "' (jobs: " + jobList(r.record) + ")");
    return false;
  }
  if (!anyStep && !args.step.empty() && !args.follow) {
    printError("no step '" + args.step + "' in " +
               (args.job.empty() ? "run " + r.record.info.id : "job '" + args.job + "'") +
               " (steps are named by id, name or number)");
    return false;
  }
  return true;
}

// Prints the lines each selected step logged since the last call.
void printNewLines(const run::StoredRun& r, const LogsArgs& args,
                   std::map<std::string, size_t>& offsets) {
  size_t selected = 0;
  for (const auto& j : r.record.jobs)
    if (jobMatches(j, args.job))
      for (const auto& s : j.steps)
        selected += stepMatches(s, args.step) ? 1 : 0;
  bool prefix = selected != 1 || args.step.empty();
  for (const auto& j : r.record.jobs) {
    if (!jobMatches(j, args.job)) continue;
    for (const auto& s : j.steps) {
      if (!stepMatches(s, args.step)) continue;
      std::string path = r.stepLogPath(j, s);
      size_t& offset = offsets[path];
      std::string head = prefix ? "[" + run::jobLabel(j) + "/" + run::stepLabel(s) + "] " : "";
      for (const auto& line : run::readLogLines(path, offset, &offset)) {
        if (args.timestamps) std::cout << run::isoTime(line.at) << ' ';
        std::cout << head << run::printable(line.text) << '\n';
      }
    }
  }
  std::cout.flush();
}

int logsCommand(const LogsArgs& args) {
  std::string root = runsRootHere();
  run::StoredRun r;
  if (!openRun(root, args.run, &r)) return kExitUsage;
  if (!selectionExists(r, args)) return kExitUsage;
  std::map<std::string, size_t> offsets;
  printNewLines(r, args, offsets);
  if (!args.follow) return kExitOk;
  std::string id = r.record.info.id;
  while (r.record.status == run::Status::Running) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::string err;
    if (!run::loadRun(root, id, &r, &err)) {
      printError(err);
      return kExitFindings;
    }
    printNewLines(r, args, offsets);
  }
  if (r.record.status == run::Status::Interrupted)
    std::cerr << "galley: run " << id << " was interrupted\n";
  return kExitOk;
}

}  // namespace

void attachLogs(CLI::App& app, int& status) {
  auto args = std::make_shared<LogsArgs>();
  CLI::App* cmd = app.add_subcommand("logs", "Print the logs of a run's steps");
  cmd->add_option("run", args->run, "Run id, or latest")->required();
  cmd->add_option("--job,-j", args->job, "Only this job (key, id or name; all legs of a matrix)");
  cmd->add_option("--step,-s", args->step, "Only this step (id, name or number)");
  cmd->add_flag("--follow,-f", args->follow, "Keep printing new lines until the run finishes");
  cmd->add_flag("--timestamps,-t", args->timestamps, "Start each line with its time (UTC)");
  cmd->callback([args, &status] { status = logsCommand(*args); });
}

}  // namespace galley::cli
