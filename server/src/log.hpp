// The collector's runtime log: one JSON object per line on stderr (format in
// logging/log_format.hpp), at four levels, filtered by the config's log.level.
//
// What is never logged, by any caller: write keys, the admin token, client IP addresses,
// User-Agents, query strings, event names, properties or traits (anything from a request body).
// Source names, route names, statuses, counts and config key paths are safe: they are either
// operator-chosen config text or fixed by the collector.
//
// Thread-safety: every function may be called from any thread. Each line is handed to the sink
// whole, and the stderr sink writes it with one write() call, so lines from threads never mix.
// The level and request switch are atomics, so a reload changes them while others log.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string_view>

#include "logging/log_format.hpp"

namespace omni::collector {

using logging::LogField;
using logging::LogLevel;

class Logger {
 public:
  /// Receives each complete line (ending in '\n'). Called concurrently from several threads.
  using Sink = std::function<void(std::string_view line)>;
  /// Milliseconds since the Unix epoch, for the "time" member.
  using WallClock = std::function<std::int64_t()>;

  /// Writes to stderr with the system clock; level info, request lines on.
  Logger();
  Logger(Sink sink, WallClock now_ms);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  /// Lines below `level` are dropped.
  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  bool enabled(LogLevel level) const { return level >= this->level(); }

  /// Whether one line per HTTP request is written (config log.requests).
  void set_requests(bool on) { requests_.store(on, std::memory_order_relaxed); }
  bool requests() const { return requests_.load(std::memory_order_relaxed); }

  void log(LogLevel level, std::string_view msg, const LogField* fields, std::size_t count) const;
  void log(LogLevel level, std::string_view msg,
           std::initializer_list<LogField> fields = {}) const {
    log(level, msg, fields.begin(), fields.size());
  }

 private:
  Sink sink_;
  WallClock now_ms_;
  std::atomic<LogLevel> level_{LogLevel::kInfo};
  std::atomic<bool> requests_{true};
};

/// The process's logger (stderr). The collector configures it from the config at start and on
/// every reload.
Logger& process_log();

inline void log_debug(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  process_log().log(LogLevel::kDebug, msg, fields);
}
inline void log_info(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  process_log().log(LogLevel::kInfo, msg, fields);
}
inline void log_warn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  process_log().log(LogLevel::kWarn, msg, fields);
}
inline void log_error(std::string_view msg, std::initializer_list<LogField> fields = {}) {
  process_log().log(LogLevel::kError, msg, fields);
}

/// An info line with `message` as msg: the one-argument form older callers use.
void log_line(std::string_view message);

/// Logs at most one line per interval and counts what it held back (the next line carries
/// "suppressed": N), so a failing store cannot flood stderr at the request rate. Thread-safe.
class ThrottledLog {
 public:
  /// `logger` null: process_log(). It must outlive this object.
  explicit ThrottledLog(std::int64_t interval_ms, LogLevel level = LogLevel::kError,
                        const Logger* logger = nullptr)
      : interval_ms_(interval_ms), level_(level), logger_(logger) {}
  void log(std::string_view message, std::int64_t now_ms);

 private:
  const std::int64_t interval_ms_;
  const LogLevel level_;
  const Logger* const logger_;
  std::atomic<std::int64_t> next_ms_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace omni::collector
