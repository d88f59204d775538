#include "runtime/registry/registry.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "compiler/sha256.h"
#include "runtime/files.h"
#include "runtime/registry/database.h"
#include "tests/testing.h"

namespace galley::registry {

namespace {

namespace fs = std::filesystem;

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "galley-registry-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
};

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string read(const std::string& path) {
  std::string s, err;
  run::readWholeFile(path, &s, &err);
  return s;
}

struct Fixture {
  TempDir tmp;
  Location where;
  std::unique_ptr<Registry> reg;
  Error err;
  Fixture() {
    where.store = tmp.path + "/reg";
    where.database = where.store + "/registry.db";
    reg = Registry::open(where, &err);
    REQUIRE_MESSAGE(reg, err.message);
    write(tmp.path + "/model/model.pkl", "weights");
    write(tmp.path + "/model/sub/score.py", "def run(data): return data\n");
  }
  int64_t add(const std::string& name = "credit-risk", Stage stage = Stage::Staging) {
    RegisterRequest req;
    req.name = name;
    req.path = tmp.path + "/model";
    req.stage = stage;
    req.lineage = {"abc123", "42", "train", "alice"};
    Version v;
    REQUIRE_MESSAGE(reg->registerVersion(req, &v, &err), err.message);
    return v.version;
  }
  Change by(const std::string& who) { return {who, "7", ""}; }
};

}  // namespace

TEST_CASE("registering gives versions 1, 2, 3 with files stored by their sha256") {
  Fixture f;
  CHECK(f.add() == 1);
  CHECK(f.add() == 2);
  CHECK(f.add("other") == 1);
  Version v;
  REQUIRE(f.reg->resolve("credit-risk@2", &v, &f.err));
  CHECK(v.stage == Stage::Staging);
  CHECK(v.lineage.gitCommit == "abc123");
  CHECK(v.lineage.runId == "42");
  REQUIRE(v.files.size() == 2);
  CHECK(v.files[0].path == "model.pkl");
  CHECK(v.files[1].path == "sub/score.py");
  CHECK(v.files[0].sha256 == sha256Hex("weights"));
  CHECK(read(f.where.store + "/objects/sha256/" + v.files[0].sha256.substr(0, 2) + "/" +
             v.files[0].sha256) == "weights");
  // Nothing is left staged.
  CHECK(fs::is_empty(f.where.store + "/tmp"));
}

TEST_CASE("a registered file keeps its name, a missing path is bad input") {
  Fixture f;
  RegisterRequest req;
  req.name = "single";
  req.path = f.tmp.path + "/model/model.pkl";
  Version v;
  REQUIRE(f.reg->registerVersion(req, &v, &f.err));
  CHECK(v.singleFile);
  REQUIRE(v.files.size() == 1);
  CHECK(v.files[0].path == "model.pkl");
  req.path = f.tmp.path + "/nothing";
  CHECK_FALSE(f.reg->registerVersion(req, &v, &f.err));
  CHECK(f.err.kind == Error::Invalid);
  CHECK(f.err.message == f.tmp.path + "/nothing: no such file or directory");
}

TEST_CASE("references name the latest, a number, a stage or an alias") {
  Fixture f;
  f.add();
  f.add();
  f.add("credit-risk", Stage::None);
  Version v;
  REQUIRE(f.reg->resolve("credit-risk", &v, &f.err));
  CHECK(v.version == 3);
  REQUIRE(f.reg->resolve("credit-risk@staging", &v, &f.err));
  CHECK(v.version == 2);
  REQUIRE(f.reg->setAlias("credit-risk", "champion", 1, f.by("bob"), &f.err));
  REQUIRE(f.reg->resolve("credit-risk@champion", &v, &f.err));
  CHECK(v.version == 1);
  CHECK(v.aliases == std::vector<std::string>{"champion"});

  CHECK_FALSE(f.reg->resolve("credit-risk@production", &v, &f.err));
  CHECK(f.err.kind == Error::NotFound);
  CHECK(f.err.message == "model 'credit-risk' has no version in production");
  CHECK_FALSE(f.reg->resolve("credit-risk@9", &v, &f.err));
  CHECK(f.err.message == "model 'credit-risk' has no version 9 (the latest is 3)");
  CHECK_FALSE(f.reg->resolve("credit-risk@best", &v, &f.err));
  CHECK(f.err.message == "model 'credit-risk' has no alias 'best' (it has champion)");
  CHECK_FALSE(f.reg->resolve("fraud", &v, &f.err));
  CHECK(f.err.kind == Error::NotFound);
  CHECK(f.err.message == "no model named 'fraud' in the registry");
  CHECK_FALSE(f.reg->resolve("bad name@1", &v, &f.err));
  CHECK(f.err.kind == Error::Invalid);
  CHECK(f.err.message ==
        "'bad name@1' is not a model reference (a model name has letters, digits, '.', '_' and "
        "'-' only): use NAME, NAME@VERSION, NAME@ALIAS or NAME@STAGE");
}

