#include <dlfcn.h>
#include <libpq-fe.h>

#include "runtime/registry/database.h"

namespace galley::registry {

namespace {

// libpq is loaded when a PostgreSQL registry is opened, not linked: it
// brings two dozen libraries (TLS, Kerberos, LDAP) whose loading every
// galley process would pay, a lint of one file or a `registry show` on
// SQLite included. The header still comes from libpq-dev, so the calls are
// type-checked against the installed library.
struct Libpq {
  decltype(&::PQconnectdbParams) PQconnectdbParams;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
  decltype(&::PQexecParams) PQexecParams;
  decltype(&::PQexec) PQexec;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQclear) PQclear;
  decltype(&::PQntuples) PQntuples;
  decltype(&::PQnfields) PQnfields;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQtransactionStatus) PQtransactionStatus;
};

template <typename F>
bool bindSymbol(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

// The library, loaded once; nullptr with *why when it cannot be.
const Libpq* libpq(std::string* why) {
  static std::string error;
  static const Libpq* loaded = []() -> const Libpq* {
    void* lib = dlopen(GALLEY_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      error = dlerror();
      return nullptr;
    }
    static Libpq l;
    bool ok =
        bindSymbol(lib, "PQconnectdbParams", &l.PQconnectdbParams) &&
        bindSymbol(lib, "PQstatus", &l.PQstatus) &&
        bindSymbol(lib, "PQerrorMessage", &l.PQerrorMessage) &&
        bindSymbol(lib, "PQfinish", &l.PQfinish) &&
        bindSymbol(lib, "PQsetNoticeProcessor", &l.PQsetNoticeProcessor) &&
        bindSymbol(lib, "PQexecParams", &l.PQexecParams) && bindSymbol(lib, "PQexec", &l.PQexec) &&
        bindSymbol(lib, "PQresultStatus", &l.PQresultStatus) &&
        bindSymbol(lib, "PQclear", &l.PQclear) && bindSymbol(lib, "PQntuples", &l.PQntuples) &&
        bindSymbol(lib, "PQnfields", &l.PQnfields) &&
        bindSymbol(lib, "PQgetisnull", &l.PQgetisnull) &&
        bindSymbol(lib, "PQgetvalue", &l.PQgetvalue) &&
        bindSymbol(lib, "PQgetlength", &l.PQgetlength) &&
        bindSymbol(lib, "PQtransactionStatus", &l.PQtransactionStatus);
    if (!ok) error = dlerror();
    return ok ? &l : nullptr;
  }();
  if (!loaded) *why = error;
  return loaded;
}

// Every writer of every agent takes this one lock for its transaction:
// registry writes are few and short, and one lock makes version numbers
// and the single production version simple to keep right.
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7311504011873)";

std::string firstLine(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  if (size_t nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const Libpq* pq, PGconn* conn, std::string shown)
      : pq_(pq), conn_(conn), shown_(std::move(shown)) {}
  ~PostgresDatabase() override { pq_->PQfinish(conn_); }

  using Database::exec;
  Dialect dialect() const override { return Dialect::Postgres; }

  bool query(std::string_view sql, const std::vector<Param>& params,
             const std::function<void(const Row&)>& onRow, Error* err) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i]))
        text[i] = std::to_string(*n);
      else if (const auto* s = std::get_if<std::string>(&params[i]))
        text[i] = *s;
      else
        continue;
      values[i] = text[i].c_str();
    }
    std::string statement(sql);
    PGresult* res = pq_->PQexecParams(conn_, statement.c_str(), int(params.size()), nullptr,
                                      values.data(), nullptr, nullptr, 0);
    ExecStatusType st = pq_->PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      err->kind = Error::Config;
      err->message = "registry database " + shown_ + ": " + firstLine(pq_->PQerrorMessage(conn_));
      pq_->PQclear(res);
      return false;
    }
    if (onRow) {
      int n = pq_->PQntuples(res), cols = pq_->PQnfields(res);
      Row row(static_cast<size_t>(cols));
      for (int r = 0; r < n; ++r) {
        for (int c = 0; c < cols; ++c) {
          if (pq_->PQgetisnull(res, r, c))
            row[c].reset();
          else
            row[c] = std::string(pq_->PQgetvalue(res, r, c), size_t(pq_->PQgetlength(res, r, c)));
        }
        onRow(row);
      }
    }
    pq_->PQclear(res);
    return true;
  }

  bool begin(bool write, Error* err) override {
    if (!write) return exec("BEGIN ISOLATION LEVEL REPEATABLE READ", err);
    return exec("BEGIN", err) && exec(kWriterLock, {}, nullptr, err);
  }
  bool commit(Error* err) override { return exec("COMMIT", err); }
  void rollback() override {
    if (pq_->PQtransactionStatus(conn_) != PQTRANS_IDLE)
      pq_->PQclear(pq_->PQexec(conn_, "ROLLBACK"));
  }

 private:
  const Libpq* pq_;
  PGconn* conn_;
  std::string shown_;
};

void ignoreNotice(void*, const char*) {}

}  // namespace

std::unique_ptr<Database> openPostgres(const std::string& url, const std::string& shown,
                                       Error* err) {
  // Earlier keywords are defaults the URL may override.
  std::string why;
  const Libpq* pq_ = libpq(&why);
  if (!pq_) {
    err->kind = Error::Config;
    err->message = "a PostgreSQL registry (" + shown + ") needs libpq (Debian's libpq5): " + why;
    return nullptr;
  }
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "galley", url.c_str(), nullptr};
  PGconn* conn = pq_->PQconnectdbParams(keys, values, 1);
  if (pq_->PQstatus(conn) != CONNECTION_OK) {
    err->kind = Error::Config;
    err->message = "cannot connect to the registry database " + shown + ": " +
                   firstLine(pq_->PQerrorMessage(conn));
    pq_->PQfinish(conn);
    return nullptr;
  }
  pq_->PQsetNoticeProcessor(conn, ignoreNotice, nullptr);
  return std::make_unique<PostgresDatabase>(pq_, conn, shown);
}

}  // namespace galley::registry
