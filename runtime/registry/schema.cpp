// The registry's schema and its migrations. A migration is appended, never
// edited: a database records in schema_migrations which ones it has, and
// open() applies the rest in one write transaction.
#include <cstring>

#include "runtime/record.h"
#include "runtime/registry/database.h"

namespace galley::registry {

namespace {

// SQLite's application_id header field ("GALY"): `file` and sqlite3 tell a
// galley registry from any other SQLite database by it.
constexpr int64_t kApplicationId = 0x47414C59;
constexpr const char* kApplication = "galley-registry";

struct Migration {
  int version;
  const char* description;
  const char* sql;  // statements separated by ";\n"; {{ID}} is the history id column
};

const Migration kMigrations[] = {
    {1, "models, versions, files, aliases and history",
     "CREATE TABLE models (name TEXT PRIMARY KEY, last_version BIGINT NOT NULL,"
     " created_at TEXT NOT NULL);\n"
     "CREATE TABLE model_versions (name TEXT NOT NULL, version BIGINT NOT NULL,"
     " stage TEXT NOT NULL, single_file INTEGER NOT NULL, metrics TEXT NOT NULL,"
     " params TEXT NOT NULL, tags TEXT NOT NULL, git_commit TEXT NOT NULL,"
     " run_id TEXT NOT NULL, pipeline TEXT NOT NULL, created_by TEXT NOT NULL,"
     " created_at TEXT NOT NULL, PRIMARY KEY (name, version));\n"
     // The rule "at most one production version per name", kept by the
     // database itself.
     "CREATE UNIQUE INDEX model_versions_one_production ON model_versions (name)"
     " WHERE stage = 'production';\n"
     // list's per-model summary reads the newest version in a stage from it.
     "CREATE INDEX model_versions_stage ON model_versions (name, stage, version);\n"
     "CREATE TABLE version_files (name TEXT NOT NULL, version BIGINT NOT NULL,"
     " path TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,"
     " executable INTEGER NOT NULL, PRIMARY KEY (name, version, path));\n"
     "CREATE INDEX version_files_sha256 ON version_files (sha256);\n"
     "CREATE TABLE model_aliases (name TEXT NOT NULL, alias TEXT NOT NULL,"
     " version BIGINT NOT NULL, PRIMARY KEY (name, alias));\n"
     "CREATE TABLE model_history ({{ID}}, name TEXT NOT NULL, version BIGINT NOT NULL,"
     " event TEXT NOT NULL, alias TEXT NOT NULL, from_value TEXT NOT NULL, to_value TEXT NOT NULL,"
     " who TEXT NOT NULL, at TEXT NOT NULL, run_id TEXT NOT NULL, comment TEXT NOT NULL);\n"
     "CREATE INDEX model_history_name ON model_history (name, id)"},
    {2, "endpoints",
     "CREATE TABLE endpoints (name TEXT PRIMARY KEY, kind TEXT NOT NULL, model TEXT NOT NULL,"
     " version BIGINT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, pid INTEGER NOT NULL,"
     " status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
     " data TEXT NOT NULL)"},
    // list's per-model summary reads the number of versions instead of
    // counting them: counting a model's 10,000 versions was three quarters
    // of `registry list`.
    {3, "version counts",
     "ALTER TABLE models ADD COLUMN versions BIGINT NOT NULL DEFAULT 0;\n"
     "UPDATE models SET versions ="
     " (SELECT count(*) FROM model_versions v WHERE v.name = models.name)"},
};

constexpr int kLatest = int(std::size(kMigrations));

std::string dialectSql(const Database& db, std::string sql) {
  const char* id = db.dialect() == Database::Dialect::Sqlite
                       ? "id INTEGER PRIMARY KEY AUTOINCREMENT"
                       : "id BIGSERIAL PRIMARY KEY";
  if (size_t at = sql.find("{{ID}}"); at != std::string::npos) sql.replace(at, 6, id);
  return sql;
}

bool single(Database& db, std::string_view sql, std::string* value, Error* err) {
  std::vector<Row> rows;
  if (!db.exec(sql, {}, &rows, err)) return false;
  *value = rows.empty() || rows[0].empty() || !rows[0][0] ? "" : *rows[0][0];
  return true;
}

bool foreign(Error* err, const std::string& shown, const std::string& why) {
  err->kind = Error::Config;
  err->message = shown + " is not a galley registry: " + why;
  return false;
}

// What the database holds: *version is 0 for an empty database, else its
// schema version; false for a database of something else.
bool inspect(Database& db, const std::string& shown, int* version, Error* err) {
  std::string value;
  *version = 0;
  if (db.dialect() == Database::Dialect::Sqlite) {
    std::string app, tables;
    if (!single(db, "PRAGMA application_id", &app, err) ||
        !single(db, "SELECT count(*) FROM sqlite_master", &tables, err))
      return false;
    if (app != std::to_string(kApplicationId))
      return tables == "0" || foreign(err, shown, "it is an SQLite database of something else");
  } else {
    std::string meta, versions;
    if (!single(db, "SELECT to_regclass('registry_meta') IS NOT NULL", &meta, err) ||
        !single(db, "SELECT to_regclass('model_versions') IS NOT NULL", &versions, err))
      return false;
    if (meta != "t")
      return versions != "t" ||
             foreign(err, shown, "it has a model_versions table but no registry_meta");
  }
  if (!single(db, "SELECT value FROM registry_meta WHERE key = 'application'", &value, err))
    return foreign(err, shown, "its registry_meta table cannot be read (" + err->message + ")");
  if (value != kApplication)
    return foreign(err, shown, "its registry_meta says it belongs to '" + value + "'");
  if (!single(db, "SELECT max(version) FROM schema_migrations", &value, err)) return false;
  *version = std::atoi(value.c_str());
  return true;
}

bool apply(Database& db, const Migration& m, Error* err) {
  std::string sql = dialectSql(db, m.sql);
  size_t start = 0;
  while (start < sql.size()) {
    size_t end = sql.find(";\n", start);
    if (end == std::string::npos) end = sql.size();
    if (!db.exec(std::string_view(sql).substr(start, end - start), err)) return false;
    start = end + 2;
  }
  return db.exec(
      "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
      {int64_t(m.version), std::string(m.description), run::isoTime(run::Clock::now())}, nullptr,
      err);
}

bool create(Database& db, Error* err) {
  if (!db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
               " description TEXT NOT NULL, applied_at TEXT NOT NULL)",
               err) ||
      !db.exec("CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", err) ||
      !db.exec("INSERT INTO registry_meta (key, value) VALUES ('application', $1)",
               {std::string(kApplication)}, nullptr, err))
    return false;
  return db.dialect() != Database::Dialect::Sqlite ||
         db.exec("PRAGMA application_id = " + std::to_string(kApplicationId), err);
}

bool tooNew(int version, const std::string& shown, Error* err) {
  err->kind = Error::Config;
  err->message = "the registry database " + shown + " has schema version " +
                 std::to_string(version) + ", newer than this galley knows (" +
                 std::to_string(kLatest) + "): use a newer galley";
  return false;
}

// SQLite registries use a rollback journal, SQLite's default. Registries
// made before 2026-12-06 are in WAL mode, a property of the file, which
// cost every command its own WAL index: each galley process is the only
// connection, so it created the -wal and -shm files, rebuilt the index,
// checkpointed and deleted them again: half a millisecond of every
// `registry show` (docs/benchmarks.md "Rollback journal"). A register's
// transaction still blocks readers only while it commits, never while it
// copies a model. Only now, once the file is known to be ours: such a file
// is switched back, which needs it to be the only connection. When another
// process has it open (an endpoint's supervisor), it stays in WAL mode, as
// correct, and a later command switches it; this one must not wait.
bool leaveWal(Database& db, Error* err) {
  std::string timeout, ignored;
  if (!single(db, "PRAGMA busy_timeout", &timeout, err) ||
      !single(db, "PRAGMA busy_timeout = 0", &ignored, err))
    return false;
  Error busy;
  single(db, "PRAGMA journal_mode = DELETE", &ignored, &busy);
  return single(db, "PRAGMA busy_timeout = " + timeout, &ignored, err);
}

}  // namespace

