#include "runtime/endpoint/endpoints.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "compiler/process.h"
#include "runtime/endpoint/http_client.h"
#include "runtime/endpoint/request.h"

extern char** environ;

namespace galley::endpoint {

namespace fs = std::filesystem;

namespace {

// Requests larger than this are not read into memory by invoke.
constexpr size_t kInvokeReadLimit = size_t{1} << 30;

std::string endpointDir(const Context& ctx, const std::string& name) {
  return ctx.dataDir + "/endpoints/" + name;
}

std::string deploymentDir(const Context& ctx, const EndpointRecord& r) {
  return endpointDir(ctx, r.name) + "/" + r.deployment;
}

// Deploys and deletes of one endpoint wait for each other: flock on a file
// beside the endpoint's folder (removed with the endpoint).
class EndpointLock {
 public:
  bool acquire(const std::string& path, std::string* err) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      *err = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    while (flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        *err = "cannot lock " + path + ": " + std::strerror(errno);
        return false;
      }
    }
    return true;
  }
  ~EndpointLock() {
    if (fd_ >= 0) close(fd_);
  }

 private:
  int fd_ = -1;
};

bool lockEndpoint(const Context& ctx, const std::string& name, EndpointLock* lock,
                  std::string* err) {
  std::error_code ec;
  fs::create_directories(ctx.dataDir + "/endpoints", ec);
  if (ec) {
    *err = "cannot create " + ctx.dataDir + "/endpoints: " + ec.message();
    return false;
  }
  return lock->acquire(ctx.dataDir + "/endpoints/" + name + ".lock", err);
}

// The address a client on this machine reaches a bind address at.
std::string clientHost(const std::string& host) {
  if (host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

std::string urlOf(const std::string& host, int port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + h + ":" + std::to_string(port);
}

bool pings(const std::string& host, int port, std::chrono::milliseconds timeout) {
  HttpResponse res;
  std::string err;
  return httpRequest(clientHost(host), port, "GET", "/ping", "", "", timeout, &res, &err) &&
         res.status == 200;
}

std::string tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);)
    all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); i++)
    out += "  | " + all[i] + "\n";
  return out;
}

bool copyTree(const std::string& from, const std::string& to, std::string* err) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) *err = "cannot copy " + from + " to " + to + ": " + ec.message();
  return !ec;
}

