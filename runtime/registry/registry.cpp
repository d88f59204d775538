#include "runtime/registry/registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "compiler/sha256.h"
#include "runtime/record.h"
#include "runtime/registry/database.h"
#include "runtime/registry/object_store.h"

namespace galley::registry {

namespace fs = std::filesystem;

namespace {

constexpr const char* kVersionColumns =
    "name, version, stage, single_file, metrics, params, tags, git_commit, run_id, pipeline,"
    " created_by, created_at";

bool failed(Error* err, Error::Kind kind, const std::string& message) {
  err->kind = kind;
  err->message = message;
  return false;
}

std::string now() {
  return run::isoTime(run::Clock::now());
}

const std::string& text(const Row& row, size_t i) {
  static const std::string empty;
  return i < row.size() && row[i] ? *row[i] : empty;
}

int64_t number(const Row& row, size_t i) {
  return std::strtoll(text(row, i).c_str(), nullptr, 10);
}

nlohmann::json parsedJson(const std::string& s) {
  nlohmann::json j = nlohmann::json::parse(s, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// Fills *v from a row of kVersionColumns, reusing its buffers.
void readVersion(const Row& r, bool details, Version* v) {
  v->name = text(r, 0);
  v->version = number(r, 1);
  v->stage = Stage::None;
  parseStage(text(r, 2), &v->stage);
  v->singleFile = number(r, 3) != 0;
  if (details) {
    v->metrics = parsedJson(text(r, 4));
    v->params = parsedJson(text(r, 5));
    v->tags = parsedJson(text(r, 6));
  }
  v->lineage.gitCommit = text(r, 7);
  v->lineage.runId = text(r, 8);
  v->lineage.pipeline = text(r, 9);
  v->lineage.user = text(r, 10);
  v->createdAt = text(r, 11);
  v->files.clear();
}

Version versionOf(const Row& r) {
  Version v;
  readVersion(r, true, &v);
  return v;
}

std::string label(const std::string& name, int64_t version) {
  return name + "@" + std::to_string(version);
}

Change filled(Change c) {
  if (c.who.empty() || c.runId.empty()) {
    Lineage l = lineageFromEnvironment();
    if (c.who.empty()) c.who = l.user;
    if (c.runId.empty()) c.runId = l.runId;
  }
  return c;
}

bool checkName(const std::string& name, Error* err) {
  std::string why;
  return validName(name, &why) || failed(err, Error::Invalid, "'" + name + "': " + why);
}

// A stored path that could climb out of the directory it is written to.
bool unsafePath(const std::string& p) {
  if (p.empty() || p[0] == '/') return true;
  for (const auto& part : fs::path(p))
    if (part == ".." || part == ".") return true;
  return false;
}

}  // namespace

uint64_t Version::size() const {
  uint64_t total = 0;
  for (const StoredFile& f : files)
    total += f.size;
  return total;
}

Registry::Registry(Location where, std::unique_ptr<Database> db)
    : where_(std::move(where)), db_(std::move(db)) {}
Registry::~Registry() = default;

std::unique_ptr<Registry> Registry::open(const Location& where, Error* err) {
  std::unique_ptr<Database> db;
  if (where.postgres) {
    db = openPostgres(where.database, where.describe(), err);
  } else {
    std::error_code ec;
    fs::create_directories(where.store, ec);
    if (ec) {
      failed(err, Error::Config,
             "cannot create the registry directory " + where.store + ": " + ec.message());
      return nullptr;
    }
    if (::access(where.database.c_str(), F_OK) != 0 && ::access(where.store.c_str(), W_OK) != 0) {
      failed(err, Error::Config,
             "cannot create the registry database in " + where.store + ": " + std::strerror(errno));
      return nullptr;
    }
    db = openSqlite(where.database, err);
  }
  if (!db || !migrate(*db, where.describe(), err)) return nullptr;
  return std::unique_ptr<Registry>(new Registry(where, std::move(db)));
}

// ---- reading ----

namespace {

bool loadAliases(Database& db, const std::string& name,
                 std::map<int64_t, std::vector<std::string>>* out, Error* err) {
  std::vector<Row> rows;
  if (!db.exec("SELECT version, alias FROM model_aliases WHERE name = $1 ORDER BY alias", {name},
               &rows, err))
    return false;
  for (const Row& r : rows)
    (*out)[number(r, 0)].push_back(text(r, 1));
  return true;
}

bool loadFiles(Database& db, Version* v, Error* err) {
  std::vector<Row> rows;
  if (!db.exec("SELECT path, sha256, size, executable FROM version_files"
               " WHERE name = $1 AND version = $2 ORDER BY path",
               {v->name, v->version}, &rows, err))
    return false;
  for (const Row& r : rows)
    v->files.push_back({text(r, 0), text(r, 1), uint64_t(number(r, 2)), number(r, 3) != 0});
  return true;
}

// The model's newest version number ever given, or NotFound.
bool lastVersion(Database& db, const std::string& name, int64_t* out, Error* err) {
  std::vector<Row> rows;
  if (!db.exec("SELECT last_version FROM models WHERE name = $1", {name}, &rows, err)) return false;
  if (rows.empty())
    return failed(err, Error::NotFound, "no model named '" + name + "' in the registry");
  *out = number(rows[0], 0);
  return true;
}

bool oneVersion(Database& db, const std::string& where, const std::vector<Param>& params,
                std::vector<Row>* rows, Error* err) {
  return db.exec(std::string("SELECT ") + kVersionColumns + " FROM model_versions WHERE " + where,
                 params, rows, err);
}

std::string aliasList(Database& db, const std::string& name) {
  std::vector<Row> rows;
  Error ignored;
  db.exec("SELECT alias FROM model_aliases WHERE name = $1 ORDER BY alias", {name}, &rows,
          &ignored);
  std::string out;
  for (const Row& r : rows)
    out += (out.empty() ? "" : ", ") + text(r, 0);
  return out.empty() ? "it has none" : "it has " + out;
}

// The version row a reference names, inside the caller's transaction.
bool findVersion(Database& db, const Reference& ref, Row* out, Error* err) {
  int64_t last = 0;
  if (!lastVersion(db, ref.name, &last, err)) return false;
  std::vector<Row> rows;
  Stage stage;
  std::string missing;
  if (ref.at.empty() || ref.at == "latest") {
    if (!oneVersion(db, "name = $1 ORDER BY version DESC LIMIT 1", {ref.name}, &rows, err))
      return false;
    missing = "model '" + ref.name + "' has no versions left (all deleted)";
  } else if (ref.at.find_first_not_of("0123456789") == std::string::npos) {
    int64_t n = std::strtoll(ref.at.c_str(), nullptr, 10);
    if (!oneVersion(db, "name = $1 AND version = $2", {ref.name, n}, &rows, err)) return false;
    missing = "model '" + ref.name + "' has no version " + ref.at +
              (n > last || n == 0 ? " (the latest is " + std::to_string(last) + ")"
                                  : " (it was deleted)");
  } else if (parseStage(ref.at, &stage)) {
    if (!oneVersion(db, "name = $1 AND stage = $2 ORDER BY version DESC LIMIT 1",
                    {ref.name, ref.at}, &rows, err))
      return false;
    missing = "model '" + ref.name + "' has no version in " + ref.at;
  } else {
    std::vector<Row> alias;
    if (!db.exec("SELECT version FROM model_aliases WHERE name = $1 AND alias = $2",
                 {ref.name, ref.at}, &alias, err))
      return false;
    if (!alias.empty() &&
        !oneVersion(db, "name = $1 AND version = $2", {ref.name, number(alias[0], 0)}, &rows, err))
      return false;
    missing =
        "model '" + ref.name + "' has no alias '" + ref.at + "' (" + aliasList(db, ref.name) + ")";
  }
  if (rows.empty()) return failed(err, Error::NotFound, missing);
  *out = std::move(rows[0]);
  return true;
}

}  // namespace

bool Registry::resolve(const Reference& ref, Version* out, Error* err) {
  Transaction tx(*db_);
  Row row;
  if (!tx.begin(false, err) || !findVersion(*db_, ref, &row, err)) return false;
  *out = versionOf(row);
  std::map<int64_t, std::vector<std::string>> aliases;
  if (!loadFiles(*db_, out, err) || !loadAliases(*db_, ref.name, &aliases, err)) return false;
  out->aliases = aliases[out->version];
  return tx.commit(err);
}

bool Registry::resolve(std::string_view ref, Version* out, Error* err) {
  Reference r;
  return parseReference(ref, &r, err) && resolve(r, out, err);
}

bool Registry::models(std::vector<ModelSummary>* out, Error* err) {
  std::vector<Row> rows;
  // One indexed look-up per model and figure, not a scan of every version
  // (the count is kept in models): a model with 10,000 versions lists as
  // fast as one with ten.
  if (!db_->exec("SELECT m.name, m.versions,"
                 " coalesce((SELECT max(version) FROM model_versions v WHERE v.name = m.name), 0),"
                 " coalesce((SELECT max(version) FROM model_versions v"
                 "   WHERE v.name = m.name AND v.stage = 'production'), 0),"
                 " coalesce((SELECT max(version) FROM model_versions v"
                 "   WHERE v.name = m.name AND v.stage = 'staging'), 0),"
                 " coalesce((SELECT created_at FROM model_versions v WHERE v.name = m.name"
                 "   ORDER BY version DESC LIMIT 1), m.created_at)"
                 " FROM models m ORDER BY m.name",
                 {}, &rows, err))
    return false;
  for (const Row& r : rows)
    out->push_back(
        {text(r, 0), number(r, 1), number(r, 2), number(r, 3), number(r, 4), text(r, 5)});
  return true;
}

bool Registry::versions(const std::string& name, std::vector<Version>* out, Error* err,
                        bool details) {
  return forEachVersion(
      name, [out](const Version& v) { out->push_back(v); }, err, details);
}

bool Registry::forEachVersion(const std::string& name,
                              const std::function<void(const Version&)>& each, Error* err,
                              bool details, int64_t limit) {
  Transaction tx(*db_);
  int64_t last = 0;
  std::map<int64_t, std::vector<std::string>> aliases;
  if (!checkName(name, err) || !tx.begin(false, err) || !lastVersion(*db_, name, &last, err) ||
      !loadAliases(*db_, name, &aliases, err))
    return false;
  const char* columns = details ? kVersionColumns
                                : "name, version, stage, single_file, NULL, NULL, NULL, git_commit,"
                                  " run_id, pipeline, created_by, created_at";
  Version v;
  // A page is read newest first through the primary key and stops at the
  // limit: the rows before it are never visited.
  std::string select = std::string("SELECT ") + columns + " FROM model_versions WHERE name = $1";
  std::vector<Param> params = {name};
  if (limit > 0) {
    select = "SELECT * FROM (" + select + " ORDER BY version DESC LIMIT $2) AS page";
    params.push_back(limit);
  }
  bool ok = db_->query(
      select + " ORDER BY version", params,
      [&](const Row& r) {
        readVersion(r, details, &v);
        auto it = aliases.find(v.version);
        v.aliases = it == aliases.end() ? std::vector<std::string>{} : it->second;
        each(v);
      },
      err);
  return ok && tx.commit(err);
}

bool Registry::history(const std::string& name, std::vector<HistoryEntry>* out, Error* err) {
  std::vector<Row> rows;
  if (!checkName(name, err) ||
      !db_->exec("SELECT id, name, version, event, alias, from_value, to_value, who, at, run_id,"
                 " comment FROM model_history WHERE name = $1 ORDER BY id",
                 {name}, &rows, err))
    return false;
  if (rows.empty())
    return failed(err, Error::NotFound, "no model named '" + name + "' in the registry");
  for (const Row& r : rows)
    out->push_back({number(r, 0), text(r, 1), number(r, 2), text(r, 3), text(r, 4), text(r, 5),
                    text(r, 6), text(r, 7), text(r, 8), text(r, 9), text(r, 10)});
  return true;
}

// ---- writing ----

namespace {

bool record(Database& db, const HistoryEntry& h, Error* err) {
  return db.exec(
      "INSERT INTO model_history (name, version, event, alias, from_value, to_value,"
      " who, at, run_id, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {h.name, h.version, h.event, h.alias, h.from, h.to, h.who, h.at, h.runId, h.comment}, nullptr,
      err);
}

HistoryEntry entry(const std::string& name, int64_t version, const char* event, const Change& c) {
  HistoryEntry h;
  h.name = name;
  h.version = version;
  h.event = event;
  h.who = c.who;
  h.runId = c.runId;
  h.comment = c.comment;
  h.at = now();
  return h;
}

// The stage of an existing version, or NotFound.
bool stageOf(Database& db, const std::string& name, int64_t version, Stage* out, Error* err) {
  std::vector<Row> rows;
  if (!db.exec("SELECT stage FROM model_versions WHERE name = $1 AND version = $2", {name, version},
               &rows, err))
    return false;
  if (rows.empty()) {
    int64_t last = 0;
    if (!lastVersion(db, name, &last, err)) return false;
    return failed(
        err, Error::NotFound,
        "model '" + name + "' has no version " + std::to_string(version) +
            (version > last || version <= 0 ? " (the latest is " + std::to_string(last) + ")"
                                            : " (it was deleted)"));
  }
  parseStage(text(rows[0], 0), out);
  return true;
}

bool setStage(Database& db, const std::string& name, int64_t version, Stage from, Stage to,
              const Change& c, Error* err) {
  HistoryEntry h = entry(name, version, "stage", c);
  h.from = stageName(from);
  h.to = stageName(to);
  return db.exec("UPDATE model_versions SET stage = $3 WHERE name = $1 AND version = $2",
                 {name, version, std::string(stageName(to))}, nullptr, err) &&
         record(db, h, err);
}

}  // namespace

bool Registry::registerVersion(const RegisterRequest& req, Version* out, Error* err) {
  if (!checkName(req.name, err)) return false;
  if (req.stage == Stage::Production)
    return failed(err, Error::Invalid,
                  "a new version is registered in staging (or no stage); `promote` moves it to "
                  "production");
  ObjectStore store(where_.store);
  std::vector<StagedFile> staged;
  bool singleFile = false;
  if (!store.prepare(err)) return false;
  store.sweep();
  if (!store.stage(req.path, &staged, &singleFile, err)) return false;
  bool ok = insertVersion(req, staged, singleFile, out, err);
  store.discard(staged);
  return ok;
}

bool Registry::insertVersion(const RegisterRequest& req, const std::vector<StagedFile>& staged,
                             bool singleFile, Version* out, Error* err) {
  ObjectStore store(where_.store);
  Transaction tx(*db_);
  if (!tx.begin(true, err)) return false;
  std::vector<Row> rows;
  if (!db_->exec("SELECT last_version FROM models WHERE name = $1", {req.name}, &rows, err))
    return false;
  Version v;
  v.name = req.name;
  v.version = rows.empty() ? 1 : number(rows[0], 0) + 1;
  v.stage = req.stage;
  v.metrics = req.metrics;
  v.params = req.params;
  v.tags = req.tags;
  v.lineage = req.lineage;
  v.createdAt = now();
  v.singleFile = singleFile;
  for (const StagedFile& s : staged)
    v.files.push_back(s.file);
  bool ok = rows.empty() ? db_->exec(
                               "INSERT INTO models (name, last_version, versions, created_at)"
                               " VALUES ($1, 1, 1, $2)",
                               {v.name, v.createdAt}, nullptr, err)
                         : db_->exec(
                               "UPDATE models SET last_version = $2, versions = versions + 1"
                               " WHERE name = $1",
                               {v.name, v.version}, nullptr, err);
  ok = ok && store.publish(staged, err) &&
       db_->exec(std::string("INSERT INTO model_versions (") + kVersionColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                 {v.name, v.version, std::string(stageName(v.stage)), int64_t(singleFile),
                  v.metrics.dump(), v.params.dump(), v.tags.dump(), v.lineage.gitCommit,
                  v.lineage.runId, v.lineage.pipeline, v.lineage.user, v.createdAt},
                 nullptr, err);
  for (size_t i = 0; ok && i < v.files.size(); ++i) {
    const StoredFile& f = v.files[i];
    ok = db_->exec(
        "INSERT INTO version_files (name, version, path, sha256, size, executable)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        {v.name, v.version, f.path, f.sha256, int64_t(f.size), int64_t(f.executable)}, nullptr,
        err);
  }
  HistoryEntry h =
      entry(v.name, v.version, "register", {v.lineage.user, v.lineage.runId, req.comment});
  h.to = stageName(v.stage);
  if (!ok || !record(*db_, h, err) || !tx.commit(err)) return false;
  *out = std::move(v);
  return true;
}

bool Registry::promote(const std::string& name, int64_t version, Stage to, const Change& change,
                       int64_t* archived, Error* err) {
  *archived = 0;
  Change c = filled(change);
  Transaction tx(*db_);
  Stage from = Stage::None;
  if (!checkName(name, err) || !tx.begin(true, err) || !stageOf(*db_, name, version, &from, err))
    return false;
  if (from == to) return tx.commit(err);
  if (to == Stage::Production) {
    std::vector<Row> rows;
    if (!db_->exec("SELECT version FROM model_versions WHERE name = $1 AND stage = 'production'",
                   {name}, &rows, err))
      return false;
    if (!rows.empty()) {
      *archived = number(rows[0], 0);
      Change replaced = c;
      replaced.comment = "replaced in production by version " + std::to_string(version);
      if (!setStage(*db_, name, *archived, Stage::Production, Stage::Archived, replaced, err))
        return false;
    }
  }
  return setStage(*db_, name, version, from, to, c, err) && tx.commit(err);
}

bool Registry::setAlias(const std::string& name, const std::string& alias, int64_t version,
                        const Change& change, Error* err) {
  std::string why;
  if (!validAlias(alias, &why)) return failed(err, Error::Invalid, "'" + alias + "': " + why);
  Change c = filled(change);
  Transaction tx(*db_);
  Stage stage;
  std::vector<Row> rows;
  if (!checkName(name, err) || !tx.begin(true, err) || !stageOf(*db_, name, version, &stage, err) ||
      !db_->exec("SELECT version FROM model_aliases WHERE name = $1 AND alias = $2", {name, alias},
                 &rows, err))
    return false;
  if (!rows.empty() && number(rows[0], 0) == version) return tx.commit(err);
  HistoryEntry h = entry(name, version, "alias-set", c);
  h.alias = alias;
  h.from = rows.empty() ? "" : text(rows[0], 0);
  h.to = std::to_string(version);
  bool ok = rows.empty()
                ? db_->exec("INSERT INTO model_aliases (name, alias, version) VALUES ($1, $2, $3)",
                            {name, alias, version}, nullptr, err)
                : db_->exec("UPDATE model_aliases SET version = $3 WHERE name = $1 AND alias = $2",
                            {name, alias, version}, nullptr, err);
  return ok && record(*db_, h, err) && tx.commit(err);
}

bool Registry::removeAlias(const std::string& name, const std::string& alias, const Change& change,
                           Error* err) {
  Change c = filled(change);
  Transaction tx(*db_);
  std::vector<Row> rows;
  int64_t last = 0;
  if (!checkName(name, err) || !tx.begin(true, err) || !lastVersion(*db_, name, &last, err) ||
      !db_->exec("SELECT version FROM model_aliases WHERE name = $1 AND alias = $2", {name, alias},
                 &rows, err))
    return false;
  if (rows.empty())
    return failed(
        err, Error::NotFound,
        "model '" + name + "' has no alias '" + alias + "' (" + aliasList(*db_, name) + ")");
  HistoryEntry h = entry(name, number(rows[0], 0), "alias-rm", c);
  h.alias = alias;
  h.from = text(rows[0], 0);
  return db_->exec("DELETE FROM model_aliases WHERE name = $1 AND alias = $2", {name, alias},
                   nullptr, err) &&
         record(*db_, h, err) && tx.commit(err);
}

bool Registry::deleteVersion(const std::string& name, int64_t version, bool force,
                             const Change& change, Error* err) {
  Change c = filled(change);
  Stage stage;
  std::vector<Row> aliases, files;
  {
    Transaction tx(*db_);
    if (!checkName(name, err) || !tx.begin(true, err) || !stageOf(*db_, name, version, &stage, err))
      return false;
    if (stage == Stage::Production && !force)
      return failed(err, Error::Refused,
                    label(name, version) +
                        " is in production: promote another version first, or delete with --force");
    if (!db_->exec(
            "SELECT alias FROM model_aliases WHERE name = $1 AND version = $2 ORDER BY alias",
            {name, version}, &aliases, err) ||
        !db_->exec("SELECT DISTINCT sha256 FROM version_files WHERE name = $1 AND version = $2",
                   {name, version}, &files, err))
      return false;
    for (const Row& a : aliases) {
      HistoryEntry h = entry(name, version, "alias-rm", c);
      h.alias = text(a, 0);
      h.from = std::to_string(version);
      if (!record(*db_, h, err)) return false;
    }
    HistoryEntry h = entry(name, version, "delete", c);
    h.from = stageName(stage);
    const std::vector<Param> key = {name, version};
    if (!db_->exec("DELETE FROM model_aliases WHERE name = $1 AND version = $2", key, nullptr,
                   err) ||
        !db_->exec("DELETE FROM version_files WHERE name = $1 AND version = $2", key, nullptr,
                   err) ||
        !db_->exec("DELETE FROM model_versions WHERE name = $1 AND version = $2", key, nullptr,
                   err) ||
        !db_->exec("UPDATE models SET versions = versions - 1 WHERE name = $1", {name}, nullptr,
                   err) ||
        !record(*db_, h, err) || !tx.commit(err))
      return false;
  }
  std::error_code ec;
  fs::remove_all(where_.store + "/checkouts/" + name + "/" + std::to_string(version), ec);
  return collectGarbage(files, err);
}

// Files go only once the deletion is committed, and then under the writer
// lock again: a register that found the same content already stored (and
// so kept no copy) has either committed its reference, which keeps the
// file, or waits for the lock and stores the file anew.
bool Registry::collectGarbage(const std::vector<Row>& candidates, Error* err) {
  if (candidates.empty()) return true;
  ObjectStore store(where_.store);
  Transaction tx(*db_);
  if (!tx.begin(true, err)) return false;
  for (const Row& r : candidates) {
    std::vector<Row> used;
    if (!db_->exec("SELECT 1 FROM version_files WHERE sha256 = $1 LIMIT 1", {text(r, 0)}, &used,
                   err))
      return false;
    if (used.empty()) store.remove(text(r, 0));
  }
  return tx.commit(err);
}

// ---- files ----

bool Registry::materialize(const Version& v, const std::string& dir, Error* err) {
  ObjectStore store(where_.store);
  std::string what = label(v.name, v.version);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return failed(err, Error::Config, "cannot create " + dir + ": " + ec.message());
  std::vector<std::string> temps, created;
  auto undo = [&] {
    for (const std::string& t : temps)
      ::unlink(t.c_str());
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      ::rmdir(it->c_str());
  };
  std::string suffix = ".galley-tmp-" + std::to_string(getpid());
  for (const StoredFile& f : v.files) {
    if (unsafePath(f.path)) {
      undo();
      return failed(err, Error::Config, what + " has a file outside its folder: " + f.path);
    }
    fs::path dest = fs::path(dir) / f.path;
    for (fs::path p = dest.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path())
      created.insert(created.begin(), p.string());
    fs::create_directories(dest.parent_path(), ec);
    temps.push_back(dest.string() + suffix);
    if (ec || !store.copyVerified(f, temps.back(), what, err)) {
      if (ec)
        failed(err, Error::Config,
               "cannot create " + dest.parent_path().string() + ": " + ec.message());
      undo();
      return false;
    }
  }
  for (size_t i = 0; i < v.files.size(); ++i)
    if (::rename(temps[i].c_str(), (fs::path(dir) / v.files[i].path).c_str()) != 0) {
      failed(err, Error::Config,
             "cannot write " + (fs::path(dir) / v.files[i].path).string() + ": " +
                 std::strerror(errno));
      undo();
      return false;
    }
  return true;
}

bool Registry::checkout(const Version& v, std::string* dir, Error* err) {
  // The directory's name carries a digest of the file list, so that a
  // version deleted and its number never reused cannot meet a stale copy.
  std::string manifest;
  for (const StoredFile& f : v.files)
    manifest += f.path + '\0' + f.sha256 + '\n';
  std::string parent = where_.store + "/checkouts/" + v.name + "/" + std::to_string(v.version);
  *dir = parent + "/" + sha256Hex(manifest).substr(0, 16);
  std::error_code ec;
  if (fs::is_directory(*dir, ec)) return true;
  std::string temp = where_.store + "/tmp/checkout-" + std::to_string(getpid()) + "-" +
                     sha256Hex(manifest + now()).substr(0, 8);
  if (!materialize(v, temp, err)) {
    fs::remove_all(temp, ec);
    return false;
  }
  fs::create_directories(parent, ec);
  if (::rename(temp.c_str(), dir->c_str()) != 0) {
    int saved = errno;
    fs::remove_all(temp, ec);
    // Another process made the same checkout first: use it.
    if (saved == EEXIST || saved == ENOTEMPTY) return true;
    return failed(err, Error::Config, "cannot create " + *dir + ": " + std::strerror(saved));
  }
  return true;
}

// ---- JSON ----

nlohmann::json toJson(const Version& v) {
  nlohmann::json files = nlohmann::json::array();
  for (const StoredFile& f : v.files)
    files.push_back(
        {{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}, {"executable", f.executable}});
  auto object = [](const nlohmann::json& j) { return j.is_null() ? nlohmann::json::object() : j; };
  return {{"name", v.name},
          {"version", v.version},
          {"stage", stageName(v.stage)},
          {"aliases", v.aliases},
          {"metrics", object(v.metrics)},
          {"params", object(v.params)},
          {"tags", object(v.tags)},
          {"lineage",
           {{"git_commit", v.lineage.gitCommit},
            {"run_id", v.lineage.runId},
            {"pipeline", v.lineage.pipeline},
            {"user", v.lineage.user}}},
          {"created_at", v.createdAt},
          {"kind", v.singleFile ? "file" : "directory"},
          {"size", v.size()},
          {"files", files}};
}

nlohmann::json toJson(const HistoryEntry& h) {
  nlohmann::json j = {{"id", h.id},     {"version", h.version}, {"event", h.event},
                      {"from", h.from}, {"to", h.to},           {"who", h.who},
                      {"at", h.at},     {"run_id", h.runId},    {"comment", h.comment}};
  if (!h.alias.empty()) j["alias"] = h.alias;
  return j;
}

}  // namespace galley::registry
