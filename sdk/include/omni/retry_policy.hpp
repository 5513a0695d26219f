// When a failed send is tried again, and which answers are worth trying again at all.
//
// Contract: pure functions of their arguments. Jitter comes from the injected Random, so a retry
// schedule is reproducible under a seeded Random; there is no clock here (the caller adds the
// delay to its own "now"). Thread-safety: the policy is a plain value; delay_ms() draws from the
// Random it is given, which the caller must not share across threads unguarded.
//
// Backoff is "full jitter" (a uniform delay between zero and an exponentially growing ceiling):
// when many devices lose the collector at once, it spreads their retries over the whole window
// instead of synchronising them into waves. A server's Retry-After is a floor, never shortened.
#pragma once

#include <cstdint>

#include "omni/effects.hpp"
#include "omni/status.hpp"

namespace omni {

/// What one HTTP answer to a batch means for the events in it.
enum class SendVerdict : std::uint8_t {
  kDelivered,    // 2xx: the collector stored the batch durably
  kRetry,        // no answer (0), 408, 429, 5xx, or any code that is not a definite refusal
  kClientError,  // any other 4xx: the request itself is refused; sending it again cannot help
};

/// Classifies an HTTP status. Codes outside 2xx and 4xx (1xx, 3xx, nonsense) are retried: an
/// event is dropped only on a definite refusal, never on an answer we do not understand.
SendVerdict classify_http_status(int http_status);

struct RetryPolicy {
  /// Ceiling of the first retry's delay; doubles per consecutive failure up to max_ms.
  std::int64_t base_ms = 1000;
  std::int64_t max_ms = 60000;
  /// The most times one event is sent; after this many failed sends it is dropped.
  std::uint32_t max_attempts = 10;
  /// An event older than this when a send of it fails is dropped instead of retried.
  std::int64_t max_age_ms = 7LL * 24 * 60 * 60 * 1000;

  /// InvalidArgument unless 0 < base_ms <= max_ms, 1 <= max_attempts <= 65535, max_age_ms > 0.
  /// (65535 because the queue persists the attempt count in four hex digits.)
  Status validate() const;

  /// min(max_ms, base_ms * 2^(failures - 1)) for failures >= 1; failures 0 counts as 1.
  std::int64_t ceiling_ms(std::uint32_t failures) const;

  /// Full jitter: uniform in [0, ceiling_ms(failures)], raised to retry_after_ms when the server
  /// asked for a longer pause (retry_after_ms < 0 means it did not say). A Retry-After beyond
  /// max_age_ms is cut to max_age_ms: waiting longer would outlive every event it holds back.
  std::int64_t delay_ms(std::uint32_t failures, std::int64_t retry_after_ms, Random& random) const;
};

}  // namespace omni
