// The one process layer: runs a program in its own process group, streams what
// it writes, and ends it (and everything it started) on exit, timeout or
// cancellation. Used by lint (shellcheck, pyflakes) and by `galley run`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace galley::proc {

enum class Stream : uint8_t { Out, Err };

struct Spec {
  // argv[0] is a path when it contains '/', else a name looked up in the PATH
  // of `env` (or of galley's own environment when env is empty), as execvp does.
  std::vector<std::string> argv;
  // "KEY=VALUE" entries; empty = inherit galley's environment.
  std::vector<std::string> env;
  // Working directory; empty = galley's.
  std::string cwd;
  // stderr goes into the stdout pipe: one ordered stream, reported as Stream::Out.
  bool mergeStderr = false;
  // The lowest CancelToken level run() acts on: 2 for a process started after
  // a graceful cancel (an always() step), which only a forced cancel stops.
  int cancelFrom = 1;
};

// Cancellation shared between the caller and running processes (one token may
// serve many run() calls at once). Levels only go up:
//   0: none;
//   1: graceful: SIGINT to the process group, interruptGrace, SIGTERM,
//      terminateGrace, then SIGKILL (the GitHub runner's sequence, runner.md §4.5);
//   2: SIGKILL the group now (also escalates a graceful sequence under way).
// Thread-safe; cancel() wakes the run() calls waiting on the token at once.
class CancelToken {
 public:
  CancelToken();
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // Raises the level to `level` (a lower level than the current one is ignored).
  void cancel(int level);
  int level() const { return level_.load(std::memory_order_acquire); }
  // A descriptor that becomes readable, and stays so, once level() >= level
  // (1 or 2), for poll loops; -1 if the system gave none (then run() looks
  // at level() every 50 ms).
  int waitFd(int level) const { return level >= 2 ? fds_[1] : fds_[0]; }

 private:
  std::atomic<int> level_{0};
  int fds_[2] = {-1, -1};
};

// The graceful sequence's waits; tests shorten them.
struct Timing {
  std::chrono::milliseconds interruptGrace{7500};  // SIGINT -> SIGTERM
  std::chrono::milliseconds terminateGrace{2500};  // SIGTERM -> SIGKILL
  // After the main process exits, how long the rest of its group may keep
  // the output pipes open before the group is killed.
  std::chrono::milliseconds orphanGrace{5000};
};

struct Result {
  bool started = false;
  std::string error;  // why it could not start, e.g. "bash: not found"
  // The exit status; when a signal ended the process, 128 + the signal (what
  // .NET, hence the GitHub runner, reports); -1 when it did not start.
  int exitCode = -1;
  int signal = 0;          // the signal that ended the main process, if any
  bool timedOut = false;   // the timeout expired and the graceful sequence ran
  bool cancelled = false;  // the token's level was > 0 while it ran
  long pid = 0;            // the main process's id (also its process group's)
};

// Runs spec to completion with stdin from /dev/null, calling onOutput(stream,
// chunk) with the raw bytes as they arrive, split anywhere (nothing is
// accumulated: output of any size passes in bounded memory). onOutput runs on
// the calling thread and must not throw.
//
// timeout 0 = none; on expiry the graceful sequence runs and timedOut is set.
// When the main process exits, the other members of its process group (a
// backgrounded `sleep`) get orphanGrace to close the pipes; then, in every
// outcome, the whole group is SIGKILLed before run() returns, so nothing
// started in the group outlives run(). (A process that leaves the group with
// setsid() escapes, as it escapes the GitHub runner's tree kill until job end.)
//
// The child gets default dispositions for every signal and an empty signal
// mask, whatever galley's threads block or ignore (SIGPIPE in particular).
// Thread-safe: many threads may run() at once. run() reaps only its own
// child, by pid: the rest of galley must not reap children it did not start
// (no waitpid(-1), no SIGCHLD set to SIG_IGN).
Result run(const Spec& spec, const std::function<void(Stream, std::string_view)>& onOutput,
           std::chrono::milliseconds timeout = {}, const CancelToken* cancel = nullptr,
           const Timing& timing = {});

// For lint: runs argv (argv[0] resolved as in Spec) and appends its stdout to
// *out; with withStderr its stderr too, interleaved through the same pipe,
// else stderr is discarded. Returns false when it cannot be started; on a
// timeout it returns true with result->timedOut set. *result, when given,
// receives the full Result.
bool capture(const std::vector<std::string>& argv, std::string* out, bool withStderr = false,
             std::chrono::milliseconds timeout = {}, Result* result = nullptr);

// Turns run()'s chunks into lines, keeping one partial line per stream so
// that interleaved stdout and stderr never mix within a line. A line is
// delivered without its '\n' and without one '\r' before it. A line longer
// than maxLine bytes (1 MiB: the runners read whole lines, and a secret is
// masked only within one) is delivered in pieces of at most maxLine bytes,
// which bounds the memory a step printing without newlines takes. As each
// piece is masked alone, a piece ends, when it can, just after a space, tab,
// comma, semicolon or quote among its last min(maxLine/4, 1024) bytes; else
// not inside a UTF-8 character when one of its last 3 bytes allows it.
//
// Except a line that `keepWhole` claims: it is asked once about each line
// that outgrows maxLine, with the line's first maxLine bytes, and when it
// says yes the line is delivered whole if it ends within maxWhole bytes (in
// pieces after all if it does not). A host's command line is one: cut, its
// value would be cut and the rest of the line logged as plain text.
// Not thread-safe: one splitter per run().
class LineSplitter {
 public:
  static constexpr size_t kMaxLine = 1024 * 1024;
  using KeepWhole = std::function<bool(std::string_view head)>;
  explicit LineSplitter(size_t maxLine = kMaxLine, KeepWhole keepWhole = {},
                        size_t maxWhole = 16 * 1024 * 1024);
  void feed(Stream s, std::string_view chunk,
            const std::function<void(Stream, std::string_view line)>& onLine);
  // Delivers the unterminated tail of each stream (stdout first), if any.
  void flush(const std::function<void(Stream, std::string_view)>& onLine);

 private:
  enum class Shape { Undecided, Pieces, Whole };
  Shape shapeOf(Stream s, std::string_view line);
  void emitPieces(Stream s, const std::function<void(Stream, std::string_view)>& onLine);
  void emitLine(Stream s, std::string_view line,
                const std::function<void(Stream, std::string_view)>& onLine);
  size_t maxLine_;
  KeepWhole keepWhole_;
  size_t maxWhole_;
  std::string pending_[2];
  Shape shape_[2] = {Shape::Undecided, Shape::Undecided};
};

}  // namespace galley::proc
