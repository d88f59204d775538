#include "runtime/azure/job.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "compiler/ascii.h"
#include "compiler/expr/azure.h"
#include "runtime/annotation_limits.h"
#include "runtime/approvals.h"
#include "runtime/azure/build_number.h"
#include "runtime/azure/logging.h"
#include "runtime/azure/target.h"
#include "runtime/azure/tasks.h"
#include "runtime/azure/variables.h"
#include "runtime/commands.h"
#include "runtime/files.h"
#include "runtime/shell.h"

extern char** environ;

namespace galley::run::azure {

namespace fs = std::filesystem;

namespace {

std::string uniqueName() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)rng(), (unsigned long long)rng());
  return buf;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string firstLine(std::string_view s) {
  size_t start = s.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  s = s.substr(start);
  return std::string(s.substr(0, s.find('\n')));
}

std::string trimmed(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

class ConstStatus final : public StatusSource {
 public:
  explicit ConstStatus(std::string s) : s_(std::move(s)) {}
  std::string status(const std::vector<std::string>&) const override { return s_; }

 private:
  std::string s_;
};

// A step with its place in the job: the hook it belongs to, if any.
struct Planned {
  const Step* step = nullptr;
  std::string hook;
  Step implicit;  // the checkout a regular job gets first
};

}  // namespace

class AzureJob final : public JobApi, public TaskHost, public CommandTarget {
 public:
  AzureJob(const HostOptions& o, const Scheduled& scheduled,
           const std::vector<std::pair<std::string, std::string>>& queue, Reporter& events,
           Masker& masker, const JobRun& jr, const std::string& buildNumber)
      : o_(o),
        scheduled_(scheduled),
        queue_(queue),
        events_(events),
        masker_(masker),
        jr_(jr),
        buildNumber_(buildNumber) {
    ref_ = scheduled.find(jr.job->id);
  }

  JobResult run() {
    result_.started = Clock::now();
    if (!ref_.job) return fail("no Azure job '" + jr_.job->id + "' in the pipeline", {});
    const Job& job = *ref_.job;
    leg_ = legName();
    if (!setUp() || !variables() || !approveEnvironment())
      return finish(failed_ ? Result::Failure : result_.result);
    double minutes = job.timeoutMinutes > 0 ? job.timeoutMinutes : 360 * 24;
    deadline_ = Clock::now() + std::chrono::milliseconds(long(minutes * 60000));
    if (!ref_.job->strategyNote.empty()) say("Note: " + ref_.job->strategyNote + ".");
    size_t index = 0;
    if (job.deployment) {
      runHooks(job, index);
    } else {
      bool checkout = false;
      for (const Step& s : job.steps)
        checkout |= s.kind == StepKind::Checkout;
      Step implicit;
      implicit.kind = StepKind::Checkout;
      implicit.script = "self";
      implicit.where = job.where;
      implicit.displayName = "Checkout (implicit: the job has no checkout step)";
      if (!checkout && !job.agentless) runStep(implicit, index++);
      for (const Step& s : job.steps)
        runStep(s, index++);
    }
    // Post-job steps (Cache@2's save), last registered first.
    for (auto it = posts_.rbegin(); it != posts_.rend(); ++it)
      runPost(*it, index++);
    if (timedOut_) {
      std::ostringstream m;
      m << "The job running on agent galley ran longer than the maximum time of " << minutes
        << " minutes.";
      annotate("error", m.str(), job.where, "");
      result_.reason = m.str();
    }
    Result r = timedOut_ || cancelled() ? Result::Cancelled
               : failed_                ? Result::Failure
                                        : Result::Success;
    if (r == Result::Failure && job.continueOnError) {
      r = Result::Success;
      withIssues("the job failed and its continueOnError let the run go on");
    }
    if (r == Result::Success && !issue_.empty()) {
      result_.reason = std::string(kWithIssues) + ": " + issue_;
      scheduled_.noteIssues(jr_.job->id);
    }
    return finish(r);
  }

  // ---- TaskHost --------------------------------------------------------

  Result runProcess(std::vector<std::string> argv, const std::string& cwd,
                    const std::vector<std::pair<std::string, std::string>>& env, bool failOnStderr,
                    const std::string& failure) override {
    proc::Spec spec;
    spec.argv = std::move(argv);
    spec.cwd = cwd;
    spec.env = processEnv(env);
    return execute(spec, failOnStderr, failure);
  }
  void log(const std::string& text) override { say(text); }
  void error(const std::string& message) override {
    annotate("error", message, step_->where, stepId_);
  }
  void warning(const std::string& message) override {
    annotate("warning", message, step_->where, stepId_);
  }
  void notice(const std::string& message) override {
    annotate("notice", message, step_->where, stepId_);
  }
  std::string variable(const std::string& name) const override {
    const Variables::Entry* e = vars_.find(name);
    return e ? e->value : "";
  }
  void setVariable(const std::string& name, const std::string& value) override {
    std::string err;
    if (!vars_.set(name, value, false, false, &err)) warning(err);
  }
  void summary(const std::string& markdown) override {
    std::string m = markdown;
    masker_.maskInPlace(m);
    events_.stepSummary(jr_.info, info_, m);
  }
  bool approve(const std::string& what, const std::string& approvers,
               const std::string& instructions, std::string* why) override {
    return waitForApproval(what, approvers, instructions, why);
  }
  ActionContext& actions() override { return *actionCtx_; }
  const std::string& stepId() const override { return stepId_; }
  Location where() const override { return step_->where; }