TEST_CASE("promoting to production archives the previous production version") {
  Fixture f;
  f.add();
  f.add();
  int64_t archived = -1;
  REQUIRE(f.reg->promote("credit-risk", 1, Stage::Production, f.by("bob"), &archived, &f.err));
  CHECK(archived == 0);
  REQUIRE(f.reg->promote("credit-risk", 2, Stage::Production, f.by("carol"), &archived, &f.err));
  CHECK(archived == 1);
  std::vector<Version> vs;
  REQUIRE(f.reg->versions("credit-risk", &vs, &f.err));
  REQUIRE(vs.size() == 2);
  CHECK(vs[0].stage == Stage::Archived);
  CHECK(vs[1].stage == Stage::Production);

  std::vector<HistoryEntry> h;
  REQUIRE(f.reg->history("credit-risk", &h, &f.err));
  REQUIRE(h.size() == 5);
  CHECK(h[2].event == "stage");
  CHECK(h[2].version == 1);
  CHECK(h[2].from == "staging");
  CHECK(h[2].to == "production");
  CHECK(h[2].who == "bob");
  CHECK(h[3].version == 1);
  CHECK(h[3].to == "archived");
  CHECK(h[3].comment == "replaced in production by version 2");
  CHECK(h[4].version == 2);
  CHECK(h[4].who == "carol");
  CHECK(h[4].runId == "7");

  CHECK_FALSE(f.reg->promote("credit-risk", 5, Stage::Production, f.by("bob"), &archived, &f.err));
  CHECK(f.err.kind == Error::NotFound);
  CHECK(f.err.message == "model 'credit-risk' has no version 5 (the latest is 2)");
}

TEST_CASE("the database itself refuses a second production version") {
  Fixture f;
  f.add();
  f.add();
  int64_t archived = 0;
  REQUIRE(f.reg->promote("credit-risk", 1, Stage::Production, f.by("bob"), &archived, &f.err));
  std::unique_ptr<Database> db = openSqlite(f.where.database, &f.err);
  REQUIRE(db);
  CHECK_FALSE(db->exec("UPDATE model_versions SET stage = 'production' WHERE version = 2", &f.err));
  CHECK(f.err.message.find("UNIQUE constraint failed") != std::string::npos);
}

TEST_CASE("aliases move, are removed, and cannot shadow a stage or a number") {
  Fixture f;
  f.add();
  f.add();
  REQUIRE(f.reg->setAlias("credit-risk", "champion", 1, f.by("bob"), &f.err));
  REQUIRE(f.reg->setAlias("credit-risk", "champion", 2, f.by("bob"), &f.err));
  Version v;
  REQUIRE(f.reg->resolve("credit-risk@champion", &v, &f.err));
  CHECK(v.version == 2);
  REQUIRE(f.reg->removeAlias("credit-risk", "champion", f.by("bob"), &f.err));
  CHECK_FALSE(f.reg->removeAlias("credit-risk", "champion", f.by("bob"), &f.err));
  CHECK(f.err.message == "model 'credit-risk' has no alias 'champion' (it has none)");
  CHECK_FALSE(f.reg->setAlias("credit-risk", "production", 1, f.by("bob"), &f.err));
  CHECK(f.err.message ==
        "'production': 'production' already means a stage in a reference; pick "
        "another alias");
  CHECK_FALSE(f.reg->setAlias("credit-risk", "12", 1, f.by("bob"), &f.err));
  CHECK(f.err.kind == Error::Invalid);

  std::vector<HistoryEntry> h;
  REQUIRE(f.reg->history("credit-risk", &h, &f.err));
  REQUIRE(h.size() == 5);
  CHECK(h[3].event == "alias-set");
  CHECK(h[3].alias == "champion");
  CHECK(h[3].from == "1");
  CHECK(h[3].to == "2");
  CHECK(h[4].event == "alias-rm");
  CHECK(h[4].from == "2");
}

