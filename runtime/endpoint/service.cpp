#include "runtime/endpoint/service.h"

#include "runtime/files.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <thread>

namespace galley::endpoint {

namespace {

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Field 3 (state) and field 22 (starttime) of /proc/PID/stat. The command
// name (field 2) may hold spaces and parentheses: fields are counted after
// its last ')'. A process that exits while it is read is gone, not an
// error (reading with istreambuf_iterator threw ESRCH then).
bool readStat(long pid, char* state, long long* start) {
  std::string text, err;
  if (!run::readWholeFile("/proc/" + std::to_string(pid) + "/stat", &text, &err)) return false;
  size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  std::string field;
  rest >> *state;
  for (int i = 4; i <= 21 && rest >> field; i++) {
  }
  return static_cast<bool>(rest >> *start);
}

bool gone(const ProcessId& id) {
  reapIfExited(id);
  return !isRunning(id);
}

bool waitGone(const ProcessId& id, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!gone(id)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

bool startDetached(const Launch& launch, ProcessId* out, std::string* err) {
  int log = open(launch.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    *err = "cannot open " + launch.logPath + ": " + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log, 1);
  posix_spawn_file_actions_adddup2(&actions, log, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!launch.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, launch.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv = pointers(launch.argv);
  std::vector<char*> env = pointers(launch.env);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(log);
  if (rc != 0) {
    *err = "cannot start " + launch.argv[0] + ": " + std::strerror(rc);
    return false;
  }
  out->pid = pid;
  out->startTicks = processStartTicks(pid);
  return true;
}

std::vector<std::string> serviceEnvironment(char** base) {
  std::vector<std::string> env;
  for (char** e = base; e && *e; e++) {
    std::string_view entry(*e);
    if (entry.starts_with("RUNNER_TRACKING_ID=") || entry.starts_with("VSTS_PROCESS_LOOKUP_ID="))
      continue;
    env.emplace_back(entry);
  }
  return env;
}

long long processStartTicks(long pid) {
  char state = 0;
  long long start = 0;
  if (pid <= 0 || !readStat(pid, &state, &start)) return 0;
  return state == 'Z' || state == 'X' ? 0 : start;
}

bool isRunning(const ProcessId& id) {
  return id.pid > 0 && id.startTicks != 0 && processStartTicks(id.pid) == id.startTicks;
}

bool reapIfExited(const ProcessId& id, int* status) {
  int s = 0;
  pid_t r;
  do {
    r = waitpid(static_cast<pid_t>(id.pid), &s, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != static_cast<pid_t>(id.pid)) return false;
  if (status) *status = s;
  return true;
}

bool stopService(const ProcessId& id, std::chrono::milliseconds grace, std::string* err) {
  if (gone(id)) {
    // The leader is gone; what it started may still hold the group.
    if (id.pid > 0) kill(-static_cast<pid_t>(id.pid), SIGKILL);
    return true;
  }
  // The worker leads its own session, hence its own process group.
  pid_t group = static_cast<pid_t>(id.pid);
  if (kill(-group, SIGTERM) != 0 && errno == EPERM) {
    *err = "not allowed to stop process " + std::to_string(id.pid);
    return false;
  }
  if (!waitGone(id, grace)) kill(-group, SIGKILL);
  bool stopped = waitGone(id, std::chrono::seconds(5));
  kill(-group, SIGKILL);
  if (!stopped) *err = "process " + std::to_string(id.pid) + " did not exit after SIGKILL";
  return stopped;
}

std::string thisMachine() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

bool portAvailable(const std::string& host, int port, std::string* err) {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = host.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&address);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) {
      *err = "'" + host + "' is not an IP address";
      return false;
    }
    length = sizeof(*a);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&address);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) {
      *err = "'" + host + "' is not an IP address";
      return false;
    }
    length = sizeof(*a);
  }
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = std::string("cannot create a socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0;
  int error = errno;
  close(fd);
  if (!ok) {
    *err = error == EADDRINUSE ? "port " + std::to_string(port) + " on " + host + " is in use"
                               : "cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                     std::strerror(error);
  }
  return ok;
}

}  // namespace galley::endpoint
