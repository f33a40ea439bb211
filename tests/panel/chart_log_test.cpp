#include <catch2/catch.hpp>

#include "drivers/panel/chart_log.hpp"
#include "drivers/panel/run_feed.hpp"

using namespace spiceloop::panel;

TEST_CASE("panel charts: a page gets the points it lacks, absent values as null", "[panel]") {
  ChartLog log;
  log.add({.step = 1, .loss = 0.5, .q = 2.0});
  log.add({.step = 2, .loss = 0.4, .q = 2.0});
  const auto all = log.since(0, 0);
  CHECK(all["step"] == nlohmann::json({1.0, 2.0}));
  CHECK(all["accuracy"][0].is_null());
  const auto more = log.since(all["generation"], all["next"]);
  CHECK(more["step"].empty());
  log.add({.step = 3, .loss = 0.3});
  CHECK(log.since(all["generation"], all["next"])["loss"] == nlohmann::json({0.3}));
  log.clear();
  log.add({.step = 1, .loss = 0.9});
  const auto fresh = log.since(all["generation"], all["next"]);  // another generation: from the start
  CHECK(fresh["step"] == nlohmann::json({1.0}));
}

TEST_CASE("panel charts: an epoch's accuracy joins the point of its step", "[panel]") {
  ChartLog log;
  log.add({.step = 10, .loss = 0.5});
  const auto seen = log.since(0, 0);
  log.merge({.step = 10, .loss = 0.7, .accuracy = 0.9});
  const auto again = log.since(seen["generation"], seen["next"]);
  CHECK(again["step"] == nlohmann::json({10.0}));
  CHECK(again["loss"] == nlohmann::json({0.5}));  // the step's own loss stays
  CHECK(again["accuracy"] == nlohmann::json({0.9}));
  CHECK(log.size() == 1);
}

TEST_CASE("panel charts: a long run keeps a bounded number of points from its start", "[panel]") {
  ChartLog log(100);
  for (int i = 0; i < 10000; ++i) log.add({.step = double(i), .loss = 1.0});
  CHECK(log.size() <= 100);
  const auto all = log.since(0, 0);
  CHECK(all["step"].front() == 0.0);
  CHECK(all["step"].back() == 9999.0);
}

TEST_CASE("panel run feed: metrics records become chart points", "[panel]") {
  const auto step = chart_point({{"type", "step"}, {"step", 4}, {"loss", 0.25}, {"Q", 3.0}, {"identity_relative", 1e-9}});
  REQUIRE(step);
  CHECK(step->step == 4);
  CHECK(step->loss == 0.25);
  CHECK(step->residual == 1e-9);
  const auto epoch = chart_point({{"type", "epoch"}, {"step", 8}, {"train_loss", 0.2}, {"test_accuracy", nullptr}, {"Q", 3.0}});
  REQUIRE(epoch);
  CHECK(std::isnan(epoch->accuracy));
  CHECK_FALSE(chart_point({{"type", "header"}}));
  CHECK_FALSE(chart_point(nlohmann::json::array()));
}
