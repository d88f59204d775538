#include "runtime/registry/compare.h"

#include <doctest/doctest.h>

namespace galley::registry {

namespace {

Comparison with(double challenger, std::optional<double> champion, bool higher, double minDelta) {
  Comparison c;
  c.model = "credit-risk";
  c.metric = "auc";
  c.baseline = "credit-risk@production";
  c.champion = champion ? "credit-risk@4" : "";
  c.noChampion = champion ? "" : "model 'credit-risk' has no version in production";
  c.challengerValue = challenger;
  c.championValue = champion;
  c.higherIsBetter = higher;
  c.minDelta = minDelta;
  decide(&c);
  return c;
}

}  // namespace

TEST_CASE("a challenger promotes when it beats the champion by at least the minimum delta") {
  CHECK(with(0.83, 0.80, true, 0.02).promote);
  CHECK_FALSE(with(0.81, 0.80, true, 0.02).promote);
  CHECK(*with(0.81, 0.80, true, 0.02).delta == doctest::Approx(0.01));
  // Lower is better: the delta is champion minus challenger.
  CHECK(with(0.10, 0.12, false, 0.01).promote);
  CHECK(*with(0.10, 0.12, false, 0.01).delta == doctest::Approx(0.02));
  CHECK_FALSE(with(0.13, 0.12, false, 0).promote);
}

TEST_CASE("a tie promotes at a minimum delta of 0, even after rounding") {
  Comparison c = with(0.1 + 0.2, 0.3, true, 0);
  CHECK(c.promote);
  CHECK(*c.delta == 0);
}

TEST_CASE("without a champion the challenger is promoted and the delta is null") {
  Comparison c = with(0.7, std::nullopt, true, 0.5);
  CHECK(c.promote);
  CHECK_FALSE(c.delta);
  nlohmann::json j = toJson(c);
  CHECK(j["delta"].is_null());
  CHECK(j["champion"].is_null());
  CHECK(j["reason"] ==
        "auc: challenger 0.7, no champion (model 'credit-risk' has no version in production): "
        "promote");
}

TEST_CASE("the verdict says both values, the delta and the decision") {
  Comparison c = with(0.831, 0.83, true, 0.005);
  CHECK(summary(c) ==
        "auc: challenger 0.831, champion 0.83 (credit-risk@4), delta +0.001000 < 0.005: keep "
        "the champion");
  nlohmann::json j = toJson(c);
  CHECK(j["promote"] == false);
  CHECK(j["direction"] == "higher");
  CHECK(j["champion"] == "credit-risk@4");
}

TEST_CASE("a metric is a number, or a string holding one") {
  double v = 0;
  std::string why;
  CHECK(metricValue({{"auc", 0.9}}, "auc", &v, &why));
  CHECK(v == 0.9);
  CHECK(metricValue({{"auc", "0.75"}}, "auc", &v, &why));
  CHECK(v == 0.75);
  CHECK_FALSE(metricValue({{"auc", "high"}}, "auc", &v, &why));
  CHECK(why == "'auc' is not a number (\"high\")");
  CHECK_FALSE(metricValue({{"f1", 1}}, "auc", &v, &why));
  CHECK(why == "has no 'auc'");
}

TEST_CASE("directions are higher and lower, or the recipes' spelling") {
  bool higher = false;
  CHECK(parseDirection("higher-is-better", &higher));
  CHECK(higher);
  CHECK(parseDirection("lower", &higher));
  CHECK_FALSE(higher);
  CHECK_FALSE(parseDirection("up", &higher));
}

}  // namespace galley::registry
