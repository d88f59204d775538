#include "runtime/concurrency.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime/files.h"
#include "runtime/owner.h"

namespace galley::run {

namespace fs = std::filesystem;
using nlohmann::json;

std::string preemptedMessage(const std::string& group) {
  return "Canceling since a higher priority waiting request for '" + group + "' exists";
}

bool evaluateClaim(const wf::Template& concurrency, const expr::Value& contexts,
                   expr::EvalHost& host, GroupClaim* out, EvalError* err) {
  expr::Value v;
  if (!evaluate(concurrency, contexts, host, &v, err)) return false;
  if (v.kind() == expr::Kind::Object) {
    if (const expr::Value* g = v.asObject().find("group")) out->group = asText(*g);
    if (const expr::Value* c = v.asObject().find("cancel-in-progress"))
      out->cancelInProgress = expr::truthy(*c);
  } else {
    out->group = asText(v);
  }
  if (out->group.empty()) {
    const yaml::Node* g = concurrency.find("group");
    *err = {"the concurrency group evaluated to an empty string", g ? g->where : concurrency.where};
    return false;
  }
  return true;
}

namespace {

// A group's file: FNV-1a of its lower-cased name, so any name (long, with
// slashes) is a short, safe file name; the name itself is kept inside.
std::string groupFile(const std::string& dir, const std::string& group) {
  unsigned long long h = 1469598103934665603ull;
  for (char c : group) {
    h ^= static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    h *= 1099511628211ull;
  }
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.json", h);
  return dir + "/" + name;
}

std::string newToken() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// The group's state: {"group", "running": claim|null, "pending": claim|null}.
// Unreadable or absent is empty: the registry only coordinates live
// processes, so a damaged file costs at most a wait that does not happen.
json readState(const std::string& file) {
  std::string text, err;
  json state;
  if (readWholeFile(file, &text, &err)) state = json::parse(text, nullptr, false);
  if (!state.is_object()) state = json::object();
  for (const char* slot : {"running", "pending"}) {
    auto it = state.find(slot);
    if (it == state.end() || !it->is_object() || !it->contains("token")) state[slot] = nullptr;
  }
  return state;
}

bool isToken(const json& claim, const std::string& token) {
  return claim.is_object() && claim.value("token", std::string()) == token;
}

// Runs `change` on the group's state under the registry's lock and writes
// the state back when it returns true. Claims whose process is gone are
// dropped first.
bool changeGroup(const std::string& dir, const std::string& file,
                 const std::function<bool(json&)>& change, std::string* err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  int fd = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = "cannot open " + dir + "/.lock: " + std::strerror(errno);
    return false;
  }
  while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  json state = readState(file);
  bool changed = false;
  for (const char* slot : {"running", "pending"})
    if (!state[slot].is_null() && !ownerAlive(state[slot])) {
      state[slot] = nullptr;
      changed = true;
    }
  changed |= change(state);
  bool ok = true;
  if (changed)
    ok = writeFileAtomically(file, state.dump(-1, ' ', false, json::error_handler_t::replace), err,
                             false);
  ::close(fd);
  return ok;
}

}  // namespace

GroupRegistry::GroupRegistry(std::string dir, std::chrono::milliseconds poll)
    : dir_(std::move(dir)), poll_(poll) {}

GroupEntry GroupRegistry::enter(const GroupClaim& claim, const proc::CancelToken* cancel,
                                std::function<void(const std::string&)> onWait,
                                std::function<void()> onPreempted, std::unique_ptr<GroupHold>* hold,
                                std::string* err) const {
  GroupTicket ticket;
  if (!join(claim, &ticket, err)) return GroupEntry::Failed;
  if (!ticket.held && onWait) onWait(ticket.holder);
  return wait(ticket, cancel, std::move(onPreempted), hold, err);
}

// A new claim replaces the pending one, asks the holder to stop when it
// cancels in progress, and holds the group at once if nobody does.
bool GroupRegistry::join(const GroupClaim& claim, GroupTicket* ticket, std::string* err) const {
  ticket->group = claim.group;
  ticket->file = groupFile(dir_, claim.group);
  ticket->token = newToken();
  json me = ownerJson();
  me["token"] = ticket->token;
  me["who"] = claim.who;
  me["cancel"] = false;
  return changeGroup(
      dir_, ticket->file,
      [&](json& state) {
        state["group"] = claim.group;
        if (state["running"].is_null()) {
          state["running"] = me;
          state["pending"] = nullptr;
          ticket->held = true;
          return true;
        }
        ticket->holder = state["running"].value("who", std::string());
        if (claim.cancelInProgress) state["running"]["cancel"] = true;
        state["pending"] = me;
        return true;
      },
      err);
}

GroupEntry GroupRegistry::wait(const GroupTicket& ticket, const proc::CancelToken* cancel,
                               std::function<void()> onPreempted, std::unique_ptr<GroupHold>* hold,
                               std::string* err) const {
  GroupEntry outcome = ticket.held ? GroupEntry::Held : GroupEntry::Failed;
  while (outcome == GroupEntry::Failed) {
    bool cancelled = cancel && cancel->level() > 0;
    bool ok = changeGroup(
        dir_, ticket.file,
        [&](json& state) {
          if (!isToken(state["pending"], ticket.token)) {
            outcome = cancelled ? GroupEntry::Cancelled : GroupEntry::Replaced;
            return false;
          }
          if (cancelled) {
            state["pending"] = nullptr;
            outcome = GroupEntry::Cancelled;
            return true;
          }
          if (!state["running"].is_null()) return false;
          state["running"] = state["pending"];
          state["pending"] = nullptr;
          outcome = GroupEntry::Held;
          return true;
        },
        err);
    if (!ok) return GroupEntry::Failed;
    if (outcome == GroupEntry::Failed) std::this_thread::sleep_for(poll_);
  }
  if (outcome == GroupEntry::Held)
    hold->reset(new GroupHold(*this, ticket.file, ticket.token, std::move(onPreempted)));
  return outcome;
}

GroupHold::GroupHold(const GroupRegistry& registry, std::string file, std::string token,
                     std::function<void()> onPreempted)
    : registry_(registry),
      file_(std::move(file)),
      token_(std::move(token)),
      onPreempted_(std::move(onPreempted)) {
  watcher_ = std::thread([this] { watch(); });
}

// Reads without the lock: the state file is replaced whole, never changed
// in place.
void GroupHold::watch() {
  while (!stop_) {
    json state = readState(file_);
    if (isToken(state["running"], token_) && state["running"].value("cancel", false)) {
      if (onPreempted_) onPreempted_();
      return;
    }
    for (auto waited = std::chrono::milliseconds(0); waited < registry_.poll_ && !stop_;
         waited += std::chrono::milliseconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

GroupHold::~GroupHold() {
  stop_ = true;
  watcher_.join();
  std::string err;
  changeGroup(
      registry_.dir_, file_,
      [&](json& state) {
        if (!isToken(state["running"], token_)) return false;
        state["running"] = nullptr;
        return true;
      },
      &err);
}

}  // namespace galley::run
