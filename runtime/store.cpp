#include "runtime/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/files.h"
#include "runtime/owner.h"

namespace galley::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The folder an environment variable names; nullptr when unset or empty.
const char* fromEnvironment(const char* variable) {
  const char* v = std::getenv(variable);
  return v && *v ? v : nullptr;
}

// <repoRoot>/.galley/name, unless the environment variable names the folder.
std::string galleyDir(const std::string& repoRoot, const char* variable, const char* name) {
  if (const char* env = fromEnvironment(variable)) return env;
  return (fs::path(repoRoot) / ".galley" / name).string();
}

}  // namespace

std::string runsRoot(const std::string& repoRoot) {
  return galleyDir(repoRoot, "GALLEY_RUNS_DIR", "runs");
}

std::string cacheDir(const std::string& repoRoot) {
  std::string dir = galleyDir(repoRoot, "GALLEY_CACHE_DIR", "cache");
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir;
}

void ignoreGalleyDir(const std::string& repoRoot) {
  if (fromEnvironment("GALLEY_RUNS_DIR") && fromEnvironment("GALLEY_CACHE_DIR")) return;
  fs::path dir = fs::path(repoRoot) / ".galley";
  std::error_code ec;
  fs::create_directories(dir, ec);
  bool exists = false;
  std::string err;
  createFileExclusively((dir / ".gitignore").string(),
                        "# Created by galley: runs, workspaces and the cache stay out of git.\n*\n",
                        &exists, &err);
}

std::string fileNameOf(std::string_view key) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || (c == '.' && i > 0);
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out.empty() ? "%" : out;
}

