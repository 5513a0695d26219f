// The collector's log line format: one JSON object per line,
//   {"time":"2026-05-01T12:00:00.123Z","level":"info","msg":"request","route":"batch",...}
// so a log shipper reads every line without a parser per message. Pure functions, no state,
// thread-safe.
//
// What goes into a line is the caller's responsibility: fields are copied as given. The rules
// for what may be logged (never write keys, tokens, IP addresses, query strings or event
// content) are in log.hpp and docs/operations.md ("Logging").
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace omni::collector::logging {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn, kError };

/// "debug", "info", "warn", "error".
std::string_view level_name(LogLevel level);

/// Reads a level name as level_name() writes it; false for anything else (case-sensitive).
bool parse_level(std::string_view name, LogLevel* out);

/// One "key":value member of a line. A value is a string (escaped), an integer, a boolean or a
/// number written with three decimals (durations in milliseconds). Holds views: the key and a
/// string value must outlive the call that formats the line.
class LogField {
 public:
  enum class Kind : std::uint8_t { kString, kSigned, kUnsigned, kBool, kMillis };

  LogField(std::string_view key, std::string_view value)
      : key_(key), kind_(Kind::kString), text_(value) {}
  LogField(std::string_view key, const char* value) : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, const std::string& value)
      : LogField(key, std::string_view(value)) {}
  LogField(std::string_view key, bool value) : key_(key), kind_(Kind::kBool), unsigned_(value) {}
  template <class Integer,
            std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool> &&
                                 std::is_signed_v<Integer>,
                             int> = 0>
  LogField(std::string_view key, Integer value)
      : key_(key), kind_(Kind::kSigned), signed_(static_cast<std::int64_t>(value)) {}
  template <class Integer,
            std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool> &&
                                 std::is_unsigned_v<Integer>,
                             int> = 0>
  LogField(std::string_view key, Integer value)
      : key_(key), kind_(Kind::kUnsigned), unsigned_(static_cast<std::uint64_t>(value)) {}

  /// A duration in milliseconds, written with three decimals ("durationMs":1.234).
  static LogField millis(std::string_view key, double value) {
    LogField field(key, Kind::kMillis);
    field.millis_ = value;
    return field;
  }

  std::string_view key() const { return key_; }
  Kind kind() const { return kind_; }
  std::string_view text() const { return text_; }
  std::int64_t signed_value() const { return signed_; }
  std::uint64_t unsigned_value() const { return unsigned_; }
  double millis_value() const { return millis_; }

 private:
  LogField(std::string_view key, Kind kind) : key_(key), kind_(kind) {}

  std::string_view key_;
  Kind kind_;
  std::string_view text_;
  std::int64_t signed_ = 0;
  std::uint64_t unsigned_ = 0;
  double millis_ = 0;
};

/// Appends `text` as a JSON string literal (quotes included): ", \ and control characters are
/// escaped, bytes that are not valid UTF-8 become U+FFFD, so a line is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// "2026-05-01T12:00:00.123Z" for milliseconds since the Unix epoch (UTC).
std::string format_utc_millis(std::int64_t unix_ms);

/// The whole line, ending in '\n': time, level and msg first, then the `count` fields in order.
std::string format_log_line(std::int64_t unix_ms, LogLevel level, std::string_view msg,
                            const LogField* fields, std::size_t count);

inline std::string format_log_line(std::int64_t unix_ms, LogLevel level, std::string_view msg,
                                   std::initializer_list<LogField> fields = {}) {
  return format_log_line(unix_ms, level, msg, fields.begin(), fields.size());
}

}  // namespace omni::collector::logging
