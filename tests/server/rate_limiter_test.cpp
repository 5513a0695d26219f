#include <catch2/catch.hpp>

#include <cstdint>

#include "http/rate_limiter.hpp"
#include "omni/effects.hpp"

using omni::collector::http::RateLimiter;

namespace {
constexpr std::int64_t kSecond = 1000000;
}

TEST_CASE("a new bucket admits its whole burst at once", "[rate_limit]") {
  RateLimiter limiter(10, 50);
  std::uint32_t retry = 0;
  CHECK(limiter.try_acquire(50, 0, &retry));
  CHECK_FALSE(limiter.try_acquire(1, 0, &retry));
  CHECK(retry == 1);
}

TEST_CASE("tokens come back at the configured rate", "[rate_limit]") {
  RateLimiter limiter(10, 50);
  std::uint32_t retry = 0;
  REQUIRE(limiter.try_acquire(50, 0, &retry));
  CHECK_FALSE(limiter.try_acquire(10, kSecond / 2, &retry));  // only 5 back
  CHECK(limiter.try_acquire(10, kSecond, &retry));            // 10 back
  CHECK_FALSE(limiter.try_acquire(1, kSecond, &retry));
}

TEST_CASE("the bucket never holds more than the burst", "[rate_limit]") {
  RateLimiter limiter(10, 50);
  std::uint32_t retry = 0;
  REQUIRE(limiter.try_acquire(1, 0, &retry));
  CHECK(limiter.try_acquire(50, 1000 * kSecond, &retry));
  CHECK_FALSE(limiter.try_acquire(1, 1000 * kSecond, &retry));
}

TEST_CASE("Retry-After is the whole seconds until the request fits", "[rate_limit]") {
  RateLimiter limiter(10, 100);
  std::uint32_t retry = 0;
  REQUIRE(limiter.try_acquire(100, 0, &retry));
  CHECK_FALSE(limiter.try_acquire(25, 0, &retry));
  CHECK(retry == 3);  // 2.5 s, rounded up
  CHECK_FALSE(limiter.try_acquire(25, 2 * kSecond, &retry));
  CHECK(retry == 1);  // 5 tokens short: 0.5 s, but never less than 1
  CHECK(limiter.try_acquire(25, 3 * kSecond, &retry));
}

TEST_CASE("a refused request takes no tokens", "[rate_limit]") {
  RateLimiter limiter(1, 10);
  std::uint32_t retry = 0;
  REQUIRE(limiter.try_acquire(5, 0, &retry));
  CHECK_FALSE(limiter.try_acquire(6, 0, &retry));
  CHECK(limiter.try_acquire(5, 0, &retry));  // the refused 6 took nothing
}

TEST_CASE("a request larger than the burst is admitted from a full bucket and leaves a debt",
          "[rate_limit]") {
  RateLimiter limiter(10, 50);
  std::uint32_t retry = 0;
  CHECK(limiter.try_acquire(80, 0, &retry));  // 30 in debt
  CHECK_FALSE(limiter.try_acquire(1, 0, &retry));
  CHECK(retry == 4);                          // 31 tokens at 10/s
  CHECK_FALSE(limiter.try_acquire(80, 5 * kSecond, &retry));
  CHECK(retry == 3);                          // 20 tokens now; 50 needed for a full bucket
  CHECK(limiter.try_acquire(80, 8 * kSecond, &retry));
}

TEST_CASE("time going backwards does not mint tokens", "[rate_limit]") {
  RateLimiter limiter(10, 10);
  std::uint32_t retry = 0;
  REQUIRE(limiter.try_acquire(10, 5 * kSecond, &retry));
  CHECK_FALSE(limiter.try_acquire(1, 0, &retry));
  CHECK_FALSE(limiter.try_acquire(1, 5 * kSecond, &retry));
}

TEST_CASE("over any period, admitted events stay within burst plus rate times time",
          "[rate_limit]") {
  // Many random traffic patterns from a fixed seed (rapidcheck is not linked into server tests).
  omni::SeededRandom random(20261122);
  for (int trial = 0; trial < 300; ++trial) {
    const double rate = static_cast<double>(1 + random.uniform(1000));
    const double burst = static_cast<double>(1 + random.uniform(5000));
    RateLimiter limiter(rate, burst);
    std::int64_t now = 0;
    double admitted = 0;
    double largest = 0;
    const auto steps = 1 + random.uniform(200);
    for (std::uint64_t i = 0; i < steps; ++i) {
      now += static_cast<std::int64_t>(random.uniform(200000));
      const auto events = 1 + random.uniform(3000);
      std::uint32_t retry = 0;
      if (limiter.try_acquire(events, now, &retry)) {
        admitted += static_cast<double>(events);
        if (static_cast<double>(events) > largest) largest = static_cast<double>(events);
      } else {
        REQUIRE(retry >= 1u);
      }
    }
    const double elapsed_s = static_cast<double>(now) / 1e6;
    // A request larger than the burst may overdraw the bucket by its excess, once.
    INFO("trial " << trial << " rate " << rate << " burst " << burst);
    REQUIRE(admitted <= burst + rate * elapsed_s + largest + 1e-6);
  }
}
