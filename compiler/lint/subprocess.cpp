#include "compiler/lint/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

extern char** environ;

namespace galley::lint {

namespace {

using Clock = std::chrono::steady_clock;

// Spawns argv with stdout (and stderr when asked) into a new pipe whose
// read end *readFd receives; the child leads a process group of its own
// when ownGroup. 0 when it cannot be started.
pid_t spawnCapturing(const std::vector<std::string>& argv, bool withStderr, bool ownGroup,
                     int* readFd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  if (withStderr) {
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (ownGroup) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return 0;
  }
  *readFd = fds[0];
  return pid;
}

void reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

bool runCapture(const std::vector<std::string>& argv, std::string* out, bool withStderr) {
  int fd = -1;
  pid_t pid = spawnCapturing(argv, withStderr, false, &fd);
  if (!pid) return false;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  close(fd);
  reap(pid);
  return true;
}

RunResult runCaptureWithin(const std::vector<std::string>& argv, std::string* out, bool withStderr,
                           std::chrono::milliseconds timeout) {
  RunResult result;
  Clock::time_point deadline = Clock::now() + timeout;
  int fd = -1;
  pid_t pid = spawnCapturing(argv, withStderr, true, &fd);
  if (!pid) return result;
  result.started = true;
  auto left = [&] {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return ms.count() > 0 ? int(ms.count()) : 0;
  };
  char buf[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, left());
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {  // the deadline, or poll failing: stop the child either way
      result.timedOut = ready == 0;
      break;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // end of output
  }
  close(fd);
  // The output ended: the child is exiting. Wait for it as long as the
  // deadline allows; a child that closed its output and lingers is killed.
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return result;
    if (r == 0 && (result.timedOut || left() == 0)) break;
    if (r == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  result.timedOut = true;
  kill(-pid, SIGKILL);
  reap(pid);
  return result;
}

}  // namespace galley::lint
