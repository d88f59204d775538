#include "runtime/approvals.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <thread>

#include "runtime/display.h"
#include "runtime/files.h"
#include "runtime/wording.h"

namespace galley::run {

namespace fs = std::filesystem;

std::string currentActor() {
  const char* actor = std::getenv("GALLEY_ACTOR");
  if (actor && *actor) return actor;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user && *user ? user : "uid " + std::to_string(geteuid());
}

// ---- auto ----

bool AutoApprover::decide(Approval& a, const std::atomic<bool>* cancelled) {
  a.decided = true;
  a.approved = true;
  a.by = "galley (--approve auto)";
  a.comment.clear();
  a.at = now_();
  return true;
}

// ---- prompt ----

PromptApprover::PromptApprover(int inFd, int outFd, std::function<Clock::time_point()> now)
    : in_(inFd), out_(outFd), now_(std::move(now)) {}

PromptApprover::~PromptApprover() {
  if (owned_) ::close(in_);
}

std::unique_ptr<PromptApprover> PromptApprover::onTerminal(std::string* err) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    *err = std::string("cannot ask for approval: no terminal (/dev/tty: ") + std::strerror(errno) +
           "); use --approve wait or --approve auto";
    return nullptr;
  }
  auto p = std::make_unique<PromptApprover>(fd, fd);
  p->owned_ = true;
  return p;
}

void PromptApprover::say(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(out_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

bool PromptApprover::readLine(std::string* line, const std::atomic<bool>* cancelled,
                              bool* wasCancelled) {
  *wasCancelled = false;
  for (;;) {
    size_t nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      *line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
    if (cancelled && cancelled->load()) {
      *wasCancelled = true;
      return false;
    }
    // Wake up now and then to notice a cancelled run.
    pollfd p{in_, POLLIN, 0};
    int ready = ::poll(&p, 1, 200);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    char buf[256];
    ssize_t n = ::read(in_, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      if (buffered_.empty()) return false;
      *line = std::exchange(buffered_, {});
      return true;
    }
    buffered_.append(buf, static_cast<size_t>(n));
  }
}

bool PromptApprover::decide(Approval& a, const std::atomic<bool>* cancelled) {
  std::lock_guard lock(mu_);
  std::string question =
      "Job '" + printable(a.job) + "' wants environment '" + printable(a.environment) + "'";
  if (!a.approvers.empty()) question += " (approvers: " + printable(a.approvers) + ")";
  say(question + ".\nApprove? [y/N] ");
  std::string answer;
  bool wasCancelled = false;
  bool got = readLine(&answer, cancelled, &wasCancelled);
  if (wasCancelled) {
    say("\n");
    return false;
  }
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.back())))
    answer.pop_back();
  while (!answer.empty() && std::isspace(static_cast<unsigned char>(answer.front())))
    answer.erase(0, 1);
  for (char& c : answer)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  a.approved = got && (answer == "y" || answer == "yes");
  a.comment.clear();
  if (got) {
    say("Comment (optional): ");
    std::string comment;
    if (!readLine(&comment, cancelled, &wasCancelled) && wasCancelled) {
      say("\n");
      return false;
    }
    a.comment = comment;
  } else {
    say("\n");
    a.comment = "no answer (end of input)";
  }
  a.decided = true;
  a.by = currentActor();
  a.at = now_();
  return true;
}

// ---- wait ----

std::string approvalRequestPath(const std::string& approvalsDir, const std::string& jobKey) {
  return approvalsDir + "/" + fileNameOf(jobKey) + ".json";
}

std::string approvalDecisionPath(const std::string& approvalsDir, const std::string& jobKey) {
  return approvalsDir + "/" + fileNameOf(jobKey) + ".decision.json";
}

bool readApproval(const std::string& path, Approval* out, std::string* err) {
  std::string text;
  if (!readWholeFile(path, &text, err)) return false;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    *err = path + ": malformed JSON: " + e.what();
    return false;
  }
  std::string why;
  if (!j.is_object() || !fromJson(j, out, &why)) {
    *err = path + ": " + (why.empty() ? "not an approval" : why);
    return false;
  }
  return true;
}