TEST_CASE("deleting production needs force; files no version holds go, shared ones stay") {
  Fixture f;
  f.add();
  write(f.tmp.path + "/model/model.pkl", "other weights");
  f.add();
  int64_t archived = 0;
  REQUIRE(f.reg->promote("credit-risk", 2, Stage::Production, f.by("bob"), &archived, &f.err));
  CHECK_FALSE(f.reg->deleteVersion("credit-risk", 2, false, f.by("bob"), &f.err));
  CHECK(f.err.kind == Error::Refused);
  CHECK(f.err.message ==
        "credit-risk@2 is in production: promote another version first, or delete with --force");
  Version v2;
  REQUIRE(f.reg->resolve("credit-risk@2", &v2, &f.err));
  REQUIRE(f.reg->deleteVersion("credit-risk", 2, true, f.by("bob"), &f.err));
  std::string weights = f.where.store + "/objects/sha256/" + v2.files[0].sha256.substr(0, 2) + "/" +
                        v2.files[0].sha256;
  std::string score = f.where.store + "/objects/sha256/" + v2.files[1].sha256.substr(0, 2) + "/" +
                      v2.files[1].sha256;
  CHECK_FALSE(fs::exists(weights));
  CHECK(fs::exists(score));  // version 1 has the same score.py
  Version v;
  CHECK_FALSE(f.reg->resolve("credit-risk@2", &v, &f.err));
  CHECK(f.err.message == "model 'credit-risk' has no version 2 (it was deleted)");
  // Numbers are never given twice.
  CHECK(f.add() == 3);
  std::vector<HistoryEntry> h;
  REQUIRE(f.reg->history("credit-risk", &h, &f.err));
  CHECK(h[h.size() - 2].event == "delete");
  CHECK(h[h.size() - 2].from == "production");
}

TEST_CASE("materializing verifies every file and leaves nothing when one is corrupt") {
  Fixture f;
  f.add();
  Version v;
  REQUIRE(f.reg->resolve("credit-risk@1", &v, &f.err));
  REQUIRE(f.reg->materialize(v, f.tmp.path + "/out", &f.err));
  CHECK(read(f.tmp.path + "/out/model.pkl") == "weights");
  CHECK(read(f.tmp.path + "/out/sub/score.py") == "def run(data): return data\n");
  std::string dir;
  REQUIRE(f.reg->checkout(v, &dir, &f.err));
  CHECK(read(dir + "/model.pkl") == "weights");

  std::string object =
      f.where.store + "/objects/sha256/" + v.files[1].sha256.substr(0, 2) + "/" + v.files[1].sha256;
  chmod(object.c_str(), 0644);
  write(object, "tampered");
  CHECK_FALSE(f.reg->materialize(v, f.tmp.path + "/again", &f.err));
  CHECK(f.err.kind == Error::Config);
  CHECK(f.err.message.rfind("file sub/score.py of credit-risk@1 is corrupt in the store: " +
                                object + " has sha256 ",
                            0) == 0);
  CHECK(fs::is_empty(f.tmp.path + "/again"));
}

