#include "runtime/endpoint/registry_backend.h"

#include "runtime/registry/registry.h"

namespace galley::endpoint {

namespace {

// The registry's endpoints table has columns for what every endpoint has;
// the rest of a record goes into its `data` object.
EndpointRecord fromRegistry(const registry::Endpoint& e) {
  EndpointRecord r;
  r.name = e.name;
  r.kind = e.kind == "batch" ? Kind::Batch : Kind::Online;
  r.model = e.model;
  r.version = e.version;
  r.host = e.host;
  r.port = e.port;
  r.process.pid = e.pid;
  r.process.startTicks = e.data.value("start_ticks", 0LL);
  r.deployment = e.data.value("deployment", "");
  r.machine = e.data.value("machine", "");
  r.status = e.status;
  r.createdAt = e.createdAt;
  r.updatedAt = e.updatedAt;
  return r;
}

registry::Endpoint toRegistry(const EndpointRecord& r) {
  registry::Endpoint e;
  e.name = r.name;
  e.kind = kindName(r.kind);
  e.model = r.model;
  e.version = r.version;
  e.host = r.host;
  e.port = r.port;
  e.pid = static_cast<int>(r.process.pid);
  e.status = r.status;
  e.data = {
      {"start_ticks", r.process.startTicks}, {"deployment", r.deployment}, {"machine", r.machine}};
  return e;
}

class RegistryStore final : public EndpointStore {
 public:
  explicit RegistryStore(registry::Registry* r) : registry_(r) {}

  bool get(const std::string& name, EndpointRecord* out, bool* found, std::string* err) override {
    registry::Endpoint e;
    registry::Error e2;
    *found = registry_->getEndpoint(name, &e, &e2);
    if (*found) *out = fromRegistry(e);
    if (!*found && e2.kind != registry::Error::NotFound) {
      *err = e2.message;
      return false;
    }
    return true;
  }

  bool list(std::vector<EndpointRecord>* out, std::string* err) override {
    std::vector<registry::Endpoint> all;
    registry::Error e2;
    if (!registry_->listEndpoints(&all, &e2)) {
      *err = e2.message;
      return false;
    }
    for (const auto& e : all)
      out->push_back(fromRegistry(e));
    return true;
  }

  bool put(const EndpointRecord& r, std::string* err) override {
    registry::Error e2;
    if (registry_->putEndpoint(toRegistry(r), &e2)) return true;
    *err = e2.message;
    return false;
  }

  bool remove(const std::string& name, std::string* err) override {
    registry::Error e2;
    if (registry_->removeEndpoint(name, &e2) || e2.kind == registry::Error::NotFound) return true;
    *err = e2.message;
    return false;
  }

 private:
  registry::Registry* registry_;
};

class RegistryModels final : public ModelSource {
 public:
  explicit RegistryModels(registry::Registry* r) : registry_(r) {}

  bool resolve(const std::string& name, const std::string& ref, ResolvedModel* out, bool* notFound,
               std::string* err) override {
    registry::Error e2;
    std::string text = name + (ref.starts_with("@") ? ref : "@" + ref);
    if (!registry_->resolve(text, &version_, &e2)) {
      *notFound = e2.kind == registry::Error::NotFound || e2.kind == registry::Error::Invalid;
      *err = e2.message;
      return false;
    }
    out->name = version_.name;
    out->version = version_.version;
    return true;
  }

  bool materialize(const ResolvedModel& m, const std::string& dir, std::string* err) override {
    registry::Error e2;
    if (version_.name != m.name || version_.version != m.version) {
      std::string text = m.name + "@" + std::to_string(m.version);
      if (!registry_->resolve(text, &version_, &e2)) {
        *err = e2.message;
        return false;
      }
    }
    if (registry_->materialize(version_, dir, &e2)) return true;
    *err = e2.message;
    return false;
  }

 private:
  registry::Registry* registry_;
  registry::Version version_;  // the last one resolved, files included
};

}  // namespace

bool openBackend(const std::string& location, Backend* out, bool* usage, std::string* err) {
  registry::Location where;
  registry::Error e2;
  *usage = true;
  if (!registry::resolveLocation(location, &where, &e2)) {
    *err = e2.message;
    return false;
  }
  auto opened = registry::Registry::open(where, &e2);
  if (!opened) {
    *usage = e2.kind == registry::Error::Config || e2.kind == registry::Error::Invalid;
    *err = e2.message;
    return false;
  }
  out->registry = std::move(opened);
  out->dataDir = where.store;
  out->store = std::make_unique<RegistryStore>(out->registry.get());
  out->models = std::make_unique<RegistryModels>(out->registry.get());
  return true;
}

}  // namespace galley::endpoint
