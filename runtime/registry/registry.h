// The model registry (issue 18): named models with numbered versions, their
// files, metrics, stages, aliases, an append-only history, and the state of
// the local endpoints that serve them.
//
// Storage. A registry is a database plus a directory of content-addressed
// files (objects/sha256/ab/cdef..., the file's sha256):
//   - SQLite (the default): a directory holding registry.db and objects/;
//   - PostgreSQL (agent pools): a postgresql:// URL, the files under
//     $GALLEY_REGISTRY_STORE, a directory every agent mounts.
// Both hold the same schema, versioned in schema_migrations and migrated on
// open. Writers are serialized (SQLite's write lock, a PostgreSQL advisory
// lock), so version numbers per name are 1, 2, 3, ... with no duplicates
// even under concurrent registers, and at most one version per name is in
// production.
//
// Crash safety. A register copies and hashes the files into <store>/tmp
// first, then, in one transaction, moves them into objects/ and inserts the
// version: a process killed at any instant leaves the old registry or the
// new one, never half a version (at worst, unreferenced temporary files
// that the next register sweeps).
//
// Errors follow one convention: `bool f(..., Error* err)`; on false, err
// says what and how bad (its kind picks the exit code).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace galley::registry {

struct Error {
  enum Kind : uint8_t {
    None,
    NotFound,  // an unknown model, version, alias, stage or endpoint (exit 1)
    Refused,   // a rule said no: deleting production without force (exit 1)
    Invalid,   // bad input: a malformed name, reference, metrics file (exit 2)
    Config,    // the registry itself: unwritable, corrupt, foreign, unreachable (exit 2)
  };
  Kind kind = None;
  std::string message;
};

// Where a registry lives.
struct Location {
  std::string database;  // the SQLite file, or the postgresql:// URL
  std::string store;     // the directory of files (objects/, tmp/, checkouts/)
  bool postgres = false;
  // The database for messages: the file, or the URL with its password hidden.
  std::string describe() const;
};

// The registry in use: `flag` (--registry) when not empty, else
// $GALLEY_REGISTRY, else $XDG_DATA_HOME/galley/registry, else
// $HOME/.local/share/galley/registry. A path names a directory (created on
// open): registry.db and objects/ inside it. A postgresql:// or postgres://
// URL needs $GALLEY_REGISTRY_STORE for the files. False (Config) when no
// location can be worked out.
bool resolveLocation(const std::string& flag, Location* out, Error* err);

enum class Stage : uint8_t { None, Staging, Production, Archived };
const char* stageName(Stage s);  // "none", "staging", "production", "archived"
bool parseStage(std::string_view text, Stage* out);

// Where a version came from.
struct Lineage {
  std::string gitCommit;  // the commit the version was built from
  std::string runId;      // galley's run, or the CI host's
  std::string pipeline;   // the workflow or pipeline definition
  std::string user;       // who registered it
};
// The lineage of the calling process: GALLEY_RUN_ID, else GITHUB_RUN_ID,
// else BUILD_BUILDID for the run; GITHUB_SHA, BUILD_SOURCEVERSION, else
// `git rev-parse HEAD` in the working directory for the commit;
// GITHUB_WORKFLOW, else BUILD_DEFINITIONNAME for the pipeline; the user as
// approvals name them (GALLEY_ACTOR, else the login name).
Lineage lineageFromEnvironment();

// One file of a version; path is relative, with '/' separators.
struct StoredFile {
  std::string path;
  std::string sha256;  // 64 hex digits
  uint64_t size = 0;
  bool executable = false;
};

struct Version {
  std::string name;
  int64_t version = 0;
  Stage stage = Stage::None;
  std::vector<std::string> aliases;  // sorted
  // Objects; null when not loaded (versions() without details).
  nlohmann::json metrics;  // as registered (--metrics)
  nlohmann::json params;   // key -> string
  nlohmann::json tags;     // key -> string
  Lineage lineage;
  std::string createdAt;          // UTC, ISO 8601 with milliseconds
  bool singleFile = false;        // --path named a file (its one StoredFile is its name)
  std::vector<StoredFile> files;  // sorted by path; empty from versions() (not loaded)
  uint64_t size() const;          // the files' total
};
nlohmann::json toJson(const Version& v);

// One line of a model's audit trail. Never changed or removed, not even
// when the version is deleted.
struct HistoryEntry {
  int64_t id = 0;  // increasing
  std::string name;
  int64_t version = 0;   // 0 for an alias removal whose version is gone
  std::string event;     // register, stage, alias-set, alias-rm, delete
  std::string alias;     // the alias of alias events
  std::string from, to;  // stages, or versions (alias events), "" for none
  std::string who, at, runId, comment;
};
nlohmann::json toJson(const HistoryEntry& h);

// Who makes a change, for the history.
struct Change {
  std::string who;    // defaults to lineageFromEnvironment().user
  std::string runId;  // defaults to lineageFromEnvironment().runId
  std::string comment;
};

struct ModelSummary {
  std::string name;
  int64_t versions = 0;    // how many exist now
  int64_t latest = 0;      // the newest existing version
  int64_t production = 0;  // 0 when none
  int64_t staging = 0;     // the newest in staging, 0 when none
  std::string updatedAt;   // when the newest version was registered
};

// A local endpoint's state (galley endpoint). The registry stores it; what
// the fields mean is the endpoint's business.
struct Endpoint {
  std::string name;
  std::string kind;  // online, batch
  std::string model;
  int64_t version = 0;
  std::string host;
  int port = 0;
  int pid = 0;
  std::string status;
  std::string createdAt, updatedAt;                // set by the registry
  nlohmann::json data = nlohmann::json::object();  // anything else
};
nlohmann::json toJson(const Endpoint& e);

