#include "runtime/concurrency.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "compiler/yaml.h"
#include "tests/testing.h"

namespace galley::run {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Registry {
  std::string dir;
  GroupRegistry groups;
  Registry() : dir(makeDir()), groups(dir, 5ms) {}
  ~Registry() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  static std::string makeDir() {
    std::string tmpl = (fs::temp_directory_path() / "galley-groups-XXXXXX").string();
    return mkdtemp(tmpl.data());
  }
};

GroupClaim claim(std::string group, std::string who, bool cancelInProgress = false) {
  return GroupClaim{std::move(group), cancelInProgress, std::move(who)};
}

}  // namespace

TEST_CASE("a claim on a free group holds it at once, and a second one waits for it") {
  Registry r;
  GroupTicket first, second;
  std::string err;
  REQUIRE(r.groups.join(claim("deploy", "run 1"), &first, &err));
  CHECK(first.held);
  REQUIRE(r.groups.join(claim("Deploy", "run 2"), &second, &err));
  CHECK_FALSE(second.held);
  CHECK(second.holder == "run 1");  // names compare case-insensitively

  std::unique_ptr<GroupHold> hold1, hold2;
  REQUIRE(r.groups.wait(first, nullptr, {}, &hold1, &err) == GroupEntry::Held);
  std::thread release([&] {
    std::this_thread::sleep_for(30ms);
    hold1.reset();
  });
  CHECK(r.groups.wait(second, nullptr, {}, &hold2, &err) == GroupEntry::Held);
  release.join();
  CHECK(hold2 != nullptr);
}

TEST_CASE("a newer claim replaces the pending one, which is told so") {
  Registry r;
  GroupTicket holder, pending, newer;
  std::string err;
  REQUIRE(r.groups.join(claim("g", "run 1"), &holder, &err));
  REQUIRE(r.groups.join(claim("g", "run 2"), &pending, &err));
  REQUIRE(r.groups.join(claim("g", "run 3"), &newer, &err));
  std::unique_ptr<GroupHold> hold;
  CHECK(r.groups.wait(pending, nullptr, {}, &hold, &err) == GroupEntry::Replaced);
  CHECK(hold == nullptr);
  CHECK(newer.holder == "run 1");
}

TEST_CASE("cancel-in-progress asks the holder to stop, and the claim holds once it leaves") {
  Registry r;
  std::unique_ptr<GroupHold> hold1, hold2;
  std::atomic<bool> preempted{false};
  std::string err;
  REQUIRE(r.groups.enter(
              claim("g", "run 1"), nullptr, {}, [&] { preempted = true; }, &hold1, &err) ==
          GroupEntry::Held);
  GroupTicket ticket;
  REQUIRE(r.groups.join(claim("g", "run 2", true), &ticket, &err));
  CHECK_FALSE(ticket.held);
  for (int i = 0; i < 200 && !preempted; ++i)
    std::this_thread::sleep_for(5ms);
  CHECK(preempted);
  hold1.reset();
  CHECK(r.groups.wait(ticket, nullptr, {}, &hold2, &err) == GroupEntry::Held);
}

TEST_CASE("a claim waiting for a group ends when its run is cancelled") {
  Registry r;
  std::unique_ptr<GroupHold> hold1, hold2;
  std::string err;
  REQUIRE(r.groups.enter(claim("g", "run 1"), nullptr, {}, {}, &hold1, &err) == GroupEntry::Held);
  proc::CancelToken cancel;
  cancel.cancel(1);
  std::string waitedFor;
  CHECK(r.groups.enter(
            claim("g", "run 2"), &cancel, [&](const std::string& h) { waitedFor = h; }, {}, &hold2,
            &err) == GroupEntry::Cancelled);
  CHECK(waitedFor == "run 1");
  // Its pending place is given up: a third claim waits without replacing anyone.
  GroupTicket third;
  REQUIRE(r.groups.join(claim("g", "run 3"), &third, &err));
  CHECK(third.holder == "run 1");
}

TEST_CASE("a group held by a process that is gone is free") {
  Registry r;
  pid_t pid = fork();
  if (pid == 0) {
    std::string err;
    GroupTicket t;
    _exit(r.groups.join(claim("g", "run 1"), &t, &err) && t.held ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  GroupTicket ticket;
  std::string err;
  REQUIRE(r.groups.join(claim("g", "run 2"), &ticket, &err));
  CHECK(ticket.held);
}

TEST_CASE("a concurrency group that evaluates to an empty string is an error at its text") {
  SourceFile file("w.yml", "concurrency:\n  group: ${{ vars.NONE }}\n  cancel-in-progress: true\n");
  Diagnostics diags;
  auto root = yaml::load(file, diags);
  REQUIRE(root);
  const yaml::Node* c = root->find("concurrency");
  REQUIRE(c);
  expr::EvalHost host;
  GroupClaim out;
  EvalError err;
  expr::Object vars;
  std::map<std::string, expr::Value> parts{{"vars", expr::Value::object(std::move(vars))}};
  CHECK_FALSE(evaluateClaim(*c, makeContexts(parts), host, &out, &err));
  CHECK(err.message == "the concurrency group evaluated to an empty string");
  CHECK(err.where.begin.line == 2);
  CHECK(err.where.begin.column == 10);
}

}  // namespace galley::run