namespace {

std::string dumpJson(const nlohmann::json& j) {
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

WaitApprover::WaitApprover(std::string runId, std::string approvalsDir, std::ostream* notice,
                           std::chrono::milliseconds poll)
    : runId_(std::move(runId)), dir_(std::move(approvalsDir)), notice_(notice), poll_(poll) {}

bool WaitApprover::decide(Approval& a, const std::atomic<bool>* cancelled) {
  std::string err;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string decisionPath = approvalDecisionPath(dir_, a.job);
  Approval request = a;
  request.decided = false;
  if (!writeFileAtomically(approvalRequestPath(dir_, a.job), dumpJson(toJson(request)), &err)) {
    // Nobody could answer a request that is not there: say no, and why.
    a.decided = true;
    a.approved = false;
    a.by = "galley";
    a.comment = "cannot wait for a decision: " + err;
    a.at = Clock::now();
    return true;
  }
  if (notice_) {
    std::lock_guard lock(noticeMu_);
    std::string cmd = "galley approve " + shellWord(runId_) + " " + shellWord(a.job);
    *notice_ << "Job '" << printable(a.job) << "' waits for approval of environment '"
             << printable(a.environment) << "'. Decide with:\n  " << printable(cmd) << "\n  "
             << printable(cmd) << " --reject --comment 'why'\n"
             << std::flush;
  }
  while (!(cancelled && cancelled->load())) {
    if (fs::exists(decisionPath, ec)) {
      Approval decision;
      if (!readApproval(decisionPath, &decision, &err)) {
        decision.approved = false;
        decision.by = "galley";
        decision.comment = "unreadable decision: " + err;
        decision.at = Clock::now();
      }
      a.decided = true;
      a.approved = decision.approved;
      a.by = decision.by;
      a.comment = decision.comment;
      a.at = decision.at;
      return true;
    }
    std::this_thread::sleep_for(poll_);
  }
  return false;
}

std::vector<Approval> pendingApprovals(const StoredRun& run) {
  std::vector<Approval> out;
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(run.approvalsDir(), ec)) {
    std::string name = e.path().filename().string();
    if (name.size() > 5 && name.ends_with(".json") && !name.ends_with(".decision.json") &&
        name.find(".tmp.") == std::string::npos)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    Approval a;
    std::string err;
    if (!readApproval(run.approvalsDir() + "/" + name, &a, &err)) continue;
    if (!fs::exists(approvalDecisionPath(run.approvalsDir(), a.job), ec)) out.push_back(a);
  }
  return out;
}

bool recordDecision(const std::string& approvalsDir, const Approval& decision, bool* alreadyDecided,
                    Approval* existing, std::string* err) {
  std::string path = approvalDecisionPath(approvalsDir, decision.job);
  bool exists = false;
  if (createFileExclusively(path, dumpJson(toJson(decision)), &exists, err)) {
    *alreadyDecided = false;
    return true;
  }
  *alreadyDecided = exists;
  if (exists && existing) {
    std::string ignored;
    readApproval(path, existing, &ignored);
  }
  return false;
}

// ---- once per environment ----

bool OncePerEnvironment::decide(Approval& a, const std::atomic<bool>* cancelled) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto& slot = entries_[a.environment];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::lock_guard lock(entry->mu);
  if (!entry->decided) {
    if (!inner_.decide(a, cancelled)) return false;
    entry->decided = true;
    entry->decision = a;
    return true;
  }
  a.decided = true;
  a.approved = entry->decision.approved;
  a.by = entry->decision.by;
  a.comment = entry->decision.comment;
  a.at = entry->decision.at;
  return true;
}

bool awaitApproval(Approver& approver, Approval& a, const proc::CancelToken* cancel,
                   Reporter& events) {
  events.approvalRequested(a);
  // The approver watches a flag; the job's cancellation sets it.
  std::atomic<bool> cancelled{false}, decided{false};
  std::thread watch([&] {
    while (!decided) {
      if (cancel && cancel->level() > 0) cancelled = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  bool answered = approver.decide(a, &cancelled);
  decided = true;
  watch.join();
  events.approvalDecided(a);
  return answered;
}

}  // namespace galley::run
