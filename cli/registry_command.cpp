// galley registry: CLI wiring for runtime/registry (register, list, show,
// promote, alias, history, download, compare, delete).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_store.h"
#include "runtime/display.h"
#include "runtime/files.h"
#include "runtime/host.h"
#include "runtime/registry/compare.h"
#include "runtime/registry/registry.h"
#include "runtime/registry/report.h"

namespace galley::cli {

namespace {

using registry::Error;

struct Args {
  std::string where;  // --registry
  std::string name, path, metrics, stage, ref, alias, version, dir, format = "text";
  std::string comment, metric, direction = "higher", baseline = "@production";
  std::vector<std::string> params, tags;
  double minDelta = 0;
  int64_t limit = 0;
  bool force = false;
};

int exitFor(const Error& e) {
  printError(e.message);
  return e.kind == Error::NotFound || e.kind == Error::Refused ? kExitFindings : kExitUsage;
}

int usage(const std::string& message) {
  printError(message);
  return kExitUsage;
}

std::unique_ptr<registry::Registry> openRegistry(const Args& a, Error* err) {
  registry::Location where;
  if (!registry::resolveLocation(a.where, &where, err)) return nullptr;
  return registry::Registry::open(where, err);
}

// Inside a GitHub Actions or Azure Pipelines job, the values become the
// step's outputs in the host's own form: a $GITHUB_OUTPUT entry, or a
// `##vso[task.setvariable ...;isOutput=true]` line. That line goes to
// stderr, because recipes capture stdout (`version=$(galley registry
// register ...)`), and the agent reads logging commands from both streams.
void hostOutputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  run::Host host = run::detectHost();
  const char* githubOutput = std::getenv("GITHUB_OUTPUT");
  if (host == run::Host::None ||
      (host == run::Host::GitHubActions && (!githubOutput || !*githubOutput)))
    return;
  run::HostView view(host, std::cerr, {});
  std::string err;
  for (const auto& [name, value] : outputs)
    if (!view.setOutput(name, value, &err))
      std::cerr << "galley: warning: cannot set the step output '" << name << "': " << err << '\n';
}

bool readMetrics(const std::string& file, nlohmann::json* out, std::string* err) {
  std::string text;
  if (!run::readWholeFile(file, &text, err)) return false;
  try {
    *out = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i, ++col)
      if (text[i] == '\n') line += 1, col = 0;
    std::string what = e.what();
    *err = file + ":" + std::to_string(line) + ":" + std::to_string(col) +
           ": not JSON: " + what.substr(what.find("]: ") + 3);
    return false;
  }
  if (!out->is_object()) *err = file + ": metrics must be a JSON object, like {\"auc\": 0.91}";
  return out->is_object();
}

