#include "runtime/job.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "compiler/ascii.h"
#include "compiler/expr/template.h"
#include "runtime/actions.h"
#include "runtime/annotation_limits.h"
#include "runtime/approvals.h"
#include "runtime/commands.h"
#include "runtime/evaluate.h"
#include "runtime/shell.h"

extern char** environ;

namespace galley::run {

namespace fs = std::filesystem;

namespace {

expr::Value str(const std::string& s) {
  return expr::Value::string(s);
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string uniqueName() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)rng(), (unsigned long long)rng());
  return buf;
}

std::string firstLine(std::string_view s) {
  size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  s = s.substr(start);
  return std::string(s.substr(0, s.find('\n')));
}

class StepHost final : public expr::EvalHost {
 public:
  StepHost(expr::JobStatus s, std::string workspace) : s_(s), workspace_(std::move(workspace)) {}
  expr::JobStatus status() const override { return s_; }
  bool hashFiles(std::span<const std::string> patterns, std::string* hash,
                 std::string* err) override {
    return hashWorkspaceFiles(workspace_, patterns, hash, err);
  }

 private:
  expr::JobStatus s_;
  std::string workspace_;
};

}  // namespace

// One job instance from its first step to its last post step.
class JobExecution final : public JobApi {
 public:
  // selfDir: where the run's link to this galley is ("": none).
  JobExecution(const HostOptions& options, Reporter& events, Masker& masker, const JobRun& jr,
               std::string selfDir)
      : o_(options),
        events_(events),
        masker_(masker),
        jr_(jr),
        job_(*jr.job),
        selfDir_(std::move(selfDir)) {}

  JobResult run() {
    result_.started = Clock::now();
    if (!setUp()) return finish(Result::Failure);
    if (!approve()) return finish(result_.result);
    if (!evaluateJobEnv() || !readJobTimeout()) return finish(Result::Failure);
    size_t index = 0;
    for (const wf::Step& step : job_.steps)
      runStep(step, index++);
    // Post steps, last registered first.
    for (auto it = posts_.rbegin(); it != posts_.rend(); ++it)
      runPost(*it, index++);
    evaluateOutputs();
    Result r = failed_ ? Result::Failure : cancelled() ? Result::Cancelled : Result::Success;
    return finish(r);
  }

 private:
  bool cancelled() const { return (jr_.cancel && jr_.cancel->level() > 0) || jobTimedOut_; }

