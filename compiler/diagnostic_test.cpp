#include "compiler/diagnostic.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/render.h"
#include "tests/testing.h"

using namespace galley;

TEST_CASE("did-you-mean suggests the closest name within a third of the word") {
  CHECK(didYouMean("neds", {"needs", "name", "steps"}) == "did you mean 'needs'?");
  CHECK(didYouMean("trian-model", {"train-model", "unit-tests"}) == "did you mean 'train-model'?");
  CHECK(didYouMean("banana", {"needs", "steps"}) == "");
  // A swap of two neighbours is one typo, even in a short word.
  CHECK(didYouMean("tset", {"test", "train"}) == "did you mean 'test'?");
  CHECK(didYouMean("tets", {"test"}) == "did you mean 'test'?");
}

// The textbook programme, full table, to check the bit-parallel one against.
static size_t referenceDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same ? 0 : 1)});
    }
  return d[a.size()][b.size()];
}

TEST_CASE("edit distance ignores ASCII case and agrees with the full table") {
  CHECK(editDistance("", "") == 0);
  CHECK(editDistance("", "abc") == 3);
  CHECK(editDistance("abc", "") == 3);
  CHECK(editDistance("Ubuntu-Latest", "ubuntu-latest") == 0);
  CHECK(editDistance("kitten", "sitting") == 3);
  CHECK(editDistance("ubuntu-20.4", "ubuntu-20.04") == 1);
  // Random words over a small alphabet (many matches), up to 64 bytes (one
  // machine word) and past it (the row-by-row fallback), both ways round.
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (int n = 0; n < 400; ++n) {
    std::string a, b;
    size_t la = next() % 80, lb = next() % 80;
    for (size_t i = 0; i < la; ++i)
      a += "abAB-c"[next() % 6];
    for (size_t i = 0; i < lb; ++i)
      b += "abAB-c"[next() % 6];
    INFO(a, " / ", b);
    CHECK(editDistance(a, b) == referenceDistance(a, b));
    CHECK(editDistance(b, a) == referenceDistance(a, b));
  }
}

TEST_CASE("the text renderer prints position, severity, message, rule, source line and caret") {
  Sources sources;
  const SourceFile* f = sources.add("galley.yml", "recipes:\n  - use: trian-model\n");
  Diagnostics ds;
  ds.error({f, {2, 10}, {2, 21}}, "unknown-recipe", "unknown recipe 'trian-model'",
           "did you mean 'train-model'?");
  CHECK(galley::testing::rendered(ds) ==
        "galley.yml:2:10: error: unknown recipe 'trian-model' [unknown-recipe]\n"
        "  - use: trian-model\n"
        "         ^~~~~~~~~~~\n"
        "  hint: did you mean 'train-model'?\n");
}

TEST_CASE("diagnostics render as JSON objects with the same fields") {
  Sources sources;
  const SourceFile* f = sources.add("a.yml", "x: 1\n");
  Diagnostics ds;
  ds.warning({f, {1, 1}, {1, 2}}, "rule-x", "something");
  std::ostringstream out;
  writeDocument(out, jsonFormat(), ds);
  CHECK(out.str() ==
        "[\n"
        "  {\n"
        "    \"column\": 1,\n"
        "    \"endColumn\": 2,\n"
        "    \"endLine\": 1,\n"
        "    \"file\": \"a.yml\",\n"
        "    \"line\": 1,\n"
        "    \"message\": \"something\",\n"
        "    \"rule\": \"rule-x\",\n"
        "    \"severity\": \"warning\"\n"
        "  }\n"
        "]\n");
}

// What nlohmann::json's dump(2) writes for d, as galley wrote JSON before it
// wrote it directly: the oracle the direct writer must match byte for byte.
nlohmann::json viaTree(const Diagnostic& d) {
  auto located = [](const Location& at) {
    nlohmann::json j = {{"file", std::string(at.path())}};
    if (at.begin.line) {
      j["line"] = at.begin.line;
      j["column"] = at.begin.column;
      j["endLine"] = at.end.line ? at.end.line : at.begin.line;
      j["endColumn"] = at.end.line ? at.end.column : at.begin.column;
    }
    return j;
  };
  nlohmann::json j = located(d.where);
  j["severity"] = severityName(d.severity);
  j["rule"] = d.rule;
  j["message"] = d.message;
  if (!d.hint.empty()) j["hint"] = d.hint;
  for (const auto& n : d.notes) {
    nlohmann::json note = located(n.where);
    note["message"] = n.message;
    j["notes"].push_back(note);
  }
  return j;
}

TEST_CASE("JSON is written as nlohmann::json dumps the same values") {
  Sources sources;
  const SourceFile* f = sources.add("dir/a \"b\".yml", "x: 1\ny: 2\n");
  Diagnostics ds;
  ds.error({}, "io", "cannot open file");
  Diagnostic& d = ds.warning({f, {2, 1}, {2, 4}}, "rule-x", "tab\tquote\" back\\ \x01\x7f \xc3\xa9",
                             "did you mean 'y'?");
  d.notes.push_back({{f, {1, 1}, {}}, "first here"});
  d.notes.push_back({{}, "no position"});
  ds.report(Severity::Note, {f, {1, 3}, {1, 4}}, "rule-y", "\xf0\x9f\x98\x80 / \b\f\r\n");
  nlohmann::json all = nlohmann::json::array();
  for (const auto& x : ds.all())
    all.push_back(viaTree(x));
  std::ostringstream out;
  writeDocument(out, jsonFormat(), ds);
  CHECK(out.str() == all.dump(2) + "\n");
  std::ostringstream empty;
  writeDocument(empty, jsonFormat(), Diagnostics());
  CHECK(empty.str() == nlohmann::json::array().dump(2) + "\n");
}
