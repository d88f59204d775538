#include "runtime/run.h"

#include <poll.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "compiler/ascii.h"
#include "compiler/compile.h"
#include "compiler/expr/template.h"
#include "compiler/expr/value.h"
#include "compiler/lint/lint.h"
#include "compiler/yaml.h"
#include "compiler/yaml_writer.h"
#include "runtime/approvals.h"
#include "runtime/azure/job.h"
#include "runtime/azure/target.h"
#include "runtime/concurrency.h"
#include "runtime/contexts.h"
#include "runtime/display.h"
#include "runtime/evaluate.h"
#include "runtime/files.h"
#include "runtime/job.h"
#include "runtime/lint_gate.h"
#include "runtime/masker.h"
#include "runtime/progress.h"
#include "runtime/scheduler.h"
#include "runtime/store.h"

namespace galley::run {

namespace fs = std::filesystem;

namespace {

struct Loaded {
  std::vector<std::unique_ptr<wf::Workflow>> workflows;
  std::deque<yaml::Node> roots;  // a deque: nodes never move
};

bool looksAzure(const std::string& path, const SourceFile& file) {
  std::string name = fs::path(path).filename().string();
  if (name.starts_with("azure-pipelines") || path.find(".azure-pipelines/") != std::string::npos)
    return true;
  const std::string& t = file.text();
  bool jobsAsMapping = t.find("\njobs:\n  ") != std::string::npos;
  return (t.starts_with("trigger:") || t.find("\nstages:") != std::string::npos ||
          t.find("\npool:") != std::string::npos || t.starts_with("stages:")) &&
         !jobsAsMapping;
}

const wf::Workflow* readOne(const std::string& path, Sources& sources, Loaded& keep,
                            Diagnostics& diags, std::string* err) {
  const SourceFile* file = sources.read(path, err);
  if (!file) return nullptr;
  auto root = yaml::load(*file, diags);
  if (!root || diags.hasErrors()) {
    *err = "";
    return nullptr;
  }
  keep.roots.push_back(std::move(*root));
  auto wf = std::make_unique<wf::Workflow>();
  if (!wf::readWorkflow(keep.roots.back(), *file, wf.get(), diags)) {
    *err = "";
    return nullptr;
  }
  keep.workflows.push_back(std::move(wf));
  return keep.workflows.back().get();
}

std::string displayPath(const std::string& path) {
  std::error_code ec;
  fs::path rel = fs::relative(path, fs::current_path(), ec);
  return ec || rel.empty() || rel.string().starts_with("..") ? path : rel.string();
}

// The repository's .galley.yml, when it has one: its lint settings apply to
// the lint before a run, and its `environments:` name the approvers of a
// GitHub workflow's environments. False (with positioned errors) when it
// is malformed.
bool readRepositoryConfig(const std::string& repoRoot, Sources& sources, lint::Config* config,
                          Diagnostics& diags) {
  std::error_code ec;
  std::string path = (fs::path(repoRoot) / ".galley.yml").string();
  if (!fs::is_regular_file(path, ec)) return true;
  std::string err;
  const SourceFile* file = sources.read(displayPath(path), &err);
  if (!file) {
    diags.error({}, "io", err);
    return false;
  }
  return lint::loadConfig(*file, config, diags);
}

}  // namespace

namespace {

// TARGET as a pipeline of the galley.yml in the working directory: run from
// the expanded pipeline, as compile would write it for GitHub.
bool resolvePipeline(const std::string& id, Sources& sources, Target* target, Diagnostics& diags,
                     bool* found) {
  *found = false;
  std::error_code ec;
  if (id.empty() || !fs::is_regular_file("galley.yml", ec)) return false;
  // galley.yml is read once when TARGET is one of its pipelines (--plan's
  // common case); only a failure asks whether TARGET was a pipeline at all,
  // or a workflow's name beside a galley.yml that is broken or lacks it.
  Diagnostics runDiags;
  auto run = pipelineRun("galley.yml", id, sources, runDiags);
  if (!run) {
    Diagnostics loadDiags;
    auto ids = pipelineIds("galley.yml", sources, loadDiags);
    if (!ids || std::find(ids->begin(), ids->end(), id) == ids->end()) return false;
  }
  *found = true;
  for (auto& d : runDiags.all())
    diags.add(std::move(d));
  if (!run) return false;
  auto keep = std::make_shared<Loaded>();
  target->keep = keep;
  keep->roots.push_back(yaml::asNode(run->workflow, Location{run->file, {1, 1}, {1, 1}}));
  auto wf = std::make_unique<wf::Workflow>();
  if (!wf::readWorkflow(keep->roots.back(), *run->file, wf.get(), diags)) return false;
  keep->workflows.push_back(std::move(wf));
  target->workflow = keep->workflows.back().get();
  target->pipeline = id;
  target->file = "galley.yml";
  target->relativeFile = ".github/workflows/" + id + ".yml";
  target->repoRoot = lint::repoRootOf(fs::absolute("galley.yml").string());
  for (const auto& [env, approvers] : run->approvals) {
    std::string all;
    for (const auto& a : approvers)
      all += (all.empty() ? "" : ", ") + a;
    target->approvals[env] = all;
  }
  return true;
}

}  // namespace

bool resolveTarget(const TargetOptions& options, Sources& sources, Target* target,
                   Diagnostics& diags) {
  std::error_code ec;
  std::string path;
  const std::string& t = options.target;
  bool isPipeline = false;
  if (resolvePipeline(t, sources, target, diags, &isPipeline)) return true;
  if (isPipeline) return false;
  std::string root = lint::repoRootOf((fs::current_path() / "x").string());
  if (!t.empty() && fs::is_regular_file(t, ec)) {
    path = t;
  } else if (!t.empty() && fs::exists(t, ec)) {
    diags.error({}, "usage", "'" + t + "' is not a regular file");
    target->usageError = true;
    return false;
  } else {
    fs::path dir = fs::path(root) / ".github" / "workflows";
    std::vector<std::string> names;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if (ext == ".yml" || ext == ".yaml") names.push_back(it->path().stem().string());
    }
    std::sort(names.begin(), names.end());
    if (t.empty()) {
      if (names.size() != 1) {
        diags.error({}, "usage",
                    names.empty() ? "no workflow to run: .github/workflows/ holds none"
                                  : "which workflow? name one: " + quoteList(names));
        target->usageError = true;
        return false;
      }
      path = (dir / (names[0] + ".yml")).string();
      if (!fs::exists(path, ec)) path = (dir / (names[0] + ".yaml")).string();
    } else {
      for (const char* ext : {".yml", ".yaml"})
        if (fs::is_regular_file(dir / (t + ext), ec)) path = (dir / (t + ext)).string();
      if (path.empty()) {
        diags.error({}, "usage",
                    "no workflow '" + t + "' in " + displayPath(dir.string()) +
                        (names.empty() ? "" : "; there are " + quoteList(names)),
                    didYouMean(t, names));
        target->usageError = true;
        return false;
      }
    }
  }
  path = displayPath(path);
  target->file = path;
  target->repoRoot = lint::repoRootOf(fs::absolute(path).string());
  target->relativeFile = fs::relative(fs::absolute(path), target->repoRoot, ec).string();

