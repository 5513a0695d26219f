// The host effects the core needs, as the collector provides them: the system clock and the
// kernel's random bytes.
#pragma once

#include "omni/effects.hpp"

namespace omni::collector {

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() override;
};

/// getrandom(2); aborts if the kernel cannot supply entropy (never expected on Linux ≥ 3.17).
class SystemRandom final : public Random {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
};

}  // namespace omni::collector
