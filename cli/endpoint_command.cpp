// galley endpoint deploy|list|show|logs|invoke|delete: CLI wiring for
// runtime/endpoint (local online and batch endpoints on the registry).
#include <CLI/CLI.hpp>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_store.h"
#include "runtime/endpoint/endpoints.h"
#include "runtime/endpoint/host_output.h"
#include "runtime/endpoint/registry_backend.h"
#include "runtime/shell.h"

namespace galley::cli {

namespace {

namespace ep = galley::endpoint;

struct Common {
  std::string registry;
  std::string python = "python3";
};

int exitCode(ep::Outcome o) {
  switch (o) {
    case ep::Outcome::Ok:
      return kExitOk;
    case ep::Outcome::Usage:
      return kExitUsage;
    case ep::Outcome::NotFound:
    case ep::Outcome::Failed:
      break;
  }
  return kExitFindings;
}

// Opens the registry and fills ctx; on failure prints why and returns the
// exit status.
int open(const Common& common, ep::Backend* backend, ep::Context* ctx) {
  std::string err;
  bool usage = false;
  if (!ep::openBackend(common.registry, backend, &usage, &err)) {
    printError(err);
    return usage ? kExitUsage : kExitFindings;
  }
  ctx->store = backend->store.get();
  ctx->models = backend->models.get();
  ctx->dataDir = backend->dataDir;
  ctx->log = &std::cerr;
  ctx->now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  ctx->python = common.python;
  if (ctx->python.find('/') == std::string::npos) {
    const char* path = std::getenv("PATH");
    ctx->python = run::findProgram(common.python, path ? path : "/usr/bin:/bin");
    if (ctx->python.empty()) {
      printError("cannot find " + common.python + " in PATH; the scoring worker needs Python 3");
      return kExitUsage;
    }
  }
  return kExitOk;
}

struct DeployArgs {
  ep::DeployOptions o;
  std::string version, kind = "online";
  std::optional<int> port;
  std::optional<std::string> host;
  unsigned timeout = 120;
};

int deployCommand(const Common& common, DeployArgs& a) {
  a.o.kind = a.kind == "batch" ? ep::Kind::Batch : ep::Kind::Online;
  a.o.ref = a.version;
  a.o.port = a.port;
  a.o.host = a.host;
  if (a.o.host && *a.o.host == "localhost") a.o.host = "127.0.0.1";
  a.o.startTimeout = std::chrono::seconds(a.timeout);
  if (a.o.kind == ep::Kind::Batch && (a.port || a.host)) {
    printError("--port and --host are for online endpoints; a batch endpoint runs on invoke");
    return kExitUsage;
  }
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  ep::DeployResult result;
  std::string err;
  ep::Outcome o = ep::deploy(ctx, a.o, &result, &err);
  if (o != ep::Outcome::Ok) {
    printError("cannot deploy " + a.o.name + ": " + err);
    return exitCode(o);
  }
  const ep::EndpointRecord& r = result.record;
  std::cerr << "Deployed " << r.model << "@" << r.version << " to " << ep::kindName(r.kind)
            << " endpoint " << r.name
            << (r.kind == ep::Kind::Online ? " at " + result.url : std::string()) << '\n';
  if (r.kind == ep::Kind::Online) {
    std::cout << result.url << '\n';
    if (!ep::writeOutput(ep::outputTargetFromEnvironment(), "url", result.url, std::cout, &err)) {
      printError(err);
      return kExitFindings;
    }
  }
  return kExitOk;
}

nlohmann::json toJson(const ep::EndpointStatus& s) {
  const ep::EndpointRecord& r = s.record;
  nlohmann::json j = {{"name", r.name},        {"kind", ep::kindName(r.kind)},
                      {"model", r.model},      {"version", r.version},
                      {"status", s.live},      {"created", r.createdAt},
                      {"updated", r.updatedAt}};
  if (r.kind == ep::Kind::Online) {
    j["url"] = s.url;
    j["host"] = r.host;
    j["port"] = r.port;
    j["pid"] = r.process.pid;
  }
  return j;
}

int listCommand(const Common& common, const std::string& format) {
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  std::vector<ep::EndpointStatus> all;
  std::string err;
  if (ep::Outcome o = ep::statusAll(ctx, &all, &err); o != ep::Outcome::Ok) {
    printError(err);
    return exitCode(o);
  }
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : all)
      j.push_back(toJson(s));
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  if (all.empty()) {
    std::cerr << "No endpoints.\n";
    return kExitOk;
  }
  std::printf("%-24s %-7s %-24s %-13s %s\n", "NAME", "KIND", "MODEL", "STATUS", "URL");
  for (const auto& s : all) {
    std::string model = s.record.model + "@" + std::to_string(s.record.version);
    std::printf("%-24s %-7s %-24s %-13s %s\n", s.record.name.c_str(), ep::kindName(s.record.kind),
                model.c_str(), s.live.c_str(), s.url.empty() ? "-" : s.url.c_str());
  }
  return kExitOk;
}

int showCommand(const Common& common, const std::string& name, const std::string& format) {
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  ep::EndpointStatus s;
  std::string err;
  if (ep::Outcome o = ep::status(ctx, name, &s, &err); o != ep::Outcome::Ok) {
    printError(err);
    return exitCode(o);
  }
  nlohmann::json j = toJson(s);
  if (format == "json") {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  for (const auto& [key, value] : j.items())
    std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
              << '\n';
  return s.live == "serving" || s.live == "ready" ? kExitOk : kExitFindings;
}

int logsCommand(const Common& common, const std::string& name, size_t tailLines) {
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  ep::EndpointStatus s;
  std::string err;
  if (ep::Outcome o = ep::status(ctx, name, &s, &err); o != ep::Outcome::Ok) {
    printError(err);
    return exitCode(o);
  }
  if (s.record.kind == ep::Kind::Batch) {
    std::cerr << "Batch endpoint " << name << " runs no worker; its jobs print as they run.\n";
    return kExitOk;
  }
  std::ifstream in(ep::logPath(ctx, name));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  size_t from = tailLines && lines.size() > tailLines ? lines.size() - tailLines : 0;
  for (size_t i = from; i < lines.size(); i++)
    std::cout << lines[i] << '\n';
  return kExitOk;
}

int invokeCommand(const Common& common, const std::string& name, const std::string& request,
                  const std::string& output) {
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  ep::InvokeResult result;
  std::string err;
  ep::Outcome o = ep::invoke(ctx, name, request, output, &result, &err);
  if (result.status != 0) {
    std::cout << result.body;
    if (!result.body.empty() && result.body.back() != '\n') std::cout << '\n';
  } else if (o == ep::Outcome::Ok) {
    std::cout << result.outputDir << '\n';
  }
  if (o != ep::Outcome::Ok) printError(err);
  return exitCode(o);
}

int deleteCommand(const Common& common, const std::string& name) {
  ep::Backend backend;
  ep::Context ctx;
  if (int rc = open(common, &backend, &ctx)) return rc;
  std::string err;
  if (ep::Outcome o = ep::remove(ctx, name, &err); o != ep::Outcome::Ok) {
    printError("cannot delete " + name + ": " + err);
    return exitCode(o);
  }
  std::cerr << "Deleted endpoint " << name << '\n';
  return kExitOk;
}

void attachDeploy(CLI::App* cmd, std::shared_ptr<Common> common, int& status) {
  auto a = std::make_shared<DeployArgs>();
  CLI::App* deploy = cmd->add_subcommand(
      "deploy", "Deploy a registered model version to an online or batch endpoint");
  deploy->add_option("--name", a->o.name, "Endpoint name (created when it does not exist)")
      ->required();
  deploy->add_option("--model", a->o.model, "Registered model name")->required();
  deploy->add_option("--version", a->version, "Version, @ALIAS or stage of the model")->required();
  deploy->add_option("--kind", a->kind, "online (a scoring server) or batch (scores files)")
      ->check(CLI::IsMember({"online", "batch"}))
      ->capture_default_str();
  deploy->add_option("--port", a->port, "Port (default: the endpoint's current one, else free)")
      ->check(CLI::Range(1, 65535));
  deploy->add_option("--host", a->host, "Address to bind (default 127.0.0.1)");
  deploy->add_option("--code", a->o.code,
                     "Folder with score.py and its modules (default: the model's own files)");
  deploy
      ->add_option("--max-request-size", a->o.maxRequestBytes,
                   "Largest request in bytes (larger ones get 413; default 16 MiB)")
      ->check(count(1));
  deploy->add_option("--timeout", a->timeout, "Seconds the new worker has to load the model")
      ->check(count(1))
      ->capture_default_str();
  deploy->callback([common, a, &status] { status = deployCommand(*common, *a); });
}

void attachInvoke(CLI::App* cmd, std::shared_ptr<Common> common, int& status) {
  auto name = std::make_shared<std::string>();
  auto request = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  CLI::App* invoke = cmd->add_subcommand(
      "invoke", "Score a request (online) or a file or folder of CSV files (batch)");
  invoke->add_option("--name", *name, "Endpoint name")->required();
  invoke
      ->add_option("--request", *request,
                   "Request file: JSON (MLflow's fields or Azure ML's data) or *.csv; for a "
                   "batch endpoint, a file or folder to score")
      ->required();
  invoke->add_option("--output", *output,
                     "Batch: folder for predictions.csv (default: a new job folder)");
  invoke->callback([common, name, request, output, &status] {
    status = invokeCommand(*common, *name, *request, *output);
  });
}

}  // namespace

void attachEndpoint(CLI::App& app, int& status) {
  auto common = std::make_shared<Common>();
  CLI::App* cmd = app.add_subcommand("endpoint", "Local online and batch endpoints");
  cmd->require_subcommand(1);
  cmd->add_option("--registry", common->registry,
                  "Registry (default $GALLEY_REGISTRY, else the user's data directory)");
  cmd->add_option("--python", common->python, "Python interpreter of the scoring worker")
      ->capture_default_str();

  attachDeploy(cmd, common, status);
  auto format = std::make_shared<std::string>("text");
  CLI::App* list = cmd->add_subcommand("list", "List endpoints with their live status");
  list->add_option("--format", *format)->check(CLI::IsMember({"text", "json"}));
  list->callback([common, format, &status] { status = listCommand(*common, *format); });

  auto name = std::make_shared<std::string>();
  CLI::App* show = cmd->add_subcommand("show", "Show an endpoint; exit 1 when it does not serve");
  show->add_option("name", *name, "Endpoint name")->required();
  show->add_option("--format", *format)->check(CLI::IsMember({"text", "json"}));
  show->callback(
      [common, name, format, &status] { status = showCommand(*common, *name, *format); });

  auto tailLines = std::make_shared<size_t>(0);
  CLI::App* logs = cmd->add_subcommand("logs", "Print the log of an online endpoint's worker");
  logs->add_option("name", *name, "Endpoint name")->required();
  logs->add_option("--tail", *tailLines, "Only the last N lines")->check(count(0));
  logs->callback(
      [common, name, tailLines, &status] { status = logsCommand(*common, *name, *tailLines); });

  attachInvoke(cmd, common, status);
  CLI::App* del = cmd->add_subcommand("delete", "Stop an endpoint and remove it");
  del->add_option("name", *name, "Endpoint name")->required();
  del->callback([common, name, &status] { status = deleteCommand(*common, *name); });
  // --registry and --python may follow the subcommand too.
  for (CLI::App* sub : cmd->get_subcommands({}))
    sub->fallthrough();
}

}  // namespace galley::cli
