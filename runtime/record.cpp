#include "runtime/record.h"

#include <cstdio>
#include <ctime>

namespace galley::run {

SourcePoint pointOf(const Location& where) {
  SourcePoint p;
  p.file = std::string(where.path());
  p.line = where.begin.line;
  p.column = where.begin.column;
  return p;
}

const char* statusName(Status s) {
  switch (s) {
    case Status::Queued:
      return "queued";
    case Status::Waiting:
      return "waiting";
    case Status::Running:
      return "running";
    case Status::Completed:
      return "completed";
    case Status::Interrupted:
      return "interrupted";
  }
  return "queued";
}

const StepRecord* JobRecord::step(size_t index) const {
  for (const auto& s : steps)
    if (s.index == index) return &s;
  return nullptr;
}

const StepRecord* JobRecord::findStep(std::string_view idOrName) const {
  for (const auto& s : steps)
    if (s.id == idOrName) return &s;
  const StepRecord* found = nullptr;
  for (const auto& s : steps)
    if (s.name == idOrName) {
      if (found) return nullptr;
      found = &s;
    }
  return found;
}

const JobRecord* RunRecord::job(std::string_view key) const {
  for (const auto& j : jobs)
    if (j.key == key) return &j;
  return nullptr;
}

const JobRecord* RunRecord::findJob(std::string_view name) const {
  if (const JobRecord* j = job(name)) return j;
  const JobRecord* found = nullptr;
  for (const auto& j : jobs)
    if (j.id == name || j.name == name) {
      if (found) return nullptr;
      found = &j;
    }
  return found;
}

// ---- folding events ----

JobRecord& RunTally::jobOf(const JobInfo& j) {
  for (auto& r : record_.jobs)
    if (r.index == j.index) {
      // A matrix leg's name may resolve after it was queued.
      r.name = j.name;
      r.matrix = j.matrix;
      return r;
    }
  JobRecord& r = record_.jobs.emplace_back();
  r.index = j.index;
  r.id = j.id;
  r.key = j.key;
  r.name = j.name;
  r.matrix = j.matrix;
  r.where = pointOf(j.where);
  return r;
}

StepRecord& RunTally::stepOf(const JobInfo& j, const StepInfo& s) {
  JobRecord& job = jobOf(j);
  auto at = job.steps.begin();
  while (at != job.steps.end() && at->index < s.index)
    ++at;
  if (at != job.steps.end() && at->index == s.index) return *at;
  StepRecord r;
  r.index = s.index;
  r.id = s.id;
  r.name = s.name;
  r.where = pointOf(s.where);
  return *job.steps.insert(at, std::move(r));
}

void RunTally::runStarted(const RunInfo& info) {
  record_.info = info;
  record_.status = Status::Running;
  record_.started = now();
}

void RunTally::jobQueued(const JobInfo& j) {
  jobOf(j);
}

void RunTally::jobStarted(const JobInfo& j) {
  JobRecord& r = jobOf(j);
  r.status = Status::Running;
  r.result.started = now();
}

void RunTally::stepStarted(const JobInfo& j, const StepInfo& s) {
  StepRecord& r = stepOf(j, s);
  r.status = Status::Running;
  r.result.started = now();
}

void RunTally::stepSummary(const JobInfo& j, const StepInfo& s, const std::string& markdown) {
  stepOf(j, s).hasSummary = true;
}

void RunTally::stepFinished(const JobInfo& j, const StepInfo& s, const StepResult& result) {
  StepRecord& r = stepOf(j, s);
  r.status = Status::Completed;
  r.result = result;
}

void RunTally::annotation(const Annotation& a) {
  record_.annotations.push_back(a);
}

void RunTally::approvalRequested(const Approval& a) {
  record_.approvals.push_back(a);
  for (auto& job : record_.jobs)
    if (job.key == a.job && job.status != Status::Completed) job.status = Status::Waiting;
}

void RunTally::approvalDecided(const Approval& a) {
  bool found = false;
  for (auto it = record_.approvals.rbegin(); it != record_.approvals.rend() && !found; ++it)
    if (it->environment == a.environment && it->job == a.job) {
      *it = a;
      found = true;
    }
  if (!found) record_.approvals.push_back(a);
  for (auto& job : record_.jobs)
    if (job.key == a.job && job.status == Status::Waiting) job.status = Status::Queued;
}

void RunTally::jobFinished(const JobInfo& j, const JobResult& result) {
  JobRecord& r = jobOf(j);
  r.status = Status::Completed;
  r.result = result;
}

void RunTally::runFinished(const RunInfo& info, const RunResult& result) {
  record_.status = Status::Completed;
  record_.result = result;
}

// ---- times ----

std::string isoTime(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long millis = static_cast<long>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool parseIsoTime(std::string_view text, Clock::time_point* out) {
  std::string s(text);
  int y, mo, d, h, mi, sec, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      n != 19)
    return false;
  long millis = 0;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    long scale = 100;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      millis += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  if (i + 1 != s.size() || s[i] != 'Z') return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t secs = timegm(&tm);
  *out = Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::seconds(secs) + std::chrono::milliseconds(millis)));
  return true;
}

