// A libFuzzer binary for one target of tests/fuzz/targets.h, chosen when it
// is built (-DGALLEY_FUZZ_TARGET="yaml"). Built by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const galley::fuzz::Target* target = [] {
    for (const auto& t : galley::fuzz::targets())
      if (std::strcmp(t.name, GALLEY_FUZZ_TARGET) == 0) return &t;
    return static_cast<const galley::fuzz::Target*>(nullptr);
  }();
  if (target) target->run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