  // ---- JobApi (the built-in GitHub actions galley reuses) ---------------

  const HostOptions& options() const override { return o_; }
  const JobRun& jobRun() const override { return jr_; }
  const std::string& workspace() const override { return sources_; }
  const std::string& temp() const override { return temp_; }
  std::string path() const override { return currentPath(); }
  void prependPath(const std::string& dir) override { pathPrepends_.push_back(dir); }
  void setJobEnv(const std::string& k, const std::string& v) override { vars_.set(k, v); }
  void addPost(PostStep post) override {
    post.name = info_.name;  // the step's own name, not the action behind it
    posts_.push_back(std::move(post));
  }
  void log(const StepInfo&, const std::string& text) override { say(text); }
  void error(const std::string& message, Location where, const std::string& stepId) override {
    annotate("error", message, where, stepId);
  }
  void warning(const std::string& message, Location where, const std::string& stepId) override {
    annotate("warning", message, where, stepId);
  }
  std::vector<std::string> env(
      const std::vector<std::pair<std::string, std::string>>& stepEnv, const StepFiles&,
      const std::vector<std::pair<std::string, std::string>>& extra) override {
    auto all = stepEnv;
    all.insert(all.end(), extra.begin(), extra.end());
    return processEnv(all);
  }
  StepFiles files() override { return {}; }
  expr::Value contextsFor(const std::vector<std::pair<std::string, std::string>>&) const override {
    return expr::Value::object({});
  }
  expr::JobStatus jobStatus() const override {
    return cancelled() ? expr::JobStatus::Cancelled
           : failed_   ? expr::JobStatus::Failure
                       : expr::JobStatus::Success;
  }
  Masker& masker() override { return masker_; }
  Result execute(const proc::Spec& spec, const StepInfo&, std::chrono::milliseconds, StepOutcome&,
                 const std::string&, const std::string& name) override {
    return execute(spec, false, name + " failed with exit code {code}.");
  }
  bool applyFiles(const StepFiles&, const StepInfo&, StepOutcome&, const std::string&,
                  const std::string&) override {
    return true;
  }
  std::map<std::string, std::string>& state() override { return state_; }

 private:
  bool cancelled() const { return (jr_.cancel && jr_.cancel->level() > 0) || timedOut_; }

  std::string legName() const {
    auto it = jr_.contexts.find("matrix");
    if (it == jr_.contexts.end() || it->second.kind() != expr::Kind::Object) return "";
    const expr::Value* leg = it->second.asObject().find("leg");
    return leg && leg->kind() == expr::Kind::String ? leg->asString() : "";
  }

  JobResult fail(const std::string& message, Location where) {
    annotate("error", message, where, "");
    result_.reason = message;
    failed_ = true;
    return finish(Result::Failure);
  }

  JobResult finish(Result r) {
    result_.result = r;
    if (r == Result::Failure && result_.reason.empty()) result_.reason = "a step failed";
    result_.finished = Clock::now();
    return result_;
  }

  void say(const std::string& text) {
    StepInfo none;
    none.name = "Initialize job";
    events_.stepLog(jr_.info, step_ ? info_ : none,
                    {Clock::now(), Stream::Galley, masker_.mask(text)});
  }

  void annotate(const std::string& level, const std::string& message, Location where,
                const std::string& stepId) {
    Annotation a = annotationAt(level, masker_.mask(message), where);
    a.job = jr_.info.key;
    a.step = stepId;
    if (limits_.admit(a)) events_.annotation(a);
  }

