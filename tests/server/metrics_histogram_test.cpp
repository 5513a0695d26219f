#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics_histogram.hpp"
#include "metrics/metrics_text.hpp"

using namespace omni::collector::metrics;

namespace {

std::shared_ptr<const std::vector<double>> bounds(std::vector<double> b) {
  return std::make_shared<const std::vector<double>>(std::move(b));
}

}  // namespace

TEST_CASE("bucket bounds must be finite and strictly increasing", "[metrics]") {
  CHECK(valid_bucket_bounds({0.1, 1, 10}));
  CHECK(valid_bucket_bounds({-1}));
  CHECK_FALSE(valid_bucket_bounds({}));
  CHECK_FALSE(valid_bucket_bounds({1, 1}));
  CHECK_FALSE(valid_bucket_bounds({2, 1}));
  CHECK_FALSE(valid_bucket_bounds({1, std::numeric_limits<double>::infinity()}));
  CHECK_FALSE(valid_bucket_bounds({std::numeric_limits<double>::quiet_NaN()}));
}

TEST_CASE("an observation lands in the first bucket whose bound is at least the value",
          "[metrics]") {
  Histogram h(bounds({1, 5, 10}));
  for (double v : {0.5, 1.0, 1.0001, 5.0, 7.0, 10.0, 11.0, 1000.0}) h.observe(v);
  const Histogram::Snapshot snap = h.snapshot();
  // le=1: 0.5, 1 | le=5: +1.0001, 5 | le=10: +7, 10 | +Inf: +11, 1000
  CHECK(snap.cumulative == std::vector<std::uint64_t>{2, 4, 6, 8});
  CHECK(snap.count == 8);
  CHECK(snap.sum == Approx(0.5 + 1 + 1.0001 + 5 + 7 + 10 + 11 + 1000));
}

TEST_CASE("NaN observations are ignored", "[metrics]") {
  Histogram h(bounds({1}));
  h.observe(std::numeric_limits<double>::quiet_NaN());
  h.observe(2);
  const Histogram::Snapshot snap = h.snapshot();
  CHECK(snap.count == 1);
  CHECK(snap.sum == 2);
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, sum and count", "[metrics]") {
  Histogram h(bounds({0.005, 0.5}));
  h.observe(0.001);
  h.observe(0.25);
  h.observe(3);
  std::string out;
  h.render(out, "d_seconds", "route=\"batch\"");
  CHECK(out ==
        "d_seconds_bucket{route=\"batch\",le=\"0.005\"} 1\n"
        "d_seconds_bucket{route=\"batch\",le=\"0.5\"} 2\n"
        "d_seconds_bucket{route=\"batch\",le=\"+Inf\"} 3\n"
        "d_seconds_sum{route=\"batch\"} 3.251\n"
        "d_seconds_count{route=\"batch\"} 3\n");

  std::string unlabelled;
  Histogram empty(bounds({1}));
  empty.render(unlabelled, "e", "");
  CHECK(unlabelled == "e_bucket{le=\"1\"} 0\ne_bucket{le=\"+Inf\"} 0\ne_sum 0\ne_count 0\n");
}

TEST_CASE("concurrent observations are all counted and summed", "[metrics]") {
  Histogram h(bounds({1, 2}));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 5000; ++i) h.observe(static_cast<double>(t % 3));  // 0, 1, 2, 0
    });
  }
  for (auto& thread : threads) thread.join();
  const Histogram::Snapshot snap = h.snapshot();
  CHECK(snap.count == 20000);
  CHECK(snap.cumulative == std::vector<std::uint64_t>{15000, 20000, 20000});
  CHECK(snap.sum == 15000);  // 5000 * (0 + 1 + 2 + 0): integers add exactly
}
