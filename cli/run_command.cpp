// galley run [TARGET]: CLI wiring for runtime/ (plan, scheduler, job runner).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "compiler/lint/lint.h"
#include "compiler/render.h"
#include "compiler/workflow.h"
#include "compiler/yaml.h"
#include "runtime/contexts.h"
#include "runtime/job.h"
#include "runtime/masker.h"
#include "runtime/run.h"
#include "runtime/scheduler.h"
#include "runtime/store.h"

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
  std::vector<std::string> parameters;  // Azure: NAME=VALUE, VALUE read as YAML
  std::string parametersFile;
  int parallel = 0;
  bool plan = false;
  std::string approve = "wait";
  std::string output = "text";
  std::string workdir;
  bool verbose = false;
  std::string rerunOf;  // galley rerun --failed: the run whose successes are reused
};

// The choices a run was made with, for `galley rerun` (no secret values:
// only the names of environment variables and files they came from).
nlohmann::json invocationOf(const RunArgs& a) {
  std::error_code ec;
  return {{"target", a.target},
          {"cwd", fs::current_path(ec).string()},
          {"jobs", a.jobs},
          {"event", a.event},
          {"eventFile", a.eventFile},
          {"inputs", a.inputs},
          {"vars", a.vars},
          {"varFile", a.varFile},
          {"parameters", a.parameters},
          {"parametersFile", a.parametersFile},
          {"matrix", a.matrix},
          {"platforms", a.platforms},
          {"actionDirs", a.actionDirs},
          {"workdir", a.workdir}};
}

bool argsOf(const nlohmann::json& j, RunArgs* a, std::string* cwd) {
  try {
    a->target = j.at("target").get<std::string>();
    *cwd = j.at("cwd").get<std::string>();
    a->jobs = j.value("jobs", std::vector<std::string>{});
    a->event = j.value("event", std::string("push"));
    a->eventFile = j.value("eventFile", std::string());
    a->inputs = j.value("inputs", std::vector<std::string>{});
    a->vars = j.value("vars", std::vector<std::string>{});
    a->varFile = j.value("varFile", std::string());
    a->parameters = j.value("parameters", std::vector<std::string>{});
    a->parametersFile = j.value("parametersFile", std::string());
    a->matrix = j.value("matrix", std::vector<std::string>{});
    a->platforms = j.value("platforms", std::vector<std::string>{});
    a->actionDirs = j.value("actionDirs", std::vector<std::string>{});
    a->workdir = j.value("workdir", std::string());
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
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
  if (!splitPairs(args.vars, "--var", &topts.variables) ||
      !splitPairs(args.parameters, "--parameters", &topts.parameters))
    return kExitUsage;
  topts.parametersFile = args.parametersFile;
  Sources sources;
  Diagnostics diags;
  run::Target target;
  if (!run::resolveTarget(topts, sources, &target, diags)) {
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
    return target.usageError ? kExitUsage : kExitFindings;
  }
  renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
  diags.clear();
  if (!target.azure && (!topts.parameters.empty() || !topts.parametersFile.empty())) {
    std::cerr << "galley: error: --parameters and --parameters-file apply to Azure Pipelines "
                 "files only\n";
    return kExitUsage;
  }

  run::PlanOptions popts;
  popts.jobs = args.jobs;
  popts.repoRoot = target.repoRoot;
  if (!splitPairs(args.matrix, "--matrix", &popts.matrix)) return kExitUsage;
  std::vector<std::pair<std::string, std::string>> kv;
  if (!splitPairs(args.platforms, "--platform", &kv)) return kExitUsage;
  for (auto& [k, v] : kv)
    popts.platforms[k] = v;
  kv.clear();
  if (!splitPairs(args.actionDirs, "--action-dir", &kv)) return kExitUsage;
  for (auto& [k, v] : kv)
    popts.actionDirs[k] = fs::absolute(v).string();

  run::Plan plan;
  if (!run::makePlan(*target.workflow, popts, &plan, diags)) {
    // A --job naming no job is a usage error, said as one: the workflow
    // has no position to show for it.
    bool usage = false;
    for (const auto& d : diags.all())
      if (d.rule == "unknown-job") {
        usage = true;
        std::cerr << "galley: error: " << d.message << (d.hint.empty() ? "" : " (" + d.hint + ")")
                  << '\n';
      }
    if (usage) return kExitUsage;
    renderText(std::cerr, diags, RenderOptions{wantColor(2), true});
    return kExitFindings;
  }
  if (args.plan) {
    run::printPlan(std::cout, plan, popts, args.output == "json");
    return kExitOk;
  }

  // Values from the command line and files.
  std::vector<std::pair<std::string, std::string>> inputs, vars, secrets;
  if (!splitPairs(args.inputs, "--input", &inputs) || !splitPairs(args.vars, "--var", &vars))
    return kExitUsage;
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
                      interruptPipe[0], invocationOf(args), args.rerunOf);
}

