#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics_scalar.hpp"

using namespace omni::collector::metrics;

TEST_CASE("a counter starts at zero and only adds", "[metrics]") {
  Counter counter;
  CHECK(counter.value() == 0);
  counter.inc();
  counter.inc(41);
  CHECK(counter.value() == 42);
}

TEST_CASE("a gauge is set, raised and lowered, below zero too", "[metrics]") {
  Gauge gauge;
  gauge.set(5);
  gauge.add(2);
  gauge.sub(10);
  CHECK(gauge.value() == -3);
}

TEST_CASE("counters and gauges render one sample line, with or without labels", "[metrics]") {
  Counter counter;
  counter.inc(7);
  Gauge gauge;
  gauge.set(-2);
  std::string out;
  counter.render(out, "c_total", "a=\"b\"");
  gauge.render(out, "g", "");
  CHECK(out == "c_total{a=\"b\"} 7\ng -2\n");
}

TEST_CASE("increments from many threads are never lost", "[metrics]") {
  Counter counter;
  Gauge gauge;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.inc();
        gauge.add(1);
        gauge.sub(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.value() == 40000);
  CHECK(gauge.value() == 0);
}
