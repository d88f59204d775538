// `concurrency:` groups across the galley runs of one repository, as GitHub
// keeps them: at most one holder and one pending claim per group. A new
// claim replaces the pending one (which ends cancelled); with
// cancel-in-progress it also asks the holder to stop. Group names compare
// case-insensitively.
//
// The registry lives in files under the run store (<runs>/.concurrency/),
// changed under an flock, so separate galley processes see one another. A
// holder or pending claim whose process is gone (killed, crashed) no longer
// counts: the next look at the group drops it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "compiler/process.h"
#include "runtime/evaluate.h"

namespace galley::run {

// GitHub's words for a run or job that a newer claim cancelled.
std::string preemptedMessage(const std::string& group);

struct GroupClaim {
  std::string group;
  bool cancelInProgress = false;
  std::string who;  // "run 12" or "run 12, job build": shown to those it makes wait
};

// A `concurrency:` value (a group name, or {group, cancel-in-progress})
// evaluated with `contexts`. False with *err at the user's text when it
// does not evaluate or names no group.
bool evaluateClaim(const wf::Template& concurrency, const expr::Value& contexts,
                   expr::EvalHost& host, GroupClaim* out, EvalError* err);

class GroupRegistry;

// A group held. While it is held, a newer claim with cancel-in-progress
// calls onPreempted once (on the hold's own thread). Leaving the group (the
// destructor) lets the pending claim in.
class GroupHold {
 public:
  ~GroupHold();
  GroupHold(const GroupHold&) = delete;
  GroupHold& operator=(const GroupHold&) = delete;

 private:
  friend class GroupRegistry;
  GroupHold(const GroupRegistry& registry, std::string file, std::string token,
            std::function<void()> onPreempted);
  void watch();

  const GroupRegistry& registry_;
  std::string file_, token_;
  std::function<void()> onPreempted_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

enum class GroupEntry { Held, Replaced, Cancelled, Failed };

// A claim made, not yet decided (GroupRegistry::join).
struct GroupTicket {
  std::string group, file, token;
  bool held = false;   // it holds the group already
  std::string holder;  // else: who does
};

class GroupRegistry {
 public:
  // dir: the registry's folder (created on first use). poll: how often a
  // waiting claim and a hold look at the group again.
  explicit GroupRegistry(std::string dir,
                         std::chrono::milliseconds poll = std::chrono::milliseconds(100));

  // Enters the group, waiting while another claim holds it. Returns Held
  // with *hold set; Replaced when a newer claim took this one's place while
  // it waited; Cancelled when `cancel` rose first; Failed with *err when the
  // registry cannot be read or written. onWait is called once, with the
  // holder's `who`, if this claim has to wait.
  GroupEntry enter(const GroupClaim& claim, const proc::CancelToken* cancel,
                   std::function<void(const std::string& holder)> onWait,
                   std::function<void()> onPreempted, std::unique_ptr<GroupHold>* hold,
                   std::string* err) const;

  // enter in two halves, for claims that must be made in a given order
  // (a job's matrix legs) and waited for apart: join makes the claim
  // without waiting (false with *err when the registry fails); wait waits
  // for it as enter does.
  bool join(const GroupClaim& claim, GroupTicket* ticket, std::string* err) const;
  GroupEntry wait(const GroupTicket& ticket, const proc::CancelToken* cancel,
                  std::function<void()> onPreempted, std::unique_ptr<GroupHold>* hold,
                  std::string* err) const;

 private:
  friend class GroupHold;
  std::string dir_;
  std::chrono::milliseconds poll_;
};

}  // namespace galley::run
