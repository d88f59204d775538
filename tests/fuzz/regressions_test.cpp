// Replays every input the fuzzers once failed on (tests/fuzz/regressions/
// TARGET/, one file each, named after what it broke) through its target:
// each must now return normally, quickly.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/fuzz/targets.h"

namespace fs = std::filesystem;

TEST_CASE("fuzz regressions: every saved input runs through its target without failing") {
  size_t replayed = 0;
  for (const auto& target : galley::fuzz::targets()) {
    fs::path dir = fs::path(GALLEY_SOURCE_DIR) / "tests/fuzz/regressions" / target.name;
    if (!fs::is_directory(dir)) continue;  // nothing has failed there yet
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().filename() == "README") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      INFO(entry.path().string());
      target.run(text.str());
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}
