// Where the registry is, and what a reference or a name may look like.
#include <cstdlib>

#include "compiler/process.h"
#include "runtime/approvals.h"
#include "runtime/registry/registry.h"

namespace galley::registry {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool isUrl(const std::string& s) {
  return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool allDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string Location::describe() const {
  if (!postgres) return database;
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  size_t scheme = database.find("://");
  size_t at = database.find('@', scheme + 3);
  size_t slash = database.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return database;
  size_t colon = database.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

bool resolveLocation(const std::string& flag, Location* out, Error* err) {
  std::string where = !flag.empty() ? flag : env("GALLEY_REGISTRY");
  *out = Location{};
  if (isUrl(where)) {
    out->postgres = true;
    out->database = where;
    out->store = env("GALLEY_REGISTRY_STORE");
    if (out->store.empty()) {
      err->kind = Error::Config;
      err->message = "a PostgreSQL registry (" + out->describe() +
                     ") keeps its files in GALLEY_REGISTRY_STORE, which is not set: point it at "
                     "a directory every agent mounts";
      return false;
    }
    return true;
  }
  if (where.empty()) {
    std::string data = env("XDG_DATA_HOME");
    if (data.empty() && !env("HOME").empty()) data = env("HOME") + "/.local/share";
    if (data.empty()) {
      err->kind = Error::Config;
      err->message = "no registry location: set GALLEY_REGISTRY (or HOME, or XDG_DATA_HOME)";
      return false;
    }
    where = data + "/galley/registry";
  }
  while (where.size() > 1 && where.back() == '/')
    where.pop_back();
  out->store = where;
  out->database = where + "/registry.db";
  return true;
}

const char* stageName(Stage s) {
  switch (s) {
    case Stage::Staging:
      return "staging";
    case Stage::Production:
      return "production";
    case Stage::Archived:
      return "archived";
    case Stage::None:
      break;
  }
  return "none";
}

bool parseStage(std::string_view text, Stage* out) {
  for (Stage s : {Stage::None, Stage::Staging, Stage::Production, Stage::Archived})
    if (text == stageName(s)) {
      *out = s;
      return true;
    }
  return false;
}

bool validName(std::string_view name, std::string* why) {
  if (name.empty()) {
    *why = "a model name cannot be empty";
    return false;
  }
  if (name.size() > 128) {
    *why = "a model name has at most 128 characters";
    return false;
  }
  if (name[0] == '.' || name[0] == '_' || name[0] == '-') {
    *why = "a model name starts with a letter or a digit";
    return false;
  }
  for (char c : name)
    if (!nameChar(c)) {
      *why = "a model name has letters, digits, '.', '_' and '-' only";
      return false;
    }
  return true;
}

bool validAlias(std::string_view alias, std::string* why) {
  Stage stage;
  if (!validName(alias, why)) {
    std::string_view model = "a model name";
    why->replace(0, model.size(), "an alias");
    return false;
  }
  if (allDigits(alias) || alias == "latest" || parseStage(alias, &stage)) {
    *why = "'" + std::string(alias) + "' already means " +
           (allDigits(alias) ? "a version number" : "a stage") +
           " in a reference; pick another alias";
    if (alias == "latest") *why = "'latest' already means the newest version; pick another alias";
    return false;
  }
  return true;
}

bool parseReference(std::string_view text, Reference* out, Error* err) {
  size_t at = text.find('@');
  out->name = std::string(text.substr(0, at));
  out->at = at == std::string_view::npos ? "" : std::string(text.substr(at + 1));
  std::string why;
  if (!validName(out->name, &why) ||
      (at != std::string_view::npos && out->at.empty() && (why = "nothing after '@'", true))) {
    err->kind = Error::Invalid;
    err->message = "'" + std::string(text) + "' is not a model reference (" + why +
                   "): use NAME, NAME@VERSION, NAME@ALIAS or NAME@STAGE";
    return false;
  }
  return true;
}

Lineage lineageFromEnvironment() {
  Lineage l;
  for (const char* var : {"GALLEY_RUN_ID", "GITHUB_RUN_ID", "BUILD_BUILDID"})
    if (l.runId = env(var); !l.runId.empty()) break;
  for (const char* var : {"GITHUB_WORKFLOW", "BUILD_DEFINITIONNAME"})
    if (l.pipeline = env(var); !l.pipeline.empty()) break;
  for (const char* var : {"GITHUB_SHA", "BUILD_SOURCEVERSION"})
    if (l.gitCommit = env(var); !l.gitCommit.empty()) break;
  if (l.gitCommit.empty()) {
    std::string out;
    proc::Result r;
    if (proc::capture({"git", "rev-parse", "--verify", "--quiet", "HEAD"}, &out, false,
                      std::chrono::seconds(10), &r) &&
        r.exitCode == 0 && out.size() >= 40)
      l.gitCommit = out.substr(0, out.find_first_of("\r\n"));
  }
  l.user = run::currentActor();
  return l;
}

}  // namespace galley::registry
