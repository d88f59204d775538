// Running the external linters lint hands scripts to (shellcheck, pyflakes).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace galley::lint {

// Runs argv[0] (a path, not searched in PATH) with stdin from /dev/null and
// appends what it writes to stdout to *out; its stderr too when withStderr,
// else stderr is discarded. Waits for it to exit. Returns false when the
// program cannot be started. Thread-safe.
bool runCapture(const std::vector<std::string>& argv, std::string* out, bool withStderr = false);

struct RunResult {
  bool started = false;   // false: the program could not be started
  bool timedOut = false;  // killed at the deadline; *out holds what came before
};

// As runCapture, with the child in a process group of its own: when it has
// not exited `timeout` after it started, the whole group is killed
// (SIGKILL) and reaped before this returns. Thread-safe.
RunResult runCaptureWithin(const std::vector<std::string>& argv, std::string* out, bool withStderr,
                           std::chrono::milliseconds timeout);

}  // namespace galley::lint
