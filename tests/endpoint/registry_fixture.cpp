// Registers model versions for tests/endpoint/endpoint.sh through the
// registry's own API (runtime/registry), so that the endpoint tests do not
// depend on `galley registry`'s command line.
// Usage (the registry: $GALLEY_REGISTRY):
//   galley_registry_fixture NAME PATH                 registers; prints the version
//   galley_registry_fixture --alias NAME ALIAS VERSION  points an alias at a version
#include <iostream>

#include "runtime/registry/registry.h"

using namespace galley::registry;

int main(int argc, char** argv) {
  bool alias = argc == 5 && std::string(argv[1]) == "--alias";
  if (argc != 3 && !alias) {
    std::cerr << "usage: galley_registry_fixture NAME PATH | --alias NAME ALIAS VERSION\n";
    return 2;
  }
  Location where;
  Error err;
  std::unique_ptr<Registry> registry;
  if (resolveLocation("", &where, &err)) registry = Registry::open(where, &err);
  if (!registry) {
    std::cerr << "galley_registry_fixture: " << err.message << '\n';
    return 2;
  }
  if (alias) {
    if (registry->setAlias(argv[2], argv[3], std::stoll(argv[4]), Change{}, &err)) return 0;
    std::cerr << "galley_registry_fixture: " << err.message << '\n';
    return 1;
  }
  RegisterRequest request;
  request.name = argv[1];
  request.path = argv[2];
  request.lineage = lineageFromEnvironment();
  Version v;
  if (!registry->registerVersion(request, &v, &err)) {
    std::cerr << "galley_registry_fixture: " << err.message << '\n';
    return 1;
  }
  std::cout << v.version << '\n';
  return 0;
}