// ---- JSON ----

namespace {

using nlohmann::json;

// An unset time (the epoch) is null, so that a reader can tell "not yet".
json timeJson(Clock::time_point t) {
  if (t.time_since_epoch().count() == 0) return nullptr;
  return isoTime(t);
}

json pointJson(const SourcePoint& p) {
  if (p.file.empty() && p.line == 0) return nullptr;
  return {{"file", p.file}, {"line", p.line}, {"column", p.column}};
}

json stepJson(const StepRecord& s) {
  json j = {{"index", s.index},
            {"id", s.id},
            {"name", s.name},
            {"where", pointJson(s.where)},
            {"status", statusName(s.status)},
            {"started", timeJson(s.result.started)}};
  if (s.hasSummary) j["summary"] = true;
  if (s.status != Status::Completed) return j;
  j["outcome"] = resultName(s.result.outcome);
  j["conclusion"] = resultName(s.result.conclusion);
  if (!s.result.skipReason.empty()) j["skipReason"] = s.result.skipReason;
  j["finished"] = timeJson(s.result.finished);
  j["exitCode"] = s.result.exitCode;
  j["outputs"] = s.result.outputs;
  return j;
}

json jobJson(const JobRecord& r, bool withSteps = true) {
  json matrix = json::array();
  for (const auto& [k, v] : r.matrix)
    matrix.push_back(json::array({k, v}));
  json j = {{"index", r.index},
            {"id", r.id},
            {"key", r.key},
            {"name", r.name},
            {"matrix", matrix},
            {"where", pointJson(r.where)},
            {"status", statusName(r.status)},
            {"started", timeJson(r.result.started)}};
  if (withSteps) {
    json steps = json::array();
    for (const auto& s : r.steps)
      steps.push_back(stepJson(s));
    j["steps"] = std::move(steps);
  }
  if (r.status != Status::Completed) return j;
  j["result"] = resultName(r.result.result);
  if (!r.result.reason.empty()) j["reason"] = r.result.reason;
  j["finished"] = timeJson(r.result.finished);
  j["outputs"] = r.result.outputs;
  return j;
}

// Reading: each helper throws nlohmann's exceptions on a wrong type; the
// one caller (fromJson) turns them into an error message.
void parseResult(const json& j, Result* r) {
  static const std::pair<const char*, Result> names[] = {{"success", Result::Success},
                                                         {"failure", Result::Failure},
                                                         {"cancelled", Result::Cancelled},
                                                         {"skipped", Result::Skipped}};
  std::string s = j.get<std::string>();
  for (const auto& [name, value] : names)
    if (s == name) {
      *r = value;
      return;
    }
  throw std::runtime_error("unknown result '" + s + "'");
}

Status parseStatus(const json& j) {
  std::string s = j.get<std::string>();
  for (Status st :
       {Status::Queued, Status::Waiting, Status::Running, Status::Completed, Status::Interrupted})
    if (s == statusName(st)) return st;
  throw std::runtime_error("unknown status '" + s + "'");
}

Clock::time_point readTime(const json& j, const char* key) {
  Clock::time_point t{};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return t;
  if (!parseIsoTime(it->get<std::string>(), &t))
    throw std::runtime_error(std::string("malformed time in '") + key + "'");
  return t;
}

std::string readString(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? std::string() : it->get<std::string>();
}

SourcePoint readPoint(const json& j) {
  SourcePoint p;
  auto it = j.find("where");
  if (it == j.end() || it->is_null()) return p;
  p.file = readString(*it, "file");
  p.line = it->value("line", 0u);
  p.column = it->value("column", 0u);
  return p;
}

std::map<std::string, std::string> readOutputs(const json& j) {
  auto it = j.find("outputs");
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::map<std::string, std::string>>();
}

StepRecord readStep(const json& j) {
  StepRecord s;
  s.index = j.at("index").get<size_t>();
  s.id = readString(j, "id");
  s.name = readString(j, "name");
  s.where = readPoint(j);
  s.status = parseStatus(j.at("status"));
  s.hasSummary = j.value("summary", false);
  s.result.started = readTime(j, "started");
  if (s.status != Status::Completed) return s;
  parseResult(j.at("outcome"), &s.result.outcome);
  parseResult(j.at("conclusion"), &s.result.conclusion);
  s.result.skipReason = readString(j, "skipReason");
  s.result.finished = readTime(j, "finished");
  s.result.exitCode = j.value("exitCode", 0);
  s.result.outputs = readOutputs(j);
  return s;
}

JobRecord readJob(const json& j) {
  JobRecord r;
  r.index = j.at("index").get<size_t>();
  r.id = readString(j, "id");
  r.key = j.at("key").get<std::string>();
  r.name = readString(j, "name");
  for (const auto& kv : j.value("matrix", json::array()))
    r.matrix.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
  r.where = readPoint(j);
  r.status = parseStatus(j.at("status"));
  r.result.started = readTime(j, "started");
  for (const auto& s : j.value("steps", json::array()))
    r.steps.push_back(readStep(s));
  if (r.status != Status::Completed) return r;
  parseResult(j.at("result"), &r.result.result);
  r.result.reason = readString(j, "reason");
  r.result.finished = readTime(j, "finished");
  r.result.outputs = readOutputs(j);
  return r;
}

Annotation readAnnotation(const json& j) {
  Annotation a;
  a.level = readString(j, "level");
  a.message = readString(j, "message");
  a.title = readString(j, "title");
  a.file = readString(j, "file");
  a.line = j.value("line", 0u);
  a.endLine = j.value("endLine", 0u);
  a.column = j.value("column", 0u);
  a.endColumn = j.value("endColumn", 0u);
  a.job = readString(j, "job");
  a.step = readString(j, "step");
  return a;
}

Approval readApproval(const json& j) {
  Approval a;
  a.environment = readString(j, "environment");
  a.job = readString(j, "job");
  a.approvers = readString(j, "approvers");
  a.decided = j.value("decided", false);
  a.approved = j.value("approved", false);
  a.by = readString(j, "by");
  a.comment = readString(j, "comment");
  a.at = readTime(j, "at");
  return a;
}

}  // namespace