TEST_CASE("a file that is not a database, or another program's database, is refused") {
  TempDir tmp;
  Location where{tmp.path + "/registry.db", tmp.path, false};
  write(where.database, std::string(4096, 'x'));
  Error err;
  CHECK_FALSE(Registry::open(where, &err));
  CHECK(err.kind == Error::Config);
  CHECK(err.message ==
        where.database + " is not a galley registry: the file is not an SQLite database");

  fs::remove(where.database);
  sqlite3* db = nullptr;
  sqlite3_open(where.database.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE notes (t TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  CHECK_FALSE(Registry::open(where, &err));
  CHECK(err.message ==
        where.database + " is not a galley registry: it is an SQLite database of something else");
}

TEST_CASE("an older schema is migrated, a newer one refused") {
  TempDir tmp;
  Location where{tmp.path + "/registry.db", tmp.path, false};
  Error err;
  {
    std::unique_ptr<Database> db = openSqlite(where.database, &err);
    REQUIRE(migrateTo(*db, where.database, 1, &err));
  }
  auto reg = Registry::open(where, &err);
  REQUIRE_MESSAGE(reg, err.message);
  Endpoint e;
  e.name = "scoring";
  CHECK(reg->putEndpoint(e, &err));
  reg.reset();
  {
    std::unique_ptr<Database> db = openSqlite(where.database, &err);
    std::vector<Row> rows;
    REQUIRE(db->exec("SELECT version FROM schema_migrations ORDER BY version", {}, &rows, &err));
    CHECK(rows.size() == size_t(schemaVersion()));
    REQUIRE(db->exec("INSERT INTO schema_migrations VALUES (99, 'future', 'now')", &err));
  }
  CHECK_FALSE(Registry::open(where, &err));
  CHECK(err.message == "the registry database " + where.database +
                           " has schema version 99, newer than this galley knows (" +
                           std::to_string(schemaVersion()) + "): use a newer galley");
}

TEST_CASE("the model list counts versions as they are registered and deleted") {
  Fixture f;
  f.add();
  f.add();
  f.add("other");
  f.add();
  REQUIRE(f.reg->deleteVersion("credit-risk", 2, false, f.by("bob"), &f.err));
  std::vector<ModelSummary> models;
  REQUIRE(f.reg->models(&models, &f.err));
  REQUIRE(models.size() == 2);
  CHECK(models[0].name == "credit-risk");
  CHECK(models[0].versions == 2);
  CHECK(models[0].latest == 3);
  CHECK(models[1].versions == 1);
}

TEST_CASE("a limited listing gives the newest versions, oldest first") {
  Fixture f;
  for (int i = 0; i < 5; ++i)
    f.add();
  std::vector<int64_t> seen;
  auto each = [&seen](const Version& v) { seen.push_back(v.version); };
  REQUIRE(f.reg->forEachVersion("credit-risk", each, &f.err, false, 2));
  CHECK(seen == std::vector<int64_t>{4, 5});
  seen.clear();
  REQUIRE(f.reg->forEachVersion("credit-risk", each, &f.err, false, 0));
  CHECK(seen == std::vector<int64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("migrating to version counts counts the versions already there") {
  TempDir tmp;
  Location where{tmp.path + "/registry.db", tmp.path, false};
  Error err;
  {
    std::unique_ptr<Database> db = openSqlite(where.database, &err);
    REQUIRE(migrateTo(*db, where.database, 2, &err));
    REQUIRE(db->exec("INSERT INTO models VALUES ('m', 3, 'then')", &err));
    for (int v : {1, 3})
      REQUIRE(db->exec("INSERT INTO model_versions VALUES ('m', " + std::to_string(v) +
                           ", 'none', 0, '{}', '{}', '{}', '', '', '', '', 'then')",
                       &err));
  }
  auto reg = Registry::open(where, &err);
  REQUIRE_MESSAGE(reg, err.message);
  std::vector<ModelSummary> models;
  REQUIRE(reg->models(&models, &err));
  REQUIRE(models.size() == 1);
  CHECK(models[0].versions == 2);
  CHECK(models[0].latest == 3);
}

TEST_CASE("an unwritable registry directory is a configuration error naming it") {
  if (geteuid() == 0) return;  // root writes anywhere
  TempDir tmp;
  chmod(tmp.path.c_str(), 0555);
  Location where{tmp.path + "/reg/registry.db", tmp.path + "/reg", false};
  Error err;
  CHECK_FALSE(Registry::open(where, &err));
  CHECK(err.kind == Error::Config);
  CHECK(err.message.find(tmp.path + "/reg") != std::string::npos);
}

TEST_CASE("endpoint records are put, read, listed and removed") {
  Fixture f;
  Endpoint e;
  e.name = "scoring";
  e.kind = "online";
  e.model = "credit-risk";
  e.version = 3;
  e.host = "127.0.0.1";
  e.port = 8080;
  e.pid = 1234;
  e.status = "serving";
  e.data = {{"previous", 2}};
  REQUIRE(f.reg->putEndpoint(e, &f.err));
  Endpoint got;
  REQUIRE(f.reg->getEndpoint("scoring", &got, &f.err));
  CHECK(got.port == 8080);
  CHECK(got.data["previous"] == 2);
  CHECK(!got.createdAt.empty());
  std::string created = got.createdAt;
  REQUIRE(f.reg->updateEndpoint(
      "scoring",
      [](const Endpoint* current, Endpoint* next) {
        REQUIRE(current);
        next->status = "stopped";
        return Registry::EndpointEdit::Put;
      },
      &f.err));
  REQUIRE(f.reg->getEndpoint("scoring", &got, &f.err));
  CHECK(got.status == "stopped");
  CHECK(got.model == "credit-risk");
  CHECK(got.createdAt == created);
  std::vector<Endpoint> all;
  REQUIRE(f.reg->listEndpoints(&all, &f.err));
  CHECK(all.size() == 1);
  REQUIRE(f.reg->removeEndpoint("scoring", &f.err));
  CHECK_FALSE(f.reg->removeEndpoint("scoring", &f.err));
  CHECK(f.err.kind == Error::NotFound);
  CHECK(f.err.message == "no endpoint named 'scoring'");
  CHECK_FALSE(f.reg->getEndpoint("scoring", &got, &f.err));
}

TEST_CASE("a PostgreSQL URL needs GALLEY_REGISTRY_STORE, and its password is never shown") {
  unsetenv("GALLEY_REGISTRY_STORE");
  Location where;
  Error err;
  CHECK_FALSE(resolveLocation("postgresql://galley:s3cret@db.example/registry", &where, &err));
  CHECK(err.message ==
        "a PostgreSQL registry (postgresql://galley:***@db.example/registry) keeps its files in "
        "GALLEY_REGISTRY_STORE, which is not set: point it at a directory every agent mounts");
  setenv("GALLEY_REGISTRY_STORE", "/mnt/models", 1);
  REQUIRE(resolveLocation("postgres://db.example/registry", &where, &err));
  CHECK(where.postgres);
  CHECK(where.store == "/mnt/models");
  unsetenv("GALLEY_REGISTRY_STORE");
  REQUIRE(resolveLocation("/srv/registry/", &where, &err));
  CHECK(where.database == "/srv/registry/registry.db");
}

}  // namespace galley::registry
