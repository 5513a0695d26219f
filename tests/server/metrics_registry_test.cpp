#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics_registry.hpp"
#include "metrics/metrics_text.hpp"

using namespace omni::collector::metrics;

namespace {

std::vector<Sample> scrape(const Registry& registry) {
  const std::string text = registry.render();
  std::vector<Sample> samples;
  std::string error;
  INFO(text);
  REQUIRE(parse_exposition(text, &samples, &error));
  return samples;
}

/// The samples of `name` whose labels are exactly `labels`.
std::vector<Sample> find(const std::vector<Sample>& samples, const std::string& name,
                         const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<Sample> out;
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) out.push_back(s);
  }
  return out;
}

double value_of(const std::vector<Sample>& samples, const std::string& name,
                const std::vector<std::pair<std::string, std::string>>& labels = {}) {
  const auto found = find(samples, name, labels);
  INFO(name);
  REQUIRE(found.size() == 1);
  return found[0].value;
}

}  // namespace

TEST_CASE("a registry renders HELP, TYPE and every series, read back with their values",
          "[metrics]") {
  Registry registry;
  auto& requests = registry.counter_family("omni_requests_total", "Requests.", {"route", "status"});
  Gauge& open = registry.gauge("omni_open", "Open things.");
  auto& latency =
      registry.histogram_family("omni_latency_seconds", "Latency.", {"route"}, {0.1, 1});
  requests.with({"batch", "200"}).inc(3);
  requests.with({"batch", "400"}).inc();
  requests.with({"batch", "200"}).inc();
  open.set(2);
  latency.with({"batch"}).observe(0.05);
  latency.with({"batch"}).observe(0.5);

  const std::string text = registry.render();
  CHECK(text.find("# HELP omni_requests_total Requests.\n# TYPE omni_requests_total counter\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE omni_open gauge\n") != std::string::npos);
  CHECK(text.find("# TYPE omni_latency_seconds histogram\n") != std::string::npos);

  const auto samples = scrape(registry);
  CHECK(value_of(samples, "omni_requests_total", {{"route", "batch"}, {"status", "200"}}) == 4);
  CHECK(value_of(samples, "omni_requests_total", {{"route", "batch"}, {"status", "400"}}) == 1);
  CHECK(value_of(samples, "omni_open") == 2);
  CHECK(value_of(samples, "omni_latency_seconds_bucket", {{"route", "batch"}, {"le", "0.1"}}) == 1);
  CHECK(value_of(samples, "omni_latency_seconds_bucket", {{"route", "batch"}, {"le", "1"}}) == 2);
  CHECK(value_of(samples, "omni_latency_seconds_bucket", {{"route", "batch"}, {"le", "+Inf"}}) ==
        2);
  CHECK(value_of(samples, "omni_latency_seconds_sum", {{"route", "batch"}}) == Approx(0.55));
  CHECK(value_of(samples, "omni_latency_seconds_count", {{"route", "batch"}}) == 2);
}

TEST_CASE("families render in registration order and children sorted by label values",
          "[metrics]") {
  Registry registry;
  auto& b = registry.counter_family("omni_b_total", "B.", {"k"});
  registry.counter("omni_a_total", "A.");
  b.with({"zeta"});
  b.with({"alpha"});
  b.with({"mid"});
  const std::string text = registry.render();
  const auto pos = [&](const char* needle) {
    const auto at = text.find(needle);
    INFO(needle);
    REQUIRE(at != std::string::npos);
    return at;
  };
  CHECK(pos("omni_b_total{k=\"alpha\"}") < pos("omni_b_total{k=\"mid\"}"));
  CHECK(pos("omni_b_total{k=\"mid\"}") < pos("omni_b_total{k=\"zeta\"}"));
  CHECK(pos("# TYPE omni_b_total") < pos("# TYPE omni_a_total"));
  CHECK(text.find("omni_a_total 0\n") != std::string::npos);  // unlabelled: present from 0
}

TEST_CASE("the same label values always give the same child", "[metrics]") {
  Registry registry;
  auto& family = registry.counter_family("omni_x_total", "X.", {"a", "b"});
  Counter& first = family.with({"1", "2"});
  CHECK(&family.with({"1", "2"}) == &first);
  CHECK(&family.with({"2", "1"}) != &first);
}

TEST_CASE("label values with quotes, backslashes and newlines are escaped and read back",
          "[metrics]") {
  Registry registry;
  auto& family = registry.counter_family("omni_sources_total", "Per \"source\"\nwith \\.", {"s"});
  family.with({"we\"b\\\nx"}).inc(5);
  const std::string text = registry.render();
  CHECK(text.find("# HELP omni_sources_total Per \"source\"\\nwith \\\\.\n") != std::string::npos);
  CHECK(text.find("omni_sources_total{s=\"we\\\"b\\\\\\nx\"} 5\n") != std::string::npos);
  CHECK(value_of(scrape(registry), "omni_sources_total", {{"s", "we\"b\\\nx"}}) == 5);
}

TEST_CASE("programming errors in metric definitions are refused at registration",
          "[metrics]") {
  Registry registry;
  registry.counter("omni_dup_total", "D.");
  CHECK_THROWS_AS(registry.counter("omni_dup_total", "D again."), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("omni-bad", "B."), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter_family("omni_l_total", "L.", {"__x"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.counter_family("omni_r_total", "R.", {"a", "a"}),
                  std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram_family("omni_h", "H.", {"le"}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("omni_h2", "H.", {2, 1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("omni_h3", "H.", {}), std::invalid_argument);
  auto& family = registry.counter_family("omni_ok_total", "OK.", {"a", "b"});
  CHECK_THROWS_AS(family.with({"only one"}), std::invalid_argument);
  // A refused definition leaves nothing behind: the name is still free.
  CHECK_NOTHROW(registry.histogram("omni_h", "H.", {1}));
}

TEST_CASE("children created and updated from many threads while scraping lose nothing",
          "[metrics]") {
  Registry registry;
  auto& family = registry.counter_family("omni_c_total", "C.", {"thread", "kind"});
  constexpr int kThreads = 4;
  constexpr int kRounds = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&family, t] {
      const std::string mine = std::to_string(t);
      for (int i = 0; i < kRounds; ++i) {
        family.with({"shared", std::to_string(i % 8)}).inc();  // created by whichever is first
        family.with({mine, "own"}).inc();
      }
    });
  }
  for (int i = 0; i < 20; ++i) (void)registry.render();  // scrapes race with creation
  for (auto& thread : threads) thread.join();

  const auto samples = scrape(registry);
  CHECK(samples.size() == 8 + kThreads);
  double shared_total = 0;
  for (int k = 0; k < 8; ++k) {
    const double v = value_of(samples, "omni_c_total", {{"thread", "shared"}, {"kind", std::to_string(k)}});
    CHECK(v == kThreads * kRounds / 8);
    shared_total += v;
  }
  CHECK(shared_total == kThreads * kRounds);
  for (int t = 0; t < kThreads; ++t) {
    CHECK(value_of(samples, "omni_c_total", {{"thread", std::to_string(t)}, {"kind", "own"}}) ==
          kRounds);
  }
}