namespace {

std::string logDir(const std::string& runDir, std::string_view jobKey) {
  return runDir + "/logs/" + fileNameOf(jobKey);
}

bool isRunId(const std::string& name) {
  return !name.empty() && name.size() < 19 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         name[0] != '0';
}

// Serialises id allocation among galley processes: flock on <root>/.lock,
// released when the descriptor closes (also when the process dies).
class RootLock {
 public:
  explicit RootLock(const std::string& root) {
    fd_ = ::open((root + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0)
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  ~RootLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

long highestId(const std::string& root) {
  long high = 0;
  std::string last, err;
  if (readWholeFile(root + "/.last", &last, &err)) high = std::strtol(last.c_str(), nullptr, 10);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (isRunId(name)) high = std::max(high, std::strtol(name.c_str(), nullptr, 10));
  }
  return high;
}

// Text from user programs may be any bytes: invalid UTF-8 becomes U+FFFD
// rather than an exception that would lose the record.
std::string jsonText(const json& j) {
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

bool readJson(const std::string& path, json* out, std::string* err) {
  std::string text;
  if (!readWholeFile(path, &text, err)) return false;
  try {
    *out = json::parse(text);
    return true;
  } catch (const json::exception& e) {
    *err = path + ": malformed JSON: " + e.what();
    return false;
  }
}

}  // namespace

// ---- writing ----

RunStore::RunStore(std::string dir, std::string id, std::function<Clock::time_point()> now)
    : RunTally(std::move(now)), dir_(std::move(dir)), id_(std::move(id)) {}

RunStore::~RunStore() {
  if (events_ >= 0) ::close(events_);
  for (auto& [key, fd] : logs_)
    ::close(fd);
}

void RunStore::fail(const std::string& err) {
  if (error_.empty()) error_ = err;
}

void RunStore::save() {
  json j = toJson(record());
  j["id"] = id_;
  j.update(ownerJson());
  std::string err;
  if (!writeFileAtomically(dir_ + "/run.json", jsonText(j), &err)) fail(err);
}

// Rewriting run.json on every change made a job of 500 short steps
// quadratic (each step re-serialised all before it); a line per change is
// constant. One write(2) per line with O_APPEND: a reader sees whole lines,
// and a killed galley leaves at most one unfinished last line. Syncing is
// kept for approvals, which a person waited for: the rest is only there to
// follow the run, and the kernel keeps it when galley dies.
void RunStore::append(const json& event, bool sync) {
  if (events_ < 0) {
    std::string path = dir_ + "/events.jsonl";
    events_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (events_ < 0) {
      fail("cannot open " + path + ": " + std::strerror(errno));
      return;
    }
  }
  std::string line = event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  if (!writeAll(events_, line)) {
    fail("cannot write " + dir_ + "/events.jsonl: " + std::strerror(errno));
    return;
  }
  if (sync && ::fsync(events_) != 0) fail("cannot sync " + dir_ + "/events.jsonl");
}

void RunStore::appendJob(const JobInfo& j) {
  append(jobEventJson(jobOf(j)));
}

void RunStore::appendStep(const JobInfo& j, const StepInfo& s) {
  append(stepEventJson(jobOf(j), stepOf(j, s)));
}

std::unique_ptr<RunStore> newRun(const std::string& root, RunInfo info, std::string* err,
                                 std::function<Clock::time_point()> now) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    *err = "cannot create " + root + ": " + ec.message();
    return nullptr;
  }
  RootLock lock(root);
  if (!lock.ok()) {
    *err = "cannot lock " + root + "/.lock: " + std::strerror(errno);
    return nullptr;
  }
  // mkdir is the claim: even a process that ignored the lock could not take
  // the same id.
  long id = highestId(root) + 1;
  for (int tries = 0; ::mkdir((root + "/" + std::to_string(id)).c_str(), 0755) != 0; ++id) {
    if (errno != EEXIST || ++tries > 1000) {
      *err = "cannot create a run directory in " + root + ": " + std::strerror(errno);
      return nullptr;
    }
  }
  std::string name = std::to_string(id);
  if (!writeFileAtomically(root + "/.last", name + "\n", err)) return nullptr;
  std::string dir = root + "/" + name;
  for (const char* sub : {"logs", "approvals", "artifacts"})
    if (::mkdir((dir + "/" + sub).c_str(), 0755) != 0) {
      *err = "cannot create " + dir + "/" + sub + ": " + std::strerror(errno);
      return nullptr;
    }
  std::unique_ptr<RunStore> store(new RunStore(dir, name, std::move(now)));
  info.id = name;
  store->RunTally::runStarted(info);
  store->save();
  if (!store->error().empty()) {
    *err = store->error();
    return nullptr;
  }
  return store;
}

bool RunStore::writePlan(const json& plan, std::string* err) {
  return writeFileAtomically(dir_ + "/plan.json", jsonText(plan), err);
}

bool RunStore::writeEvent(const json& payload, std::string* err) {
  return writeFileAtomically(dir_ + "/event.json", jsonText(payload), err);
}

bool RunStore::writeInputs(const json& inputs, std::string* err) {
  return writeFileAtomically(dir_ + "/inputs.json", jsonText(inputs), err);
}

void RunStore::runStarted(const RunInfo& info) {
  // The id is the store's, whatever the engine put there.
  RunInfo mine = info;
  mine.id = id_;
  RunTally::runStarted(mine);
  save();
}

void RunStore::jobQueued(const JobInfo& j) {
  RunTally::jobQueued(j);
  appendJob(j);
}

void RunStore::jobStarted(const JobInfo& j) {
  RunTally::jobStarted(j);
  appendJob(j);
}

void RunStore::stepStarted(const JobInfo& j, const StepInfo& s) {
  RunTally::stepStarted(j, s);
  appendStep(j, s);
}

int RunStore::logFd(const JobInfo& j, const StepInfo& s) {
  auto key = std::make_pair(j.index, s.index);
  auto it = logs_.find(key);
  if (it != logs_.end()) return it->second;
  std::string dir = logDir(dir_, j.key);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string path = dir + "/" + std::to_string(s.index) + ".log";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open " + path + ": " + std::strerror(errno));
  logs_[key] = fd;
  return fd;
}

void RunStore::closeLog(const JobInfo& j, const StepInfo& s) {
  auto it = logs_.find(std::make_pair(j.index, s.index));
  if (it == logs_.end()) return;
  if (it->second >= 0) ::close(it->second);
  logs_.erase(it);
}

void RunStore::stepLog(const JobInfo& j, const StepInfo& s, const LogLine& l) {
  int fd = logFd(j, s);
  if (fd < 0) return;
  static const char streams[] = {'o', 'e', 'g'};
  std::string line = isoTime(l.at) + " " + streams[static_cast<int>(l.stream)] + " ";
  // One record per line, whatever the engine let through.
  for (char c : l.text)
    line += c == '\n' || c == '\r' ? ' ' : c;
  line += '\n';
  // O_APPEND and a single write per line: a reader never sees two lines
  // mixed, and a killed galley leaves whole lines and at most one partial
  // last line, which readLogLines leaves for later.
  if (!writeAll(fd, line)) fail("cannot write the log of " + j.key + ": " + std::strerror(errno));
}

void RunStore::stepSummary(const JobInfo& j, const StepInfo& s, const std::string& markdown) {
  std::string dir = logDir(dir_, j.key);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string err;
  if (!writeFileAtomically(dir + "/" + std::to_string(s.index) + ".summary.md", markdown, &err))
    fail(err);
  RunTally::stepSummary(j, s, markdown);
  appendStep(j, s);
}

void RunStore::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& r) {
  closeLog(j, s);
  RunTally::stepFinished(j, s, r);
  appendStep(j, s);
}