  bool setUp() {
    std::error_code ec;
    std::string jobDir = o_.runDir + "/jobs/" + jr_.info.key;
    temp_ = jobDir + "/temp";
    work_ = jobDir + "/work";
    sources_ = o_.inPlace ? o_.repoRoot : work_ + "/s";
    for (const std::string& d :
         {temp_, work_ + "/a", work_ + "/b", work_ + "/TestResults", sources_})
      fs::create_directories(d, ec);
    if (ec) {
      result_.reason = "cannot create " + jobDir + ": " + ec.message();
      annotate("error", result_.reason, ref_.job->where, "");
      failed_ = true;
      return false;
    }
    // galley's environment, less what an agent sets itself.
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(kv.substr(0, eq));
      if (key.starts_with("GITHUB_") || key.starts_with("RUNNER_") || key.starts_with("AGENT_") ||
          key.starts_with("BUILD_") || key.starts_with("SYSTEM_") || key == "TF_BUILD" ||
          key.starts_with("INPUT_"))
        continue;
      baseEnv_.emplace_back(key, std::string(kv.substr(eq + 1)));
    }
    path_ = getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin";
    std::string bin = o_.runDir + "/bin";
    fs::create_directories(bin, ec);
    std::error_code ignored;
    fs::path self = fs::read_symlink("/proc/self/exe", ignored);
    if (!self.empty() && !fs::exists(bin + "/galley", ignored))
      fs::create_symlink(self, bin + "/galley", ignored);
    if (fs::exists(bin + "/galley", ignored)) path_ = bin + ":" + path_;
    return true;
  }

  std::string github(const char* key) const {
    auto it = jr_.contexts.find("github");
    if (it == jr_.contexts.end() || it->second.kind() != expr::Kind::Object) return "";
    const expr::Value* v = it->second.asObject().find(key);
    return v ? asText(*v) : "";
  }

  // Queue time, pipeline, stage, job, leg; then what the agent defines.
  bool variables() {
    const Job& job = *ref_.job;
    const Stage& stage = *ref_.stage;
    for (const auto& [k, v] : queue_)
      vars_.set(k, v);
    for (const auto& [k, v] : jr_.secrets)
      vars_.set(k, v, true);
    expr::Value deps = scheduled_.dependencyContexts(jr_.job->id);
    const std::vector<Variable> legVars =
        leg_.empty() ? std::vector<Variable>{} : scheduled_.legVariables(jr_.job->id, leg_);
    for (const std::vector<Variable>* layer :
         {&scheduled_.pipeline().variables, &stage.variables, &job.variables, &legVars}) {
      for (const Variable& v : *layer) {
        std::string value = v.value;
        std::string t = trimmed(value);
        if (t.starts_with("$[")) {
          // A stage's variables see the stages before it as `dependencies`.
          const auto& d = deps.asObject();
          bool stageLayer = layer == &stage.variables;
          expr::Object ctx;
          ctx.add("variables", vars_.context());
          ctx.add("dependencies", *d.find(stageLayer ? "stage" : "dependencies"));
          ctx.add("stageDependencies", *d.find("stageDependencies"));
          expr::azure::Host host;
          auto r = expr::azure::evaluateRuntime(t, expr::Value::object(std::move(ctx)), host);
          if (!r.ok) {
            fail(r.error, v.where);
            return false;
          }
          value = expr::azure::toAzureString(r.value);
          if (r.value.isNull()) value = "";
        }
        // A value holding a secret (a secret output of an earlier job) is
        // secret here too: masked, and kept out of the environment.
        bool secret = !value.empty() && masker_.mask(value) != value;
        std::string err;
        if (!vars_.set(v.name, value, secret, v.readonly, &err))
          annotate("warning", err, v.where, "");
        else
          definedAt_[lowerCase(v.name)] = v.where;
      }
    }
    predefined();
    recalculate();
    return true;
  }

  // The agent expands every variable at job start and before each step, and
  // warns of each one it cannot expand every time. galley warns once per
  // variable and problem, at the variable's definition when it has one.
  void recalculate() {
    std::vector<std::string> secrets;
    for (const Variables::Warning& w : vars_.recalculate(&secrets)) {
      if (!expansionWarned_.insert(w.message).second) continue;
      auto at = definedAt_.find(lowerCase(w.name));
      annotate("warning", w.message,
               at != definedAt_.end() ? at->second
               : step_                ? step_->where
                                      : ref_.job->where,
               step_ ? stepId_ : "");
    }
    for (const std::string& s : secrets)
      masker_.addSecret(s);
  }

  void predefined() {
    const Job& job = *ref_.job;
    const Stage& stage = *ref_.stage;
    std::string jobName = leg_.empty() ? job.name : job.name + "_" + leg_;
    std::string branch = github("ref");
    auto set = [&](const char* k, const std::string& v) { vars_.set(k, v); };
    set("Agent.BuildDirectory", work_);
    set("Agent.HomeDirectory", o_.runDir);
    set("Agent.Id", "1");
    set("Agent.JobName", jr_.info.name);
    set("Agent.JobStatus", "Succeeded");
    set("Agent.MachineName", "galley");
    set("Agent.Name", "galley");
    set("Agent.OS", "Linux");
    set("Agent.OSArchitecture", sizeof(void*) == 8 ? "X64" : "X86");
    set("Agent.TempDirectory", temp_);
    set("Agent.ToolsDirectory", o_.cacheDir + "/tools");
    set("Agent.WorkFolder", fs::path(work_).parent_path().string());
    set("Build.ArtifactStagingDirectory", work_ + "/a");
    set("Build.StagingDirectory", work_ + "/a");
    set("Build.BinariesDirectory", work_ + "/b");
    set("Build.BuildId", o_.runId);
    set("Build.BuildNumber", buildNumber_);
    set("Build.DefinitionName", github("workflow"));
    set("Build.Reason", "Manual");
    set("Build.Repository.LocalPath", sources_);
    set("Build.Repository.Name", github("repository"));
    set("Build.Repository.Provider", "Git");
    set("Build.RequestedFor", github("actor"));
    set("Build.SourceBranch", branch);
    set("Build.SourceBranchName", sourceBranchName(branch));
    set("Build.SourceVersion", github("sha"));
    set("Build.SourcesDirectory", sources_);
    set("Common.TestResultsDirectory", work_ + "/TestResults");
    set("Pipeline.Workspace", work_);
    set("System.ArtifactsDirectory", work_ + "/a");
    set("System.DefaultWorkingDirectory", sources_);
    set("System.JobAttempt", "1");
    set("System.JobDisplayName", jr_.info.name);
    set("System.JobId", uniqueName());
    set("System.JobName", jobName);
    set("System.PhaseName", job.name);
    set("System.PhaseDisplayName", job.displayName.empty() ? job.name : job.displayName);
    set("System.StageName", stage.name);
    set("System.StageDisplayName", stage.displayName.empty() ? stage.name : stage.displayName);
    set("System.StageAttempt", "1");
    set("System.TeamProject", github("repository_owner"));
    set("System.CollectionUri", "");
    set("System.Debug", o_.debug ? "true" : "false");
    set("System.HostType", "build");
    set("TF_BUILD", "True");
    if (job.deployment) set("Environment.Name", job.environment);
    auto strategy = jr_.contexts.find("strategy");
    if (!leg_.empty() && strategy != jr_.contexts.end() &&
        strategy->second.kind() == expr::Kind::Object) {
      const expr::Object& o = strategy->second.asObject();
      if (const expr::Value* i = o.find("job-index"))
        set("System.JobPositionInPhase", std::to_string(int(expr::toNumber(*i)) + 1));
      if (const expr::Value* n = o.find("job-total"))
        set("System.TotalJobsInPhase", std::to_string(int(expr::toNumber(*n))));
    }
  }

  bool approveEnvironment() {
    const Job& job = *ref_.job;
    if (!job.deployment || job.environment.empty()) return true;
    auto it = o_.approvals.find(job.environment);
    if (it == o_.approvals.end()) return true;
    std::string why;
    if (waitForApproval(job.environment, it->second, "", &why)) return true;
    annotate("error", why, job.environmentWhere, "");
    result_.reason = why;
    if (result_.result != Result::Cancelled) failed_ = true;
    return false;
  }

  bool waitForApproval(const std::string& env, const std::string& approvers,
                       const std::string& instructions, std::string* why) {
    if (!o_.approver) {
      *why = "'" + env + "' needs an approval and no approver is set";
      return false;
    }
    Approval a;
    a.environment = env;
    a.job = jr_.info.key;
    a.approvers = approvers;
    if (!instructions.empty()) say("Instructions: " + instructions);
    if (!awaitApproval(*o_.approver, a, jr_.cancel, events_)) {
      *why = "cancelled while waiting for an approval of '" + env + "'";
      result_.result = Result::Cancelled;
      return false;
    }
    if (!a.approved) {
      *why = "'" + env + "' was rejected by " + a.by + (a.comment.empty() ? "" : ": " + a.comment);
      return false;
    }
    return true;
  }

  // A post step runs when the job has not failed (its condition is
  // success() for every post step galley's built-in actions register).
  void runPost(const PostStep& post, size_t index) {
    Step s;
    s.where = post.where;
    step_ = &s;
    stepId_ = post.stepId;
    info_ = StepInfo{index, post.stepId, "Post-job: " + post.name, post.where};
    StepOutcome record;
    ActionContext ac{*this, info_, record};
    actionCtx_ = &ac;
    StepResult r;
    r.started = Clock::now();
    events_.stepStarted(jr_.info, info_);
    if (failed_ || cancelled()) {
      r.skipReason = "the job did not succeed";
      return endStep(r, Result::Skipped, false);
    }
    Result outcome = post.run(ac);
    // A post step that fails warns; the job's result stands.
    endStep(r, outcome == Result::Failure ? Result::Success : outcome, false);
  }

  void runHooks(const Job& job, size_t& index) {
    // The deploy hook downloads the run's artifacts first unless it has a
    // download step of its own (`download: none` included), as on Azure.
    Step fetch;
    fetch.kind = StepKind::Download;
    fetch.script = "current";
    fetch.where = job.where;
    fetch.displayName = "Download the run's artifacts (the deploy hook's implicit download)";
    for (const Hook& h : job.hooks) {
      if (h.name.starts_with("on.")) continue;
      hook_ = h.name;
      bool downloads = false;
      for (const Step& s : h.steps)
        downloads |= s.kind == StepKind::Download;
      if (h.name == "deploy" && !downloads) runStep(fetch, index++);
      for (const Step& s : h.steps)
        runStep(s, index++);
    }
    std::string after = failed_ ? "on.failure" : "on.success";
    for (const Hook& h : job.hooks) {
      if (h.name != after) continue;
      hook_ = h.name.substr(3);
      // The on.failure hook runs because the deployment failed: its steps'
      // default condition must not skip them.
      bool wasFailed = failed_;
      failed_ = false;
      for (const Step& s : h.steps)
        runStep(s, index++);
      failed_ = failed_ || wasFailed;
    }
  }

  std::string displayName(const Step& s) const {
    if (!s.displayName.empty()) return vars_.expand(s.displayName);
    switch (s.kind) {
      case StepKind::Script:
        return "CmdLine: " + firstLine(s.script);
      case StepKind::Bash:
        return "Bash: " + firstLine(s.script);
      case StepKind::Pwsh:
      case StepKind::PowerShell:
        return "PowerShell: " + firstLine(s.script);
      case StepKind::Checkout:
        return "Checkout " + s.script;
      case StepKind::Task:
        return s.task;
      case StepKind::Publish:
        return "Publish Pipeline Artifact";
      case StepKind::Download:
        return "Download Pipeline Artifact";
    }
    return "step";
  }

  std::string jobStatusName() const {
    return cancelled()       ? "Canceled"
           : failed_         ? "Failed"
           : !issue_.empty() ? "SucceededWithIssues"
                             : "Succeeded";
  }

  // The job goes on, Succeeded With Issues (the first issue is its reason).
  void withIssues(const std::string& what) {
    if (issue_.empty()) issue_ = what;
  }

  expr::Value stepContexts() const {
    expr::Object o;
    o.add("variables", vars_.context());
    return expr::Value::object(std::move(o));
  }

  void runStep(const Step& s, size_t index) {
    step_ = &s;
    stepId_ = !s.name.empty() ? s.name : "__step_" + std::to_string(index + 1);
    info_ = StepInfo{index, stepId_, masker_.mask(displayName(s)), s.where};
    StepOutcome record;
    ActionContext ac{*this, info_, record};
    actionCtx_ = &ac;
    StepResult r;
    r.started = Clock::now();
    events_.stepStarted(jr_.info, info_);
    vars_.set("Agent.JobStatus", jobStatusName());
    Result outcome = Result::Success;
    completed_.clear();
    if (s.kind == StepKind::Checkout && s.script == "none") {
      r.skipReason = "checkout: none";
      return endStep(r, Result::Skipped, false);
    }
    if (!s.enabled) {
      r.skipReason = "it is disabled (enabled: false)";
      return endStep(r, Result::Skipped, false);
    }
    recalculate();
    if (Clock::now() >= deadline_) timedOut_ = true;
    ConstStatus status(jobStatusName());
    bool go = false;
    std::string err;
    if (!decide(s.condition, stepContexts(), status, &go, &err)) {
      annotate("error", err, s.conditionWhere, stepId_);
      return endStep(r, Result::Failure, false);
    }
    if (!go) {
      r.skipReason = !s.condition.empty() ? "its condition is false"
                     : cancelled()        ? "the job was cancelled"
                                          : "an earlier step failed";
      return endStep(r, Result::Skipped, false);
    }
    stepEnv_.clear();
    for (const auto& [k, v] : s.env)
      stepEnv_.emplace_back(k, vars_.expand(v));
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    auto timeout = s.timeoutMinutes > 0
                       ? std::min(left, std::chrono::milliseconds(long(s.timeoutMinutes * 60000)))
                       : left;
    outcome = attempts(s, Clock::now() + timeout);
    if (completed_ == "SucceededWithIssues" && outcome == Result::Success) {
      annotate(
          "warning",
          std::string("the step ") + kWithIssues + " (task.complete result=SucceededWithIssues)",
          s.where, stepId_);
      withIssues("step '" + info_.name + "' " + kWithIssues);
    }
    endStep(r, outcome, s.continueOnError);
  }

  // The step's body, run again after a failure up to its
  // retryCountOnTaskFailure, as the agent's TaskRunner runs it through
  // RetryHelper.RetryStep: at most 10 retries, the n-th (from 0) after
  // (n + 1)^2 seconds, all within the step's timeout.
  Result attempts(const Step& s, Clock::time_point until) {
    constexpr int kMaxRetries = 10;  // TaskRunner's RetryCountOnTaskFailureLimit
    int retries = s.retryCountOnTaskFailure;
    if (retries > kMaxRetries) {
      annotate("warning",
               "The maximum allowed number of attempts is " + std::to_string(kMaxRetries) +
                   " but got " + std::to_string(retries) +
                   ". Retry attempts count will be decreased to " + std::to_string(kMaxRetries) +
                   ".",
               s.retryWhere, stepId_);
      retries = kMaxRetries;
    }
    for (int retry = 0;; ++retry) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      stepTimeout_ = std::max(left, std::chrono::milliseconds(1));
      completed_.clear();
      Result r = runBody(s);
      if (completed_ == "Failed") r = Result::Failure;
      if (r != Result::Failure || retry >= retries || cancelled()) return r;
      auto delay = std::chrono::milliseconds(1000 * (retry + 1) * (retry + 1));
      annotate("warning",
               "RetryHelper encountered task failure, will retry (attempt #: " +
                   std::to_string(retry + 1) + " out of " + std::to_string(retries) + ") after " +
                   std::to_string(delay.count()) + " ms",
               s.retryWhere, stepId_);
      if (!pause(std::min(
              delay, std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()))))
        return Result::Cancelled;
      if (Clock::now() >= until) {
        error("The task has timed out.");
        return Result::Failure;
      }
      say("Attempt " + std::to_string(retry + 2) + " of " + std::to_string(retries + 1) + ":");
    }
  }

  // Waits for d; false when the job is cancelled meanwhile.
  bool pause(std::chrono::milliseconds d) {
    auto end = Clock::now() + d;
    int fd = jr_.cancel ? jr_.cancel->waitFd(1) : -1;
    while (!cancelled()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0) return true;
      if (fd < 0) {
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      poll(&p, 1, int(std::min<long long>(left.count(), 1000)));
    }
    return false;
  }

  void endStep(StepResult& r, Result outcome, bool continueOnError) {
    r.outcome = outcome;
    r.conclusion = outcome == Result::Failure && continueOnError ? Result::Success : outcome;
    if (outcome == Result::Failure && !continueOnError) failed_ = true;
    if (outcome == Result::Failure && continueOnError) {
      annotate("warning", "the step failed and continueOnError let the job go on", info_.where,
               stepId_);
      withIssues("step '" + info_.name + "' failed and continueOnError let the job go on");
    }
    for (const auto& [k, v] : stepOutputs_)
      r.outputs[k] = masker_.mask(v);
    stepOutputs_.clear();
    r.finished = Clock::now();
    events_.stepFinished(jr_.info, info_, r);
    step_ = nullptr;
  }

  Result runBody(const Step& s) {
    switch (s.kind) {
      case StepKind::Script:
      case StepKind::Bash:
      case StepKind::Pwsh:
      case StepKind::PowerShell: {
        std::string cwd;
        if (!workingDirectory(s.workingDirectory, &cwd)) return Result::Failure;
        return runScript(s.kind, vars_.expand(s.script), cwd, s.failOnStderr,
                         s.errorActionPreference);
      }
      default:
        break;
    }
    std::vector<std::pair<std::string, std::string>> inputs;
    for (const auto& [k, v] : s.inputs)
      inputs.emplace_back(k, vars_.expand(v));
    if (!s.workingDirectory.empty())
      inputs.emplace_back("workingDirectory", vars_.expand(s.workingDirectory));
    if (s.failOnStderr) inputs.emplace_back("failOnStderr", "true");
    return runTask(s, inputs, *this);
  }

  bool workingDirectory(const std::string& given, std::string* out) {
    std::string wd = vars_.expand(given);
    *out = wd.empty() ? sources_ : fs::path(wd).is_absolute() ? wd : sources_ + "/" + wd;
    std::error_code ec;
    if (!fs::is_directory(*out, ec)) {
      error("workingDirectory '" + *out + "' does not exist");
      return false;
    }
    return true;
  }

 public:
  // A script step as the agent runs it (runner.md §5.6): bash WITHOUT -e.
  Result runScript(StepKind kind, const std::string& script, const std::string& cwd,
                   bool failOnStderr, const std::string& errorAction) override {
    std::string file = temp_ + "/" + uniqueName();
    std::vector<std::string> argv;
    std::string body = script;
    if (kind == StepKind::Pwsh || kind == StepKind::PowerShell) {
      std::string pwsh = findProgram("pwsh", currentPath());
      if (pwsh.empty()) {
        error("pwsh is not installed on this host: PowerShell steps cannot run");
        return Result::Failure;
      }
      file += ".ps1";
      body = "$ErrorActionPreference = '" + errorAction + "'\n" + script +
             "\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n";
      argv = {pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", ". '" + file + "'"};
    } else {
      file += ".sh";
      std::string bash = findProgram("bash", currentPath());
      if (bash.empty()) bash = "/bin/bash";
      if (kind == StepKind::Script)
        argv = {bash, "--noprofile", "--norc", file};
      else
        argv = {bash, file};
    }
    {
      std::ofstream out(file, std::ios::binary);
      out << body;
    }
    std::string shown;
    for (const auto& a : argv)
      shown += (shown.empty() ? "" : " ") + a;
    say("##[command]" + shown);
    Result r = runProcess(argv, cwd, stepEnv_, failOnStderr,
                          kind == StepKind::Pwsh || kind == StepKind::PowerShell
                              ? "PowerShell exited with code '{code}'."
                              : "Bash exited with code '{code}'.");
    std::remove(file.c_str());
    return r;
  }

 private:
  std::string currentPath() const {
    std::string p;
    for (auto it = pathPrepends_.rbegin(); it != pathPrepends_.rend(); ++it)
      p += *it + ":";
    return p + path_;
  }

  std::vector<std::string> processEnv(
      const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::pair<std::string, std::string>> env = baseEnv_;
    auto set = [&](const std::string& k, const std::string& v) {
      for (auto& kv : env)
        if (kv.first == k) {
          kv.second = v;
          return;
        }
      env.emplace_back(k, v);
    };
    for (const auto& [k, v] : vars_.environment())
      set(k, v);
    set("PATH", currentPath());
    for (const auto& [k, v] : extra)
      set(k, v);
    std::vector<std::string> out;
    for (const auto& [k, v] : env)
      out.push_back(k + "=" + v);
    return out;
  }

  Result execute(const proc::Spec& spec, bool failOnStderr, const std::string& failure) {
    proc::LineSplitter lines(proc::LineSplitter::kMaxLine, mayBeLoggingCommand);
    bool wroteStderr = false;
    auto onLine = [&](proc::Stream s, std::string_view line) {
      if (s == proc::Stream::Err && !line.empty()) wroteStderr = true;
      auto cmd = parseLoggingCommand(line);
      if (cmd && !cmd->area.empty()) {
        // The value of a secret is masked before anything logs it.
        if (std::string secret = secretOf(*cmd); !secret.empty()) masker_.addSecret(secret);
        if (o_.debug) say("##[debug]Processed: " + masker_.mask(std::string(line)));
        applyCommand(*cmd, *this);
        return;
      }
      if (!cmd && line.find("##vso") != std::string_view::npos)
        annotate("warning", azureMalformedWarning(line), step_->where, stepId_);
      events_.stepLog(jr_.info, info_,
                      {Clock::now(), s == proc::Stream::Err ? Stream::Err : Stream::Out,
                       masker_.mask(std::string(line))});
    };
    proc::Result pr = proc::run(
        spec, [&](proc::Stream s, std::string_view chunk) { lines.feed(s, chunk, onLine); },
        stepTimeout_, jr_.cancel, o_.timing);
    lines.flush(onLine);
    if (!pr.started) {
      error(pr.error);
      return Result::Failure;
    }
    if (pr.timedOut) {
      if (Clock::now() >= deadline_) {
        timedOut_ = true;
        return Result::Cancelled;
      }
      error("The task has timed out.");
      return Result::Failure;
    }
    if (pr.cancelled) {
      say("##[error]The operation was canceled.");
      return Result::Cancelled;
    }
    if (pr.exitCode != 0) {
      std::string m = failure;
      if (size_t at = m.find("{code}"); at != std::string::npos)
        m.replace(at, 6, std::to_string(pr.exitCode));
      error(m);
      return Result::Failure;
    }
    if (failOnStderr && wroteStderr) {
      error("Bash wrote one or more lines to the standard error stream.");
      return Result::Failure;
    }
    return Result::Success;
  }

  // ---- CommandTarget: what the step's logging commands do ----------------

  void setVariable(const std::string& var, const std::string& value, bool secret, bool readonly,
                   bool output) override {
    std::string err;
    // An output is `step.var` in the job (and STEP_VAR in the environment).
    std::string name = output ? stepRefName() + "." + var : var;
    if (!vars_.set(name, value, secret, readonly, &err)) return warning(err);
    if (!output) return;
    stepOutputs_[var] = value;
    // A secret output reaches later jobs through the gate, in memory; the
    // job's result, which the run store keeps, holds it masked.
    for (const std::string& key : outputKeys(var)) {
      result_.outputs[key] = secret ? masker_.mask(value) : value;
      if (secret) scheduled_.keepSecretOutput(jr_.job->id, key, value);
    }
  }
  void issue(const std::string& level, const std::string& message, const std::string& file,
             uint32_t line, uint32_t column, const std::string& code) override {
    Annotation a;
    a.level = level;
    a.message = masker_.mask(message);
    a.file = file;
    a.line = line;
    a.column = line ? column : 0;
    a.title = code;
    a.job = jr_.info.key;
    a.step = stepId_;
    if (limits_.admit(a)) events_.annotation(a);
  }
  void complete(const std::string& result) override { completed_ = result; }
  void summaryFile(const std::string& path) override {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      return warning("summary file '" + path + "' does not exist");
    summary(readAll(path));
  }
  void note(const std::string& text) override { say(text); }

  std::string stepRefName() const { return step_->name.empty() ? stepId_ : step_->name; }

  // Names an output has for later jobs (research/runner.md §5.2).
  std::vector<std::string> outputKeys(const std::string& var) const {
    std::string tail = stepRefName() + "." + var;
    const Job& job = *ref_.job;
    if (!leg_.empty()) return {job.name + "_" + leg_ + "." + tail};
    if (job.deployment) return {job.name + "." + tail, hook_ + "." + tail};
    return {tail};
  }

  void upload(const std::string& artifact, const std::string& folder,
              const std::string& path) override {
    fs::path from = fs::path(path).is_absolute() ? fs::path(path) : fs::path(sources_) / path;
    fs::path to = fs::path(o_.artifactsDir) / artifact;
    if (!folder.empty()) to /= folder;
    std::string err;
    if (!copyInto(from, to, &err))
      warning("cannot upload '" + path + "' to artifact '" + artifact + "': " + err);
    else
      say("Uploaded " + path + " to artifact '" + artifact + "'");
  }

  const HostOptions& o_;
  const Scheduled& scheduled_;
  const std::vector<std::pair<std::string, std::string>>& queue_;
  Reporter& events_;
  Masker& masker_;
  const JobRun& jr_;
  const std::string& buildNumber_;
  Scheduled::Ref ref_;
  std::string leg_, hook_;
  JobResult result_;
  AnnotationLimits limits_;
  Variables vars_;
  std::map<std::string, Location> definedAt_;  // by lowered name
  std::set<std::string> expansionWarned_;
  std::string temp_, work_, sources_, path_;
  std::vector<std::pair<std::string, std::string>> baseEnv_, stepEnv_;
  std::vector<std::string> pathPrepends_;
  std::map<std::string, std::string> state_, stepOutputs_;
  std::vector<PostStep> posts_;
  const Step* step_ = nullptr;
  std::string stepId_, completed_;
  std::string issue_;  // the first thing that made the job succeed with issues
  StepInfo info_;
  ActionContext* actionCtx_ = nullptr;
  bool failed_ = false, timedOut_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  std::chrono::milliseconds stepTimeout_{};
};

