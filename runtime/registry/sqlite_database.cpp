#include <sqlite3.h>

#include "runtime/registry/database.h"

namespace galley::registry {

namespace {

// Long enough for 16 registers of large models queued on one name; a
// writer holds the lock only for its transaction, never while copying.
constexpr int kBusyTimeoutMs = 60'000;

// $1 -> ?1: one spelling of parameters for both dialects. SQLite numbers
// ?NNN parameters by NNN, whatever their order in the text.
std::string sqliteParameters(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i] == '$' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '?';
  return out;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  using Database::exec;
  Dialect dialect() const override { return Dialect::Sqlite; }

  bool query(std::string_view sql, const std::vector<Param>& params,
             const std::function<void(const Row&)>& onRow, Error* err) override {
    std::string text = sqliteParameters(sql);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, text.c_str(), int(text.size()), &stmt, nullptr) != SQLITE_OK)
      return fail(err);
    for (size_t i = 0; i < params.size(); ++i)
      bind(stmt, int(i) + 1, params[i]);
    int rc;
    Row row;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!onRow) continue;
      row.resize(size_t(sqlite3_column_count(stmt)));
      for (int c = 0; c < int(row.size()); ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row[c].reset();
          continue;
        }
        const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        size_t n = size_t(sqlite3_column_bytes(stmt, c));
        if (row[c])
          row[c]->assign(p, n);
        else
          row[c].emplace(p, n);
      }
      onRow(row);
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE || fail(err);
  }

  bool begin(bool write, Error* err) override {
    // IMMEDIATE takes the write lock now, waiting in the busy handler; a
    // deferred transaction that upgrades later could fail with BUSY at once.
    return exec(write ? "BEGIN IMMEDIATE" : "BEGIN", err);
  }
  bool commit(Error* err) override { return exec("COMMIT", err); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  // The error of the last call, as the user should read it.
  bool fail(Error* err) {
    int code = sqlite3_extended_errcode(db_) & 0xff;
    err->kind = Error::Config;
    switch (code) {
      case SQLITE_NOTADB:
        err->message = path_ + " is not a galley registry: the file is not an SQLite database";
        break;
      case SQLITE_CORRUPT:
        err->message = "the registry database " + path_ + " is corrupt (" + sqlite3_errmsg(db_) +
                       "); restore it from a backup";
        break;
      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
        err->message =
            "the registry database " + path_ + " is not writable (" + sqlite3_errmsg(db_) + ")";
        break;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        err->message = "the registry database " + path_ + " stayed locked by another process for " +
                       std::to_string(kBusyTimeoutMs / 1000) + " s";
        break;
      case SQLITE_FULL:
        err->message = "no space left for the registry database " + path_;
        break;
      default:
        err->message = "registry database " + path_ + ": " + sqlite3_errmsg(db_);
    }
    return false;
  }

 private:
  static void bind(sqlite3_stmt* stmt, int i, const Param& p) {
    if (const auto* n = std::get_if<int64_t>(&p))
      sqlite3_bind_int64(stmt, i, *n);
    else if (const auto* s = std::get_if<std::string>(&p))
      sqlite3_bind_text(stmt, i, s->data(), int(s->size()), SQLITE_STATIC);
    else
      sqlite3_bind_null(stmt, i);
  }

  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Database> openSqlite(const std::string& path, Error* err) {
  // No page-cache slab: by default SQLite carves 20 pages out of one
  // allocation per connection up front and writes a header into each, one
  // page fault apiece, before a query needs any (reads go through mmap).
  // Must precede SQLite's initialisation; it is a no-op after it.
  static const bool configured =
      sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0) == SQLITE_OK;
  (void)configured;
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  if (rc != SQLITE_OK) {
    db->fail(err);
    return nullptr;
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // Reads map the file instead of copying pages: a list of 10,000
  // versions reads a few megabytes.
  sqlite3_exec(raw, "PRAGMA mmap_size = 268435456", nullptr, nullptr, nullptr);
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

}  // namespace galley::registry
