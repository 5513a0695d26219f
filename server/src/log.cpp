#include "log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <utility>

namespace omni::collector {
namespace {

/// One write() per line: a line below PIPE_BUF (4 KB) reaches a pipe or file in one piece even
/// when other threads (or the other io threads' lines) write at the same moment. The loop only
/// finishes a partial write of an unusually long line.
void write_to_stderr(std::string_view line) {
  while (!line.empty()) {
    const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: nothing sensible is left to do with a log line
    }
    line.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::int64_t system_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Logger::Logger() : Logger(write_to_stderr, system_unix_ms) {}

Logger::Logger(Sink sink, WallClock now_ms) : sink_(std::move(sink)), now_ms_(std::move(now_ms)) {}

void Logger::log(LogLevel level, std::string_view msg, const LogField* fields,
                 std::size_t count) const {
  if (!enabled(level)) return;
  sink_(logging::format_log_line(now_ms_(), level, msg, fields, count));
}

Logger& process_log() {
  static Logger logger;
  return logger;
}

void log_line(std::string_view message) { log_info(message); }

void ThrottledLog::log(std::string_view message, std::int64_t now_ms) {
  std::int64_t next = next_ms_.load(std::memory_order_relaxed);
  if (now_ms < next ||
      !next_ms_.compare_exchange_strong(next, now_ms + interval_ms_, std::memory_order_relaxed)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t held = suppressed_.exchange(0, std::memory_order_relaxed);
  const Logger& logger = logger_ != nullptr ? *logger_ : process_log();
  if (held > 0) {
    logger.log(level_, message, {{"suppressed", held}});
  } else {
    logger.log(level_, message);
  }
}

}  // namespace omni::collector
