// Endpoint records: the registry keeps galley endpoint's state, so that
// an endpoint outlives the job that deployed it and every agent of a pool
// sees it.
#include "runtime/record.h"
#include "runtime/registry/database.h"
#include "runtime/registry/registry.h"

namespace galley::registry {

namespace {

constexpr const char* kColumns =
    "name, kind, model, version, host, port, pid, status, created_at, updated_at, data";

const std::string& text(const Row& row, size_t i) {
  static const std::string empty;
  return i < row.size() && row[i] ? *row[i] : empty;
}

Endpoint endpointOf(const Row& r) {
  Endpoint e;
  e.name = text(r, 0);
  e.kind = text(r, 1);
  e.model = text(r, 2);
  e.version = std::strtoll(text(r, 3).c_str(), nullptr, 10);
  e.host = text(r, 4);
  e.port = std::atoi(text(r, 5).c_str());
  e.pid = std::atoi(text(r, 6).c_str());
  e.status = text(r, 7);
  e.createdAt = text(r, 8);
  e.updatedAt = text(r, 9);
  e.data = nlohmann::json::parse(text(r, 10), nullptr, false);
  if (e.data.is_discarded()) e.data = nlohmann::json::object();
  return e;
}

bool select(Database& db, const std::string& name, std::vector<Row>* rows, Error* err) {
  return db.exec(std::string("SELECT ") + kColumns + " FROM endpoints WHERE name = $1", {name},
                 rows, err);
}

bool notFound(const std::string& name, Error* err) {
  err->kind = Error::NotFound;
  err->message = "no endpoint named '" + name + "'";
  return false;
}

// Inserts or replaces e; createdAt kept from `current` when there is one.
bool store(Database& db, const Endpoint& e, const Endpoint* current, Error* err) {
  std::string at = run::isoTime(run::Clock::now());
  std::vector<Param> values = {e.name,
                               e.kind,
                               e.model,
                               e.version,
                               e.host,
                               int64_t(e.port),
                               int64_t(e.pid),
                               e.status,
                               current ? current->createdAt : at,
                               at,
                               (e.data.is_null() ? nlohmann::json::object() : e.data).dump()};
  if (current)
    return db.exec(
        "UPDATE endpoints SET kind = $2, model = $3, version = $4, host = $5,"
        " port = $6, pid = $7, status = $8, created_at = $9, updated_at = $10,"
        " data = $11 WHERE name = $1",
        values, nullptr, err);
  return db.exec(std::string("INSERT INTO endpoints (") + kColumns +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                 values, nullptr, err);
}

}  // namespace

bool Registry::putEndpoint(const Endpoint& e, Error* err) {
  return updateEndpoint(
      e.name,
      [&e](const Endpoint*, Endpoint* next) {
        *next = e;
        return EndpointEdit::Put;
      },
      err);
}

bool Registry::getEndpoint(const std::string& name, Endpoint* out, Error* err) {
  std::vector<Row> rows;
  if (!select(*db_, name, &rows, err)) return false;
  if (rows.empty()) return notFound(name, err);
  *out = endpointOf(rows[0]);
  return true;
}

bool Registry::listEndpoints(std::vector<Endpoint>* out, Error* err) {
  std::vector<Row> rows;
  if (!db_->exec(std::string("SELECT ") + kColumns + " FROM endpoints ORDER BY name", {}, &rows,
                 err))
    return false;
  for (const Row& r : rows)
    out->push_back(endpointOf(r));
  return true;
}

bool Registry::removeEndpoint(const std::string& name, Error* err) {
  bool found = true;
  bool ok = updateEndpoint(
      name,
      [&found](const Endpoint* current, Endpoint*) {
        found = current != nullptr;
        return found ? EndpointEdit::Remove : EndpointEdit::Keep;
      },
      err);
  return ok && (found || notFound(name, err));
}

bool Registry::updateEndpoint(
    const std::string& name,
    const std::function<EndpointEdit(const Endpoint* current, Endpoint* next)>& edit, Error* err) {
  Transaction tx(*db_);
  std::vector<Row> rows;
  if (!tx.begin(true, err) || !select(*db_, name, &rows, err)) return false;
  std::optional<Endpoint> current;
  if (!rows.empty()) current = endpointOf(rows[0]);
  Endpoint next = current ? *current : Endpoint{};
  next.name = name;
  switch (edit(current ? &*current : nullptr, &next)) {
    case EndpointEdit::Keep:
      break;
    case EndpointEdit::Put:
      next.name = name;
      if (!store(*db_, next, current ? &*current : nullptr, err)) return false;
      break;
    case EndpointEdit::Remove:
      if (current && !db_->exec("DELETE FROM endpoints WHERE name = $1", {name}, nullptr, err))
        return false;
      break;
  }
  return tx.commit(err);
}

nlohmann::json toJson(const Endpoint& e) {
  return {{"name", e.name},
          {"kind", e.kind},
          {"model", e.model},
          {"version", e.version},
          {"host", e.host},
          {"port", e.port},
          {"pid", e.pid},
          {"status", e.status},
          {"created_at", e.createdAt},
          {"updated_at", e.updatedAt},
          {"data", e.data}};
}

}  // namespace galley::registry