bool keyValues(const std::vector<std::string>& items, const char* option, nlohmann::json* out,
               std::string* err) {
  for (const std::string& item : items) {
    size_t eq = item.find('=');
    if (eq == 0 || eq == std::string::npos) {
      *err = std::string(option) + " '" + item + "' is not KEY=VALUE";
      return false;
    }
    (*out)[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return true;
}

int registerCommand(const Args& a) {
  registry::RegisterRequest req;
  req.name = a.name;
  req.path = a.path;
  req.comment = a.comment;
  std::string err;
  if ((!a.metrics.empty() && !readMetrics(a.metrics, &req.metrics, &err)) ||
      !keyValues(a.params, "--param", &req.params, &err) ||
      !keyValues(a.tags, "--tag", &req.tags, &err))
    return usage(err);
  if (!registry::parseStage(a.stage, &req.stage) || req.stage == registry::Stage::Archived)
    return usage("--stage '" + a.stage + "': a new version starts in staging or none");
  req.lineage = registry::lineageFromEnvironment();
  Error e;
  registry::Version v;
  auto reg = openRegistry(a, &e);
  if (!reg || !reg->registerVersion(req, &v, &e)) return exitFor(e);
  std::cout << v.version << '\n';
  std::cerr << "Registered " << run::printable(v.name) << '@' << v.version << " ("
            << registry::stageName(v.stage) << ", " << v.files.size()
            << (v.files.size() == 1 ? " file, " : " files, ") << registry::formatSize(v.size())
            << ").\n";
  hostOutputs({{"version", std::to_string(v.version)}});
  return kExitOk;
}

bool badFormat(const Args& a) {
  return a.format != "text" && a.format != "json";
}

int listCommand(const Args& a) {
  if (badFormat(a)) return usage("--format '" + a.format + "': use text or json");
  Error e;
  auto reg = openRegistry(a, &e);
  if (!reg) return exitFor(e);
  if (a.name.empty()) {
    std::vector<registry::ModelSummary> models;
    if (!reg->models(&models, &e)) return exitFor(e);
    if (a.format == "json") {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& m : models)
        j.push_back({{"name", m.name},
                     {"versions", m.versions},
                     {"latest", m.latest},
                     {"production", m.production},
                     {"staging", m.staging},
                     {"updated_at", m.updatedAt}});
      std::cout << j.dump(2) << '\n';
    } else if (models.empty()) {
      std::cerr << "No models in " << run::printable(reg->location().describe()) << ".\n";
    } else {
      registry::writeModels(std::cout, models);
    }
    return kExitOk;
  }
  if (a.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    auto add = [&j](const registry::Version& v) {
      j.push_back(registry::toJson(v));
      j.back().erase("files");
      j.back().erase("size");
    };
    if (!reg->forEachVersion(a.name, add, &e, true, a.limit)) return exitFor(e);
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  registry::VersionTable table;
  if (!reg->forEachVersion(
          a.name, [&table](const registry::Version& v) { table.add(v); }, &e, false, a.limit))
    return exitFor(e);
  table.write(std::cout);
  return kExitOk;
}

int showCommand(const Args& a) {
  if (badFormat(a)) return usage("--format '" + a.format + "': use text or json");
  Error e;
  registry::Version v;
  registry::Reference ref;
  if (!registry::parseReference(a.ref, &ref, &e)) return exitFor(e);
  auto reg = openRegistry(a, &e);
  if (!reg || !reg->resolve(ref, &v, &e)) return exitFor(e);
  if (a.format == "json")
    std::cout << registry::toJson(v).dump(2) << '\n';
  else
    registry::writeVersion(std::cout, v);
  return kExitOk;
}

// VERSION on the command line: a number, or anything a reference may say
// after '@' (an alias, a stage, latest).
bool versionOf(registry::Registry& reg, const std::string& name, const std::string& version,
               int64_t* out, Error* e) {
  registry::Version v;
  if (!reg.resolve(name + "@" + version, &v, e)) return false;
  *out = v.version;
  return true;
}

registry::Change changeOf(const Args& a) {
  registry::Change c;
  c.comment = a.comment;
  return c;
}

int promoteCommand(const Args& a) {
  registry::Stage to;
  if (!registry::parseStage(a.stage, &to) || to == registry::Stage::None)
    return usage("--stage '" + a.stage + "': use staging, production or archived");
  Error e;
  int64_t version = 0, archived = 0;
  auto reg = openRegistry(a, &e);
  if (!reg || !versionOf(*reg, a.name, a.version, &version, &e) ||
      !reg->promote(a.name, version, to, changeOf(a), &archived, &e))
    return exitFor(e);
  std::cout << run::printable(a.name) << '@' << version << " is in " << a.stage;
  if (archived) std::cout << "; version " << archived << " was archived";
  std::cout << ".\n";
  return kExitOk;
}

int aliasSetCommand(const Args& a) {
  Error e;
  int64_t version = 0;
  auto reg = openRegistry(a, &e);
  if (!reg || !versionOf(*reg, a.name, a.version, &version, &e) ||
      !reg->setAlias(a.name, a.alias, version, changeOf(a), &e))
    return exitFor(e);
  std::cout << run::printable(a.name) << '@' << run::printable(a.alias) << " is version " << version
            << ".\n";
  return kExitOk;
}

int aliasRemoveCommand(const Args& a) {
  Error e;
  auto reg = openRegistry(a, &e);
  if (!reg || !reg->removeAlias(a.name, a.alias, changeOf(a), &e)) return exitFor(e);
  std::cout << "Removed " << run::printable(a.name) << '@' << run::printable(a.alias) << ".\n";
  return kExitOk;
}

int historyCommand(const Args& a) {
  if (badFormat(a)) return usage("--format '" + a.format + "': use text or json");
  Error e;
  std::vector<registry::HistoryEntry> history;
  auto reg = openRegistry(a, &e);
  if (!reg || !reg->history(a.name, &history, &e)) return exitFor(e);
  if (a.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& h : history)
      j.push_back(registry::toJson(h));
    std::cout << j.dump(2) << '\n';
  } else {
    registry::writeHistory(std::cout, history);
  }
  return kExitOk;
}

int downloadCommand(const Args& a) {
  Error e;
  registry::Version v;
  registry::Reference ref;
  if (!registry::parseReference(a.ref, &ref, &e)) return exitFor(e);
  auto reg = openRegistry(a, &e);
  if (!reg || !reg->resolve(ref, &v, &e) || !reg->materialize(v, a.dir, &e)) return exitFor(e);
  std::cout << "Downloaded " << run::printable(v.name) << '@' << v.version << " (" << v.files.size()
            << (v.files.size() == 1 ? " file, " : " files, ") << registry::formatSize(v.size())
            << ", sha256 verified) to " << run::printable(a.dir) << ".\n";
  return kExitOk;
}

// The champion's value, or none (c->noChampion says why) when the baseline
// names nothing yet: no such model, nothing in the stage, no such alias.
bool championOf(registry::Registry& reg, registry::Comparison* c, Error* e) {
  registry::Version v;
  if (!reg.resolve(c->baseline, &v, e)) {
    if (e->kind != Error::NotFound) return false;
    registry::Reference ref;
    registry::parseReference(c->baseline, &ref, e);
    bool number = !ref.at.empty() && ref.at.find_first_not_of("0123456789") == std::string::npos;
    if (number) return false;  // an explicit version that does not exist is a mistake
    c->noChampion = e->message;
    return true;
  }
  c->champion = v.name + "@" + std::to_string(v.version);
  double value = 0;
  std::string why;
  if (!registry::metricValue(v.metrics, c->metric, &value, &why)) {
    e->kind = Error::Invalid;
    e->message = "the metrics registered with " + c->champion + " " + why;
    return false;
  }
  c->championValue = value;
  return true;
}

int compareCommand(const Args& a) {
  registry::Comparison c;
  c.model = a.name;
  c.metric = a.metric;
  c.minDelta = a.minDelta;
  c.baseline = a.baseline[0] == '@' ? a.name + a.baseline : a.name + "@" + a.baseline;
  if (!registry::parseDirection(a.direction, &c.higherIsBetter))
    return usage("--direction '" + a.direction + "': use higher or lower");
  nlohmann::json metrics;
  std::string err;
  if (!readMetrics(a.metrics, &metrics, &err)) return usage(err);
  if (!registry::metricValue(metrics, a.metric, &c.challengerValue, &err))
    return usage(a.metrics + " " + err);
  Error e;
  auto reg = openRegistry(a, &e);
  if (!reg || !championOf(*reg, &c, &e)) return exitFor(e);
  registry::decide(&c);
  std::cout << registry::toJson(c).dump(2) << '\n';
  std::cerr << run::printable(registry::summary(c)) << '\n';
  char delta[64] = "";
  if (c.delta) std::snprintf(delta, sizeof delta, "%.6f", *c.delta);
  hostOutputs({{"promote", c.promote ? "true" : "false"}, {"delta", delta}});
  return c.promote ? kExitOk : kExitFindings;
}

int deleteCommand(const Args& a) {
  Error e;
  int64_t version = 0;
  auto reg = openRegistry(a, &e);
  if (!reg || !versionOf(*reg, a.name, a.version, &version, &e) ||
      !reg->deleteVersion(a.name, version, a.force, changeOf(a), &e))
    return exitFor(e);
  std::cout << "Deleted " << run::printable(a.name) << '@' << version << ".\n";
  return kExitOk;
}

CLI::App* sub(CLI::App* parent, const std::string& name, const std::string& what) {
  CLI::App* cmd = parent->add_subcommand(name, what);
  cmd->fallthrough();
  return cmd;
}

void attachAlias(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* alias = sub(cmd, "alias", "Set or remove an alias (NAME@ALIAS) of a version");
  alias->require_subcommand(1);
  CLI::App* set = sub(alias, "set", "Point ALIAS at VERSION (moving it if set elsewhere)");
  set->add_option("name", a->name, "Model name")->required();
  set->add_option("alias", a->alias, "Alias, e.g. champion")->required();
  set->add_option("version", a->version, "Version number (or a stage, or another alias)")
      ->required();
  set->add_option("--comment,-m", a->comment, "Kept in the history");
  set->callback([a, &status] { status = aliasSetCommand(*a); });
  CLI::App* rm = sub(alias, "rm", "Remove ALIAS");
  rm->add_option("name", a->name, "Model name")->required();
  rm->add_option("alias", a->alias, "Alias")->required();
  rm->add_option("--comment,-m", a->comment, "Kept in the history");
  rm->callback([a, &status] { status = aliasRemoveCommand(*a); });
}

void attachList(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* list = sub(cmd, "list", "List the models, or the versions of one");
  list->add_option("name", a->name, "Model name: list its versions");
  list->add_option("--format", a->format, "text or json")->capture_default_str();
  list->add_option("--limit,-n", a->limit, "Only the newest N versions (default: all)")
      ->check(count(0));
  list->callback([a, &status] { status = listCommand(*a); });
}

void attachShow(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* show = sub(cmd, "show", "Show a version: stage, aliases, lineage, metrics, files");
  show->add_option("ref", a->ref, "NAME, NAME@VERSION, NAME@ALIAS or NAME@STAGE")->required();
  show->add_option("--format", a->format, "text or json")->capture_default_str();
  show->callback([a, &status] { status = showCommand(*a); });
}

void attachHistory(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* history = sub(cmd, "history", "The audit trail of a model's stages and aliases");
  history->add_option("name", a->name, "Model name")->required();
  history->add_option("--format", a->format, "text or json")->capture_default_str();
  history->callback([a, &status] { status = historyCommand(*a); });
}

void attachDownload(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* download = sub(cmd, "download", "Write a version's files into DIR, verifying them");
  download->add_option("ref", a->ref, "NAME@VERSION, NAME@ALIAS or NAME@STAGE")->required();
  download->add_option("dir", a->dir, "Directory (created when absent)")->required();
  download->callback([a, &status] { status = downloadCommand(*a); });
}

void attachRegister(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* reg = sub(cmd, "register", "Register a file or folder as the next version of a model");
  reg->add_option("--name", a->name, "Model name")->required();
  reg->add_option("--path", a->path, "The model: a file or a folder")->required();
  reg->add_option("--metrics", a->metrics, "Metrics JSON file, kept with the version");
  reg->add_option("--param", a->params, "KEY=VALUE, repeatable");
  reg->add_option("--tag", a->tags, "KEY=VALUE, repeatable");
  a->stage = "none";
  reg->add_option("--stage", a->stage, "staging, or none")->capture_default_str();
  reg->add_option("--comment,-m", a->comment, "Kept in the history");
  reg->callback([a, &status] { status = registerCommand(*a); });
}

void attachPromote(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* promote = sub(cmd, "promote", "Move a version to a stage (one production version)");
  promote->add_option("name", a->name, "Model name")->required();
  promote->add_option("version", a->version, "Version number (or an alias)")->required();
  promote->add_option("--stage", a->stage, "staging, production or archived")->required();
  promote->add_option("--comment,-m", a->comment, "Kept in the history");
  promote->callback([a, &status] { status = promoteCommand(*a); });
}

void attachCompare(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* compare =
      sub(cmd, "compare", "Compare new metrics with a registered version's; exit 0: promote");
  compare->add_option("name", a->name, "Model name")->required();
  compare->add_option("--metrics", a->metrics, "The challenger's metrics JSON file")->required();
  compare->add_option("--metric", a->metric, "The metric to compare, e.g. auc")->required();
  compare->add_option("--direction", a->direction, "higher or lower is better")
      ->capture_default_str();
  compare->add_option("--min-delta", a->minDelta, "Smallest improvement that promotes")
      ->capture_default_str();
  compare->add_option("--baseline", a->baseline, "The champion: @STAGE, @ALIAS or @VERSION")
      ->capture_default_str();
  compare->callback([a, &status] { status = compareCommand(*a); });
}

void attachDelete(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status) {
  CLI::App* del = sub(cmd, "delete", "Delete a version and the files only it holds");
  del->add_option("name", a->name, "Model name")->required();
  del->add_option("version", a->version, "Version number (or an alias)")->required();
  del->add_flag("--force", a->force, "Delete even the production version");
  del->add_option("--comment,-m", a->comment, "Kept in the history");
  del->callback([a, &status] { status = deleteCommand(*a); });
}

// In the order `galley registry --help` lists them.
struct Subcommand {
  const char* name;
  void (*attach)(CLI::App* cmd, const std::shared_ptr<Args>& a, int& status);
};
constexpr Subcommand kSubcommands[] = {
    {"register", attachRegister}, {"promote", attachPromote},   {"compare", attachCompare},
    {"delete", attachDelete},     {"list", attachList},         {"show", attachShow},
    {"history", attachHistory},   {"download", attachDownload}, {"alias", attachAlias},
};

// The subcommand args name: the first word that is neither an option nor
// --registry's value; "" when there is none.
std::string_view subcommandWord(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") return "";
    if (args[i] == "--registry") {
      ++i;
      continue;
    }
    if (!args[i].empty() && args[i][0] != '-') return args[i];
  }
  return "";
}

}  // namespace

void attachRegistry(CLI::App& app, int& status, const std::vector<std::string>& args) {
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "registry", "The model registry: versions, stages, aliases, history (SQLite or PostgreSQL)");
  cmd->require_subcommand(1);
  cmd->add_option("--registry", a->where,
                  "Registry directory or postgresql:// URL (default: $GALLEY_REGISTRY, else "
                  "$XDG_DATA_HOME/galley/registry)");
  // Only the subcommand args name is built: building all nine (their CLI11
  // options) was a fifth of the instructions of `registry show`. When args
  // name none of them (help, a typo), all are, for CLI11's messages.
  std::string_view word = subcommandWord(args);
  bool named = std::any_of(std::begin(kSubcommands), std::end(kSubcommands),
                           [&](const Subcommand& s) { return word == s.name; });
  for (const Subcommand& s : kSubcommands)
    if (!named || word == s.name) s.attach(cmd, a, status);
}

}  // namespace galley::cli
