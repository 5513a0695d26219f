#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>

#include "omni/effects.hpp"
#include "omni/retry_policy.hpp"

using omni::RetryPolicy;
using omni::SendVerdict;

TEST_CASE("2xx answers mean delivered", "[retry]") {
  CHECK(omni::classify_http_status(200) == SendVerdict::kDelivered);
  CHECK(omni::classify_http_status(204) == SendVerdict::kDelivered);
  CHECK(omni::classify_http_status(299) == SendVerdict::kDelivered);
}

TEST_CASE("no answer, 408, 429 and 5xx are retried", "[retry]") {
  for (int status : {0, 408, 429, 500, 502, 503, 504, 599}) {
    INFO("status " << status);
    CHECK(omni::classify_http_status(status) == SendVerdict::kRetry);
  }
}

TEST_CASE("other 4xx answers refuse the batch for good", "[retry]") {
  for (int status : {400, 401, 403, 404, 413, 422, 499}) {
    INFO("status " << status);
    CHECK(omni::classify_http_status(status) == SendVerdict::kClientError);
  }
}

TEST_CASE("answers that are neither 2xx nor 4xx are retried rather than dropped", "[retry]") {
  for (int status : {-1, 100, 199, 301, 304, 399, 600, 999}) {
    INFO("status " << status);
    CHECK(omni::classify_http_status(status) == SendVerdict::kRetry);
  }
}

TEST_CASE("the defaults are the documented policy and valid", "[retry]") {
  RetryPolicy policy;
  CHECK(policy.base_ms == 1000);
  CHECK(policy.max_ms == 60000);
  CHECK(policy.max_attempts == 10);
  CHECK(policy.max_age_ms == 7LL * 24 * 3600 * 1000);
  CHECK(policy.validate().ok());
}

TEST_CASE("a policy out of its domain is refused by name", "[retry]") {
  RetryPolicy policy;
  policy.base_ms = 0;
  CHECK(policy.validate().code() == omni::ErrorCode::kInvalidArgument);
  policy = RetryPolicy{};
  policy.max_ms = policy.base_ms - 1;
  CHECK(policy.validate().code() == omni::ErrorCode::kInvalidArgument);
  policy = RetryPolicy{};
  policy.max_attempts = 0;
  CHECK(policy.validate().code() == omni::ErrorCode::kInvalidArgument);
  policy.max_attempts = 65536;
  CHECK(policy.validate().code() == omni::ErrorCode::kInvalidArgument);
  policy = RetryPolicy{};
  policy.max_age_ms = 0;
  CHECK(policy.validate().code() == omni::ErrorCode::kInvalidArgument);
}

TEST_CASE("the backoff ceiling doubles per failure up to the maximum", "[retry]") {
  RetryPolicy policy;
  CHECK(policy.ceiling_ms(0) == 1000);
  CHECK(policy.ceiling_ms(1) == 1000);
  CHECK(policy.ceiling_ms(2) == 2000);
  CHECK(policy.ceiling_ms(3) == 4000);
  CHECK(policy.ceiling_ms(6) == 32000);
  CHECK(policy.ceiling_ms(7) == 60000);
  CHECK(policy.ceiling_ms(70) == 60000);
  CHECK(policy.ceiling_ms(0xffffffffu) == 60000);
}

TEST_CASE("the ceiling does not overflow with a huge base and maximum", "[retry]") {
  RetryPolicy policy;
  policy.base_ms = INT64_MAX / 3;
  policy.max_ms = INT64_MAX;
  CHECK(policy.ceiling_ms(2) == 2 * (INT64_MAX / 3));
  CHECK(policy.ceiling_ms(3) == INT64_MAX);
  CHECK(policy.ceiling_ms(1000) == INT64_MAX);
}

TEST_CASE("full jitter stays within zero and the ceiling and covers the range", "[retry]") {
  RetryPolicy policy;
  policy.base_ms = 100;
  policy.max_ms = 800;
  omni::SeededRandom random(42);
  for (std::uint32_t failures = 1; failures <= 6; ++failures) {
    const std::int64_t ceiling = policy.ceiling_ms(failures);
    std::int64_t lowest = ceiling, highest = 0;
    for (int i = 0; i < 2000; ++i) {
      const std::int64_t delay = policy.delay_ms(failures, -1, random);
      REQUIRE(delay >= 0);
      REQUIRE(delay <= ceiling);
      lowest = std::min(lowest, delay);
      highest = std::max(highest, delay);
    }
    INFO("failures " << failures);
    CHECK(lowest < ceiling / 10);       // reaches near zero
    CHECK(highest > ceiling * 9 / 10);  // and near the ceiling
  }
}

TEST_CASE("a Retry-After longer than the jitter is honoured exactly", "[retry]") {
  RetryPolicy policy;
  omni::SeededRandom random(1);
  for (int i = 0; i < 100; ++i) CHECK(policy.delay_ms(1, 5000, random) == 5000);
}

TEST_CASE("a Retry-After longer than an event may live is cut to max_age_ms", "[retry]") {
  RetryPolicy policy;
  omni::SeededRandom random(1);
  CHECK(policy.delay_ms(1, INT64_MAX, random) == policy.max_age_ms);
  CHECK(policy.delay_ms(1, policy.max_age_ms + 1, random) == policy.max_age_ms);
}

TEST_CASE("a Retry-After shorter than the jitter does not shorten it", "[retry]") {
  RetryPolicy policy;
  omni::SeededRandom with_header(9), without_header(9);
  bool some_above = false;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t plain = policy.delay_ms(3, -1, without_header);
    const std::int64_t floored = policy.delay_ms(3, 10, with_header);
    CHECK(floored == std::max<std::int64_t>(plain, 10));
    some_above = some_above || floored > 10;
  }
  CHECK(some_above);
}

TEST_CASE("identical seeds give identical retry schedules", "[retry]") {
  RetryPolicy policy;
  omni::SeededRandom a(5), b(5);
  std::set<std::int64_t> distinct;
  for (std::uint32_t failures = 1; failures < 20; ++failures) {
    const std::int64_t delay = policy.delay_ms(failures, -1, a);
    CHECK(delay == policy.delay_ms(failures, -1, b));
    distinct.insert(delay);
  }
  CHECK(distinct.size() > 10);
}
