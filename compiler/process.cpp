#include "compiler/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

extern char** environ;

namespace galley::proc {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

CancelToken::CancelToken() {
  for (int& fd : fds_)
    fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

CancelToken::~CancelToken() {
  for (int fd : fds_)
    if (fd >= 0) close(fd);
}

void CancelToken::cancel(int level) {
  level = std::min(level, 2);
  int previous = level_.load(std::memory_order_acquire);
  while (level > previous && !level_.compare_exchange_weak(previous, level)) {
  }
  if (level <= previous) return;
  // The counters are never read back: once written, the descriptors stay
  // readable, which is what every waiter of that level needs to see.
  uint64_t one = 1;
  for (int l = previous + 1; l <= level; ++l) {
    int fd = waitFd(l);
    if (fd >= 0 && write(fd, &one, sizeof one) < 0) {
      // A full counter is already readable; nothing else can go wrong here.
    }
  }
}

namespace {

// The value of NAME in a "KEY=VALUE" list, or of galley's environment.
std::optional<std::string> envValue(const std::vector<std::string>& env, std::string_view name) {
  if (env.empty()) {
    const char* v = getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  }
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return std::nullopt;
}

bool isExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// execvp's search, done here because posix_spawnp would search galley's PATH,
// not the one the child is given.
bool resolveProgram(const Spec& spec, std::string* path, std::string* err) {
  const std::string& name = spec.argv[0];
  if (name.find('/') != std::string::npos) {
    *path = name;
    return true;
  }
  if (!name.empty()) {
    std::string dirs = envValue(spec.env, "PATH").value_or("/bin:/usr/bin");
    for (size_t start = 0; start <= dirs.size();) {
      size_t colon = std::min(dirs.find(':', start), dirs.size());
      std::string dir = dirs.substr(start, colon - start);
      std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
      if (isExecutableFile(candidate)) {
        *path = candidate;
        return true;
      }
      start = colon + 1;
    }
  }
  *err = name + ": not found";
  return false;
}

struct Pipe {
  int read = -1, write = -1;
};

bool openPipe(Pipe* p) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  p->read = fds[0];
  p->write = fds[1];
  // Only galley's end: the child's stays blocking, as programs expect.
  fcntl(p->read, F_SETFL, fcntl(p->read, F_GETFL) | O_NONBLOCK);
  return true;
}

void closeFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// The child starts with every signal at its default action and none blocked:
// dispositions galley set (SIGPIPE ignored, say) or masks of the thread that
// spawns must not leak into the step.
void childSignals(posix_spawnattr_t* attr) {
  sigset_t none, all;
  sigemptyset(&none);
  sigemptyset(&all);
  for (int sig = 1; sig < 32; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sigaddset(&all, sig);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setsigdefault(attr, &all);
  posix_spawnattr_setpgroup(attr, 0);
  posix_spawnattr_setflags(attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

// Spawns the child with stdin from /dev/null and its output into the pipes.
bool spawn(const Spec& spec, const std::string& path, const Pipe& out, const Pipe& err, pid_t* pid,
           std::string* error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, spec.mergeStderr ? out.write : err.write, 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  childSignals(&attr);
  std::vector<char*> args, envp;
  for (const auto& a : spec.argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : spec.env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int rc = posix_spawn(pid, path.c_str(), &actions, &attr, args.data(),
                       spec.env.empty() ? environ : envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) *error = spec.argv[0] + ": " + strerror(rc);
  return rc == 0;
}

bool checkCwd(const std::string& cwd, std::string* error) {
  if (cwd.empty()) return true;
  struct stat st;
  if (stat(cwd.c_str(), &st) != 0) {
    *error = cwd + ": " + strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *error = cwd + ": not a directory";
    return false;
  }
  return true;
}

int openPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  return -1;
#endif
}

// How long a killed group may still hold the pipes: only a process that left
// the group (setsid) can, and its output is not the step's to wait for.
constexpr milliseconds kAfterKill{1000};
// The poll period when no descriptor tells of an event (no pidfd, no eventfd).
constexpr milliseconds kTick{50};

// One running child and the state of ending it. Every path out of run(),
// exceptions from onOutput included, goes through finish(), so that the
// group is killed and the main process reaped in every outcome.
class Supervisor {
 public:
  Supervisor(pid_t pid, const Pipe& out, const Pipe& err, const Timing& timing, int cancelFrom)
      : pid_(pid), timing_(timing), cancelFrom_(cancelFrom), handledLevel_(cancelFrom - 1) {
    fds_[0] = out.read;
    fds_[1] = err.read;
    pidFd_ = openPidFd(pid);
  }
  ~Supervisor() { finish(); }

  void loop(const std::function<void(Stream, std::string_view)>& onOutput, milliseconds timeout,
            const CancelToken* cancel, Result* result);
  void finish();
  int status() const { return status_; }

 private:
  enum class Phase { Running, Interrupted, Terminated, Killed };
  void signalGroup(int sig) { kill(-pid_, sig); }
  void startGraceful(Clock::time_point now);
  void killNow(Clock::time_point now);
  bool mainExited();
  void advance(Clock::time_point now, milliseconds timeout, const CancelToken* cancel,
               Result* result);
  bool done(Clock::time_point now) const;
  milliseconds waitTime(Clock::time_point now, milliseconds timeout,
                        const CancelToken* cancel) const;
  void readReady(const std::function<void(Stream, std::string_view)>& onOutput, int index);

  pid_t pid_;
  Timing timing_;
  int cancelFrom_;
  int fds_[2];
  int pidFd_ = -1;
  bool exited_ = false, reaped_ = false;
  int status_ = 0;
  Phase phase_ = Phase::Running;
  int handledLevel_;
  Clock::time_point start_ = Clock::now(), phaseDeadline_{}, drainDeadline_{}, killedAt_{};
};

bool Supervisor::mainExited() {
  if (exited_) return true;
  // WNOWAIT: the main process stays a zombie until finish(), so its id, which
  // is the group's id, cannot be reused by another group before the kill.
  siginfo_t info;
  info.si_pid = 0;
  while (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) < 0 &&
         errno == EINTR) {
  }
  exited_ = info.si_pid != 0;
  return exited_;
}

void Supervisor::startGraceful(Clock::time_point now) {
  signalGroup(SIGINT);
  phase_ = Phase::Interrupted;
  phaseDeadline_ = now + timing_.interruptGrace;
}

void Supervisor::killNow(Clock::time_point now) {
  signalGroup(SIGKILL);
  phase_ = Phase::Killed;
  killedAt_ = now;
}

void Supervisor::advance(Clock::time_point now, milliseconds timeout, const CancelToken* cancel,
                         Result* result) {
  if (!exited_ && mainExited() && phase_ == Phase::Running)
    drainDeadline_ = now + timing_.orphanGrace;
  int level = cancel ? cancel->level() : 0;
  // Levels below cancelFrom_ were there before the process started: they
  // are not for it.
  if (level < cancelFrom_) level = 0;
  if (level > 0) result->cancelled = true;
  if (level >= 2 && phase_ != Phase::Killed) killNow(now);
  if (level == 1 && phase_ == Phase::Running) startGraceful(now);
  handledLevel_ = std::max(level, cancelFrom_ - 1);
  if (timeout.count() > 0 && phase_ == Phase::Running && !exited_ && now >= start_ + timeout) {
    result->timedOut = true;
    startGraceful(now);
  }
  if (phase_ == Phase::Interrupted && now >= phaseDeadline_) {
    signalGroup(SIGTERM);
    phase_ = Phase::Terminated;
    phaseDeadline_ = now + timing_.terminateGrace;
  }
  if (phase_ == Phase::Terminated && now >= phaseDeadline_) killNow(now);
  if (phase_ == Phase::Running && exited_ && now >= drainDeadline_) killNow(now);
}

bool Supervisor::done(Clock::time_point now) const {
  if (!exited_) return false;
  if (fds_[0] < 0 && fds_[1] < 0) return true;
  return phase_ == Phase::Killed && now >= killedAt_ + kAfterKill;
}

milliseconds Supervisor::waitTime(Clock::time_point now, milliseconds timeout,
                                  const CancelToken* cancel) const {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  if (phase_ == Phase::Running && timeout.count() > 0 && !exited_) consider(start_ + timeout);
  if (phase_ == Phase::Interrupted || phase_ == Phase::Terminated) consider(phaseDeadline_);
  if (phase_ == Phase::Running && exited_) consider(drainDeadline_);
  if (phase_ == Phase::Killed) consider(killedAt_ + kAfterKill);
  if (!exited_ && pidFd_ < 0) consider(now + kTick);
  if (cancel && handledLevel_ < 2 && cancel->waitFd(handledLevel_ + 1) < 0) consider(now + kTick);
  if (!next) return milliseconds(-1);
  auto left = std::chrono::ceil<milliseconds>(*next - now);
  return std::max(left, milliseconds(0));
}

void Supervisor::readReady(const std::function<void(Stream, std::string_view)>& onOutput,
                           int index) {
  char buf[64 * 1024];
  // Drains what is there now, within a bound so one chatty stream cannot
  // starve the other or the deadlines.
  for (int round = 0; round < 16; ++round) {
    ssize_t n = read(fds_[index], buf, sizeof buf);
    if (n > 0) {
      onOutput(index == 0 ? Stream::Out : Stream::Err, std::string_view(buf, size_t(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    closeFd(fds_[index]);
    return;
  }
}

void Supervisor::loop(const std::function<void(Stream, std::string_view)>& onOutput,
                      milliseconds timeout, const CancelToken* cancel, Result* result) {
  for (;;) {
    auto now = Clock::now();
    advance(now, timeout, cancel, result);
    if (done(now)) return;
    pollfd pfds[4];
    int roles[4], n = 0;  // role: 0/1 pipes, 2 pidfd, 3 cancel
    for (int i = 0; i < 2; ++i)
      if (fds_[i] >= 0) {
        pfds[n] = {fds_[i], POLLIN, 0};
        roles[n++] = i;
      }
    if (!exited_ && pidFd_ >= 0) {
      pfds[n] = {pidFd_, POLLIN, 0};
      roles[n++] = 2;
    }
    if (cancel && handledLevel_ < 2 && cancel->waitFd(handledLevel_ + 1) >= 0) {
      pfds[n] = {cancel->waitFd(handledLevel_ + 1), POLLIN, 0};
      roles[n++] = 3;
    }
    int wait = static_cast<int>(waitTime(now, timeout, cancel).count());
    int ready = poll(pfds, nfds_t(n), wait);
    if (ready < 0) continue;  // EINTR: a signal for galley, not for us
    for (int i = 0; i < n; ++i)
      if (roles[i] < 2 && (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)))
        readReady(onOutput, roles[i]);
  }
}

void Supervisor::finish() {
  closeFd(fds_[0]);
  closeFd(fds_[1]);
  if (!reaped_) {
    signalGroup(SIGKILL);
    while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  closeFd(pidFd_);
}

}  // namespace

Result run(const Spec& spec, const std::function<void(Stream, std::string_view)>& onOutput,
           std::chrono::milliseconds timeout, const CancelToken* cancel, const Timing& timing) {
  Result result;
  if (spec.argv.empty()) {
    result.error = "no program to run";
    return result;
  }
  std::string path;
  if (!resolveProgram(spec, &path, &result.error) || !checkCwd(spec.cwd, &result.error))
    return result;
  Pipe out, err;
  if (!openPipe(&out) || (!spec.mergeStderr && !openPipe(&err))) {
    result.error = std::string("cannot create a pipe: ") + strerror(errno);
    closeFd(out.read);
    closeFd(out.write);
    return result;
  }
  pid_t pid = 0;
  bool ok = spawn(spec, path, out, err, &pid, &result.error);
  closeFd(out.write);
  closeFd(err.write);
  if (!ok) {
    closeFd(out.read);
    closeFd(err.read);
    return result;
  }
  result.started = true;
  result.pid = pid;
  Supervisor child(pid, out, err, timing, std::clamp(spec.cancelFrom, 1, 2));
  child.loop(onOutput, timeout, cancel, &result);
  child.finish();
  int status = child.status();
  if (WIFEXITED(status)) {
    result.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exitCode = 128 + result.signal;
  }
  return result;
}

bool capture(const std::vector<std::string>& argv, std::string* out, bool withStderr,
             std::chrono::milliseconds timeout, Result* result) {
  Spec spec;
  spec.argv = argv;
  spec.mergeStderr = withStderr;
  Result r = run(
      spec,
      [out](Stream s, std::string_view chunk) {
        if (s == Stream::Out) out->append(chunk);
      },
      timeout);
  bool started = r.started;
  if (result) *result = std::move(r);
  return started;
}

// ---- LineSplitter ----------------------------------------------------------

namespace {

// Where to cut a piece of at most `max` bytes from `text`. Pieces are masked
// one by one, so a secret cut in two would leak: prefer to cut just after a
// space, tab, comma, semicolon or quote among the last bytes (secrets rarely
// hold those; JSON and command lines put them around values). Failing that,
// not before a UTF-8 continuation byte if backing off up to 3 bytes finds a
// character start; failing that, at max.
size_t cutPoint(std::string_view text, size_t max) {
  size_t window = std::min<size_t>(max / 4, 1024);
  for (size_t cut = max; cut > max - window; --cut) {
    char c = text[cut - 1];
    if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '"' || c == '\'') return cut;
  }
  auto continuation = [&](size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  for (size_t cut = max; cut + 3 >= max && cut > 0; --cut)
    if (!continuation(cut)) return cut;
  return max;
}

std::string_view withoutCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

LineSplitter::LineSplitter(size_t maxLine, KeepWhole keepWhole, size_t maxWhole)
    : maxLine_(std::max<size_t>(maxLine, 1)),
      keepWhole_(std::move(keepWhole)),
      maxWhole_(std::max(maxWhole, maxLine_)) {}

// Whether the line (or its start) that has outgrown maxLine stays whole:
// decided once per line, on its first maxLine bytes.
LineSplitter::Shape LineSplitter::shapeOf(Stream s, std::string_view line) {
  Shape& shape = shape_[static_cast<int>(s)];
  if (shape == Shape::Undecided && line.size() > maxLine_)
    shape = keepWhole_ && keepWhole_(line.substr(0, maxLine_)) ? Shape::Whole : Shape::Pieces;
  if (shape == Shape::Whole && line.size() > maxWhole_) shape = Shape::Pieces;
  return shape;
}

// Delivers a complete line, in pieces when it is too long.
void LineSplitter::emitLine(Stream s, std::string_view line,
                            const std::function<void(Stream, std::string_view)>& onLine) {
  line = withoutCr(line);
  Shape shape = shapeOf(s, line);
  shape_[static_cast<int>(s)] = Shape::Undecided;
  if (shape != Shape::Whole) {
    while (line.size() > maxLine_) {
      size_t cut = cutPoint(line, maxLine_);
      onLine(s, line.substr(0, cut));
      line.remove_prefix(cut);
    }
  }
  onLine(s, line);
}

void LineSplitter::emitPieces(Stream s,
                              const std::function<void(Stream, std::string_view)>& onLine) {
  std::string& buf = pending_[static_cast<int>(s)];
  std::string_view rest(buf);
  // Keep maxLine bytes and a '\r' that may be the start of "\r\n": then the
  // line ends exactly at a piece boundary and no empty piece follows.
  if (rest.size() <= maxLine_ || (rest.size() == maxLine_ + 1 && rest.back() == '\r')) return;
  if (shapeOf(s, rest) == Shape::Whole) return;
  while (rest.size() > maxLine_ && !(rest.size() == maxLine_ + 1 && rest.back() == '\r')) {
    size_t cut = cutPoint(rest, maxLine_);
    onLine(s, rest.substr(0, cut));
    rest.remove_prefix(cut);
  }
  buf.erase(0, buf.size() - rest.size());
}

void LineSplitter::feed(Stream s, std::string_view chunk,
                        const std::function<void(Stream, std::string_view)>& onLine) {
  std::string& buf = pending_[static_cast<int>(s)];
  while (!chunk.empty()) {
    size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      buf.append(chunk);
      emitPieces(s, onLine);
      return;
    }
    if (buf.empty()) {
      emitLine(s, chunk.substr(0, nl), onLine);
    } else {
      buf.append(chunk.substr(0, nl));
      emitLine(s, buf, onLine);
      buf.clear();
    }
    chunk.remove_prefix(nl + 1);
  }
}

void LineSplitter::flush(const std::function<void(Stream, std::string_view)>& onLine) {
  for (Stream s : {Stream::Out, Stream::Err}) {
    std::string& buf = pending_[static_cast<int>(s)];
    if (buf.empty()) continue;
    std::string tail;
    tail.swap(buf);
    emitLine(s, tail, onLine);
  }
}

}  // namespace galley::proc