void RunStore::annotation(const Annotation& a) {
  RunTally::annotation(a);
  append(annotationEventJson(a));
}

// The job's status changes with its approval (waiting, then queued again):
// its snapshot goes first, so that the synced approval line covers both.
void RunStore::approvalRequested(const Approval& a) {
  RunTally::approvalRequested(a);
  approvalEvents(a);
}

void RunStore::approvalDecided(const Approval& a) {
  RunTally::approvalDecided(a);
  approvalEvents(a);
}

void RunStore::approvalEvents(const Approval& a) {
  for (const auto& job : record().jobs)
    if (job.key == a.job) append(jobEventJson(job));
  append(approvalEventJson(a), true);
}

void RunStore::jobFinished(const JobInfo& j, const JobResult& r) {
  RunTally::jobFinished(j, r);
  appendJob(j);
}

void RunStore::runFinished(const RunInfo& info, const RunResult& r) {
  for (auto& [key, fd] : logs_)
    if (fd >= 0) ::close(fd);
  logs_.clear();
  RunTally::runFinished(info, r);
  save();
  // run.json now holds everything; a reader that still finds the log next
  // to a completed run.json ignores it.
  if (events_ >= 0) {
    ::close(events_);
    events_ = -1;
  }
  if (error_.empty()) ::unlink((dir_ + "/events.jsonl").c_str());
}

// ---- reading ----

long StoredRun::number() const {
  return isRunId(record.info.id) ? std::strtol(record.info.id.c_str(), nullptr, 10) : 0;
}

std::string StoredRun::stepLogPath(const JobRecord& job, const StepRecord& step) const {
  return logDir(dir, job.key) + "/" + std::to_string(step.index) + ".log";
}

std::string StoredRun::stepSummaryPath(const JobRecord& job, const StepRecord& step) const {
  return logDir(dir, job.key) + "/" + std::to_string(step.index) + ".summary.md";
}

bool StoredRun::plan(json* out, std::string* err) const {
  return readJson(dir + "/plan.json", out, err);
}

bool StoredRun::event(json* out, std::string* err) const {
  return readJson(dir + "/event.json", out, err);
}

bool StoredRun::inputs(json* out, std::string* err) const {
  return readJson(dir + "/inputs.json", out, err);
}

std::map<std::string, const JobRecord*> StoredRun::completedJobs() const {
  std::map<std::string, const JobRecord*> out;
  for (const auto& j : record.jobs)
    if (j.status == Status::Completed) out[j.key] = &j;
  return out;
}

namespace {

bool readRecord(const std::string& dir, json* j, RunRecord* r, std::string* err) {
  if (!readJson(dir + "/run.json", j, err)) return false;
  std::string why;
  if (!j->is_object() || !fromJson(*j, r, &why)) {
    *err = dir + "/run.json: " + (why.empty() ? "not a run record" : why);
    return false;
  }
  return true;
}

// Folds events.jsonl over the record; false when there is no log. The last
// line may be cut short (galley killed while writing it) and is left out;
// a line that does not parse is skipped, so a damaged line costs only the
// change it held.
bool foldEvents(const std::string& dir, RunRecord* r) {
  std::string text, err;
  if (!readWholeFile(dir + "/events.jsonl", &text, &err)) return false;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    json line = json::parse(text.begin() + static_cast<long>(start),
                            text.begin() + static_cast<long>(nl), nullptr, false);
    if (!line.is_discarded()) foldEvent(line, r, &err);
  }
  return true;
}

void markInterrupted(RunRecord& r) {
  r.status = Status::Interrupted;
  for (auto& job : r.jobs) {
    if (job.status != Status::Completed) job.status = Status::Interrupted;
    for (auto& step : job.steps)
      if (step.status == Status::Running) step.status = Status::Interrupted;
  }
}

}  // namespace

