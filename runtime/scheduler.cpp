#include "runtime/scheduler.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "compiler/ascii.h"
#include "compiler/expr/template.h"
#include "compiler/workflow_call.h"
#include "runtime/evaluate.h"

namespace galley::run {

namespace {

// Runs legs on at most n worker threads, over the whole run, nested
// workflows included: n legs run at once. A queued leg waits for a free
// worker, and a free worker takes the leg queued first (the lowest job
// index), as GitHub hands queued jobs to runners in order, not to whichever
// thread the system woke first.
//
// The thread that finishes a leg takes the next one itself: a job starts
// the instant another ends, with no thread woken or created in between.
// Before (2026-12-05), each leg had its own thread, created when its job
// became ready, and a slot's release woke every waiting leg's thread for
// the first in order to take it: with 100 jobs of `sleep 0.2` at -j 10,
// 90 threads woke at each of the 100 releases (15,000 futex calls and
// 10,800 context switches a run; now 800 and 1,600). galley's own CPU time
// for that run fell from about 510 to 355 ms. With galley's processes
// ahead of the machine's other load (`chrt -f`, as on a quiet machine) the
// run is faster: median 2.55 s against 2.66 s, 6 of 6 paired rounds. Under
// CFS on 2 cores shared with other sessions' builds (load 19-22) it is
// slower: 7.11 s against 5.97 s, xargs 6.08 s. Why was not established;
// the old design then did more work than xargs in the same time, so the
// likeliest reading is that its herd of woken threads won galley's session
// a larger share of the cores from the other sessions, which is not a
// property worth keeping (docs/benchmarks.md has the rounds).
class Slots {
 public:
  explicit Slots(int n) : n_(size_t(std::max(1, n))) {}
  Slots(const Slots&) = delete;
  Slots& operator=(const Slots&) = delete;
  ~Slots() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_)
      t.join();
  }

  // Queues work, to run on a worker when one is free, in order. work must
  // not touch what may be gone once it has reported its leg done.
  void submit(size_t order, std::function<void()> work) {
    std::lock_guard lock(mu_);
    queue_.emplace(order, std::move(work));
    if (idle_ > signalled_) {
      ++signalled_;
      cv_.notify_one();
    } else if (workers_.size() < n_) {
      workers_.emplace_back([this] { serve(); });
    }
  }

 private:
  void serve() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!queue_.empty()) {
        auto next = queue_.extract(queue_.begin());
        lock.unlock();
        next.mapped()();
        next = {};
        lock.lock();
        continue;
      }
      if (stopping_) return;
      ++idle_;
      cv_.wait(lock, [&] { return signalled_ > 0 || stopping_; });
      --idle_;
      if (signalled_ > 0) --signalled_;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  size_t n_;
  std::vector<std::thread> workers_;
  size_t idle_ = 0;       // workers waiting for work
  size_t signalled_ = 0;  // of those, woken for work not yet taken
  bool stopping_ = false;
  std::multimap<size_t, std::function<void()>> queue_;  // by order
};

class StatusHost final : public expr::EvalHost {
 public:
  explicit StatusHost(expr::JobStatus s) : s_(s) {}
  expr::JobStatus status() const override { return s_; }

 private:
  expr::JobStatus s_;
};

expr::Value str(const std::string& s) {
  return expr::Value::string(s);
}

expr::Value outputsObject(const std::map<std::string, std::string>& outputs) {
  expr::Object o;
  for (const auto& [k, v] : outputs)
    o.add(k, str(v));
  return expr::Value::object(std::move(o));
}

expr::Value jobsEntry(const JobResult& r) {
  expr::Object o;
  o.add("result", str(resultName(r.result)));
  o.add("outputs", outputsObject(r.outputs));
  return expr::Value::object(std::move(o));
}

std::string pathSafe(std::string s) {
  for (char& c : s)
    if (!isAsciiAlnum(c) && c != '-' && c != '_' && c != '.') c = '_';
  return s;
}

