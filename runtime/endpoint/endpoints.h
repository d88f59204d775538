// Local endpoints: deploy a registered model version as an online endpoint
// (a supervised scoring worker speaking MLflow's protocol on a stable port,
// replaced blue/green) or as a batch endpoint (a deployed package that
// `invoke` runs over files); list, show, invoke, read the logs of, and
// delete them. The state of every endpoint lives in the registry's database
// (EndpointStore); its files under the registry's data directory:
//
//   DATA/endpoints/NAME/DEPLOYMENT/         worker.py, code/, model/, worker.log
//   DATA/endpoints/NAME/jobs/JOB/           a batch invoke's default output
//   DATA/endpoints/NAME.lock                serializes deploy and delete
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/endpoint/service.h"

namespace galley::endpoint {

enum class Kind : uint8_t { Online, Batch };
const char* kindName(Kind k);  // "online", "batch"

// One endpoint as recorded.
struct EndpointRecord {
  std::string name;
  Kind kind = Kind::Online;
  std::string model;
  int64_t version = 0;
  std::string host;        // online only
  int port = 0;            // online only
  ProcessId process;       // online only
  std::string deployment;  // the folder under DATA/endpoints/NAME/ in use
  std::string machine;     // the host name of the machine it runs on
  std::string status;      // as recorded: "serving" or "ready" (batch)
  std::string createdAt;   // first deploy, set by the store (UTC, ISO 8601)
  std::string updatedAt;   // last deploy, set by the store
};

// Where endpoint records live (the registry database). Implementations
// make each call one transaction.
class EndpointStore {
 public:
  virtual ~EndpointStore() = default;
  // *found false when there is no such endpoint.
  virtual bool get(const std::string& name, EndpointRecord* out, bool* found, std::string* err) = 0;
  virtual bool list(std::vector<EndpointRecord>* out, std::string* err) = 0;
  // Inserts or replaces the record of r.name.
  virtual bool put(const EndpointRecord& r, std::string* err) = 0;
  virtual bool remove(const std::string& name, std::string* err) = 0;
};

// A model version resolved in the registry.
struct ResolvedModel {
  std::string name;
  int64_t version = 0;
};

// The registry's models, as endpoints need them.
class ModelSource {
 public:
  virtual ~ModelSource() = default;
  // NAME and VERSION, @ALIAS or a stage name to one version. False with
  // *err ("no model named X", "credit-risk has no version 9") otherwise;
  // *notFound tells such a miss from a failure to read.
  virtual bool resolve(const std::string& name, const std::string& ref, ResolvedModel* out,
                       bool* notFound, std::string* err) = 0;
  // Writes the version's files into dir (which exists and is empty),
  // checking their hashes.
  virtual bool materialize(const ResolvedModel& m, const std::string& dir, std::string* err) = 0;
};

// Why an operation failed: NotFound and Usage are the caller's mistakes
// (an unknown endpoint or model; a port in use, a bad option), Failed is
// a deploy or request that did not work.
enum class Outcome : uint8_t { Ok, NotFound, Usage, Failed };

struct Context {
  EndpointStore* store = nullptr;
  ModelSource* models = nullptr;
  std::string dataDir;           // the registry's data directory
  std::string python;            // interpreter for the worker: an absolute path
  std::ostream* log = nullptr;   // progress lines (stderr)
  std::function<int64_t()> now;  // unix seconds, for the names of folders
};

struct DeployOptions {
  std::string name;
  std::string model;
  std::string ref;  // "3", "@champion", "production"
  Kind kind = Kind::Online;
  std::optional<int> port;                     // online: default the current port, else a free one
  std::optional<std::string> host;             // online: default the current host, else 127.0.0.1
  std::string code;                            // folder with score.py; empty: the model's own files
  size_t maxRequestBytes = 0;                  // 0: kDefaultMaxRequestBytes
  std::chrono::seconds startTimeout{120};      // for init() and the health check
  std::chrono::milliseconds stopGrace{10000};  // for the replaced worker
};

struct DeployResult {
  EndpointRecord record;
  std::string url;  // online: http://HOST:PORT
};

// Deploys; on any failure the endpoint's previous version keeps serving
// (online) or stays deployed (batch) and nothing of the new one remains.
Outcome deploy(Context& ctx, const DeployOptions& o, DeployResult* out, std::string* err);

// What list and show report: the record, plus whether the worker runs and
// answers /ping now ("serving", "unresponsive", "stopped"; batch: "ready").
struct EndpointStatus {
  EndpointRecord record;
  std::string live;
  std::string url;
};
Outcome status(Context& ctx, const std::string& name, EndpointStatus* out, std::string* err);
Outcome statusAll(Context& ctx, std::vector<EndpointStatus>* out, std::string* err);

// Stops the worker (TERM, grace, KILL, its whole process group), removes
// the endpoint's files and record.
Outcome remove(Context& ctx, const std::string& name, std::string* err);

// The endpoint's log file (which may not exist yet).
std::string logPath(const Context& ctx, const std::string& name);

struct InvokeResult {
  int status = 0;  // HTTP status (online)
  std::string body;
  std::string outputDir;  // batch
};

// Online: POSTs the request file to /invocations. Batch: runs the worker
// over the file or folder, into outputDir (default a new job folder under
// the endpoint's). Failed when the endpoint does not answer, answers
// non-2xx, or the batch job fails.
Outcome invoke(Context& ctx, const std::string& name, const std::string& request,
               const std::string& outputDir, InvokeResult* out, std::string* err);

// The deployed worker's source, embedded at build time: {"worker.py": text}.
const std::map<std::string, std::string>& workerFiles();

}  // namespace galley::endpoint
