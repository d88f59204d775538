// galley run [TARGET]: CLI wiring for runtime/ (plan, scheduler, job runner).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/app.h"
#include "cli/commands.h"
#include "compiler/lint/lint.h"
#include "compiler/render.h"
#include "compiler/workflow.h"
#include "compiler/yaml.h"
#include "runtime/contexts.h"
#include "runtime/job.h"
#include "runtime/masker.h"
#include "runtime/run.h"
#include "runtime/scheduler.h"

namespace galley::cli {

namespace fs = std::filesystem;

namespace {

struct RunArgs {
  std::string target;
  std::vector<std::string> jobs;
  std::string event = "push";
  std::string eventFile;
  std::vector<std::string> inputs, vars, secrets, matrix, platforms, actionDirs;
  std::string varFile, secretFile;
  int parallel = 0;
  bool plan = false;
  std::string approve = "wait";
  std::string output = "text";
  std::string workdir;
  bool verbose = false;
};

bool splitPair(const std::string& s, std::pair<std::string, std::string>* out) {
  size_t eq = s.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *out = {s.substr(0, eq), s.substr(eq + 1)};
  return true;
}

bool pairs(const std::vector<std::string>& items, const char* flag,
           std::vector<std::pair<std::string, std::string>>* out) {
  for (const auto& item : items) {
    std::pair<std::string, std::string> kv;
    if (!splitPair(item, &kv)) {
      std::cerr << "galley: error: " << flag << " '" << item << "' must be KEY=VALUE\n";
      return false;
    }
    out->push_back(std::move(kv));
  }
  return true;
}

// Ctrl-C once cancels gracefully, twice kills: a thread turns the signal
// into the run's cancellation level.
std::atomic<int> interrupts{0};
int interruptPipe[2] = {-1, -1};

void onInterrupt(int) {
  interrupts.fetch_add(1);
  char c = 1;
  [[maybe_unused]] ssize_t n = write(interruptPipe[1], &c, 1);
}

int runCommand(const RunArgs& args) {
  run::TargetOptions topts;
  topts.target = args.target;
  Sources sources;
  Diagnostics diags;
  run::Target target;
  if (!run::resolveTarget(topts, sources, &target, diags)) {
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
    return target.usageError ? kExitUsage : kExitFindings;
  }
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  diags.clear();

  run::PlanOptions popts;
  popts.jobs = args.jobs;
  popts.repoRoot = target.repoRoot;
  if (!pairs(args.matrix, "--matrix", &popts.matrix)) return kExitUsage;
  std::vector<std::pair<std::string, std::string>> kv;
  if (!pairs(args.platforms, "--platform", &kv)) return kExitUsage;
  for (auto& [k, v] : kv)
    popts.platforms[k] = v;
  kv.clear();
  if (!pairs(args.actionDirs, "--action-dir", &kv)) return kExitUsage;
  for (auto& [k, v] : kv)
    popts.actionDirs[k] = fs::absolute(v).string();

  run::Plan plan;
  if (!run::makePlan(*target.workflow, popts, &plan, diags)) {
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
    return kExitFindings;
  }
  if (args.plan) {
    run::printPlan(std::cout, plan, popts, args.output == "json");
    return kExitOk;
  }

  // Values from the command line and files.
  std::vector<std::pair<std::string, std::string>> inputs, vars, secrets;
  if (!pairs(args.inputs, "--input", &inputs) || !pairs(args.vars, "--var", &vars)) return kExitUsage;
  std::string err;
  if (!args.varFile.empty() && !run::readDotenv(args.varFile, &vars, &err)) {
    std::cerr << "galley: error: --var-file: " << err << '\n';
    return kExitUsage;
  }
  if (!args.secretFile.empty() && !run::readDotenv(args.secretFile, &secrets, &err)) {
    std::cerr << "galley: error: --secret-file: " << err << '\n';
    return kExitUsage;
  }
  for (const auto& s : args.secrets) {
    std::pair<std::string, std::string> p;
    if (splitPair(s, &p)) {
      secrets.push_back(p);
      continue;
    }
    const char* v = getenv(s.c_str());
    if (!v) {
      std::cerr << "galley: error: --secret " << s << ": no such environment variable\n";
      return kExitUsage;
    }
    secrets.emplace_back(s, v);
  }
  const std::vector<wf::Input>& declared =
      args.event == "workflow_call" ? target.workflow->callInputs : target.workflow->dispatchInputs;
  expr::Value inputsCtx;
  if (!run::inputsContext(declared, inputs, &inputsCtx, &err)) {
    std::cerr << "galley: error: " << err << '\n';
    return kExitUsage;
  }

  return run::execute(target, plan, popts, args.event, args.eventFile, inputsCtx, vars, secrets,
                      args.parallel > 0 ? args.parallel : int(std::thread::hardware_concurrency()),
                      args.approve, args.output, args.workdir == ".", args.verbose, interrupts,
                      interruptPipe[0]);
}

}  // namespace

void attachRun(CLI::App& app, int& status) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a galley.yml pipeline or a GitHub workflow on this machine, without Docker");
  cmd->add_option("target", args->target,
                  "A pipeline of galley.yml, a workflow file, or a workflow's name under "
                  ".github/workflows/");
  cmd->add_option("--job", args->jobs, "Run this job and what it needs (repeatable)");
  cmd->add_option("--event", args->event, "The event that triggers the run (default: push)");
  cmd->add_option("--event-file", args->eventFile, "A JSON payload for github.event");
  cmd->add_option("--input", args->inputs, "KEY=VALUE for workflow_dispatch inputs (repeatable)");
  cmd->add_option("--var", args->vars, "KEY=VALUE for the vars context (repeatable)");
  cmd->add_option("--var-file", args->varFile, "A dotenv file of vars");
  cmd->add_option("--secret", args->secrets,
                  "KEY=VALUE, or KEY to read it from the environment (repeatable)");
  cmd->add_option("--secret-file", args->secretFile, "A dotenv file of secrets");
  cmd->add_option("-j,--jobs", args->parallel, "Jobs running at once (default: the cores)");
  cmd->add_option("--matrix", args->matrix, "KEY=VALUE: run only the matrix legs with it");
  cmd->add_option("--platform", args->platforms,
                  "LABEL=host: run jobs for this runs-on label here (repeatable)");
  cmd->add_option("--action-dir", args->actionDirs,
                  "OWNER/REPO@REF=PATH: a local clone of a remote action (repeatable)");
  cmd->add_flag("--plan", args->plan, "Print the plan and run nothing");
  cmd->add_option("--approve", args->approve, "prompt, wait (for `galley approve`) or auto")
      ->check(CLI::IsMember({"prompt", "wait", "auto"}));
  cmd->add_option("--output", args->output, "text or json (one event per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--workdir", args->workdir,
                  "'.': run in the repository itself instead of a clean copy of HEAD");
  cmd->add_flag("--verbose", args->verbose, "Show ::debug:: lines");
  cmd->callback([args, &status] {
    if (pipe(interruptPipe) == 0) {
      struct sigaction sa {};
      sa.sa_handler = onInterrupt;
      sigemptyset(&sa.sa_mask);
      sigaction(SIGINT, &sa, nullptr);
      sigaction(SIGTERM, &sa, nullptr);
    }
    signal(SIGPIPE, SIG_IGN);
    status = runCommand(*args);
  });
}

}  // namespace galley::cli
