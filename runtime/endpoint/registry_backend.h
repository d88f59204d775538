// Endpoints on the model registry: their records in the registry's
// database (its endpoints table), their models from its versions, their
// files under its data directory.
#pragma once

#include <memory>
#include <string>

#include "runtime/endpoint/endpoints.h"
#include "runtime/registry/registry.h"

namespace galley::endpoint {

struct Backend {
  std::unique_ptr<registry::Registry> registry;  // outlives store and models
  std::unique_ptr<EndpointStore> store;
  std::unique_ptr<ModelSource> models;
  std::string dataDir;
};

// Opens the registry as `galley registry` does: `location` (--registry),
// else $GALLEY_REGISTRY, else the agent user's data directory. False with
// *err naming the path when it cannot be opened or created (*usage true:
// a configuration error, such as an unwritable path).
bool openBackend(const std::string& location, Backend* out, bool* usage, std::string* err);

}  // namespace galley::endpoint