std::vector<std::string> labelsOf(const expr::Value& v) {
  std::vector<std::string> labels;
  if (v.kind() == expr::Kind::String) labels.push_back(v.asString());
  if (v.kind() == expr::Kind::Array)
    for (const auto& item : v.items())
      if (item.kind() == expr::Kind::String) labels.push_back(item.asString());
  if (v.kind() == expr::Kind::Object)
    if (const expr::Value* l = v.asObject().find("labels")) return labelsOf(*l);
  return labels;
}

class PlanRun {
 public:
  // callCancel: for the run of a called workflow, the calling job's own
  // token (its concurrency group's cancel-in-progress), beside the run's.
  PlanRun(const Plan& plan, const SchedulerOptions& options, JobRunner& runner, Reporter& events,
          const proc::CancelToken& cancel, std::string prefix, Slots& slots,
          std::atomic<size_t>& nextIndex, const proc::CancelToken* callCancel = nullptr)
      : plan_(plan),
        options_(options),
        runner_(runner),
        events_(events),
        cancel_(cancel),
        callCancel_(callCancel),
        prefix_(std::move(prefix)),
        slots_(slots),
        nextIndex_(nextIndex),
        jobs_(plan.jobs.size()) {}

  // Jobs start from here and from the thread of whatever ends before them
  // (schedule()); this thread waits for the end, waking every 100 ms to
  // pass the run's cancellation on to the legs.
  WorkflowResult run() {
    queueKnownLegs();
    std::unique_lock lock(mu_);
    schedule();
    while (!allDone()) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      schedule();
    }
    lock.unlock();
    // No thread adds to threads_ once every job is done.
    for (auto& t : threads_)
      t.join();
    return finish();
  }

 private:
  enum class State { Waiting, Running, Done };

  struct Leg {
    JobInfo info;
    MatrixLeg matrix;
    std::unique_ptr<proc::CancelToken> cancel = std::make_unique<proc::CancelToken>();
    bool started = false, done = false, skipped = false;
    std::string skipReason;
    JobResult result;
    std::optional<GroupTicket> ticket;  // its claim on its job's concurrency group
    std::string groupError;             // the registry failed making it
    // The cancel level its job's if: was evaluated under: a job that passed
    // it (always(), cancelled()) runs unless cancelled further.
    int cancelSeen = 0;
    bool continueOnError = false;  // its job's continue-on-error, for this leg
  };

  // A leg to run, waiting for its job's max-parallel.
  struct Pending {
    Leg* leg;
    JobRun run;
  };

  struct JobState {
    State state = State::Waiting;
    JobResult result;
    std::vector<std::unique_ptr<Leg>> legs;
    bool failFast = true;
    int maxParallel = 0;
    int running = 0;
    std::deque<Pending> pending;  // legs not yet handed to a slot, in order
  };

  bool selected(size_t i) const { return plan_.jobs[i].selected; }

  // With mu_ held: passes cancellation on, and starts every job that is
  // ready, until none is (a job that ends before it starts can make others
  // ready).
  void schedule() {
    propagateCancel();
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t i = 0; i < jobs_.size(); ++i)
        if (ready(i)) {
          progress = true;
          start(i);
        }
    }
  }

  int cancelLevel() const {
    return std::max(cancel_.level(), callCancel_ ? callCancel_->level() : 0);
  }

  bool ready(size_t i) const {
    if (!selected(i) || jobs_[i].state != State::Waiting) return false;
    for (size_t n : plan_.jobs[i].needs)
      if (jobs_[n].state != State::Done) return false;
    return true;
  }

  bool allDone() const {
    for (size_t i = 0; i < jobs_.size(); ++i)
      if (selected(i) && jobs_[i].state != State::Done) return false;
    return true;
  }

  JobInfo infoFor(size_t i, const MatrixLeg* leg, size_t legIndex, size_t legCount) {
    const wf::Job& job = *plan_.jobs[i].job;
    JobInfo info;
    info.index = nextIndex_++;
    info.id = job.id;
    info.key =
        prefix_ + pathSafe(job.id) + (legCount > 1 ? "-" + std::to_string(legIndex + 1) : "");
    std::string name = job.id;
    if (job.name && job.name->isScalar() && !expr::hasExpression(job.name->value))
      name = job.name->value;
    info.name = leg ? legName(name, *leg) : name;
    if (!prefix_.empty()) info.name = prefix_ + info.name;
    if (leg)
      for (const auto& [k, v] : leg->values)
        info.matrix.emplace_back(k, asText(v));
    info.where = job.where;
    return info;
  }

  void queueKnownLegs() {
    for (size_t i = 0; i < jobs_.size(); ++i) {
      if (!selected(i)) continue;
      const PlannedJob& pj = plan_.jobs[i];
      if (pj.dynamicMatrix) continue;
      size_t n = std::max<size_t>(1, pj.legs.size());
      for (size_t l = 0; l < n; ++l) {
        JobInfo info = infoFor(i, pj.legs.empty() ? nullptr : &pj.legs[l], l, n);
        events_.jobQueued(info);
        queued_[i].push_back(info);
      }
    }
  }

  // Jobs it needs, directly or not.
  void ancestors(size_t i, std::set<size_t>& out) const {
    for (size_t n : plan_.jobs[i].needs)
      if (out.insert(n).second) ancestors(n, out);
  }

  expr::JobStatus statusFor(size_t i) const {
    if (cancelLevel() > 0) return expr::JobStatus::Cancelled;
    std::set<size_t> all;
    ancestors(i, all);
    for (size_t n : all)
      if (jobs_[n].result.result == Result::Failure) return expr::JobStatus::Failure;
    for (size_t n : plan_.jobs[i].needs)
      if (jobs_[n].result.result == Result::Cancelled) return expr::JobStatus::Cancelled;
    for (size_t n : plan_.jobs[i].needs)
      if (jobs_[n].result.result != Result::Success) return expr::JobStatus::Skipped;
    return expr::JobStatus::Success;
  }

  std::map<std::string, expr::Value> jobContexts(size_t i) const {
    std::map<std::string, expr::Value> ctx = options_.contexts;
    expr::Object needs;
    for (size_t n : plan_.jobs[i].needs)
      needs.add(plan_.jobs[n].job->id, jobsEntry(jobs_[n].result));
    ctx["needs"] = expr::Value::object(std::move(needs));
    return ctx;
  }

  void finishJob(size_t i, JobResult r, const std::vector<JobInfo>& infos) {
    JobState& js = jobs_[i];
    auto now = Clock::now();
    if (r.started == Clock::time_point{}) r.started = now;
    if (r.finished == Clock::time_point{}) r.finished = now;
    for (const JobInfo& info : infos)
      events_.jobFinished(info, r);
    js.result = std::move(r);
    js.state = State::Done;
  }

  // A job that cannot start: every leg known so far is reported with r.
  void endBeforeStart(size_t i, Result result, std::string reason) {
    JobResult r;
    r.result = result;
    r.reason = std::move(reason);
    std::vector<JobInfo> infos = queued_[i];
    if (infos.empty()) {
      infos.push_back(infoFor(i, nullptr, 0, 1));
      events_.jobQueued(infos.back());
    }
    finishJob(i, std::move(r), infos);
  }

  void fail(size_t i, const EvalError& err) {
    Annotation a = annotationAt("error", err.message, err.where);
    a.job = prefix_ + pathSafe(plan_.jobs[i].job->id);
    events_.annotation(a);
    endBeforeStart(i, Result::Failure, err.message);
  }

  // The job's legs, one per matrix leg (one without a matrix), under the
  // names they were queued with; returns their number.
  size_t makeLegs(size_t i, const std::vector<MatrixLeg>& legs) {
    JobState& js = jobs_[i];
    size_t n = std::max<size_t>(1, legs.size());
    bool known = queued_[i].size() == n;
    for (size_t l = 0; l < n; ++l) {
      auto leg = std::make_unique<Leg>();
      if (!legs.empty()) leg->matrix = legs[l];
      leg->info = known ? queued_[i][l] : infoFor(i, legs.empty() ? nullptr : &legs[l], l, n);
      if (!known) events_.jobQueued(leg->info);
      if (cancelLevel() > 0) leg->cancel->cancel(cancelLevel());
      leg->cancelSeen = cancelLevel();
      js.legs.push_back(std::move(leg));
    }
    return n;
  }

  // A leg that cannot start: its error, positioned, and its end.
  void failLeg(Leg& leg, const EvalError& err) {
    leg.done = true;
    leg.result.result = Result::Failure;
    leg.result.reason = err.message;
    Annotation a = annotationAt("error", err.message, err.where);
    a.job = leg.info.key;
    events_.annotation(a);
    events_.jobFinished(leg.info, leg.result);
  }

  // With mu_ held.
  void start(size_t i) {
    const PlannedJob& pj = plan_.jobs[i];
    const wf::Job& job = *pj.job;
    JobState& js = jobs_[i];
    js.state = State::Running;

    auto ctx = jobContexts(i);
    expr::Value contexts = makeContexts(ctx);
    expr::JobStatus status = statusFor(i);
    StatusHost host(status);
    bool go = false;
    EvalError err;
    if (options_.gate) {
      std::vector<const JobResult*> results(jobs_.size(), nullptr);
      for (size_t n = 0; n < jobs_.size(); ++n)
        if (jobs_[n].state == State::Done) results[n] = &jobs_[n].result;
      std::string why;
      if (!options_.gate(i, results, cancel_.level() > 0, &go, &why, &err)) return fail(i, err);
      if (!go) return endBeforeStart(i, Result::Skipped, why);
      // The dialect has decided: what follows sees a job that may run.
      status = expr::JobStatus::Success;
    } else if (!evaluateCondition(job.condition, contexts, host, &go, &err)) {
      return fail(i, err);
    }
    if (!go) {
      // A job skipped behind a skipped one (a release behind a comparison
      // that kept the champion) was not stopped by a failure: say which.
      std::string why = status == expr::JobStatus::Success     ? "its if: condition is false"
                        : status == expr::JobStatus::Cancelled ? "the run was cancelled"
                        : status == expr::JobStatus::Skipped   ? "a job it needs was skipped"
                                                               : "a job it needs failed";
      return endBeforeStart(i, Result::Skipped, why);
    }

    std::vector<MatrixLeg> legs;
    if (job.strategy) {
      expr::Value strategy;
      if (!evaluate(*job.strategy, contexts, host, &strategy, &err)) return fail(i, err);
      if (strategy.kind() == expr::Kind::Object) {
        if (const expr::Value* m = strategy.asObject().find("matrix")) {
          std::string why;
          if (!expandMatrix(*m, &legs, &why)) {
            const yaml::Node* node = job.strategy->find("matrix");
            return fail(i, {why, node ? node->where : job.strategy->where});
          }
          std::erase_if(legs,
                        [&](const MatrixLeg& l) { return !legSelected(l, options_.plan.matrix); });
          if (legs.empty())
            return endBeforeStart(i, Result::Skipped, "no matrix leg matches --matrix");
        }
        if (const expr::Value* f = strategy.asObject().find("fail-fast"))
          js.failFast = expr::truthy(*f);
        if (const expr::Value* m = strategy.asObject().find("max-parallel"))
          js.maxParallel = static_cast<int>(expr::toNumber(*m));
      }
    }

    if (job.callsWorkflow()) return startCall(i, std::move(ctx), status, legs);

    size_t n = makeLegs(i, legs);
    for (size_t l = 0; l < n; ++l) {
      Leg* leg = js.legs[l].get();
      JobRun jr;
      jr.workflow = plan_.workflow;
      jr.job = &job;
      jr.info = leg->info;
      jr.contexts = ctx;
      jr.contexts["matrix"] = legs.empty() ? expr::Value() : matrixContext(leg->matrix);
      jr.contexts["strategy"] = strategyContext(js, l, n);
      jr.secrets = options_.secrets;
      jr.cancel = leg->cancel.get();

      auto legFails = [&](const EvalError& e) {
        leg->skipped = true;
        failLeg(*leg, e);
      };
      // A name with an expression is shown evaluated; one that reads the
      // matrix names the leg itself, as on GitHub.
      if (job.name && job.name->isScalar() && expr::hasExpression(job.name->value)) {
        std::string name;
        StatusHost h(status);
        if (!evaluateString(*job.name, makeContexts(jr.contexts), h, &name, &err)) {
          legFails(err);
          continue;
        }
        bool readsMatrix = job.name->value.find("matrix") != std::string::npos;
        leg->info.name =
            prefix_ + (legs.empty() || readsMatrix ? name : legName(name, leg->matrix));
        jr.info.name = leg->info.name;
      }
      // Per leg: it may read matrix and strategy (an experimental leg).
      if (job.continueOnError) {
        expr::Value v;
        StatusHost h(status);
        if (!evaluate(*job.continueOnError, makeContexts(jr.contexts), h, &v, &err)) {
          legFails(err);
          continue;
        }
        leg->continueOnError = expr::truthy(v);
      }
      if (job.runsOn) {
        expr::Value runsOn;
        StatusHost h(status);
        if (!evaluate(*job.runsOn, makeContexts(jr.contexts), h, &runsOn, &err)) {
          legFails(err);
          continue;
        }
        std::string why;
        if (!runsHere(labelsOf(runsOn), options_.plan, &why)) {
          leg->done = leg->skipped = true;
          leg->result.result = Result::Skipped;
          leg->result.reason = why;
          events_.jobFinished(leg->info, leg->result);
          continue;
        }
      }
      auto reused = options_.reuse.find(leg->info.key);
      if (reused != options_.reuse.end() && reused->second.result == Result::Success) {
        leg->done = true;
        leg->result = reused->second;
        leg->result.reason = "reused from the earlier run";
        events_.jobFinished(leg->info, leg->result);
        continue;
      }
      if (job.concurrency && options_.groups) {
        StatusHost h(status);
        GroupClaim claim;
        if (!evaluateClaim(*job.concurrency, makeContexts(jr.contexts), h, &claim, &err)) {
          legFails(err);
          continue;
        }
        claim.who = "run " + options_.runId + ", job " + leg->info.key;
        // Claimed here, in leg order, so that which legs a group lets in
        // does not depend on which thread comes first. A registry that
        // fails is the leg's failure when it would start (enterGroup).
        GroupTicket ticket;
        options_.groups->join(claim, &ticket, &leg->groupError);
        leg->ticket = std::move(ticket);
      }
      js.pending.push_back({leg, std::move(jr)});
    }
    dispatch(i);
    checkJobDone(i);
  }

  // With mu_ held: hands job i's pending legs to the slots, as far as its
  // max-parallel allows. A leg with a concurrency group first waits for
  // the group, on a thread of its own, as a GitHub job waits for its group
  // before it takes a runner.
  void dispatch(size_t i) {
    JobState& js = jobs_[i];
    while (!js.pending.empty() && (js.maxParallel <= 0 || js.running < js.maxParallel)) {
      Pending p = std::move(js.pending.front());
      js.pending.pop_front();
      ++js.running;
      if (!p.leg->ticket) {
        submit(i, p.leg, std::move(p.run), nullptr);
        continue;
      }
      threads_.emplace_back([this, i, p = std::move(p)]() mutable {
        JobResult r;
        std::unique_ptr<GroupHold> hold;
        if (!enterGroup(*p.leg, &hold, &r)) {
          events_.jobFinished(p.leg->info, r);
          legDone(i, p.leg, r);
          return;
        }
        submit(i, p.leg, std::move(p.run), std::shared_ptr<GroupHold>(std::move(hold)));
      });
    }
  }

  // Queues a leg for a slot. Its last act is legDone(), after which this
  // PlanRun may be gone (a nested run ends when its legs are done).
  void submit(size_t i, Leg* leg, JobRun jr, std::shared_ptr<GroupHold> hold) {
    slots_.submit(leg->info.index, [this, i, leg, jr = std::move(jr), hold]() mutable {
      JobResult r;
      int level = leg->cancel->level();
      if (level >= 2 || level > leg->cancelSeen) {
        r.result = Result::Cancelled;
        r.reason = "cancelled before it started";
        events_.jobFinished(leg->info, r);
      } else {
        events_.jobStarted(leg->info);
        r = runner_.run(jr);
        events_.jobFinished(leg->info, r);
      }
      hold.reset();
      legDone(i, leg, r);
    });
  }

  // A leg waits for its job's concurrency group before it takes a slot, as
  // a GitHub job waits before it takes a runner. False with *r when the
  // leg must not run: replaced by a newer claim, or cancelled while it waited.
  bool enterGroup(Leg& leg, std::unique_ptr<GroupHold>* hold, JobResult* r) {
    const GroupTicket& ticket = *leg.ticket;
    proc::CancelToken* cancel = leg.cancel.get();
    std::string key = leg.info.key, err = leg.groupError;
    GroupEntry e = GroupEntry::Failed;
    if (err.empty()) {
      if (!ticket.held && options_.notice)
        options_.notice("job " + key + " waits for concurrency group '" + ticket.group + "'" +
                        (ticket.holder.empty() ? "" : ", held by " + ticket.holder));
      auto onPreempted = [this, cancel, key, group = ticket.group] {
        preempted(key, group);
        cancel->cancel(1);
      };
      e = options_.groups->wait(ticket, cancel, onPreempted, hold, &err);
    }
    if (e == GroupEntry::Held) return true;
    r->started = r->finished = Clock::now();
    r->result = e == GroupEntry::Failed ? Result::Failure : Result::Cancelled;
    r->reason = e == GroupEntry::Replaced ? preemptedMessage(ticket.group)
                : e == GroupEntry::Cancelled
                    ? "cancelled while waiting for concurrency group '" + ticket.group + "'"
                    : err;
    if (e == GroupEntry::Replaced) preempted(key, ticket.group);
    return false;
  }

  void preempted(const std::string& key, const std::string& group) {
    Annotation a;
    a.level = "error";
    a.message = preemptedMessage(group);
    a.job = key;
    events_.annotation(a);
  }

  // A leg has ended: what it lets start starts here, on this thread. The
  // run's thread is woken only for the end.
  void legDone(size_t i, Leg* leg, const JobResult& r) {
    std::lock_guard lock(mu_);
    JobState& js = jobs_[i];
    --js.running;
    leg->done = true;
    leg->result = r;
    if (r.result == Result::Failure && js.failFast && !leg->continueOnError)
      for (auto& other : js.legs)
        if (!other->done) other->cancel->cancel(1);
    dispatch(i);
    checkJobDone(i);
    schedule();
    if (allDone()) cv_.notify_all();
  }

  // With mu_ held: once every leg is done, the job's result.
  void checkJobDone(size_t i) {
    JobState& js = jobs_[i];
    if (js.state != State::Running || js.legs.empty()) return;
    for (const auto& leg : js.legs)
      if (!leg->done) return;
    JobResult r;
    bool anyFailed = false, anyCancelled = false, allSkipped = true;
    r.started = Clock::time_point::max();
    for (const auto& leg : js.legs) {
      const JobResult& lr = leg->result;
      anyFailed |= lr.result == Result::Failure && !leg->continueOnError;
      anyCancelled |= lr.result == Result::Cancelled;
      allSkipped &= lr.result == Result::Skipped;
      // Legs write the same outputs: the last one to finish wins, as on GitHub.
      for (const auto& [k, v] : lr.outputs)
        r.outputs[k] = v;
      if (!lr.reason.empty() && r.reason.empty()) r.reason = lr.reason;
      if (lr.started != Clock::time_point{}) r.started = std::min(r.started, lr.started);
      r.finished = std::max(r.finished, lr.finished);
    }
    if (r.started == Clock::time_point::max()) r.started = {};
    r.result = anyFailed      ? Result::Failure
               : anyCancelled ? Result::Cancelled
               : allSkipped   ? Result::Skipped
                              : Result::Success;
    js.result = std::move(r);
    js.state = State::Done;
  }

  // The strategy context of leg l of n.
  static expr::Value strategyContext(const JobState& js, size_t l, size_t n) {
    expr::Object strategy;
    strategy.add("fail-fast", expr::Value::boolean(js.failFast));
    strategy.add("job-index", expr::Value::number(double(l)));
    strategy.add("job-total", expr::Value::number(double(n)));
    strategy.add("max-parallel",
                 expr::Value::number(js.maxParallel > 0 ? js.maxParallel : double(n)));
    return expr::Value::object(std::move(strategy));
  }

  // A job that calls a reusable workflow runs it as a nested run per matrix
  // leg, each on a thread of its own (it holds no slot: its jobs take
  // them). Its `concurrency:` group is claimed here, in leg order, and
  // entered on that thread before the called workflow starts, as a leg's is.
  void startCall(size_t i, const std::map<std::string, expr::Value>& ctx, expr::JobStatus status,
                 const std::vector<MatrixLeg>& legs) {
    const wf::Job& job = *plan_.jobs[i].job;
    JobState& js = jobs_[i];
    size_t n = makeLegs(i, legs);
    for (size_t l = 0; l < n; ++l) {
      Leg* leg = js.legs[l].get();
      std::map<std::string, expr::Value> legCtx = ctx;
      legCtx["matrix"] = legs.empty() ? expr::Value() : matrixContext(leg->matrix);
      legCtx["strategy"] = strategyContext(js, l, n);
      if (job.concurrency && options_.groups) {
        StatusHost h(status);
        GroupClaim claim;
        EvalError err;
        if (!evaluateClaim(*job.concurrency, makeContexts(legCtx), h, &claim, &err)) {
          // This leg never starts; its siblings already queued still run.
          failLeg(*leg, err);
          continue;
        }
        claim.who = "run " + options_.runId + ", job " + leg->info.key;
        GroupTicket ticket;
        options_.groups->join(claim, &ticket, &leg->groupError);
        leg->ticket = std::move(ticket);
      }
      ++js.running;
      threads_.emplace_back([this, i, leg, legCtx = std::move(legCtx), &job]() {
        JobResult r;
        std::unique_ptr<GroupHold> hold;
        if (!leg->ticket || enterGroup(*leg, &hold, &r)) {
          events_.jobStarted(leg->info);
          r = runCall(job, legCtx, *leg->cancel, leg->info.key);
          r.finished = Clock::now();
        }
        hold.reset();
        events_.jobFinished(leg->info, r);
        legDone(i, leg, r);
      });
    }
    checkJobDone(i);
  }

  // key: the calling leg's, which prefixes the called workflow's jobs.
  JobResult runCall(const wf::Job& job, const std::map<std::string, expr::Value>& ctx,
                    const proc::CancelToken& callCancel, const std::string& key) {
    JobResult r;
    r.started = Clock::now();
    auto failWith = [&](const std::string& message, Location where) {
      Annotation a{
          "error", message, "", std::string(where.path()), where.begin.line, 0, where.begin.column,
          0,       key,     ""};
      events_.annotation(a);
      r.result = Result::Failure;
      r.reason = message;
      return r;
    };
    if (!options_.loadWorkflow)
      return failWith("reusable workflows cannot be loaded here", job.uses.where);
    for (const std::string& outer : options_.calls)
      if (outer == job.uses.value)
        return failWith("'" + job.uses.value +
                            "' calls itself, directly or through the workflows it calls; GitHub "
                            "stops such a run at its nesting limit",
                        job.uses.where);
    if (options_.calls.size() + 1 > wf::kMaxCallDepth)
      return failWith(
          "Nested reusable workflow depth exceeded " + std::to_string(wf::kMaxCallDepth) + ".",
          job.uses.where);
    std::string err;
    const wf::Workflow* called = options_.loadWorkflow(job.uses.value, job.uses.where, &err);
    if (!called) return failWith(err, job.uses.where);

    expr::Value contexts = makeContexts(ctx);
    StatusHost host(expr::JobStatus::Success);
    EvalError e;
    std::vector<std::pair<std::string, std::string>> with;
    if (job.with && !evaluateMap(*job.with, contexts, host, &with, &e))
      return failWith(e.message, e.where);
    expr::Object inputs;
    for (const wf::Input& in : called->callInputs) {
      const std::string* given = nullptr;
      for (const auto& [k, v] : with)
        if (equalsIgnoreCase(k, in.name)) given = &v;
      expr::Value value;
      if (given) {
        value = in.type == "boolean"  ? expr::Value::boolean(*given == "true")
                : in.type == "number" ? expr::Value::number(expr::parseNumber(*given))
                                      : str(*given);
      } else if (in.defaultValue) {
        if (!evaluate(*in.defaultValue, contexts, host, &value, &e))
          return failWith(e.message, e.where);
      } else if (in.required) {
        return failWith("input '" + in.name + "' is required by " + job.uses.value, job.uses.where);
      }
      inputs.add(in.name, value);
    }
    std::vector<std::pair<std::string, std::string>> secrets;
    if (job.secretsInherit) {
      secrets = options_.secrets;
    } else if (job.secrets && !evaluateMap(*job.secrets, contexts, host, &secrets, &e)) {
      return failWith(e.message, e.where);
    }
    for (const wf::CallSecret& s : called->callSecrets) {
      bool given = false;
      for (const auto& kv : secrets)
        given |= equalsIgnoreCase(kv.first, s.name);
      if (s.required && !given)
        return failWith("secret '" + s.name + "' is required by " + job.uses.value, job.uses.where);
    }

    SchedulerOptions child = options_;
    child.calls.push_back(job.uses.value);
    child.contexts["inputs"] = expr::Value::object(std::move(inputs));
    expr::Object secretsCtx;
    for (const auto& [k, v] : secrets)
      secretsCtx.add(k, str(v));
    child.contexts["secrets"] = expr::Value::object(std::move(secretsCtx));
    child.secrets = secrets;
    child.plan.jobs.clear();
    Plan plan;
    Diagnostics diags;
    if (!makePlan(*called, child.plan, &plan, diags)) {
      for (const auto& d : diags.all())
        if (d.severity == Severity::Error) return failWith(d.message, d.where);
    }
    PlanRun nested(plan, child, runner_, events_, cancel_, key + "/", slots_, nextIndex_,
                   &callCancel);
    WorkflowResult wr = nested.run();

    expr::Object jobsCtx;
    for (const auto& [id, jr] : wr.jobs)
      jobsCtx.add(id, jobsEntry(jr));
    auto outCtx = child.contexts;
    outCtx["jobs"] = expr::Value::object(std::move(jobsCtx));
    expr::Value outContexts = makeContexts(outCtx);
    for (const wf::CallOutput& out : called->callOutputs) {
      if (!out.value) continue;
      std::string v;
      if (!evaluateString(*out.value, outContexts, host, &v, &e))
        return failWith(e.message, e.where);
      r.outputs[out.name] = v;
    }
    r.result = wr.result;
    if (r.result == Result::Failure) r.reason = "the called workflow failed";
    return r;
  }

  void propagateCancel() {
    int level = cancelLevel();
    if (level <= seenCancel_) return;
    seenCancel_ = level;
    for (auto& js : jobs_)
      for (auto& leg : js.legs)
        leg->cancel->cancel(level);
  }

  WorkflowResult finish() {
    WorkflowResult wr;
    bool failed = false, cancelled = false;
    for (size_t i = 0; i < jobs_.size(); ++i) {
      if (!selected(i)) continue;
      const JobResult& r = jobs_[i].result;
      failed |= r.result == Result::Failure;
      cancelled |= r.result == Result::Cancelled;
      wr.jobs[plan_.jobs[i].job->id] = r;
    }
    wr.result = failed                           ? Result::Failure
                : cancelled || cancelLevel() > 0 ? Result::Cancelled
                                                 : Result::Success;
    return wr;
  }

  const Plan& plan_;
  const SchedulerOptions& options_;
  JobRunner& runner_;
  Reporter& events_;
  const proc::CancelToken& cancel_;
  const proc::CancelToken* callCancel_;
  std::string prefix_;
  Slots& slots_;
  // Job indexes are unique over the run, nested workflows included.
  std::atomic<size_t>& nextIndex_;
  std::vector<JobState> jobs_;
  std::map<size_t, std::vector<JobInfo>> queued_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int seenCancel_ = 0;
};

}  // namespace

WorkflowResult runPlan(const Plan& plan, const SchedulerOptions& options, JobRunner& runner,
                       Reporter& events, const proc::CancelToken& cancel,
                       const std::string& keyPrefix) {
  Slots slots(options.parallel);
  std::atomic<size_t> nextIndex{0};
  PlanRun run(plan, options, runner, events, cancel, keyPrefix, slots, nextIndex);
  return run.run();
}

}  // namespace galley::run