int schemaVersion() {
  return kLatest;
}

bool migrate(Database& db, const std::string& shown, Error* err) {
  return migrateTo(db, shown, kLatest, err);
}

bool migrateTo(Database& db, const std::string& shown, int target, Error* err) {
  int version = 0;
  std::string mode;
  {
    // One read transaction: the statements see one snapshot, and SQLite
    // takes its read lock once (three fcntl calls and three stats) instead
    // of once per statement.
    Transaction tx(db);
    if (!tx.begin(false, err) || !inspect(db, shown, &version, err)) return false;
    if (db.dialect() == Database::Dialect::Sqlite && !single(db, "PRAGMA journal_mode", &mode, err))
      return false;
    if (!tx.commit(err)) return false;
  }
  if (version > kLatest) return tooNew(version, shown, err);
  if (mode == "wal" && !leaveWal(db, err)) return false;
  if (version >= target) return true;
  Transaction tx(db);
  if (!tx.begin(true, err)) return false;
  // Another process may have migrated while this one waited for the lock.
  if (!inspect(db, shown, &version, err)) return false;
  if (version > kLatest) return tooNew(version, shown, err);
  if (version == 0 && !create(db, err)) return false;
  for (const Migration& m : kMigrations)
    if (m.version > version && m.version <= target && !apply(db, m, err)) return false;
  return tx.commit(err);
}

}  // namespace galley::registry
