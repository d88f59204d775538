// Differential test against GitHub's TypeScript evaluator: 20,000 generated
// expressions (tests/expr/generate.py) with the answers GitHub's
// @actions/expressions gave (tests/expr/differential.golden.jsonl, refreshed
// by tests/expr/refresh_golden.sh).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/expr/evaluator.h"

namespace galley::expr {
namespace {

using Json = nlohmann::ordered_json;

bool numberChar(char c) {
  return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

bool closeNumbers(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-14 * std::max(std::fabs(a), std::fabs(b));
}

// Whether a and b differ only in how numbers are spelled: GitHub's runner
// prints numbers as .NET "G15" (1E+21, 15 significant digits), its
// TypeScript port as JavaScript does (1e+21, up to 17). Galley follows the
// runner; see docs/expressions.md.
bool sameButNumberSpelling(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool na = numberChar(a[i]) && a[i] != 'e' && a[i] != 'E';
    bool nb = numberChar(b[j]) && b[j] != 'e' && b[j] != 'E';
    if (na && nb) {
      size_t ei = i, ej = j;
      while (ei < a.size() && numberChar(a[ei]))
        ++ei;
      while (ej < b.size() && numberChar(b[ej]))
        ++ej;
      std::string x = a.substr(i, ei - i), y = b.substr(j, ej - j);
      if (x != y) {
        char* endx = nullptr;
        char* endy = nullptr;
        double dx = std::strtod(x.c_str(), &endx), dy = std::strtod(y.c_str(), &endy);
        if (*endx != '\0' || *endy != '\0' || !closeNumbers(dx, dy)) return false;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return false;
    ++i;
    ++j;
  }
  return i == a.size() && j == b.size();
}

bool sameValue(const Json& ours, const Json& theirs, bool* spelling) {
  if (ours.is_number() && theirs.is_number()) return ours.get<double>() == theirs.get<double>();
  if (ours.is_string() && theirs.is_string()) {
    if (ours == theirs) return true;
    if (!sameButNumberSpelling(ours.get<std::string>(), theirs.get<std::string>())) return false;
    *spelling = true;
    return true;
  }
  if (ours.type() != theirs.type() || ours.size() != theirs.size()) return false;
  if (ours.is_array()) {
    for (size_t i = 0; i < ours.size(); ++i)
      if (!sameValue(ours[i], theirs[i], spelling)) return false;
    return true;
  }
  if (ours.is_object()) {
    auto a = ours.begin();
    auto b = theirs.begin();
    for (; a != ours.end(); ++a, ++b)
      if (a.key() != b.key() || !sameValue(a.value(), b.value(), spelling)) return false;
    return true;
  }
  return ours == theirs;
}

class StatusHost : public EvalHost {
 public:
  explicit StatusHost(const std::string& s)
      : status_(s == "failure"     ? JobStatus::Failure
                : s == "cancelled" ? JobStatus::Cancelled
                                   : JobStatus::Success) {}
  JobStatus status() const override { return status_; }

 private:
  JobStatus status_;
};

// "" when our answer agrees with the oracle's, else the difference.
std::string compare(const EvalResult& r, const Json& want, bool* spelling) {
  if (r.ok != want["ok"].get<bool>())
    return r.ok ? "we answered " + toJsonValue(r.value).dump() + ", GitHub: " + want["error"].dump()
                : "we failed (" + r.error + "), GitHub answered " + want["value"].dump();
  if (!r.ok) return "";  // error wording may differ
  if (kindName(r.value.kind()) != want["kind"].get<std::string>())
    return std::string("kind ") + kindName(r.value.kind()) + " vs " + want["kind"].dump();
  if (!sameValue(toJsonValue(r.value), want["value"], spelling))
    return "value " + toJsonValue(r.value).dump() + " vs " + want["value"].dump();
  if (!sameValue(Json(toString(r.value)), want["string"], spelling))
    return "string " + Json(toString(r.value)).dump() + " vs " + want["string"].dump();
  if (truthy(r.value) != want["truthy"].get<bool>()) return "truthiness differs";
  return "";
}

TEST_CASE("expressions agree with GitHub's evaluator on 20,000 generated cases") {
  std::string dir = std::string(GALLEY_SOURCE_DIR) + "/tests/expr/";
  std::ifstream contextsIn(dir + "differential_contexts.json");
  std::ifstream golden(dir + "differential.golden.jsonl");
  REQUIRE(contextsIn);
  REQUIRE(golden);
  std::vector<Value> contexts;
  for (const Json& c : Json::parse(contextsIn)) {
    std::string err;
    REQUIRE(fromJsonValue(c, &contexts.emplace_back(), &err));
  }
  int total = 0, mismatches = 0, errors = 0, spelled = 0;
  for (std::string line; std::getline(golden, line);) {
    Json c = Json::parse(line);
    ++total;
    StatusHost host(c["status"].get<std::string>());
    EvalResult r =
        evaluateText(c["expr"].get<std::string>(), contexts.at(c["ctx"].get<size_t>()), host);
    bool spelling = false;
    std::string problem = compare(r, c["want"], &spelling);
    errors += r.ok ? 0 : 1;
    spelled += spelling ? 1 : 0;
    if (!problem.empty() && ++mismatches <= 20) {
      std::string expr = c["expr"].dump();
      FAIL_CHECK(expr << " (context " << c["ctx"].get<int>() << "): " << problem);
    }
  }
  std::cout << "differential: " << total << " cases, " << mismatches << " mismatches, " << errors
            << " errors on both sides, " << spelled
            << " differing only in number spelling (runner format, documented)\n";
  CHECK(total == 20000);
  CHECK(mismatches == 0);
}

}  // namespace
}  // namespace galley::expr
