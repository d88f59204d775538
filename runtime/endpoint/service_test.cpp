#include "runtime/endpoint/service.h"
#include "runtime/files.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace galley::endpoint {

namespace {

std::string tempLog() {
  return (std::filesystem::temp_directory_path() /
          ("galley-service-test-" + std::to_string(getpid()) + ".log"))
      .string();
}

// Live (not zombie) processes of a process group, from /proc.
int liveMembers(long group) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // A member may exit between the listing and the read: then it is gone.
    std::string text, err;
    if (!galley::run::readWholeFile((entry.path() / "stat").string(), &text, &err)) continue;
    size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (sscanf(text.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) == 3 &&
        pgrp == group && state != 'Z' && state != 'X')
      n++;
  }
  return n;
}

}  // namespace

TEST_CASE("a detached service runs until stopped, and nothing of it is left") {
  Launch launch;
  launch.argv = {"/bin/sh", "-c", "echo started; sleep 30 & sleep 30"};
  launch.env = serviceEnvironment(environ);
  launch.logPath = tempLog();
  ProcessId id;
  std::string err;
  REQUIRE(startDetached(launch, &id, &err));
  CHECK(isRunning(id));
  for (int i = 0; i < 250 && std::filesystem::file_size(launch.logPath) == 0; i++)
    usleep(20000);
  CHECK(getsid(static_cast<pid_t>(id.pid)) == id.pid);  // its own session
  REQUIRE(stopService(id, std::chrono::seconds(5), &err));
  CHECK_FALSE(isRunning(id));
  // The backgrounded sleep too (SIGKILLed with the group: given a moment to die).
  for (int i = 0; i < 100 && liveMembers(id.pid) > 0; i++)
    usleep(20000);
  CHECK(liveMembers(id.pid) == 0);
  std::ifstream log(launch.logPath);
  std::string line;
  std::getline(log, line);
  CHECK(line == "started");
  std::filesystem::remove(launch.logPath);
}

TEST_CASE("a pid with another start time is not the recorded service") {
  ProcessId self{getpid(), processStartTicks(getpid())};
  CHECK(isRunning(self));
  ProcessId reused{getpid(), self.startTicks + 1};
  CHECK_FALSE(isRunning(reused));
  CHECK_FALSE(isRunning(ProcessId{}));
}

TEST_CASE("a service cannot be started from a program that does not exist") {
  Launch launch;
  launch.argv = {"/nonexistent/python3"};
  launch.logPath = tempLog();
  ProcessId id;
  std::string err;
  CHECK_FALSE(startDetached(launch, &id, &err));
  CHECK(err == "cannot start /nonexistent/python3: No such file or directory");
  std::filesystem::remove(launch.logPath);
}

TEST_CASE("the job runners' process-tracking variables are not passed on") {
  std::string a = "PATH=/bin", b = "RUNNER_TRACKING_ID=github_123", c = "VSTS_PROCESS_LOOKUP_ID=x";
  char* env[] = {a.data(), b.data(), c.data(), nullptr};
  CHECK(serviceEnvironment(env) == std::vector<std::string>{"PATH=/bin"});
}

TEST_CASE("a port in use is named") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(listen(fd, 1) == 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  std::string err;
  CHECK_FALSE(portAvailable("127.0.0.1", port, &err));
  CHECK(err == "port " + std::to_string(port) + " on 127.0.0.1 is in use");
  close(fd);
  CHECK_FALSE(portAvailable("localhost", port, &err));
  CHECK(err == "'localhost' is not an IP address");
}

}  // namespace galley::endpoint