bool loadRun(const std::string& root, const std::string& id, StoredRun* out, std::string* err) {
  if (!isRunId(id)) {
    *err = "unknown run '" + id + "'";
    return false;
  }
  StoredRun run;
  run.dir = root + "/" + id;
  std::error_code ec;
  if (!fs::is_directory(run.dir, ec)) {
    *err = "unknown run '" + id + "'";
    return false;
  }
  json j;
  if (!readRecord(run.dir, &j, &run.record, err)) return false;
  // A run still going on has its changes since run.json in the log. When
  // the log is gone, the run finished between the two reads: its run.json
  // is now whole.
  if (run.record.status != Status::Completed && !foldEvents(run.dir, &run.record) &&
      !readRecord(run.dir, &j, &run.record, err))
    return false;
  run.pid = j.value("pid", 0);
  run.created = run.record.started;
  if (run.record.status != Status::Completed && !ownerAlive(j)) markInterrupted(run.record);
  *out = std::move(run);
  return true;
}

std::vector<StoredRun> listRuns(const std::string& root, std::vector<std::string>* problems,
                                size_t newest) {
  std::vector<long> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (isRunId(name) && e.is_directory(ec)) ids.push_back(std::strtol(name.c_str(), nullptr, 10));
  }
  std::sort(ids.begin(), ids.end());
  if (newest && ids.size() > newest) ids.erase(ids.begin(), ids.end() - static_cast<long>(newest));
  std::vector<StoredRun> runs;
  for (long id : ids) {
    StoredRun run;
    std::string err;
    if (loadRun(root, std::to_string(id), &run, &err))
      runs.push_back(std::move(run));
    else if (problems)
      problems->push_back(err);
  }
  return runs;
}

bool resolveRun(const std::string& root, const std::string& name, std::string* id,
                std::string* err) {
  if (name == "latest" || name == "last") {
    long high = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      std::string n = e.path().filename().string();
      if (isRunId(n) && e.is_directory(ec))
        high = std::max(high, std::strtol(n.c_str(), nullptr, 10));
    }
    if (high == 0) {
      *err = "no runs yet in " + root;
      return false;
    }
    *id = std::to_string(high);
    return true;
  }
  std::error_code ec;
  if (!isRunId(name) || !fs::is_directory(root + "/" + name, ec)) {
    *err = "unknown run '" + name + "'";
    return false;
  }
  *id = name;
  return true;
}

std::vector<std::string> pruneRuns(const std::string& root, const PruneOptions& options,
                                   std::string* err) {
  std::vector<std::string> problems;
  std::vector<StoredRun> runs = listRuns(root, &problems);
  std::vector<std::string> removed;
  size_t finished = 0;
  for (const auto& r : runs)
    if (r.record.status != Status::Running) ++finished;
  // Newest last: the first (count - keep) finished runs go.
  size_t dropByCount = options.keep && finished > *options.keep ? finished - *options.keep : 0;
  for (const auto& r : runs) {
    if (r.record.status == Status::Running) continue;
    bool drop = dropByCount > 0;
    if (drop) --dropByCount;
    if (options.olderThan && r.record.started < *options.olderThan) drop = true;
    if (!drop) continue;
    std::error_code ec;
    fs::remove_all(r.dir, ec);
    if (ec) {
      *err = "cannot remove " + r.dir + ": " + ec.message();
      return removed;
    }
    removed.push_back(r.record.info.id);
  }
  return removed;
}

std::vector<StoredLine> readLogLines(const std::string& path, size_t offset, size_t* next) {
  std::vector<StoredLine> out;
  *next = offset;
  std::ifstream in(path, std::ios::binary);
  if (!in || !in.seekg(static_cast<std::streamoff>(offset))) return out;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(text.data() + start, nl - start);
    StoredLine l;
    size_t space = line.find(' ');
    bool parsed = space != std::string_view::npos && line.size() >= space + 3 &&
                  line[space + 2] == ' ' && parseIsoTime(line.substr(0, space), &l.at);
    if (parsed) {
      char s = line[space + 1];
      l.stream = s == 'e' ? Stream::Err : s == 'g' ? Stream::Galley : Stream::Out;
      l.text = std::string(line.substr(space + 3));
    } else {
      l.text = std::string(line);
    }
    out.push_back(std::move(l));
  }
  *next = offset + start;
  return out;
}

}  // namespace galley::run