AzureRunner::AzureRunner(HostOptions options, const Scheduled& scheduled,
                         std::vector<std::pair<std::string, std::string>> queue, Reporter& events,
                         Masker& masker)
    : options_(std::move(options)),
      scheduled_(scheduled),
      queue_(std::move(queue)),
      events_(events),
      masker_(masker) {}

JobResult AzureRunner::run(const JobRun& job) {
  for (const auto& [k, v] : job.secrets)
    masker_.addSecret(v);
  AzureJob exec(options_, scheduled_, queue_, events_, masker_, job, buildNumber(job));
  return exec.run();
}

namespace {

std::string contextText(const JobRun& job, const char* key) {
  auto it = job.contexts.find("github");
  if (it == job.contexts.end() || it->second.kind() != expr::Kind::Object) return "";
  const expr::Value* v = it->second.asObject().find(key);
  return v ? asText(*v) : "";
}

}  // namespace

const std::string& AzureRunner::buildNumber(const JobRun& job) {
  std::call_once(numbered_, [&] {
    const Pipeline& p = scheduled_.pipeline();
    if (p.name.empty()) {
      buildNumber_ = options_.runId;
      return;
    }
    // The variables a run number may use: queue time, the pipeline's own
    // (its `$[ ]` ones are not known before the run), and the predefined
    // ones known at queue time.
    Variables vars;
    for (const auto& [k, v] : queue_)
      vars.set(k, v);
    for (const Variable& v : p.variables)
      if (!trimmed(v.value).starts_with("$[")) vars.set(v.name, v.value);
    for (const auto& [k, v] : templateVariables(options_.repoRoot))
      vars.set(k, v);
    vars.recalculate();
    BuildNumberFacts f;
    std::time_t now = std::time(nullptr);
    localtime_r(&now, &f.time);
    f.definitionName = contextText(job, "workflow");
    f.buildId = options_.runId;
    f.teamProject = contextText(job, "repository_owner");
    f.sourceBranchName = sourceBranchName(contextText(job, "ref"));
    f.variables = &vars;
    std::string revisions = fs::path(options_.runDir).parent_path().string() + "/.azure-revisions";
    buildNumber_ = azure::buildNumber(p.name, f, [&](const std::string& key) {
      return std::max(1, claimRevision(revisions, f.definitionName + "\n" + key));
    });
  });
  return buildNumber_;
}

}  // namespace galley::run::azure
