#include "omni/retry_policy.hpp"

namespace omni {

SendVerdict classify_http_status(int http_status) {
  if (http_status >= 200 && http_status <= 299) return SendVerdict::kDelivered;
  if (http_status == 408 || http_status == 429) return SendVerdict::kRetry;
  if (http_status >= 400 && http_status <= 499) return SendVerdict::kClientError;
  return SendVerdict::kRetry;
}

Status RetryPolicy::validate() const {
  if (base_ms <= 0) return Status::InvalidArgument("retry base_ms must be positive");
  if (max_ms < base_ms) return Status::InvalidArgument("retry max_ms must be at least base_ms");
  if (max_attempts < 1 || max_attempts > 0xffff) {
    return Status::InvalidArgument("retry max_attempts must be between 1 and 65535");
  }
  if (max_age_ms <= 0) return Status::InvalidArgument("retry max_age_ms must be positive");
  return Status::Ok();
}

std::int64_t RetryPolicy::ceiling_ms(std::uint32_t failures) const {
  const std::uint32_t doublings = failures > 0 ? failures - 1 : 0;
  // Stop doubling as soon as the ceiling reaches max_ms, so the shift can never overflow.
  std::int64_t ceiling = base_ms;
  for (std::uint32_t i = 0; i < doublings && ceiling < max_ms; ++i) {
    ceiling = ceiling > max_ms / 2 ? max_ms : ceiling * 2;
  }
  return ceiling < max_ms ? ceiling : max_ms;
}

std::int64_t RetryPolicy::delay_ms(std::uint32_t failures, std::int64_t retry_after_ms,
                                   Random& random) const {
  const auto ceiling = static_cast<std::uint64_t>(ceiling_ms(failures));
  const auto jitter = static_cast<std::int64_t>(random.uniform(ceiling + 1));
  const std::int64_t floor = retry_after_ms < max_age_ms ? retry_after_ms : max_age_ms;
  return floor > jitter ? floor : jitter;
}

}  // namespace omni
