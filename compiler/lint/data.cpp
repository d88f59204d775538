#include "compiler/lint/data.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace galley::lint {

namespace {

struct Embedded {
  const char* name;
  const char* text;
};

const Embedded kEmbedded[] = {
#include "compiler/data/embedded.inc"
};

}  // namespace

const nlohmann::json& embeddedData(std::string_view name) {
  static std::once_flag once;
  static std::map<std::string, nlohmann::json, std::less<>> parsed;
  std::call_once(once, [] {
    for (const auto& e : kEmbedded) {
      try {
        parsed[e.name] = nlohmann::json::parse(e.text);
      } catch (const nlohmann::json::exception& ex) {
        std::fprintf(stderr, "galley: embedded %s is malformed: %s\n", e.name, ex.what());
        std::abort();
      }
    }
  });
  auto it = parsed.find(name);
  if (it == parsed.end()) {
    std::fprintf(stderr, "galley: no embedded data named %.*s\n", int(name.size()), name.data());
    std::abort();
  }
  return it->second;
}

}  // namespace galley::lint
