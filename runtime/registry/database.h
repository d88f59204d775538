// The registry's SQL, one interface over SQLite and PostgreSQL: statements
// with $1, $2, ... parameters, rows of text, and transactions. Only the
// registry uses it (registry.h is the public face).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "runtime/registry/registry.h"

namespace galley::registry {

// A statement parameter: NULL, an integer or text.
using Param = std::variant<std::nullptr_t, int64_t, std::string>;
// A result row; a NULL column is nullopt.
using Row = std::vector<std::optional<std::string>>;

class Database {
 public:
  enum class Dialect : uint8_t { Sqlite, Postgres };
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs one statement, calling onRow (when given) for each row of its
  // result; the row is valid during the call only (its buffer is reused,
  // so reading many rows costs no allocation each). Errors are Config,
  // naming the database.
  virtual bool query(std::string_view sql, const std::vector<Param>& params,
                     const std::function<void(const Row&)>& onRow, Error* err) = 0;
  // The same, keeping the rows (when given).
  bool exec(std::string_view sql, const std::vector<Param>& params, std::vector<Row>* rows,
            Error* err) {
    if (!rows) return query(sql, params, nullptr, err);
    return query(
        sql, params, [rows](const Row& r) { rows->push_back(r); }, err);
  }
  bool exec(std::string_view sql, Error* err) { return exec(sql, {}, nullptr, err); }

  // A write transaction takes the database's one writer lock at its start
  // (SQLite BEGIN IMMEDIATE, waiting up to the busy timeout; PostgreSQL an
  // advisory lock), so writers never interleave. A read transaction sees
  // one snapshot.
  virtual bool begin(bool write, Error* err) = 0;
  virtual bool commit(Error* err) = 0;
  virtual void rollback() = 0;
};

// Opens (creating when absent) an SQLite database with a busy timeout.
// Config errors name the path.
std::unique_ptr<Database> openSqlite(const std::string& path, Error* err);
// Connects to a PostgreSQL server. Config errors show the URL without its
// password.
std::unique_ptr<Database> openPostgres(const std::string& url, const std::string& shown,
                                       Error* err);

// Brings the schema up to date (creating it in an empty database), in one
// write transaction; refuses a database that belongs to something else, and
// a schema newer than this galley knows. `shown` names the database.
bool migrate(Database& db, const std::string& shown, Error* err);
// The same, up to schema version `target` only (tests make old databases).
bool migrateTo(Database& db, const std::string& shown, int target, Error* err);
// The newest schema version this galley knows.
int schemaVersion();

// Rolls back on scope exit unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction() {
    if (open_) db_.rollback();
  }
  bool begin(bool write, Error* err) { return open_ = db_.begin(write, err); }
  bool commit(Error* err) {
    if (db_.commit(err)) open_ = false;
    return !open_;
  }

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace galley::registry
