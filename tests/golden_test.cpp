// Golden tests: every built-in recipe's fixture and every example compile
// to exactly the files committed beside them (scripts/refresh-golden.sh
// rewrites them). This is also the example's `galley compile --check`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/compile.h"
#include "compiler/diff.h"
#include "compiler/recipe.h"
#include "compiler/yaml.h"
#include "tests/testing.h"

using namespace galley;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compiles a fixture and returns a description of every difference ("" when
// the committed outputs match).
std::string compareWithDisk(const fs::path& galleyYml) {
  Sources sources;
  Diagnostics diags;
  CompileOptions o;
  o.file = galleyYml.string();
  auto files = compile(o, sources, diags);
  if (!files) return galley::testing::rendered(diags);
  std::string problems;
  for (const auto& f : *files) {
    problems += unifiedDiff(slurp(f.path), f.text, f.path, f.path + " (compiled)");
    // Every emitted file reads back through the loader without a complaint.
    Diagnostics loaded;
    yaml::loadAll(*sources.add(f.path, f.text), loaded);
    if (!loaded.empty()) problems += galley::testing::rendered(loaded);
  }
  if (files->size() < 2) problems += galleyYml.string() + ": expected outputs for both targets\n";
  return problems;
}

}  // namespace

TEST_CASE("golden: every built-in recipe has a fixture") {
  for (const auto& [name, text] : builtinRecipeFiles()) {
    if (name == "actions") continue;
    INFO(name);
    CHECK(fs::exists(fs::path("tests/golden/recipes") / name / "galley.yml"));
  }
}

TEST_CASE("golden: recipe fixtures compile to their committed GitHub and Azure YAML") {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator("tests/golden/recipes")) {
    fs::path fixture = entry.path() / "galley.yml";
    INFO(fixture.string());
    CHECK(compareWithDisk(fixture) == "");
    ++checked;
  }
  CHECK(checked >= 15);
}

TEST_CASE("golden: the example's generated pipelines are fresh (compile --check)") {
  CHECK(compareWithDisk("examples/credit-risk/galley.yml") == "");
}
