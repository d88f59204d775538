// Champion and challenger: whether a new model's metric beats the one the
// registry holds for a baseline version (the production one by default),
// as `galley registry compare` and the compare-champion-challenger recipe
// decide it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace galley::registry {

struct Comparison {
  std::string model;
  std::string metric;
  bool higherIsBetter = true;
  double minDelta = 0;
  std::string baseline;    // the reference asked for, e.g. "credit-risk@production"
  std::string champion;    // the version it named ("credit-risk@4"), empty when none
  std::string noChampion;  // why there is none (the registry's message)
  double challengerValue = 0;
  std::optional<double> championValue;
  // The challenger's improvement, positive when better: challenger minus
  // champion (higher is better) or champion minus challenger. None
  // without a champion.
  std::optional<double> delta;
  bool promote = false;  // no champion, or delta >= minDelta (a tie promotes at 0)
};

// Fills delta and promote from the values.
void decide(Comparison* c);

// metrics[metric] as a number (a JSON number, or a string holding one);
// false with *why ("has no 'auc'", "'auc' is not a number").
bool metricValue(const nlohmann::json& metrics, const std::string& metric, double* out,
                 std::string* why);

// "higher", "lower" (and the recipes' "higher-is-better", "lower-is-better").
bool parseDirection(const std::string& text, bool* higherIsBetter);

// The verdict: {"model", "metric", "direction", "baseline", "champion",
// "challenger_value", "champion_value", "delta", "min_delta", "promote",
// "reason"}; absent values are null.
nlohmann::json toJson(const Comparison& c);
// One line for people: "auc: challenger 0.91, champion 0.90 (credit-risk@4),
// delta +0.010000 >= 0.005: promote".
std::string summary(const Comparison& c);

}  // namespace galley::registry