// Files of a new deployment: the model version, its scoring code, the
// worker. Copies, so that the endpoint outlives the workspace it was
// deployed from (checkout cleans it) and a later registry change.
bool prepareDeployment(Context& ctx, const DeployOptions& o, const ResolvedModel& m,
                       const std::string& dir, std::string* codeDir, std::string* err) {
  std::error_code ec;
  fs::create_directories(dir + "/model", ec);
  if (ec) {
    *err = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  if (!ctx.models->materialize(m, dir + "/model", err)) return false;
  if (o.code.empty()) {
    if (!fs::is_regular_file(dir + "/model/score.py")) {
      *err = m.name + "@" + std::to_string(m.version) +
             " has no score.py; pass --code DIR with the scoring code (package-model's "
             "package)";
      return false;
    }
    *codeDir = dir + "/model";
  } else {
    if (!fs::is_regular_file(o.code + "/score.py")) {
      *err = o.code + " has no score.py (--code is the folder of the scoring script)";
      return false;
    }
    *codeDir = dir + "/code";
    if (!copyTree(o.code, *codeDir, err)) return false;
  }
  std::ofstream worker(dir + "/worker.py", std::ios::binary);
  worker << workerFiles().at("worker.py");
  worker.close();
  if (!worker) {
    *err = "cannot write " + dir + "/worker.py";
    return false;
  }
  return true;
}

std::string controlName(long pid) {
  return "galley-endpoint/" + std::to_string(pid);
}

struct Ready {
  long pid = 0;
  int healthPort = 0;
  int port = 0;
};

bool readReady(const std::string& path, Ready* out) {
  std::ifstream in(path);
  if (!in) return false;
  try {
    auto j = nlohmann::json::parse(in);
    out->pid = j.at("pid").get<long>();
    out->healthPort = j.at("health_port").get<int>();
    out->port = j.at("port").get<int>();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

// Waits for the new worker to load the model and answer on its private
// port. False with *err (and the worker stopped) when it exits, times
// out, or fails its health check.
bool waitHealthy(const ProcessId& id, const std::string& dir, std::chrono::seconds timeout,
                 Ready* ready, std::string* err) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (!readReady(dir + "/ready.json", ready)) {
    if (reapIfExited(id, &status)) {
      *err = "the new worker exited (" +
             (WIFEXITED(status) ? "status " + std::to_string(WEXITSTATUS(status))
                                : "signal " + std::to_string(WTERMSIG(status))) +
             ") before it was ready";
      return false;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      *err = "the new worker was not ready after " + std::to_string(timeout.count()) + " s";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (!pings("127.0.0.1", ready->healthPort, std::chrono::seconds(10))) {
    *err = "the new worker failed its health check (GET /ping on 127.0.0.1:" +
           std::to_string(ready->healthPort) + ")";
    return false;
  }
  return true;
}

bool activate(int healthPort, std::string* err) {
  HttpResponse res;
  std::string why;
  if (httpRequest("127.0.0.1", healthPort, "POST", "/-/activate", "", "", std::chrono::seconds(10),
                  &res, &why) &&
      res.status == 200)
    return true;
  *err = "the new worker did not take the traffic (POST /-/activate on 127.0.0.1:" +
         std::to_string(healthPort) + ")";
  return false;
}

std::vector<std::string> workerArgv(const Context& ctx, const DeployOptions& o,
                                    const ResolvedModel& m, const std::string& dir,
                                    const std::string& codeDir, const std::string& host, int port,
                                    const EndpointRecord* takeover) {
  std::vector<std::string> argv = {
      ctx.python,
      "-u",
      dir + "/worker.py",
      "serve",
      "--code",
      codeDir,
      "--model-dir",
      dir + "/model",
      "--host",
      host,
      "--port",
      std::to_string(port),
      "--ready",
      dir + "/ready.json",
      "--control",
      "auto",
      "--endpoint",
      o.name,
      "--model",
      m.name,
      "--model-version",
      std::to_string(m.version),
      "--max-request-bytes",
      std::to_string(o.maxRequestBytes ? o.maxRequestBytes : kDefaultMaxRequestBytes)};
  if (takeover) {
    argv.push_back("--takeover");
    argv.push_back(controlName(takeover->process.pid));
  }
  return argv;
}

void say(Context& ctx, const std::string& line) {
  if (ctx.log) *ctx.log << line << '\n' << std::flush;
}

void removeTree(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

Outcome deployOnline(Context& ctx, const DeployOptions& o, const ResolvedModel& m,
                     const EndpointRecord* current, const std::string& deployment,
                     DeployResult* out, std::string* err) {
  bool currentRuns = current && current->kind == Kind::Online && isRunning(current->process);
  std::string host =
      o.host.value_or(current && current->kind == Kind::Online ? current->host : "127.0.0.1");
  int port = o.port.value_or(
      current && current->kind == Kind::Online && current->host == host ? current->port : 0);
  bool takeover = currentRuns && current->host == host && current->port == port;
  if (!takeover && port != 0 && !portAvailable(host, port, err)) return Outcome::Usage;

  std::string dir = endpointDir(ctx, o.name) + "/" + deployment;
  std::string codeDir;
  if (!prepareDeployment(ctx, o, m, dir, &codeDir, err)) {
    removeTree(dir);
    return Outcome::Failed;
  }
  Launch launch;
  launch.argv = workerArgv(ctx, o, m, dir, codeDir, host, port, takeover ? current : nullptr);
  launch.env = serviceEnvironment(environ);
  launch.cwd = dir;
  launch.logPath = dir + "/worker.log";
  ProcessId id;
  if (!startDetached(launch, &id, err)) {
    removeTree(dir);
    return Outcome::Failed;
  }
  say(ctx, "Starting " + m.name + "@" + std::to_string(m.version) + " for " + o.name + " (pid " +
               std::to_string(id.pid) + ")");
  Ready ready;
  if (!waitHealthy(id, dir, o.startTimeout, &ready, err) || !activate(ready.healthPort, err)) {
    std::string log = tail(launch.logPath, 15);
    std::string stopErr;
    stopService(id, std::chrono::seconds(2), &stopErr);
    removeTree(dir);
    if (!log.empty()) *err += "; its log ends:\n" + log;
    if (currentRuns)
      *err += "\n" + current->model + "@" + std::to_string(current->version) + " keeps serving " +
              o.name + " at " + urlOf(current->host, current->port);
    return Outcome::Failed;
  }

  EndpointRecord r;
  r.name = o.name;
  r.kind = Kind::Online;
  r.model = m.name;
  r.version = m.version;
  r.host = host;
  r.port = ready.port;
  r.process = id;
  r.deployment = deployment;
  r.status = "serving";
  r.machine = thisMachine();
  if (!ctx.store->put(r, err)) {
    // Unrecorded, the new worker would be unreachable by delete: back out.
    std::string stopErr;
    stopService(id, o.stopGrace, &stopErr);
    removeTree(dir);
    return Outcome::Failed;
  }
  out->record = r;
  out->url = urlOf(host, r.port);
  if (current) {
    if (currentRuns) {
      say(ctx, "Stopping " + current->model + "@" + std::to_string(current->version) + " (pid " +
                   std::to_string(current->process.pid) + ")");
      std::string stopErr;
      if (!stopService(current->process, o.stopGrace, &stopErr)) say(ctx, "warning: " + stopErr);
    }
    removeTree(deploymentDir(ctx, *current));
  }
  return Outcome::Ok;
}

Outcome deployBatch(Context& ctx, const DeployOptions& o, const ResolvedModel& m,
                    const EndpointRecord* current, const std::string& deployment, DeployResult* out,
                    std::string* err) {
  std::string dir = endpointDir(ctx, o.name) + "/" + deployment;
  std::string codeDir;
  if (!prepareDeployment(ctx, o, m, dir, &codeDir, err)) {
    removeTree(dir);
    return Outcome::Failed;
  }
  EndpointRecord r;
  r.name = o.name;
  r.kind = Kind::Batch;
  r.model = m.name;
  r.version = m.version;
  r.deployment = deployment;
  r.status = "ready";
  r.machine = thisMachine();
  if (!ctx.store->put(r, err)) {
    removeTree(dir);
    return Outcome::Failed;
  }
  out->record = r;
  if (current) {
    if (current->kind == Kind::Online && isRunning(current->process)) {
      std::string stopErr;
      stopService(current->process, o.stopGrace, &stopErr);
    }
    removeTree(deploymentDir(ctx, *current));
  }
  return Outcome::Ok;
}

std::string codeDirOf(const Context& ctx, const EndpointRecord& r) {
  std::string dir = deploymentDir(ctx, r);
  return fs::is_directory(dir + "/code") ? dir + "/code" : dir + "/model";
}

Outcome invokeBatch(Context& ctx, const EndpointRecord& r, const std::string& request,
                    const std::string& outputDir, InvokeResult* out, std::string* err) {
  std::error_code ec;
  if (!fs::exists(request, ec)) {
    *err = request + ": no such file or folder";
    return Outcome::Usage;
  }
  out->outputDir = outputDir;
  if (out->outputDir.empty()) {
    out->outputDir = endpointDir(ctx, r.name) + "/jobs/" + std::to_string(ctx.now()) + "-" +
                     std::to_string(getpid());
  }
  std::string dir = deploymentDir(ctx, r);
  proc::Spec spec;
  spec.argv = {ctx.python,
               "-u",
               dir + "/worker.py",
               "batch",
               "--code",
               codeDirOf(ctx, r),
               "--model-dir",
               dir + "/model",
               "--output",
               out->outputDir,
               fs::absolute(request, ec).string()};
  spec.mergeStderr = true;
  std::string output;
  proc::Result res = proc::run(spec, [&](proc::Stream, std::string_view chunk) {
    output.append(chunk);
    if (ctx.log) *ctx.log << chunk << std::flush;
  });
  if (!res.started) {
    *err = res.error;
    return Outcome::Failed;
  }
  if (res.exitCode != 0) {
    *err =
        "the batch job of " + r.name + " failed (exit status " + std::to_string(res.exitCode) + ")";
    return Outcome::Failed;
  }
  out->body = output;
  return Outcome::Ok;
}

Outcome invokeOnline(Context& ctx, const EndpointRecord& r, const std::string& request,
                     InvokeResult* out, std::string* err) {
  Request req;
  if (!readRequest(request, kInvokeReadLimit, &req, err)) return Outcome::Usage;
  HttpResponse res;
  std::string why;
  if (!httpRequest(clientHost(r.host), r.port, "POST", "/invocations", req.body, req.contentType,
                   std::chrono::seconds(60), &res, &why)) {
    *err = "endpoint " + r.name + " at " + urlOf(r.host, r.port) + " did not answer: " + why;
    return Outcome::Failed;
  }
  out->status = res.status;
  out->body = res.body;
  if (res.status < 200 || res.status > 299) {
    *err = "endpoint " + r.name + " answered " + std::to_string(res.status);
    return Outcome::Failed;
  }
  return Outcome::Ok;
}

Outcome find(Context& ctx, const std::string& name, EndpointRecord* r, std::string* err) {
  bool found = false;
  if (!validEndpointName(name, err)) return Outcome::Usage;
  if (!ctx.store->get(name, r, &found, err)) return Outcome::Failed;
  if (!found) {
    *err = "no endpoint named '" + name + "'";
    return Outcome::NotFound;
  }
  return Outcome::Ok;
}

EndpointStatus liveStatus(const EndpointRecord& r) {
  EndpointStatus s;
  s.record = r;
  if (r.kind == Kind::Batch) {
    s.live = "ready";
    return s;
  }
  s.url = urlOf(r.host, r.port);
  if (!r.machine.empty() && r.machine != thisMachine())
    s.live = "on " + r.machine;
  else if (!isRunning(r.process))
    s.live = "stopped";
  else
    s.live = pings(r.host, r.port, std::chrono::seconds(2)) ? "serving" : "unresponsive";
  return s;
}

}  // namespace

const char* kindName(Kind k) {
  return k == Kind::Online ? "online" : "batch";
}

Outcome deploy(Context& ctx, const DeployOptions& o, DeployResult* out, std::string* err) {
  if (!validEndpointName(o.name, err)) return Outcome::Usage;
  if (!o.code.empty() && !fs::is_directory(o.code)) {
    *err = o.code + ": no such folder (--code)";
    return Outcome::Usage;
  }
  ResolvedModel m;
  bool notFound = false;
  if (!ctx.models->resolve(o.model, o.ref, &m, &notFound, err))
    return notFound ? Outcome::NotFound : Outcome::Failed;

  EndpointLock lock;
  if (!lockEndpoint(ctx, o.name, &lock, err)) return Outcome::Usage;
  EndpointRecord current;
  bool found = false;
  if (!ctx.store->get(o.name, &current, &found, err)) return Outcome::Failed;
  std::string deployment = "v" + std::to_string(m.version) + "-" + std::to_string(ctx.now()) + "-" +
                           std::to_string(getpid());
  return o.kind == Kind::Online
             ? deployOnline(ctx, o, m, found ? &current : nullptr, deployment, out, err)
             : deployBatch(ctx, o, m, found ? &current : nullptr, deployment, out, err);
}

Outcome status(Context& ctx, const std::string& name, EndpointStatus* out, std::string* err) {
  EndpointRecord r;
  Outcome found = find(ctx, name, &r, err);
  if (found != Outcome::Ok) return found;
  *out = liveStatus(r);
  return Outcome::Ok;
}

Outcome statusAll(Context& ctx, std::vector<EndpointStatus>* out, std::string* err) {
  std::vector<EndpointRecord> records;
  if (!ctx.store->list(&records, err)) return Outcome::Failed;
  for (const auto& r : records)
    out->push_back(liveStatus(r));
  return Outcome::Ok;
}

Outcome remove(Context& ctx, const std::string& name, std::string* err) {
  if (!validEndpointName(name, err)) return Outcome::Usage;
  EndpointLock lock;
  if (!lockEndpoint(ctx, name, &lock, err)) return Outcome::Usage;
  EndpointRecord r;
  Outcome found = find(ctx, name, &r, err);
  if (found != Outcome::Ok) return found;
  if (r.kind == Kind::Online && !r.machine.empty() && r.machine != thisMachine()) {
    *err = "endpoint " + name + " runs on " + r.machine + "; delete it there";
    return Outcome::Usage;
  }
  if (r.kind == Kind::Online && !stopService(r.process, std::chrono::seconds(15), err))
    return Outcome::Failed;
  if (!ctx.store->remove(name, err)) return Outcome::Failed;
  std::error_code ec;
  fs::remove_all(endpointDir(ctx, name), ec);
  if (ec) {
    *err = "cannot remove " + endpointDir(ctx, name) + ": " + ec.message();
    return Outcome::Failed;
  }
  fs::remove(ctx.dataDir + "/endpoints/" + name + ".lock", ec);
  return Outcome::Ok;
}

std::string logPath(const Context& ctx, const std::string& name) {
  EndpointRecord r;
  bool found = false;
  std::string err;
  if (!ctx.store->get(name, &r, &found, &err) || !found) return "";
  return deploymentDir(ctx, r) + "/worker.log";
}

Outcome invoke(Context& ctx, const std::string& name, const std::string& request,
               const std::string& outputDir, InvokeResult* out, std::string* err) {
  EndpointRecord r;
  Outcome found = find(ctx, name, &r, err);
  if (found != Outcome::Ok) return found;
  return r.kind == Kind::Online ? invokeOnline(ctx, r, request, out, err)
                                : invokeBatch(ctx, r, request, outputDir, out, err);
}

}  // namespace galley::endpoint
