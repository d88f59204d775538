#include "runtime/approvals.h"

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/testing.h"

namespace galley::run {

namespace {

namespace fs = std::filesystem;

Clock::time_point at(int seconds) {
  return Clock::time_point(std::chrono::seconds(1'800'000'000 + seconds));
}

Approval request(std::string environment, std::string job) {
  Approval a;
  a.environment = std::move(environment);
  a.job = std::move(job);
  a.approvers = "alice, bob";
  return a;
}

// Answers a prompt through a pipe; keeps what the prompt wrote.
struct Terminal {
  int in[2], out[2];
  Terminal() {
    REQUIRE(pipe(in) == 0);
    REQUIRE(pipe(out) == 0);
  }
  ~Terminal() {
    for (int fd : {in[0], in[1], out[0], out[1]})
      if (fd >= 0) close(fd);
  }
  void type(const std::string& s) {
    REQUIRE(write(in[1], s.data(), s.size()) == ssize_t(s.size()));
  }
  void hangUp() {
    close(in[1]);
    in[1] = -1;
  }
  std::string shown() {
    close(out[1]);
    out[1] = -1;
    std::string s;
    char buf[512];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;)
      s.append(buf, size_t(n));
    return s;
  }
};

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "galley-approvals-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Counts the questions; approves `production` only.
class CountingApprover final : public Approver {
 public:
  std::atomic<int> asked{0};
  bool decide(Approval& a, const std::atomic<bool>* cancelled) override {
    ++asked;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (cancelled && cancelled->load()) return false;
    a.decided = true;
    a.approved = a.environment == "production";
    a.by = "counter";
    a.comment = "#" + std::to_string(asked.load());
    return true;
  }
};

}  // namespace

TEST_CASE("auto approval approves at once and says so") {
  Approval a = request("production", "deploy");
  AutoApprover approver([] { return at(7); });
  CHECK(approver.decide(a, nullptr));
  CHECK(a.decided);
  CHECK(a.approved);
  CHECK(a.by == "galley (--approve auto)");
  CHECK(a.at == at(7));
}

TEST_CASE("a prompt approves on y with a comment, by the actor") {
  setenv("GALLEY_ACTOR", "carol", 1);
  Terminal t;
  t.type("y\nship it\n");
  PromptApprover approver(t.in[0], t.out[1], [] { return at(3); });
  Approval a = request("production", "deploy");
  CHECK(approver.decide(a, nullptr));
  unsetenv("GALLEY_ACTOR");
  CHECK(a.approved);
  CHECK(a.by == "carol");
  CHECK(a.comment == "ship it");
  CHECK(a.at == at(3));
  CHECK(t.shown() ==
        "Job 'deploy' wants environment 'production' (approvers: alice, bob).\n"
        "Approve? [y/N] Comment (optional): ");
}

TEST_CASE("a prompt rejects anything but yes, and rejects at end of input") {
  for (const char* answer : {"n\n\n", "\n\n", "yess\n\n", "ja\nno\n"}) {
    Terminal t;
    t.type(answer);
    PromptApprover approver(t.in[0], t.out[1]);
    Approval a = request("production", "deploy");
    CHECK(approver.decide(a, nullptr));
    CHECK_FALSE(a.approved);
  }
  Terminal t;
  t.hangUp();
  PromptApprover approver(t.in[0], t.out[1]);
  Approval a = request("production", "deploy");
  CHECK(approver.decide(a, nullptr));
  CHECK(a.decided);
  CHECK_FALSE(a.approved);
  CHECK(a.comment == "no answer (end of input)");
}

TEST_CASE("a prompt stops waiting when the run is cancelled") {
  Terminal t;
  PromptApprover approver(t.in[0], t.out[1]);
  std::atomic<bool> cancelled{false};
  std::thread cancel([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancelled = true;
  });
  Approval a = request("production", "deploy");
  auto start = Clock::now();
  CHECK_FALSE(approver.decide(a, &cancelled));
  cancel.join();
  CHECK_FALSE(a.decided);
  CHECK(Clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("waiting writes a request, says how to decide, and takes the decision file") {
  TempDir tmp;
  std::ostringstream notice;
  WaitApprover approver("4", tmp.path, &notice, std::chrono::milliseconds(10));
  Approval a = request("production", "call/deploy");
  bool decided = false;
  std::thread waiter([&] { decided = approver.decide(a, nullptr); });
  std::string requestPath = approvalRequestPath(tmp.path, "call/deploy");
  CHECK(requestPath == tmp.path + "/call%2Fdeploy.json");
  for (int i = 0; i < 500 && !fs::exists(requestPath); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Approval pending;
  std::string why;
  REQUIRE(readApproval(requestPath, &pending, &why));
  CHECK(pending.environment == "production");
  CHECK_FALSE(pending.decided);

  Approval decision = pending;
  decision.decided = true;
  decision.approved = false;
  decision.by = "dave";
  decision.comment = "freeze";
  decision.at = at(9);
  bool already = true;
  REQUIRE(recordDecision(tmp.path, decision, &already, nullptr, &why));
  CHECK_FALSE(already);
  waiter.join();
  CHECK(decided);
  CHECK(a.decided);
  CHECK_FALSE(a.approved);
  CHECK(a.by == "dave");
  CHECK(a.comment == "freeze");
  CHECK(a.at == at(9));
  CHECK(notice.str() ==
        "Job 'call/deploy' waits for approval of environment 'production'. Decide with:\n"
        "  galley approve 4 call/deploy\n"
        "  galley approve 4 call/deploy --reject --comment 'why'\n");

  // A second decision is refused and shows the first.
  Approval first;
  decision.approved = true;
  CHECK_FALSE(recordDecision(tmp.path, decision, &already, &first, &why));
  CHECK(already);
  CHECK(first.by == "dave");
  CHECK_FALSE(first.approved);
}

TEST_CASE("waiting stops when the run is cancelled") {
  TempDir tmp;
  WaitApprover approver("4", tmp.path, nullptr, std::chrono::milliseconds(10));
  std::atomic<bool> cancelled{true};
  Approval a = request("production", "deploy");
  CHECK_FALSE(approver.decide(a, &cancelled));
  CHECK_FALSE(a.decided);
}

TEST_CASE("a run asks once per environment") {
  CountingApprover inner;
  OncePerEnvironment once(inner);
  Approval a = request("production", "deploy-eu"), b = request("production", "deploy-us"),
           c = request("staging", "deploy-staging");
  std::thread t1([&] { once.decide(a, nullptr); });
  std::thread t2([&] { once.decide(b, nullptr); });
  t1.join();
  t2.join();
  CHECK(inner.asked == 1);
  CHECK(a.approved);
  CHECK(b.approved);
  CHECK(a.comment == b.comment);
  CHECK(b.by == "counter");
  CHECK(once.decide(c, nullptr));
  CHECK(inner.asked == 2);
  CHECK_FALSE(c.approved);
}

TEST_CASE("a cancelled question is asked again") {
  CountingApprover inner;
  OncePerEnvironment once(inner);
  std::atomic<bool> cancelled{true};
  Approval a = request("production", "deploy");
  CHECK_FALSE(once.decide(a, &cancelled));
  CHECK(once.decide(a, nullptr));
  CHECK(inner.asked == 2);
  CHECK(a.approved);
}

}  // namespace galley::run
