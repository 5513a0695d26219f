#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace omni::collector::http {

RateLimiter::RateLimiter(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

bool RateLimiter::try_acquire(std::uint64_t events, std::int64_t now_us,
                              std::uint32_t* retry_after_s) {
  const double wanted = static_cast<double>(events);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!started_) {
    started_ = true;
    last_us_ = now_us;
  }
  if (now_us > last_us_) {
    const double elapsed_s = static_cast<double>(now_us - last_us_) / 1e6;
    tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_);
    last_us_ = now_us;
  }
  const double needed = std::min(wanted, burst_);
  if (tokens_ >= needed) {
    tokens_ -= wanted;
    return true;
  }
  const double wait_s = std::ceil((needed - tokens_) / rate_);
  *retry_after_s = wait_s < 1.0 ? 1u
                   : wait_s > 86400.0 ? 86400u
                                      : static_cast<std::uint32_t>(wait_s);
  return false;
}

}  // namespace omni::collector::http
