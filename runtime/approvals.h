// Approvals: a job bound to an environment with approvers waits for a
// person's decision before it starts. Three ways to ask (`galley run
// --approve prompt|wait|auto`), one cache so that a run asks once per
// environment, and the file protocol `galley approve` answers through.
#pragma once

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/process.h"
#include "runtime/events.h"
#include "runtime/store.h"

namespace galley::run {

class Approver {
 public:
  virtual ~Approver() = default;
  // Blocks until `a` (environment, job, approvers filled in) is decided,
  // then fills decided, approved, by, comment and at, and returns true.
  // Returns false, leaving `a` undecided, when *cancelled (if given) became
  // true while waiting. Thread-safe: jobs ask from their own threads.
  virtual bool decide(Approval& a, const std::atomic<bool>* cancelled) = 0;
};

// A job's wait for approval, the same for every dialect: reports `a` as
// requested, asks approver, and reports it decided. The wait ends early,
// returning false with `a` undecided, when cancel (if given) is raised.
bool awaitApproval(Approver& approver, Approval& a, const proc::CancelToken* cancel,
                   Reporter& events);

// Who decides: $GALLEY_ACTOR when set, else the OS user's name.
std::string currentActor();

// Approves everything at once, `by: galley (--approve auto)`.
class AutoApprover final : public Approver {
 public:
  explicit AutoApprover(std::function<Clock::time_point()> now = Clock::now)
      : now_(std::move(now)) {}
  bool decide(Approval& a, const std::atomic<bool>* cancelled) override;

 private:
  std::function<Clock::time_point()> now_;
};

// Asks on a terminal: `Approve? [y/N]`, then an optional comment. Only `y`
// or `yes` (any case) approves; end of input rejects. One question at a
// time. Checks for cancellation every 200 ms while it waits for an answer.
class PromptApprover final : public Approver {
 public:
  // Reads answers from inFd and writes questions to outFd (not owned).
  PromptApprover(int inFd, int outFd, std::function<Clock::time_point()> now = Clock::now);
  ~PromptApprover() override;
  // On /dev/tty; nullptr with *err when there is no terminal.
  static std::unique_ptr<PromptApprover> onTerminal(std::string* err);
  bool decide(Approval& a, const std::atomic<bool>* cancelled) override;

 private:
  // One line of input without its newline; false at end of input or on cancel.
  bool readLine(std::string* line, const std::atomic<bool>* cancelled, bool* wasCancelled);
  void say(const std::string& text);

  int in_, out_;
  bool owned_ = false;
  std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::string buffered_;
};

// Leaves the decision to `galley approve`: writes the request into the run
// store (approvals/<job>.json), tells `notice` (when given) how to decide,
// and polls every `poll` for approvals/<job>.decision.json.
class WaitApprover final : public Approver {
 public:
  WaitApprover(std::string runId, std::string approvalsDir, std::ostream* notice,
               std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  bool decide(Approval& a, const std::atomic<bool>* cancelled) override;

 private:
  std::string runId_, dir_;
  std::ostream* notice_;
  std::chrono::milliseconds poll_;
  std::mutex noticeMu_;
};

// Asks `inner` once per environment name and answers later requests for
// the same environment with that decision (by, comment and time included).
// Concurrent requests for one environment wait for the first one's answer;
// different environments are asked independently. A request cancelled
// while waiting decides nothing, and the next one asks again.
class OncePerEnvironment final : public Approver {
 public:
  explicit OncePerEnvironment(Approver& inner) : inner_(inner) {}
  bool decide(Approval& a, const std::atomic<bool>* cancelled) override;

 private:
  struct Entry {
    std::mutex mu;
    bool decided = false;
    Approval decision;
  };
  Approver& inner_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

// ---- the files `galley approve` reads and writes ----

std::string approvalRequestPath(const std::string& approvalsDir, const std::string& jobKey);
std::string approvalDecisionPath(const std::string& approvalsDir, const std::string& jobKey);

// The requests of a run that have no decision file yet, in job key order.
std::vector<Approval> pendingApprovals(const StoredRun& run);

// Records a decision for the request of `jobKey`: created once, atomically;
// a second decision fails with *alreadyDecided set (and *existing, when
// given, holding the first). False with *err otherwise.
bool recordDecision(const std::string& approvalsDir, const Approval& decision, bool* alreadyDecided,
                    Approval* existing, std::string* err);

// Reads a request or decision file.
bool readApproval(const std::string& path, Approval* out, std::string* err);

}  // namespace galley::run
