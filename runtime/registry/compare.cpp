#include "runtime/registry/compare.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace galley::registry {

namespace {

std::string fixed(double v, bool sign = false) {
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.6f" : "%.6f", v);
  return buf;
}

std::string shortest(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

void decide(Comparison* c) {
  if (!c->championValue) {
    c->delta.reset();
    c->promote = true;
    return;
  }
  double d = c->higherIsBetter ? c->challengerValue - *c->championValue
                               : *c->championValue - c->challengerValue;
  // Metrics go through JSON text and back: a difference below a part in
  // 10^12 is a tie, not a loss, so that "0 promotes on a tie" holds.
  if (std::fabs(d) < 1e-12) d = 0;
  c->delta = d;
  c->promote = d >= c->minDelta;
}

bool metricValue(const nlohmann::json& metrics, const std::string& metric, double* out,
                 std::string* why) {
  if (!metrics.is_object() || !metrics.contains(metric)) {
    *why = "has no '" + metric + "'";
    return false;
  }
  const nlohmann::json& v = metrics[metric];
  if (v.is_number()) {
    *out = v.get<double>();
    return std::isfinite(*out) || (*why = "'" + metric + "' is not a finite number", false);
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(*out)) return true;
  }
  *why = "'" + metric + "' is not a number (" + v.dump() + ")";
  return false;
}

bool parseDirection(const std::string& text, bool* higherIsBetter) {
  if (text == "higher" || text == "higher-is-better") {
    *higherIsBetter = true;
    return true;
  }
  if (text == "lower" || text == "lower-is-better") {
    *higherIsBetter = false;
    return true;
  }
  return false;
}

nlohmann::json toJson(const Comparison& c) {
  auto orNull = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"model", c.model},
          {"metric", c.metric},
          {"direction", c.higherIsBetter ? "higher" : "lower"},
          {"baseline", c.baseline},
          {"champion", c.champion.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.champion)},
          {"challenger_value", c.challengerValue},
          {"champion_value", orNull(c.championValue)},
          {"delta", orNull(c.delta)},
          {"min_delta", c.minDelta},
          {"promote", c.promote},
          {"reason", summary(c)}};
}

std::string summary(const Comparison& c) {
  std::string s = c.metric + ": challenger " + shortest(c.challengerValue);
  if (!c.championValue) return s + ", no champion (" + c.noChampion + "): promote";
  return s + ", champion " + shortest(*c.championValue) + " (" + c.champion + "), delta " +
         fixed(*c.delta, true) + (c.promote ? " >= " : " < ") + shortest(c.minDelta) +
         (c.promote ? ": promote" : ": keep the champion");
}

}  // namespace galley::registry
