#include "compiler/lint/data.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace galley::lint {

namespace {

struct Embedded {
  const char* name;
  const char* text;
};

const Embedded kEmbedded[] = {
#include "compiler/data/embedded.inc"
};
constexpr size_t kCount = std::size(kEmbedded);

size_t indexOf(std::string_view name) {
  for (size_t i = 0; i < kCount; ++i)
    if (name == kEmbedded[i].name) return i;
  std::fprintf(stderr, "galley: no embedded data named %.*s\n", int(name.size()), name.data());
  std::abort();
}

}  // namespace

const nlohmann::json& embeddedData(std::string_view name) {
  // Each file is parsed when first asked for: a run that lints workflows
  // never reads the action schema or the time zones. The documents live
  // until exit, so they are never destroyed.
  static std::array<std::once_flag, kCount> once;
  static auto* parsed = new std::array<nlohmann::json, kCount>;
  size_t i = indexOf(name);
  std::call_once(once[i], [i] {
    try {
      (*parsed)[i] = nlohmann::json::parse(kEmbedded[i].text);
    } catch (const nlohmann::json::exception& ex) {
      std::fprintf(stderr, "galley: embedded %s is malformed: %s\n", kEmbedded[i].name, ex.what());
      std::abort();
    }
  });
  return (*parsed)[i];
}

}  // namespace galley::lint