  auto keep = std::make_shared<Loaded>();
  target->keep = keep;
  std::string err;
  const SourceFile* file = sources.read(path, &err);
  if (!file) {
    diags.error({}, "io", err);
    target->usageError = true;
    return false;
  }
  lint::LintOptions lo;
  if (!readRepositoryConfig(target->repoRoot, sources, &lo.config, diags)) {
    target->usageError = true;
    return false;
  }
  for (const auto& [env, approvers] : lo.config.environments) {
    std::string all;
    for (const auto& a : approvers)
      all += (all.empty() ? "" : ", ") + a;
    if (!all.empty()) target->approvals[env] = all;
  }
  // A workflow or pipeline is linted before it runs: errors the service
  // would refuse or fail it for stop the run, the rest are warnings
  // (lint_gate.h).
  bool azure = looksAzure(path, *file);
  Diagnostics found;
  // With the repository, so that calls of local reusable workflows are
  // checked as GitHub checks them before a run (inputs, types, secrets).
  lint::DiskRepo repo(target->repoRoot, sources);
  lint::lintFile(*file, azure ? lint::FileKind::Azure : lint::FileKind::Workflow,
                 azure ? nullptr : &repo, lo, found);
  if (gateLintFindings(found, diags)) return false;
  if (azure) {
    azure::LoadOptions ao;
    ao.queue = options.variables;
    ao.parameters = options.parameters;
    ao.parametersFile = options.parametersFile;
    ao.repoRoot = target->repoRoot;
    target->azure = azure::loadPipeline(path, ao, sources, diags);
    if (!target->azure) return false;
    target->workflow = &target->azure->scheduled->workflow();
    return true;
  }

