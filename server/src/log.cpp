#include "log.hpp"

#include <cstdio>
#include <string>

namespace omni::collector {

void log_line(std::string_view message) {
  std::string line = "omni-collector: ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void ThrottledLog::log(std::string_view message, std::int64_t now_ms) {
  std::int64_t next = next_ms_.load(std::memory_order_relaxed);
  if (now_ms < next ||
      !next_ms_.compare_exchange_strong(next, now_ms + interval_ms_, std::memory_order_relaxed)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t held = suppressed_.exchange(0, std::memory_order_relaxed);
  std::string line(message);
  if (held > 0) line += " (" + std::to_string(held) + " similar messages suppressed)";
  log_line(line);
}

}  // namespace omni::collector
