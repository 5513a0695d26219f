#include "logging/log_format.hpp"

#include <charconv>
#include <cstdio>

namespace omni::collector::logging {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_replacement(std::string& out) { out += "\xEF\xBF\xBD"; }

/// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one (overlong
/// forms, surrogates and values above U+10FFFF are invalid too).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char next = byte(i + k);
    if ((next & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (next & 0x3Fu);
  }
  if (length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) return 0;
  if (length == 4 && (code < 0x10000 || code > 0x10FFFF)) return 0;
  return length;
}

/// Civil date from days since 1970-01-01 (proleptic Gregorian), so formatting a time needs no
/// gmtime and no time zone database.
void civil_from_days(std::int64_t days, std::int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  *day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  *month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  *year = static_cast<std::int64_t>(year_of_era) + era * 400 + (*month <= 2 ? 1 : 0);
}

void append_number(std::string& out, const LogField& field) {
  char digits[64];
  std::to_chars_result written{digits, std::errc()};
  switch (field.kind()) {
    case LogField::Kind::kSigned:
      written = std::to_chars(digits, digits + sizeof digits, field.signed_value());
      break;
    case LogField::Kind::kUnsigned:
      written = std::to_chars(digits, digits + sizeof digits, field.unsigned_value());
      break;
    case LogField::Kind::kMillis: {
      const double value = field.millis_value();
      // NaN and infinities are not JSON numbers; a clock that went backwards is 0.
      const double finite = value == value && value < 1e15 && value > 0 ? value : 0.0;
      written = std::to_chars(digits, digits + sizeof digits, finite, std::chars_format::fixed, 3);
      break;
    }
    case LogField::Kind::kBool:
    case LogField::Kind::kString:
      break;
  }
  out.append(digits, static_cast<std::size_t>(written.ptr - digits));
}

void append_field(std::string& out, const LogField& field) {
  out += ',';
  append_json_string(out, field.key());
  out += ':';
  switch (field.kind()) {
    case LogField::Kind::kString:
      append_json_string(out, field.text());
      return;
    case LogField::Kind::kBool:
      out += field.unsigned_value() != 0 ? "true" : "false";
      return;
    case LogField::Kind::kSigned:
    case LogField::Kind::kUnsigned:
    case LogField::Kind::kMillis:
      append_number(out, field);
      return;
  }
}

}  // namespace

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

bool parse_level(std::string_view name, LogLevel* out) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == level_name(level)) {
      *out = level;
      return true;
    }
  }
  return false;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0x0Fu];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      append_replacement(out);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  out += '"';
}

std::string format_utc_millis(std::int64_t unix_ms) {
  std::int64_t days = unix_ms / 86400000;
  std::int64_t in_day = unix_ms % 86400000;
  if (in_day < 0) {
    in_day += 86400000;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, &year, &month, &day);
  const auto ms = static_cast<unsigned>(in_day % 1000);
  const auto seconds = static_cast<unsigned>((in_day / 1000) % 60);
  const auto minutes = static_cast<unsigned>((in_day / 60000) % 60);
  const auto hours = static_cast<unsigned>(in_day / 3600000);
  char text[48];
  const int n = std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                              static_cast<long long>(year), month, day, hours, minutes, seconds, ms);
  return std::string(text, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string format_log_line(std::int64_t unix_ms, LogLevel level, std::string_view msg,
                            const LogField* fields, std::size_t count) {
  std::string line;
  line.reserve(96 + 32 * count);
  line += "{\"time\":\"";
  line += format_utc_millis(unix_ms);
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":";
  append_json_string(line, msg);
  for (std::size_t i = 0; i < count; ++i) append_field(line, fields[i]);
  line += "}\n";
  return line;
}

}  // namespace omni::collector::logging