  // The job's time left under its timeout-minutes (GitHub's default: 360).
  std::chrono::milliseconds jobTimeLeft() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(jobDeadline_ - Clock::now());
    return std::max(left, std::chrono::milliseconds(1));
  }

  bool readJobTimeout() {
    double minutes = 360;
    if (job_.timeoutMinutes) {
      StepHost host(status(), workspace_);
      expr::Value v;
      EvalError err;
      if (!evaluate(*job_.timeoutMinutes, contexts(), host, &v, &err)) {
        annotate("error", err.message, err.where, "");
        result_.reason = err.message;
        return false;
      }
      minutes = expr::toNumber(v);
      if (!(minutes > 0)) minutes = 360;
    }
    jobMinutes_ = minutes;
    jobDeadline_ = Clock::now() + std::chrono::milliseconds(long(minutes * 60000));
    return true;
  }

  expr::JobStatus status() const {
    if (cancelled()) return expr::JobStatus::Cancelled;
    return failed_ ? expr::JobStatus::Failure : expr::JobStatus::Success;
  }

  // Annotations within GitHub's limits are reported; the rest are counted,
  // and said at the job's end.
  void report(const Annotation& a) {
    if (limits_.admit(a)) events_.annotation(a);
  }

  JobResult finish(Result r) {
    if (limits_.dropped() > 0) {
      Annotation a;
      a.level = "warning";
      a.message = limits_.droppedMessage();
      a.job = jr_.info.key;
      events_.annotation(a);
    }
    result_.result = r;
    result_.finished = Clock::now();
    std::error_code ec;
    if (!temp_.empty()) fs::remove_all(temp_, ec);
    return result_;
  }

  void note(Stream stream, const std::string& text, const StepInfo* step = nullptr) {
    StepInfo none;
    none.id = "";
    none.name = "Set up job";
    events_.stepLog(jr_.info, step ? *step : none, {Clock::now(), stream, masker_.mask(text)});
  }

  void annotate(const std::string& level, const std::string& message, Location where,
                const std::string& stepId) {
    Annotation a = annotationAt(level, masker_.mask(message), where);
    a.job = jr_.info.key;
    a.step = stepId;
    report(a);
  }

  bool setUp() {
    std::error_code ec;
    std::string jobDir = o_.runDir + "/jobs/" + jr_.info.key;
    temp_ = jobDir + "/temp";
    fs::create_directories(temp_ + "/_runner_file_commands", ec);
    if (ec) {
      result_.reason = "cannot create " + temp_ + ": " + ec.message();
      annotate("error", result_.reason, job_.where, "");
      return false;
    }
    if (o_.inPlace) {
      workspace_ = o_.repoRoot;
    } else {
      workspace_ = jobDir + "/workspace";
      fs::create_directories(workspace_, ec);
    }
    // The environment every step starts from: galley's own, less what a
    // real runner would not pass on, plus the runner's variables.
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(kv.substr(0, eq));
      if (key.starts_with("GITHUB_") || key.starts_with("RUNNER_") || key == "CI" ||
          key.starts_with("INPUT_") || key.starts_with("STATE_"))
        continue;
      baseEnv_.emplace_back(key, std::string(kv.substr(eq + 1)));
    }
    path_ = getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin";
    if (!selfDir_.empty()) path_ = selfDir_ + ":" + path_;
    return true;
  }

  // A job bound to an environment with approvers waits for its decision.
  bool approve() {
    if (!job_.environment) return true;
    std::string env;
    EvalError err;
    StepHost host(status(), workspace_);
    expr::Value v;
    if (!evaluate(*job_.environment, contexts(), host, &v, &err)) {
      annotate("error", err.message, err.where, "");
      result_.result = Result::Failure;
      result_.reason = err.message;
      return false;
    }
    if (v.kind() == expr::Kind::Object) {
      if (const expr::Value* n = v.asObject().find("name")) env = asText(*n);
    } else {
      env = asText(v);
    }
    environment_ = env;
    auto it = o_.approvals.find(env);
    if (env.empty() || it == o_.approvals.end()) return true;
    if (!o_.approver) {
      result_.result = Result::Failure;
      result_.reason = "environment '" + env + "' needs an approval and no approver is set";
      annotate("error", result_.reason, job_.environment->where, "");
      return false;
    }
    Approval a;
    a.environment = env;
    a.job = jr_.info.key;
    a.approvers = it->second;
    if (!awaitApproval(*o_.approver, a, jr_.cancel, events_)) {
      result_.result = Result::Cancelled;
      result_.reason = "cancelled while waiting for an approval of '" + env + "'";
      return false;
    }
    if (!a.approved) {
      result_.result = Result::Failure;
      result_.reason = "environment '" + env + "' was rejected by " + a.by +
                       (a.comment.empty() ? "" : ": " + a.comment);
      annotate("error", result_.reason, job_.environment->where, "");
      return false;
    }
    return true;
  }

  expr::Value envContext(const std::vector<std::pair<std::string, std::string>>& extra = {}) const {
    expr::Object o;
    // Later layers win: add them first, since Object keeps the first key.
    for (auto it = extra.rbegin(); it != extra.rend(); ++it)
      o.add(it->first, str(it->second));
    for (auto it = jobEnv_.rbegin(); it != jobEnv_.rend(); ++it)
      o.add(it->first, str(it->second));
    return expr::Value::object(std::move(o));
  }

  expr::Value contexts(const std::vector<std::pair<std::string, std::string>>& stepEnv = {}) const {
    std::map<std::string, expr::Value> ctx = jr_.contexts;
    // github.workspace is the job's workspace, as GITHUB_WORKSPACE is.
    auto gh = ctx.find("github");
    if (gh != ctx.end() && gh->second.kind() == expr::Kind::Object) {
      expr::Object o;
      o.add("workspace", str(workspace_));
      o.add("job", str(job_.id));
      o.add("action", str(action_));
      for (const auto& [k, v] : gh->second.asObject().entries())
        o.add(k, v);
      gh->second = expr::Value::object(std::move(o));
    }
    ctx["env"] = envContext(stepEnv);
    ctx["steps"] = run::stepsContext(steps_);
    expr::Object job;
    job.add("status", str(cancelled() ? "cancelled" : failed_ ? "failure" : "success"));
    job.add("container", expr::Value::object({}));
    job.add("services", expr::Value::object({}));
    ctx["job"] = expr::Value::object(std::move(job));
    expr::Object runner;
    runner.add("name", str("galley"));
#ifdef __APPLE__
    runner.add("os", str("macOS"));
#else
    runner.add("os", str("Linux"));
#endif
    runner.add("arch", str(sizeof(void*) == 8 ? "X64" : "X86"));
    runner.add("temp", str(temp_));
    runner.add("tool_cache", str(o_.cacheDir + "/tools"));
    runner.add("debug", str(o_.debug ? "1" : ""));
    runner.add("environment", str("self-hosted"));
    ctx["runner"] = expr::Value::object(std::move(runner));
    return makeContexts(ctx);
  }

  // Workflow env, then job env, each evaluated with what came before.
  bool evaluateJobEnv() {
    StepHost host(status(), workspace_);
    EvalError err;
    for (const std::optional<wf::Template>* layer : {&jr_.workflow->env, &job_.env}) {
      if (!*layer) continue;
      std::vector<std::pair<std::string, std::string>> vars;
      if (!evaluateMap(**layer, contexts(), host, &vars, &err)) {
        annotate("error", err.message, err.where, "");
        result_.reason = err.message;
        return false;
      }
      for (auto& kv : vars)
        setEnv(jobEnv_, kv.first, kv.second);
    }
    return true;
  }

  static bool hasEnv(const std::vector<std::pair<std::string, std::string>>& env,
                     const std::string& k) {
    for (const auto& kv : env)
      if (kv.first == k) return true;
    return false;
  }

  static void setEnv(std::vector<std::pair<std::string, std::string>>& env, const std::string& k,
                     const std::string& v) {
    for (auto& kv : env)
      if (kv.first == k) {
        kv.second = v;
        return;
      }
    env.emplace_back(k, v);
  }

  // defaults.run.<key> from the job, else the workflow.
  const wf::Template* runDefault(std::string_view key) const {
    for (const std::optional<wf::Template>* d : {&job_.defaults, &jr_.workflow->defaults}) {
      if (!*d || !(*d)->isMapping()) continue;
      const yaml::Node* run = (*d)->find("run");
      if (run && run->isMapping())
        if (const yaml::Node* v = run->find(key)) return v;
    }
    return nullptr;
  }

  std::string stepName(const wf::Step& step) const {
    if (step.name) {
      StepHost host(status(), workspace_);
      std::string name;
      EvalError err;
      if (evaluateString(*step.name, contexts(), host, &name, &err)) return name;
    }
    if (step.run) return "Run " + firstLine(step.run->value);
    return "Run " + step.uses.value;
  }

  // What is left of a cancelled job (always() and post steps) gets
  // cancel-timeout-minutes (default 5), from when the cancel was seen.
  void startCancelTimeout(StepHost& host) {
    cancelSeen_ = true;
    double cancelMinutes = 5;
    if (job_.cancelTimeoutMinutes) {
      expr::Value v;
      EvalError e;
      if (evaluate(*job_.cancelTimeoutMinutes, contexts(), host, &v, &e) && expr::toNumber(v) > 0)
        cancelMinutes = expr::toNumber(v);
    }
    jobDeadline_ = Clock::now() + std::chrono::milliseconds(long(cancelMinutes * 60000));
  }

  void runStep(const wf::Step& step, size_t index) {
    StepInfo info{index, step.id, masker_.mask(stepName(step)), step.where};
    StepOutcome& record = steps_[step.id];
    StepResult r;
    r.started = Clock::now();
    events_.stepStarted(jr_.info, info);

    // github.action: the step's id (`__run`, `__run_2`, ... when it has none).
    action_ = step.id;
    StepHost host(status(), workspace_);
    // As the runner does (StepsRunner): only the step running at the cancel
    // is cancelled; later steps are evaluated with the job cancelled.
    if (cancelled() && !cancelSeen_) startCancelTimeout(host);
    bool go = false;
    EvalError err;
    if (!evaluateCondition(step.condition, contexts(), host, &go, &err)) {
      annotate("error", err.message, err.where, step.id);
      failed_ = true;
      return endStep(info, record, r, Result::Failure, false);
    }
    if (!go) {
      r.skipReason = cancelled() ? "the job was cancelled"
                     : failed_   ? "an earlier step failed"
                                 : "its if: condition is false";
      return endStep(info, record, r, Result::Skipped, false);
    }
    bool continueOnError = false;
    if (step.continueOnError) {
      expr::Value v;
      if (!evaluate(*step.continueOnError, contexts(), host, &v, &err)) {
        annotate("error", err.message, err.where, step.id);
        failed_ = true;
        return endStep(info, record, r, Result::Failure, false);
      }
      continueOnError = expr::truthy(v);
    }
    std::vector<std::pair<std::string, std::string>> stepEnv;
    if (step.env && !evaluateMap(*step.env, contexts(), host, &stepEnv, &err)) {
      annotate("error", err.message, err.where, step.id);
      return endStep(info, record, r, Result::Failure, continueOnError);
    }
    std::chrono::milliseconds timeout{};
    if (step.timeoutMinutes) {
      expr::Value v;
      if (!evaluate(*step.timeoutMinutes, contexts(stepEnv), host, &v, &err)) {
        annotate("error", err.message, err.where, step.id);
        return endStep(info, record, r, Result::Failure, continueOnError);
      }
      // The runner reads whole minutes: 1.9 is 1, and 0.5 is 0, no timeout.
      double minutes = expr::toNumber(v);
      if (minutes >= 1) timeout = std::chrono::minutes(long(minutes));
    }

    // The job's own timeout bounds every step; when it is the one that
    // expires, the job is cancelled as GitHub cancels it.
    bool jobBound = timeout.count() == 0 || jobTimeLeft() < timeout;
    if (jobBound) timeout = jobTimeLeft();
    Result outcome;
    if (step.run) {
      outcome = runScript(step, info, stepEnv, timeout, record, host, !jobBound);
    } else {
      outcome = runAction(step, info, stepEnv, timeout, record);
    }
    if (jobBound && Clock::now() >= jobDeadline_ && !jobTimedOut_ && !cancelSeen_) {
      jobTimedOut_ = true;
      startCancelTimeout(host);
      outcome = Result::Cancelled;
      std::ostringstream m;
      m << "The job has exceeded the maximum execution time of " << jobMinutes_ << " minutes.";
      annotate("error", m.str(), job_.where, "");
      result_.reason = m.str();
    }
    if (outcome == Result::Failure && !continueOnError) failed_ = true;
    endStep(info, record, r, outcome, continueOnError);
  }

  void endStep(const StepInfo& info, StepOutcome& record, StepResult& r, Result outcome,
               bool continueOnError) {
    r.outcome = outcome;
    r.conclusion = outcome == Result::Failure && continueOnError ? Result::Success : outcome;
    if (outcome == Result::Failure && !continueOnError) failed_ = true;
    record.outcome = r.outcome;
    record.conclusion = r.conclusion;
    // Outputs stay whole for later expressions; what is reported is masked.
    for (const auto& [k, v] : record.outputs)
      r.outputs[k] = masker_.mask(v);
    r.exitCode = record.exitCode;
    r.finished = Clock::now();
    events_.stepFinished(jr_.info, info, r);
  }

  // The environment a step's process gets.
  std::vector<std::string> processEnv(
      const std::vector<std::pair<std::string, std::string>>& stepEnv, const StepFiles& files,
      const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::pair<std::string, std::string>> env = baseEnv_;
    auto set = [&](const std::string& k, const std::string& v) { setEnv(env, k, v); };
    std::string p;
    for (auto it = pathPrepends_.rbegin(); it != pathPrepends_.rend(); ++it)
      p += *it + ":";
    set("PATH", p + path_);
    for (const auto& [k, v] : jobEnv_)
      set(k, v);
    for (const auto& [k, v] : stepEnv)
      set(k, v);
    for (const auto& [k, v] : extra)
      set(k, v);
    // The runner's own variables cannot be overridden by the workflow.
    set("CI", "true");
    set("GITHUB_ACTIONS", "true");
    set("GITHUB_WORKSPACE", workspace_);
    set("GITHUB_JOB", job_.id);
    if (!hasEnv(extra, "GITHUB_ACTION")) set("GITHUB_ACTION", action_);
    set("GITHUB_ENV", files.env);
    set("GITHUB_OUTPUT", files.output);
    set("GITHUB_PATH", files.path);
    set("GITHUB_STATE", files.state);
    set("GITHUB_STEP_SUMMARY", files.summary);
    set("RUNNER_TEMP", temp_);
    set("RUNNER_OS", "Linux");
    set("RUNNER_ARCH", "X64");
    set("RUNNER_NAME", "galley");
    set("RUNNER_ENVIRONMENT", "self-hosted");
    set("RUNNER_TOOL_CACHE", o_.cacheDir + "/tools");
    set("RUNNER_WORKSPACE", fs::path(workspace_).parent_path().string());
    if (o_.debug) set("RUNNER_DEBUG", "1");
    const expr::Value& github = jr_.contexts.at("github");
    if (github.kind() == expr::Kind::Object) {
      static const std::pair<const char*, const char*> vars[] = {
          {"GITHUB_ACTOR", "actor"},
          {"GITHUB_EVENT_NAME", "event_name"},
          {"GITHUB_EVENT_PATH", "event_path"},
          {"GITHUB_REF", "ref"},
          {"GITHUB_REF_NAME", "ref_name"},
          {"GITHUB_REF_TYPE", "ref_type"},
          {"GITHUB_REPOSITORY", "repository"},
          {"GITHUB_REPOSITORY_OWNER", "repository_owner"},
          {"GITHUB_RUN_ID", "run_id"},
          {"GITHUB_RUN_NUMBER", "run_number"},
          {"GITHUB_RUN_ATTEMPT", "run_attempt"},
          {"GITHUB_SHA", "sha"},
          {"GITHUB_WORKFLOW", "workflow"},
          {"GITHUB_SERVER_URL", "server_url"},
          {"GITHUB_API_URL", "api_url"},
          {"GITHUB_GRAPHQL_URL", "graphql_url"},
          {"GITHUB_BASE_REF", "base_ref"},
          {"GITHUB_HEAD_REF", "head_ref"},
          {"GITHUB_TRIGGERING_ACTOR", "triggering_actor"},
          {"GITHUB_WORKFLOW_REF", "workflow_ref"},
      };
      for (const auto& [var, key] : vars)
        if (const expr::Value* v = github.asObject().find(key)) set(var, asText(*v));
    }
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env)
      out.push_back(k + "=" + v);
    return out;
  }

  StepFiles newFiles() {
    StepFiles f;
    std::string dir = temp_ + "/_runner_file_commands/";
    std::string id = uniqueName();
    f.env = dir + "set_env_" + id;
    f.output = dir + "set_output_" + id;
    f.path = dir + "add_path_" + id;
    f.state = dir + "save_state_" + id;
    f.summary = dir + "step_summary_" + id;
    for (const std::string* p : {&f.env, &f.output, &f.path, &f.state, &f.summary})
      std::ofstream(*p, std::ios::binary);
    return f;
  }

  std::string workingDirectory(const wf::Step& step, expr::EvalHost& host,
                               const std::vector<std::pair<std::string, std::string>>& stepEnv,
                               std::string* err) {
    const wf::Template* wd =
        step.workingDirectory ? &*step.workingDirectory : runDefault("working-directory");
    if (!wd) return workspace_;
    std::string dir;
    EvalError e;
    if (!evaluateString(*wd, contexts(stepEnv), host, &dir, &e)) {
      *err = e.message;
      return "";
    }
    return fs::path(workspace_) / dir;
  }

  Result runScript(const wf::Step& step, const StepInfo& info,
                   const std::vector<std::pair<std::string, std::string>>& stepEnv,
                   std::chrono::milliseconds timeout, StepOutcome& record, expr::EvalHost& host,
                   bool stepTimeout) {
    EvalError err;
    std::string script;
    if (!evaluateString(*step.run, contexts(stepEnv), host, &script, &err)) {
      annotate("error", err.message, err.where, step.id);
      return Result::Failure;
    }
    std::string shellName;
    const wf::Template* shellT = step.shell ? &*step.shell : runDefault("shell");
    if (shellT && !evaluateString(*shellT, contexts(stepEnv), host, &shellName, &err)) {
      annotate("error", err.message, err.where, step.id);
      return Result::Failure;
    }
    ShellCommand shell;
    std::string why;
    std::string path = currentPath();
    if (!githubShell(shellName, path, &shell, &why)) {
      annotate("error", why, shellT ? shellT->where : step.where, step.id);
      return Result::Failure;
    }
    std::string wdErr;
    std::string cwd = workingDirectory(step, host, stepEnv, &wdErr);
    if (!wdErr.empty()) {
      annotate("error", wdErr, step.where, step.id);
      return Result::Failure;
    }
    std::error_code ec;
    if (!fs::is_directory(cwd, ec)) {
      annotate("error", "working-directory '" + cwd + "' does not exist", step.where, step.id);
      return Result::Failure;
    }
    std::string file = temp_ + "/" + uniqueName() + shell.extension;
    {
      std::ofstream out(file, std::ios::binary);
      out << shell.prologue << script << shell.epilogue;
    }
    proc::Spec spec;
    spec.argv = shellArgv(shell, file);
    spec.cwd = cwd;
    StepFiles files = newFiles();
    spec.env = processEnv(stepEnv, files, {});
    std::string shown;
    for (const auto& a : shell.argv)
      shown += (shown.empty() ? "" : " ") + a;
    note(Stream::Galley, "shell: " + shown, &info);
    Result outcome = execute(spec, info, timeout, record, step.id, stepName(step), stepTimeout);
    std::remove(file.c_str());
    if (!applyFiles(files, info, record, step.id, {})) outcome = Result::Failure;
    return outcome;
  }

  std::string currentPath() const {
    std::string p;
    for (auto it = pathPrepends_.rbegin(); it != pathPrepends_.rend(); ++it)
      p += *it + ":";
    return p + path_;
  }

 public:
  // Runs a process for a step, streaming its masked lines and acting on
  // workflow commands. Used for run: steps and for actions' processes.
  Result execute(const proc::Spec& spec, const StepInfo& info, std::chrono::milliseconds timeout,
                 StepOutcome& record, const std::string& stepId, const std::string& name) override {
    return execute(spec, info, timeout, record, stepId, name, true);
  }

  // stepTimeout: the timeout is the step's own (else the job's, reported
  // by the caller).
  Result execute(const proc::Spec& spec, const StepInfo& info, std::chrono::milliseconds timeout,
                 StepOutcome& record, const std::string& stepId, const std::string& name,
                 bool stepTimeout) {
    CommandReader reader(false, o_.debug);
    proc::LineSplitter lines(proc::LineSplitter::kMaxLine, mayBeWorkflowCommand);
    bool commandFailed = false;
    auto onLine = [&](proc::Stream s, std::string_view line) {
      auto cmd = reader.feed(line);
      if (auto token = reader.takeMaskToken()) masker_.addValue(*token);
      if (cmd && (cmd->name == "add-mask")) {
        masker_.addValue(cmd->data);
        masker_.addSecretLines(cmd->data);
      }
      if (!reader.error().empty()) {
        commandFailed = true;
        annotate("error", reader.error(), info.where, stepId);
      }
      if (const auto& text = reader.logText())
        events_.stepLog(jr_.info, info,
                        {Clock::now(), s == proc::Stream::Err ? Stream::Err : Stream::Out,
                         masker_.mask(*text)});
      if (cmd && !command(*cmd, info, record, stepId)) commandFailed = true;
    };
    // A process started after a graceful cancel (an always() step) runs on;
    // a forced cancel or the cancel timeout ends it.
    proc::Spec started = spec;
    if (cancelled()) started.cancelFrom = 2;
    proc::Result pr = proc::run(
        started, [&](proc::Stream s, std::string_view chunk) { lines.feed(s, chunk, onLine); },
        timeout, jr_.cancel, o_.timing);
    lines.flush(onLine);
    record.exitCode = pr.exitCode;
    if (!pr.started) {
      annotate("error", pr.error, info.where, stepId);
      return Result::Failure;
    }
    if (pr.timedOut && !stepTimeout) return Result::Cancelled;
    if (pr.timedOut) {
      long minutes = long(timeout.count() / 60000);
      annotate("error",
               "The action '" + name + "' has timed out after " + std::to_string(minutes) +
                   (minutes == 1 ? " minute." : " minutes."),
               info.where, stepId);
      return Result::Failure;
    }
    if (pr.cancelled) {
      note(Stream::Galley, "The operation was canceled.", &info);
      return Result::Cancelled;
    }
    if (pr.exitCode != 0) {
      annotate("error", "Process completed with exit code " + std::to_string(pr.exitCode) + ".",
               info.where, stepId);
      return Result::Failure;
    }
    return commandFailed ? Result::Failure : Result::Success;
  }

 private:
  // False when the command fails the step (the runner's CommandResult
  // Failed, merged into the step's result).
  bool command(const WorkflowCommand& c, const StepInfo& info, StepOutcome& record,
               const std::string& stepId) {
    const std::string& n = c.name;
    if (n == "error" || n == "warning" || n == "notice") {
      Annotation a;
      a.level = n;
      a.message = masker_.mask(c.data);
      auto num = [&](const char* key) -> uint32_t {
        const std::string* v = c.property(key);
        return v ? uint32_t(std::strtoul(v->c_str(), nullptr, 10)) : 0;
      };
      if (const std::string* f = c.property("file")) a.file = masker_.mask(*f);
      if (const std::string* t = c.property("title")) a.title = masker_.mask(*t);
      a.line = num("line");
      a.endLine = num("endLine");
      a.column = a.line ? num("col") : 0;
      a.endColumn = a.line ? num("endColumn") : 0;
      a.job = jr_.info.key;
      a.step = stepId;
      report(a);
      std::string label = n == "error" ? "Error" : n == "warning" ? "Warning" : "Notice";
      note(Stream::Galley, label + ": " + c.data, &info);
    } else if (n == "debug") {
      if (o_.debug) note(Stream::Galley, "##[debug]" + c.data, &info);
    } else if (n == "group") {
      note(Stream::Galley, "##[group]" + c.data, &info);
    } else if (n == "endgroup") {
      note(Stream::Galley, "##[endgroup]", &info);
    } else if (n == "set-output") {
      if (const std::string* name = c.property("name")) record.outputs[*name] = c.data;
      annotate("warning",
               "The `set-output` command is deprecated and will be disabled soon. Please upgrade "
               "to using Environment Files.",
               info.where, stepId);
    } else if (n == "save-state") {
      if (const std::string* name = c.property("name")) state_[*name] = c.data;
    } else if (n == "set-env" || n == "add-path") {
      bool allowed = false;
      for (const auto& [k, v] : jobEnv_)
        if (k == "ACTIONS_ALLOW_UNSECURE_COMMANDS" && v == "true") allowed = true;
      if (!allowed) {
        annotate("error",
                 "The `" + n +
                     "` command is disabled. Please upgrade to using Environment Files or opt "
                     "into unsecure command execution by setting the "
                     "`ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.",
                 info.where, stepId);
        return false;
      }
      if (n == "set-env") {
        if (const std::string* name = c.property("name")) setEnv(jobEnv_, *name, c.data);
      } else {
        pathPrepends_.push_back(c.data);
      }
    } else if (n == "add-matcher" || n == "remove-matcher") {
      note(Stream::Galley, "Problem matchers are not applied by galley; '" + n + "' is ignored.",
           &info);
    }
    return true;
  }

 public:
  // Reads what a step wrote to its files. Returns false when one cannot be
  // processed (the step fails, as on GitHub).
  bool applyFiles(const StepFiles& f, const StepInfo& info, StepOutcome& record,
                  const std::string& stepId, const std::string& stateScope) override {
    bool ok = true;
    std::string err;
    Properties kv;
    if (!parseKeyValueFile(readAll(f.env), &kv, &err)) {
      annotate("error", "Unable to process file command 'env' successfully. " + err, info.where,
               stepId);
      ok = false;
    }
    for (const auto& [k, v] : kv) {
      if (equalsIgnoreCase(k, "NODE_OPTIONS")) {
        annotate("error", "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
                 info.where, stepId);
        continue;
      }
      setEnv(jobEnv_, k, v);
    }
    kv.clear();
    if (!parseKeyValueFile(readAll(f.output), &kv, &err)) {
      annotate("error", "Unable to process file command 'output' successfully. " + err, info.where,
               stepId);
      ok = false;
    }
    for (const auto& [k, v] : kv)
      record.outputs[k] = v;
    kv.clear();
    if (!parseKeyValueFile(readAll(f.state), &kv, &err)) {
      annotate("error", "Unable to process file command 'state' successfully. " + err, info.where,
               stepId);
      ok = false;
    }
    for (const auto& [k, v] : kv)
      state_[stateScope + k] = v;
    for (const std::string& p : parsePathFile(readAll(f.path)))
      pathPrepends_.push_back(p);
    std::string summary = readAll(f.summary);
    if (summary.size() > (1u << 20)) {
      annotate("error",
               "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got " +
                   std::to_string(summary.size() / 1024) + "k.",
               info.where, stepId);
    } else if (!summary.empty()) {
      masker_.maskInPlace(summary);
      events_.stepSummary(jr_.info, info, summary);
    }
    return ok;
  }

 private:
  Result runAction(const wf::Step& step, const StepInfo& info,
                   const std::vector<std::pair<std::string, std::string>>& stepEnv,
                   std::chrono::milliseconds timeout, StepOutcome& record) {
    StepHost host(status(), workspace_);
    std::vector<std::pair<std::string, std::string>> with;
    EvalError err;
    if (step.with && !evaluateMap(*step.with, contexts(stepEnv), host, &with, &err)) {
      annotate("error", err.message, err.where, step.id);
      return Result::Failure;
    }
    ActionCall call;
    call.uses = step.uses.value;
    call.where = step.uses.where;
    call.stepId = step.id;
    call.with = with;
    call.stepEnv = stepEnv;
    call.timeout = timeout;
    ActionContext ctx{*this, info, record};
    return runActionStep(call, ctx);
  }

  void runPost(const PostStep& post, size_t index) {
    StepInfo info{index, post.stepId, "Post " + post.name, post.where};
    StepOutcome record;
    StepResult r;
    r.started = Clock::now();
    events_.stepStarted(jr_.info, info);
    action_ = post.stepId;
    StepHost host(status(), workspace_);
    if (cancelled() && !cancelSeen_) startCancelTimeout(host);
    bool go = false;
    EvalError err;
    wf::Text cond{post.condition, post.where};
    if (!evaluateCondition(cond, contexts(), host, &go, &err)) {
      annotate("error", err.message, err.where, post.stepId);
      return endStep(info, record, r, Result::Failure, false);
    }
    if (!go) {
      r.skipReason = "its post-if: condition is false";
      return endStep(info, record, r, Result::Skipped, false);
    }
    ActionContext ctx{*this, info, record};
    Result outcome = post.run(ctx);
    endStep(info, record, r, outcome, false);
  }

  void evaluateOutputs() {
    if (!job_.outputs || !job_.outputs->isMapping()) return;
    StepHost host(status(), workspace_);
    for (const auto& e : job_.outputs->entries) {
      std::string v;
      EvalError err;
      if (!evaluateString(e.value, contexts(), host, &v, &err)) {
        annotate("error", err.message, err.where, "");
        failed_ = true;
        continue;
      }
      // The runner drops an output that holds a secret rather than send it.
      if (masker_.mask(v) != v) {
        annotate("warning", "Skip output '" + e.key.value + "' since it may contain secret.",
                 e.key.where, "");
        continue;
      }
      result_.outputs[e.key.value] = v;
    }
  }

 public:
  // What actions need from the job (actions.cpp).
  const HostOptions& options() const override {
    return o_;
  }
  const JobRun& jobRun() const override {
    return jr_;
  }
  const std::string& workspace() const override {
    return workspace_;
  }
  const std::string& temp() const override {
    return temp_;
  }
  std::string path() const override {
    return currentPath();
  }
  void prependPath(const std::string& dir) override {
    pathPrepends_.push_back(dir);
  }
  void setJobEnv(const std::string& k, const std::string& v) override {
    setEnv(jobEnv_, k, v);
  }
  void addPost(PostStep post) override {
    posts_.push_back(std::move(post));
  }
  std::map<std::string, std::string>& state() override {
    return state_;
  }
  void log(const StepInfo& info, const std::string& text) override {
    note(Stream::Galley, text, &info);
  }
  void error(const std::string& message, Location where, const std::string& stepId) override {
    annotate("error", message, where, stepId);
  }
  void warning(const std::string& message, Location where, const std::string& stepId) override {
    annotate("warning", message, where, stepId);
  }
  std::vector<std::string> env(
      const std::vector<std::pair<std::string, std::string>>& stepEnv, const StepFiles& files,
      const std::vector<std::pair<std::string, std::string>>& extra) override {
    return processEnv(stepEnv, files, extra);
  }
  StepFiles files() override {
    return newFiles();
  }
  expr::Value contextsFor(
      const std::vector<std::pair<std::string, std::string>>& stepEnv) const override {
    return contexts(stepEnv);
  }
  expr::JobStatus jobStatus() const override {
    return status();
  }
  Masker& masker() override {
    return masker_;
  }

 private:
  const HostOptions& o_;
  Reporter& events_;
  Masker& masker_;
  const JobRun& jr_;
  const wf::Job& job_;
  JobResult result_;
  AnnotationLimits limits_;
  std::string workspace_, temp_, path_, environment_, selfDir_;
  std::vector<std::pair<std::string, std::string>> baseEnv_, jobEnv_;
  std::vector<std::string> pathPrepends_;
  std::map<std::string, StepOutcome> steps_;
  std::map<std::string, std::string> state_;
  std::vector<PostStep> posts_;
  bool failed_ = false;
  bool jobTimedOut_ = false;
  bool cancelSeen_ = false;
  std::string
      action_;  // github.action of the step running  // the cancel timeout has replaced the job's
  double jobMinutes_ = 360;
  Clock::time_point jobDeadline_ = Clock::time_point::max();
};

HostRunner::HostRunner(HostOptions options, Reporter& events, Masker& masker)
    : options_(std::move(options)), events_(events), masker_(masker) {}

// Steps call galley itself (`galley registry`, `galley endpoint`): the
// galley running them comes first on their PATH, as a runner provides its
// own tools. The link is made once a run, not once a job: on a filesystem
// without a journal, every file created costs a scan past the inodes freed
// in the last 30 seconds, which a run of many short jobs keeps freeing.
static std::string linkSelf(const std::string& runDir) {
  std::string bin = runDir + "/bin";
  std::error_code ec;
  fs::create_directories(bin, ec);
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!self.empty() && !fs::exists(bin + "/galley", ec))
    fs::create_symlink(self, bin + "/galley", ec);
  return fs::exists(bin + "/galley", ec) ? bin : "";
}

JobResult HostRunner::run(const JobRun& job) {
  for (const auto& [k, v] : job.secrets)
    masker_.addSecret(v);
  std::call_once(selfLinked_, [this] { selfDir_ = linkSelf(options_.runDir); });
  JobExecution exec(options_, events_, masker_, job, selfDir_);
  return exec.run();
}

}  // namespace galley::run