json toJson(const Annotation& a) {
  return {{"level", a.level},   {"message", a.message},     {"title", a.title},
          {"file", a.file},     {"line", a.line},           {"endLine", a.endLine},
          {"column", a.column}, {"endColumn", a.endColumn}, {"job", a.job},
          {"step", a.step}};
}

json toJson(const Approval& a) {
  return {{"environment", a.environment}, {"job", a.job},           {"approvers", a.approvers},
          {"decided", a.decided},         {"approved", a.approved}, {"by", a.by},
          {"comment", a.comment},         {"at", timeJson(a.at)}};
}

json toJson(const RunRecord& r) {
  json jobs = json::array(), annotations = json::array(), approvals = json::array();
  for (const auto& j : r.jobs)
    jobs.push_back(jobJson(j));
  for (const auto& a : r.annotations)
    annotations.push_back(toJson(a));
  for (const auto& a : r.approvals)
    approvals.push_back(toJson(a));
  json j = {
      {"id", r.info.id},       {"workflow", r.info.workflow},    {"file", r.info.file},
      {"event", r.info.event}, {"status", statusName(r.status)}, {"started", timeJson(r.started)},
      {"jobs", jobs},          {"annotations", annotations},     {"approvals", approvals}};
  if (r.status == Status::Completed) {
    j["result"] = resultName(r.result.result);
    j["interrupted"] = r.result.interrupted;
    if (r.result.withIssues) j["withIssues"] = true;
    j["finished"] = timeJson(r.result.finished);
  }
  return j;
}

