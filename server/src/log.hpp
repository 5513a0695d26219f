// Minimal runtime logging to stderr: start, stop, store errors. Never write keys, tokens, IP
// addresses or event content into a log line.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace omni::collector {

/// Writes "omni-collector: <message>\n" to stderr in one call (lines from threads never mix).
void log_line(std::string_view message);

/// Logs at most one line per interval and counts what it held back, so a failing store cannot
/// flood stderr at the request rate. Thread-safe.
class ThrottledLog {
 public:
  explicit ThrottledLog(std::int64_t interval_ms) : interval_ms_(interval_ms) {}
  void log(std::string_view message, std::int64_t now_ms);

 private:
  const std::int64_t interval_ms_;
  std::atomic<std::int64_t> next_ms_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace omni::collector