  const wf::Workflow* wf = readOne(path, sources, *keep, diags, &err);
  if (!wf) {
    if (!err.empty()) diags.error({}, "io", err);
    return false;
  }
  target->workflow = wf;
  return true;
}

void printPlan(std::ostream& out, const Plan& plan, const PlanOptions& options, bool json) {
  int waves = 0;
  for (const auto& pj : plan.jobs)
    waves = std::max(waves, pj.wave + 1);
  if (json) {
    out << planJson(plan, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
    return;
  }
  out << "plan: " << (plan.workflow->file ? plan.workflow->file->path() : "") << '\n';
  for (int w = 0; w < waves; ++w) {
    out << "wave " << w + 1 << ":\n";
    for (const auto& pj : plan.jobs) {
      if (pj.wave != w) continue;
      out << "  " << pj.job->id;
      if (!pj.job->needs.empty()) {
        out << " (needs";
        for (const auto& n : pj.job->needs)
          out << ' ' << n.value;
        out << ')';
      }
      if (!pj.selected) {
        out << ": skipped, not selected by --job\n";
        continue;
      }
      if (pj.job->callsWorkflow()) out << ": calls " << pj.job->uses.value;
      if (pj.dynamicMatrix) out << ": matrix resolved when the job is ready";
      if (pj.job->condition.value.size()) out << " [if: " << pj.job->condition.value << "]";
      std::string why;
      if (pj.job->runsOn && pj.job->runsOn->isScalar() &&
          !expr::hasExpression(pj.job->runsOn->value) &&
          !runsHere({pj.job->runsOn->value}, options, &why))
        out << ": skipped, " << why;
      out << '\n';
      for (const auto& leg : pj.legs)
        out << "    - " << legName(pj.job->id, leg) << '\n';
    }
  }
}

namespace {

// Turns each Ctrl-C (interruptFd readable, counted by interrupts) into the
// run's cancellation: graceful the first time, a kill the second. Returns
// once `over` is raised.
void watchInterrupts(int interruptFd, const std::atomic<int>& interrupts,
                     const proc::CancelToken& over, proc::CancelToken& cancel) {
  int overFd = over.waitFd(1);
  while (over.level() == 0) {
    pollfd p[2] = {{overFd, POLLIN, 0}, {interruptFd, POLLIN, 0}};
    // Without an eventfd, `over` is looked at every 100 ms.
    if (poll(p, 2, overFd < 0 ? 100 : -1) <= 0) continue;
    if (p[1].revents & (POLLHUP | POLLERR | POLLNVAL)) interruptFd = -1;
    if (!(p[1].revents & POLLIN)) continue;
    char buf[16];
    if (read(p[1].fd, buf, sizeof buf) <= 0) continue;
    int n = interrupts.load();
    cancel.cancel(n >= 2 ? 2 : 1);
    std::cerr << (n >= 2 ? "galley: killing the run\n"
                         : "galley: cancelling the run (Ctrl-C again to kill it)\n");
  }
}

// The workflow's `concurrency:` group, entered before any job starts (it
// may use github, inputs and vars). False when the run must not go on:
// *result says how it ends. The hold is kept in *hold until the run ends;
// a newer run with cancel-in-progress cancels this one through `cancel`.
bool enterRunGroup(const wf::Workflow& workflow, const SchedulerOptions& so,
                   const GroupRegistry& groups, proc::CancelToken& cancel, Reporter& events,
                   std::unique_ptr<GroupHold>* hold, Result* result) {
  std::map<std::string, expr::Value> parts;
  for (const char* name : {"github", "inputs", "vars"})
    if (auto it = so.contexts.find(name); it != so.contexts.end()) parts[name] = it->second;
  expr::EvalHost host;
  GroupClaim claim;
  EvalError e;
  auto annotate = [&events](const std::string& message, Location where) {
    events.annotation(annotationAt("error", message, where));
  };
  if (!evaluateClaim(*workflow.concurrency, makeContexts(parts), host, &claim, &e)) {
    annotate(e.message, e.where);
    *result = Result::Failure;
    return false;
  }
  claim.who = "run " + so.runId;
  std::string err;
  auto onWait = [&](const std::string& holder) {
    if (so.notice)
      so.notice("run " + so.runId + " waits for concurrency group '" + claim.group + "'" +
                (holder.empty() ? "" : ", held by " + holder));
  };
  auto onPreempted = [&cancel, &events, group = claim.group] {
    Annotation a;
    a.level = "error";
    a.message = preemptedMessage(group);
    events.annotation(a);
    cancel.cancel(1);
  };
  switch (groups.enter(claim, &cancel, onWait, onPreempted, hold, &err)) {
    case GroupEntry::Held:
      return true;
    case GroupEntry::Replaced:
      annotate(preemptedMessage(claim.group), workflow.concurrency->where);
      *result = Result::Cancelled;
      return false;
    case GroupEntry::Cancelled:
      *result = Result::Cancelled;
      return false;
    case GroupEntry::Failed:
      annotate(err, workflow.concurrency->where);
      *result = Result::Failure;
      return false;
  }
  return false;
}

// A workflow_dispatch payload carries the inputs too, as strings
// (github.event.inputs), unless the event file gave its own.
expr::Value withDispatchInputs(const expr::Value& payload, const expr::Value& inputs) {
  if (payload.kind() == expr::Kind::Object && payload.asObject().find("inputs")) return payload;
  expr::Object given;
  if (inputs.kind() == expr::Kind::Object)
    for (const auto& [k, v] : inputs.asObject().entries())
      given.add(k, expr::Value::string(asText(v)));
  expr::Object o;
  o.add("inputs", expr::Value::object(std::move(given)));
  if (payload.kind() == expr::Kind::Object)
    for (const auto& [k, v] : payload.asObject().entries())
      o.add(k, v);
  return expr::Value::object(std::move(o));
}

}  // namespace

namespace {

// Step debug logging, as the runner reads it: ACTIONS_STEP_DEBUG true (in
// any case) as a secret or a variable, or here in the environment.
bool stepDebug(const std::vector<std::pair<std::string, std::string>>& vars,
               const std::vector<std::pair<std::string, std::string>>& secrets) {
  auto isTrue = [](std::string_view v) { return equalsIgnoreCase(v, "true"); };
  const char* env = std::getenv("ACTIONS_STEP_DEBUG");
  if (env && isTrue(env)) return true;
  for (const auto* list : {&vars, &secrets})
    for (const auto& [k, v] : *list)
      if (k == "ACTIONS_STEP_DEBUG" && isTrue(v)) return true;
  return false;
}

}  // namespace

int execute(const Target& target, const Plan& plan, const PlanOptions& popts,
            const std::string& event, const std::string& eventFile, const expr::Value& inputs,
            const std::vector<std::pair<std::string, std::string>>& vars,
            const std::vector<std::pair<std::string, std::string>>& secrets, int parallel,
            const std::string& approve, const std::string& output, bool inPlace, bool verbose,
            std::atomic<int>& interrupts, int interruptFd, const nlohmann::json& invocation,
            const std::string& reuseFrom) {
  std::string err;
  RunInfo info{"", "", target.file, event};
  info.workflow = target.workflow->name && target.workflow->name->isScalar()
                      ? target.workflow->name->value
                      : target.relativeFile;
  ignoreGalleyDir(target.repoRoot);
  std::unique_ptr<RunStore> store = newRun(runsRoot(target.repoRoot), info, &err);
  if (!store) {
    std::cerr << "galley: error: " << err << '\n';
    return 2;
  }
  std::string runId = store->id();
  std::string runDir = store->dir();
  info.id = runId;
  if (!invocation.is_null() && !store->writeInputs(invocation, &err))
    std::cerr << "galley: warning: " << err << '\n';
  if (!store->writePlan(planJson(plan, popts, false), &err))
    std::cerr << "galley: warning: " << err << '\n';
  RunFacts facts;
  facts.repoRoot = target.repoRoot;
  facts.event = event;
  facts.runId = runId;
  facts.workflowFile = target.relativeFile;
  facts.workflowName = info.workflow;
  facts.eventPath = runDir + "/event.json";
  if (!eventFile.empty()) {
    std::string payload;
    if (!readWholeFile(eventFile, &payload, &err)) {
      std::cerr << "galley: error: --event-file: " << printable(err) << '\n';
      return 2;
    }
    if (!expr::parseJson(payload, &facts.payload, &err)) {
      std::cerr << "galley: error: --event-file " << printable(eventFile) << ": " << err << '\n';
      return 2;
    }
  }
  if (event == "workflow_dispatch") facts.payload = withDispatchInputs(facts.payload, inputs);
  std::ofstream(facts.eventPath) << (facts.payload.isNull() ? "{}" : expr::toJson(facts.payload))
                                 << '\n';
  GitFacts git = gitFacts(target.repoRoot);
  SchedulerOptions so;
  so.parallel = parallel;
  so.plan = popts;
  so.contexts["github"] = githubContext(facts, git);
  expr::Object varsObj, secretsObj;
  for (const auto& [k, v] : vars)
    varsObj.add(k, expr::Value::string(v));
  for (const auto& [k, v] : secrets)
    secretsObj.add(k, expr::Value::string(v));
  secretsObj.add("GITHUB_TOKEN", expr::Value::string(""));
  so.contexts["vars"] = expr::Value::object(std::move(varsObj));
  so.contexts["secrets"] = expr::Value::object(std::move(secretsObj));
  so.contexts["inputs"] = inputs;
  so.secrets = secrets;
  if (!reuseFrom.empty()) {
    StoredRun earlier;
    if (!loadRun(runsRoot(target.repoRoot), reuseFrom, &earlier, &err)) {
      std::cerr << "galley: error: " << err << '\n';
      return 2;
    }
    for (const auto& [key, job] : earlier.completedJobs())
      if (job->result.result == Result::Success) so.reuse[key] = job->result;
    // What the reused jobs uploaded is there for the jobs that run again.
    std::error_code ec;
    if (fs::is_directory(earlier.artifactsDir(), ec))
      fs::copy(earlier.artifactsDir(), store->artifactsDir(),
               fs::copy_options::recursive | fs::copy_options::skip_existing, ec);
  }
  auto sources = std::make_shared<Sources>();
  auto called = std::make_shared<Loaded>();
  auto loadMu = std::make_shared<std::mutex>();
  std::string repoRoot = target.repoRoot;
  so.loadWorkflow = [=](const std::string& uses, Location,
                        std::string* err) -> const wf::Workflow* {
    std::lock_guard lock(*loadMu);
    // Named as the top workflow is, relative to the working directory.
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    fs::path full = (fs::path(repoRoot) / uses).lexically_normal();
    std::string path = (ec ? full : full.lexically_proximate(cwd)).string();
    Diagnostics d;
    const wf::Workflow* wf = readOne(path, *sources, *called, d, err);
    if (!wf && err->empty()) *err = d.all().empty() ? "cannot read " + uses : d.all()[0].message;
    return wf;
  };

  Masker masker;
  for (const auto& [k, v] : secrets)
    masker.addSecret(v);
  RunEvents events;
  ViewMode mode = output == "json" ? ViewMode::Json : ViewMode::Auto;
  std::unique_ptr<Reporter> view = makeView(mode, std::cout, STDOUT_FILENO);
  events.add(store.get());
  events.add(view.get());
  std::unique_ptr<Approver> asker;
  if (approve == "auto") {
    asker = std::make_unique<AutoApprover>();
  } else if (approve == "prompt") {
    auto p = PromptApprover::onTerminal(&err);
    if (!p) {
      std::cerr << "galley: error: --approve prompt: " << err << '\n';
      return 2;
    }
    asker = std::move(p);
  } else {
    asker = std::make_unique<WaitApprover>(runId, store->approvalsDir(), &std::cerr);
  }
  OncePerEnvironment approver(*asker);
  HostOptions ho;
  ho.repoRoot = target.repoRoot;
  ho.inPlace = inPlace;
  ho.runDir = runDir;
  ho.artifactsDir = store->artifactsDir();
  ho.cacheDir = cacheDir(target.repoRoot);
  ho.approver = &approver;
  ho.runId = runId;
  ho.actionDirs = popts.actionDirs;
  ho.approvals = target.approvals;
  ho.debug = verbose || stepDebug(vars, secrets);
  std::error_code ec;
  fs::create_directories(ho.artifactsDir, ec);
  std::unique_ptr<JobRunner> runner;
  if (target.azure) {
    so.gate = target.azure->scheduled->gate(vars);
    runner =
        std::make_unique<azure::AzureRunner>(ho, *target.azure->scheduled, vars, events, masker);
  } else {
    runner = std::make_unique<HostRunner>(ho, events, masker);
  }
  GroupRegistry groups(runsRoot(target.repoRoot) + "/.concurrency");
  so.groups = &groups;
  so.runId = runId;
  so.notice = [](const std::string& text) { std::cerr << "galley: " << text << '\n'; };

  proc::CancelToken cancel;
  // Raised when the run is over, so that the watcher ends at once: a poll
  // timeout here used to add up to 100 ms (50 on average) to every run.
  proc::CancelToken over;
  std::thread watcher([&] { watchInterrupts(interruptFd, interrupts, over, cancel); });
  events.runStarted(info);
  RunResult rr;
  rr.started = Clock::now();
  WorkflowResult wr;
  std::unique_ptr<GroupHold> runHold;
  if (!target.workflow->concurrency ||
      enterRunGroup(*target.workflow, so, groups, cancel, events, &runHold, &wr.result))
    wr = runPlan(plan, so, *runner, events, cancel);
  runHold.reset();
  rr.finished = Clock::now();
  rr.result = wr.result;
  rr.withIssues =
      wr.result == Result::Success && target.azure && target.azure->scheduled->anyWithIssues();
  rr.interrupted = interrupts.load() > 0;
  events.runFinished(info, rr);
  over.cancel(1);
  watcher.join();
  view.reset();
  if (rr.interrupted) return 130;
  return wr.result == Result::Success ? 0 : 1;
}

}  // namespace galley::run
