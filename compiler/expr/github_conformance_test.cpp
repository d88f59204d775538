// GitHub's own expression test suite (actions/languageservices,
// expressions/testdata), read in place from the shared corpus.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/expr/evaluator.h"
#include "tests/testing.h"

namespace galley::expr {
namespace {

using Json = nlohmann::ordered_json;

// Structural equality where numbers compare by value (1 == 1.0, -0 == 0).
bool sameJson(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a.items())
      if (!b.contains(k) || !sameJson(v, b[k])) return false;
    return true;
  }
  return a == b;
}

// Returns "" when the case passes, else what went wrong.
std::string runCase(const Json& c) {
  std::string expr = c["expr"].get<std::string>();
  Value contexts;
  std::string err;
  if (!fromJsonValue(c.contains("contexts") ? c["contexts"] : Json::object(), &contexts, &err))
    return "contexts: " + err;
  EvalHost host;
  EvalResult r = evaluateText(expr, contexts, host);
  if (c.contains("err")) {
    const Json& e = c["err"];
    if (r.ok) return "expected an error, got " + toJsonValue(r.value).dump();
    std::string want = e["value"].get<std::string>();
    if (r.errorKind != e["kind"].get<std::string>())
      return "error kind " + r.errorKind + ", expected " + e["kind"].get<std::string>();
    // The suite's messages are prefixes of GitHub's full wording.
    if (r.error.rfind(want, 0) != 0) return "error '" + r.error + "', expected '" + want + "'";
    return "";
  }
  if (!r.ok) return "unexpected error: " + r.error;
  const Json& want = c["result"];
  if (kindName(r.value.kind()) != want["kind"].get<std::string>())
    return std::string("kind ") + kindName(r.value.kind()) + ", expected " +
           want["kind"].get<std::string>();
  Json got = toJsonValue(r.value);
  if (!sameJson(got, want["value"]))
    return "value " + got.dump() + ", expected " + want["value"].dump();
  return "";
}

TEST_CASE("expressions pass GitHub's conformance suite") {
  namespace fs = std::filesystem;
  fs::path dir = testing::sharedDir() + "/corpus/github/languageservices/expressions/testdata";
  if (!fs::is_directory(dir)) {
    MESSAGE("GitHub expression suite not found at " << dir.string() << "; skipped");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0, skipped = 0, runnerOnly = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    Json suite = Json::parse(in);
    for (const auto& [group, cases] : suite.items()) {
      for (const Json& c : cases) {
        // Cases marked skip: ["typescript"] test the runner's behaviour
        // (positions in multi-line expressions, the memory limit). Galley
        // follows the runner, so they run here like the others.
        if (c.contains("options") && c["options"].contains("skip")) ++runnerOnly;
        std::string problem = runCase(c);
        if (problem.empty()) {
          ++passed;
          continue;
        }
        ++failed;
        std::string where = file.filename().string() + " / " + group + ": " + c["expr"].dump();
        FAIL_CHECK(where << ": " << problem);
      }
    }
  }
  std::cout << "GitHub expression suite: " << passed << " passed, " << failed << " failed, "
            << skipped << " skipped, of " << (passed + failed + skipped) << " cases in "
            << files.size() << " files (" << runnerOnly
            << " marked skip:[typescript] run as runner cases)\n";
  CHECK(files.size() == 28);
  CHECK(passed + failed + skipped == 1020);
}

}  // namespace
}  // namespace galley::expr