struct RegisterRequest {
  std::string name;
  std::string path;  // a file or a directory
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json params = nlohmann::json::object();
  nlohmann::json tags = nlohmann::json::object();
  Stage stage = Stage::None;  // staging or none; production goes through promote
  Lineage lineage;            // defaults filled by the caller (lineageFromEnvironment)
  std::string comment;
};

// Names: a letter or digit, then letters, digits, '.', '_', '-'; at most
// 128 bytes. Aliases: the same, but not all digits, not a stage name and
// not "latest" (those are references already).
bool validName(std::string_view name, std::string* why);
bool validAlias(std::string_view alias, std::string* why);

// A reference: NAME (the latest version), NAME@VERSION, NAME@latest,
// NAME@production|staging|archived (the newest version in that stage), or
// NAME@ALIAS.
struct Reference {
  std::string name, at;  // at is empty for a bare NAME
};
bool parseReference(std::string_view text, Reference* out, Error* err);

class Database;
struct StagedFile;

// An open registry. Not thread-safe: one per thread. Every change is one
// transaction (a deletion then removes unreferenced files in a second one);
// readers never see half a change.
class Registry {
 public:
  // Opens the registry, creating the directory, the database and its
  // schema when absent and migrating an older schema. Config errors: a
  // path that cannot be created or written (named), a file that is not an
  // SQLite database or a database of something else, a schema newer than
  // this galley, an unreachable server.
  static std::unique_ptr<Registry> open(const Location& where, Error* err);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const Location& location() const { return where_; }

  // Adds the next version of req.name (creating the model), with the
  // files of req.path stored content-addressed. *out is the new version,
  // files included.
  bool registerVersion(const RegisterRequest& req, Version* out, Error* err);

  // The version a reference names, files included. NotFound names what is
  // unknown: the model, the version, the alias or the empty stage.
  bool resolve(const Reference& ref, Version* out, Error* err);
  bool resolve(std::string_view ref, Version* out, Error* err);

  // Every model, by name.
  bool models(std::vector<ModelSummary>* out, Error* err);
  // Every version of a model, oldest first, without their files, and
  // without metrics, params and tags unless `details` (parsing them is
  // most of the cost of listing 10,000 versions). NotFound for an
  // unknown model.
  bool versions(const std::string& name, std::vector<Version>* out, Error* err,
                bool details = true);
  // The same, one version at a time, without keeping them: `each` gets a
  // Version valid during the call only. A `limit` above 0 keeps the newest
  // `limit` versions (still oldest first).
  bool forEachVersion(const std::string& name, const std::function<void(const Version&)>& each,
                      Error* err, bool details = true, int64_t limit = 0);

  // Moves a version to a stage. To production: the version in production
  // before is archived in the same transaction (*archived its number, 0
  // when none). Each change is a history entry.
  bool promote(const std::string& name, int64_t version, Stage to, const Change& change,
               int64_t* archived, Error* err);

  // Points an alias at a version (moving it when set elsewhere), or
  // removes it (NotFound when not set).
  bool setAlias(const std::string& name, const std::string& alias, int64_t version,
                const Change& change, Error* err);
  bool removeAlias(const std::string& name, const std::string& alias, const Change& change,
                   Error* err);

  // The model's history, oldest first. NotFound when the model never existed.
  bool history(const std::string& name, std::vector<HistoryEntry>* out, Error* err);

  // Deletes a version, its aliases and the files no other version holds.
  // Refused for the production version unless force.
  bool deleteVersion(const std::string& name, int64_t version, bool force, const Change& change,
                     Error* err);

  // Writes the version's files into dir (created when absent), each
  // verified against its sha256 on the way. Nothing is left in dir when a
  // file fails to verify (Config, naming it). Existing files of the same
  // names are replaced.
  bool materialize(const Version& v, const std::string& dir, Error* err);
  // The version's files, verified, in a directory of the store
  // (<store>/checkouts/NAME/VERSION/<digest>), made once (atomically, by a
  // rename) and then reused; callers must not change what is in it.
  bool checkout(const Version& v, std::string* dir, Error* err);

  // Endpoint records. put inserts or replaces (keeping createdAt, setting
  // updatedAt); get and remove say NotFound for an unknown name.
  bool putEndpoint(const Endpoint& e, Error* err);
  bool getEndpoint(const std::string& name, Endpoint* out, Error* err);
  bool listEndpoints(std::vector<Endpoint>* out, Error* err);
  bool removeEndpoint(const std::string& name, Error* err);
  // Read-modify-write of one endpoint in one write transaction, serialized
  // with every other writer: `edit` gets the current record (nullptr when
  // none) and returns what to do.
  enum class EndpointEdit : uint8_t { Keep, Put, Remove };
  bool updateEndpoint(
      const std::string& name,
      const std::function<EndpointEdit(const Endpoint* current, Endpoint* next)>& edit, Error* err);

 private:
  Registry(Location where, std::unique_ptr<Database> db);
  bool insertVersion(const RegisterRequest& req, const std::vector<StagedFile>& staged,
                     bool singleFile, Version* out, Error* err);
  bool collectGarbage(const std::vector<std::vector<std::optional<std::string>>>& candidates,
                      Error* err);
  Location where_;
  std::unique_ptr<Database> db_;
};

}  // namespace galley::registry
