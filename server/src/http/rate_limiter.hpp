// A token bucket per source, counted in events: a request carrying N events takes N tokens.
//
// The bucket holds at most `burst` tokens and refills at `rate` tokens per second. A request is
// admitted when the bucket holds min(N, burst) tokens; it then takes all N, so a request larger
// than the burst is admitted from a full bucket and leaves a debt that later requests wait out.
// That way no request size is refused forever, and over any long period the admitted rate stays
// at `rate`. Time is passed in (monotonic microseconds) so tests control it.
//
// Thread-safe: a mutex guards the bucket for a few arithmetic operations; it is never held
// across I/O.
#pragma once

#include <cstdint>
#include <mutex>

namespace omni::collector::http {

class RateLimiter {
 public:
  /// `rate` > 0 tokens per second, `burst` >= 1. The bucket starts full.
  RateLimiter(double rate, double burst);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  /// Takes `events` tokens at time `now_us` and returns true, or takes nothing, returns false
  /// and sets `retry_after_s` to the whole seconds (>= 1) after which the same request would be
  /// admitted if nothing else is taken meanwhile.
  bool try_acquire(std::uint64_t events, std::int64_t now_us, std::uint32_t* retry_after_s);

 private:
  std::mutex mutex_;
  const double rate_;
  const double burst_;
  double tokens_;
  std::int64_t last_us_ = 0;
  bool started_ = false;
};

}  // namespace omni::collector::http