bool fromJson(const json& j, RunRecord* r, std::string* err) {
  try {
    RunRecord out;
    out.info.id = j.at("id").get<std::string>();
    out.info.workflow = readString(j, "workflow");
    out.info.file = readString(j, "file");
    out.info.event = readString(j, "event");
    out.status = parseStatus(j.at("status"));
    out.started = readTime(j, "started");
    for (const auto& x : j.value("jobs", json::array()))
      out.jobs.push_back(readJob(x));
    for (const auto& x : j.value("annotations", json::array()))
      out.annotations.push_back(readAnnotation(x));
    for (const auto& x : j.value("approvals", json::array()))
      out.approvals.push_back(readApproval(x));
    if (out.status == Status::Completed) {
      parseResult(j.at("result"), &out.result.result);
      out.result.interrupted = j.value("interrupted", false);
      out.result.withIssues = j.value("withIssues", false);
      out.result.finished = readTime(j, "finished");
    }
    out.result.started = out.started;
    *r = std::move(out);
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

json jobEventJson(const JobRecord& job) {
  return {{"job", jobJson(job, false)}};
}

json stepEventJson(const JobRecord& job, const StepRecord& step) {
  return {{"job", job.index}, {"step", stepJson(step)}};
}

json annotationEventJson(const Annotation& a) {
  return {{"annotation", toJson(a)}};
}

json approvalEventJson(const Approval& a) {
  return {{"approval", toJson(a)}};
}

namespace {

JobRecord* jobAt(RunRecord* r, size_t index) {
  for (auto& j : r->jobs)
    if (j.index == index) return &j;
  return nullptr;
}

void foldJob(const json& j, RunRecord* r) {
  JobRecord job = readJob(j);
  if (JobRecord* known = jobAt(r, job.index)) {
    job.steps = std::move(known->steps);
    *known = std::move(job);
  } else {
    r->jobs.push_back(std::move(job));
  }
}

void foldStep(const json& j, RunRecord* r) {
  JobRecord* job = jobAt(r, j.at("job").get<size_t>());
  if (!job) throw std::runtime_error("a step of an unknown job");
  StepRecord step = readStep(j.at("step"));
  auto at = job->steps.begin();
  while (at != job->steps.end() && at->index < step.index)
    ++at;
  if (at != job->steps.end() && at->index == step.index)
    *at = std::move(step);
  else
    job->steps.insert(at, std::move(step));
}

// A decision replaces the request it answers, as RunTally does.
void foldApproval(const json& j, RunRecord* r) {
  Approval a = readApproval(j);
  if (a.decided)
    for (auto it = r->approvals.rbegin(); it != r->approvals.rend(); ++it)
      if (it->environment == a.environment && it->job == a.job) {
        *it = std::move(a);
        return;
      }
  r->approvals.push_back(std::move(a));
}

}  // namespace

bool foldEvent(const json& line, RunRecord* r, std::string* err) {
  try {
    if (!line.is_object()) throw std::runtime_error("not an object");
    if (line.contains("step"))
      foldStep(line, r);
    else if (line.contains("job"))
      foldJob(line.at("job"), r);
    else if (line.contains("annotation"))
      r->annotations.push_back(readAnnotation(line.at("annotation")));
    else if (line.contains("approval"))
      foldApproval(line.at("approval"), r);
    else
      throw std::runtime_error("not a run event");
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

bool fromJson(const json& j, Approval* a, std::string* err) {
  try {
    *a = readApproval(j);
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

}  // namespace galley::run