void catchInterrupts() {
  if (pipe(interruptPipe) == 0) {
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  signal(SIGPIPE, SIG_IGN);
}

struct RerunArgs {
  std::string run;
  bool failed = false;
  std::vector<std::string> secrets;
  std::string secretFile;
  std::string approve = "wait";
  std::string output = "text";
  int parallel = 0;
};

// galley rerun RUN [--failed]: the run again, as it was asked for, from the
// folder it was started in; with --failed, its successful jobs are reused.
int rerunCommand(const RerunArgs& r) {
  std::string repo = lint::repoRootOf((fs::current_path() / "x").string());
  std::string root = run::runsRoot(repo), id, err;
  run::StoredRun earlier;
  nlohmann::json invocation;
  if (!run::resolveRun(root, r.run, &id, &err) || !run::loadRun(root, id, &earlier, &err) ||
      !earlier.inputs(&invocation, &err)) {
    std::cerr << "galley: error: " << err << '\n';
    return kExitUsage;
  }
  RunArgs args;
  std::string cwd;
  if (!argsOf(invocation, &args, &cwd)) {
    std::cerr << "galley: error: run " << id << " does not say how it was started (inputs.json)\n";
    return kExitUsage;
  }
  std::error_code ec;
  fs::current_path(cwd, ec);
  if (ec) {
    std::cerr << "galley: error: cannot go back to " << cwd << ": " << ec.message() << '\n';
    return kExitUsage;
  }
  args.secrets = r.secrets;
  args.secretFile = r.secretFile;
  args.approve = r.approve;
  args.output = r.output;
  args.parallel = r.parallel;
  if (r.failed) args.rerunOf = id;
  return runCommand(args);
}

}  // namespace

void attachRun(CLI::App& app, int& status) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a galley.yml pipeline, a GitHub workflow or an Azure Pipelines file on this machine, "
      "without Docker");
  cmd->add_option("target", args->target,
                  "A pipeline of galley.yml, a workflow file, a workflow's name under "
                  ".github/workflows/, or an Azure Pipelines file (expanded, then run)");
  cmd->add_option("--job", args->jobs,
                  "Run this job and what it needs (repeatable; Azure: STAGE.JOB, or JOB "
                  "without stages)");
  cmd->add_option("--event", args->event, "The event that triggers the run (default: push)");
  cmd->add_option("--event-file", args->eventFile, "A JSON payload for github.event");
  cmd->add_option("--input", args->inputs, "KEY=VALUE for workflow_dispatch inputs (repeatable)");
  cmd->add_option("--var", args->vars,
                  "KEY=VALUE for the vars context; for an Azure pipeline, a queue-time "
                  "variable (repeatable)");
  cmd->add_option("--var-file", args->varFile, "A dotenv file of vars");
  cmd->add_option("--parameters", args->parameters,
                  "NAME=VALUE: a value for an Azure pipeline's runtime parameter (VALUE read as "
                  "YAML, typed by its declaration); repeatable");
  cmd->add_option("--parameters-file", args->parametersFile,
                  "A YAML file with a mapping of an Azure pipeline's parameter values");
  cmd->add_option("--secret", args->secrets,
                  "KEY=VALUE, or KEY to read it from the environment; for an Azure pipeline, "
                  "a secret variable (repeatable)");
  cmd->add_option("--secret-file", args->secretFile, "A dotenv file of secrets");
  cmd->add_option("-j,--jobs", args->parallel, "Jobs running at once (default: the cores)")
      ->check(count(1));
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
    catchInterrupts();
    status = runCommand(*args);
  });
}

void attachRerun(CLI::App& app, int& status) {
  auto args = std::make_shared<RerunArgs>();
  CLI::App* cmd =
      app.add_subcommand("rerun", "Run an earlier run again, or only what failed in it");
  cmd->add_option("run", args->run, "The run's id, or latest")->required();
  cmd->add_flag(
      "--failed", args->failed,
      "Run only the jobs that did not succeed, reusing the others' outputs and artifacts");
  cmd->add_option("--secret", args->secrets,
                  "KEY=VALUE, or KEY to read it from the environment (secrets are never stored)");
  cmd->add_option("--secret-file", args->secretFile, "A dotenv file of secrets");
  cmd->add_option("-j,--jobs", args->parallel, "Jobs running at once (default: the cores)")
      ->check(count(1));
  cmd->add_option("--approve", args->approve, "prompt, wait (for `galley approve`) or auto")
      ->check(CLI::IsMember({"prompt", "wait", "auto"}));
  cmd->add_option("--output", args->output, "text or json (one event per line)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &status] {
    catchInterrupts();
    status = rerunCommand(*args);
  });
}

}  // namespace galley::cli
