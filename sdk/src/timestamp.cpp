// Civil-date arithmetic done by hand: <ctime> is locale- and timezone-dependent, and its wasm
// build pulls in code we do not want to ship.
//
// Days are counted in "March-based" years (a year runs from March 1 to the last day of February),
// so the leap day is always the last day of a year and month lengths before it never change.
// Year numbers are shifted by one 400-year cycle so every count stays non-negative for years
// 0000..9999 and plain integer division is floor division.
#include "omni/timestamp.hpp"

#include <cstddef>

namespace omni {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

constexpr std::int64_t kDaysPer400Years = 146097;
constexpr std::int64_t kDaysPer100Years = 36524;  // a century whose last year is not leap
constexpr std::int64_t kDaysPer4Years = 1461;
constexpr std::int64_t kYearShift = 400;

// Days before the first of each month, counted from March 1 (index 0 = March, 11 = February).
constexpr int kDaysBeforeMonthFromMarch[12] = {0, 31, 61, 92, 122, 153, 184, 214, 245, 275, 306, 337};

constexpr bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int days_in_month(int year, int month) {
  constexpr int kLengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kLengths[month - 1];
}

// Days from March 1 of shifted year 0 (that is, -0400-03-01) to the given civil date.
// Valid for years >= -399; callers stay within 0000..9999.
constexpr std::int64_t days_since_origin(int year, int month, int day) {
  const std::int64_t march_year = year + kYearShift - (month <= 2 ? 1 : 0);
  const int month_from_march = month <= 2 ? month + 9 : month - 3;
  // A March-based year k ends with the February of civil year k + 1; it is leap when that year
  // is, so the leap days before march_year are the leap civil years in [1, march_year].
  const std::int64_t leap_days = march_year / 4 - march_year / 100 + march_year / 400;
  return march_year * 365 + leap_days + kDaysBeforeMonthFromMarch[month_from_march] + (day - 1);
}

constexpr std::int64_t kEpochDays = days_since_origin(1970, 1, 1);

// The range format_iso8601 can write with a four-digit year.
constexpr std::int64_t kMinFormattableMs = (days_since_origin(0, 1, 1) - kEpochDays) * kMsPerDay;
constexpr std::int64_t kMaxFormattableMs =
    (days_since_origin(10000, 1, 1) - kEpochDays) * kMsPerDay - 1;

struct CivilDate {
  int year;
  int month;
  int day;
};

// Inverse of days_since_origin, for day counts within years 0000..9999.
CivilDate civil_from_days_since_origin(std::int64_t days) {
  const std::int64_t cycles = days / kDaysPer400Years;
  std::int64_t rest = days % kDaysPer400Years;
  // The fourth century of a cycle is one day longer (its last year is leap): cap at 3 so its
  // extra day stays in it instead of starting a fifth century.
  std::int64_t centuries = rest / kDaysPer100Years;
  if (centuries > 3) centuries = 3;
  rest -= centuries * kDaysPer100Years;
  const std::int64_t quads = rest / kDaysPer4Years;
  rest -= quads * kDaysPer4Years;
  // Likewise the fourth year of a four-year group is the long one.
  std::int64_t years = rest / 365;
  if (years > 3) years = 3;
  rest -= years * 365;

  const std::int64_t march_year = cycles * 400 + centuries * 100 + quads * 4 + years;
  int month_from_march = 11;
  while (kDaysBeforeMonthFromMarch[month_from_march] > rest) --month_from_march;

  CivilDate date{};
  date.day = static_cast<int>(rest - kDaysBeforeMonthFromMarch[month_from_march]) + 1;
  date.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  date.year = static_cast<int>(march_year - kYearShift + (month_from_march >= 10 ? 1 : 0));
  return date;
}

// Writes `value` as exactly `width` decimal digits (value must fit).
char* write_digits(char* out, std::int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// A cursor over the text being parsed; every read fails rather than run past the end.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  /// Exactly `count` ASCII digits (no sign, no spaces).
  bool digits(int count, int* value) {
    int v = 0;
    for (int i = 0; i < count; ++i) {
      const char c = peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++pos_;
    }
    *value = v;
    return true;
  }

  /// One or more digits read as a fraction of a second, truncated to milliseconds.
  bool fraction_ms(int* ms) {
    int kept = 0;
    int scale = 100;
    std::size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') {
      kept += (peek() - '0') * scale;
      scale /= 10;
      ++pos_;
    }
    *ms = kept;
    return pos_ > start;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// "Z" / "z", or "+HH:MM", "-HH:MM", "+HHMM", "-HHMM": the offset of local time from UTC in ms.
bool parse_offset(Scanner& in, std::int64_t* offset_ms) {
  if (in.consume('Z') || in.consume('z')) {
    *offset_ms = 0;
    return true;
  }
  int sign = 0;
  if (in.consume('+')) {
    sign = 1;
  } else if (in.consume('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!in.digits(2, &hours)) return false;
  in.consume(':');  // optional: "+0530" and "+05:30" are both accepted
  if (!in.digits(2, &minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  *offset_ms = sign * (hours * kMsPerHour + minutes * kMsPerMinute);
  return true;
}

}  // namespace

std::string format_iso8601(std::int64_t unix_ms) {
  if (unix_ms < kMinFormattableMs) unix_ms = kMinFormattableMs;
  if (unix_ms > kMaxFormattableMs) unix_ms = kMaxFormattableMs;

  // Floor division, so times before 1970 land on the right day.
  std::int64_t days = unix_ms / kMsPerDay;
  std::int64_t ms_of_day = unix_ms % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  const CivilDate date = civil_from_days_since_origin(days + kEpochDays);

  char buf[24];
  char* p = buf;
  p = write_digits(p, date.year, 4);
  *p++ = '-';
  p = write_digits(p, date.month, 2);
  *p++ = '-';
  p = write_digits(p, date.day, 2);
  *p++ = 'T';
  p = write_digits(p, ms_of_day / kMsPerHour, 2);
  *p++ = ':';
  p = write_digits(p, ms_of_day / kMsPerMinute % 60, 2);
  *p++ = ':';
  p = write_digits(p, ms_of_day / kMsPerSecond % 60, 2);
  *p++ = '.';
  p = write_digits(p, ms_of_day % kMsPerSecond, 3);
  *p++ = 'Z';
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

bool parse_iso8601(std::string_view text, std::int64_t* unix_ms) {
  Scanner in(text);
  int year = 0;
  int month = 0;
  int day = 0;
  if (!in.digits(4, &year) || !in.consume('-') || !in.digits(2, &month) || !in.consume('-') ||
      !in.digits(2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  const std::int64_t day_start_ms = (days_since_origin(year, month, day) - kEpochDays) * kMsPerDay;

  if (in.at_end()) {  // a date alone is midnight UTC
    *unix_ms = day_start_ms;
    return true;
  }

  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!(in.consume('T') || in.consume('t'))) return false;
  if (!in.digits(2, &hour) || !in.consume(':') || !in.digits(2, &minute) || !in.consume(':') ||
      !in.digits(2, &second)) {
    return false;
  }
  // No hour 24 and no leap second 60: neither maps to a distinct instant in Unix time.
  if (hour > 23 || minute > 59 || second > 59) return false;

  int millis = 0;
  if (in.consume('.') && !in.fraction_ms(&millis)) return false;

  std::int64_t offset_ms = 0;
  if (!parse_offset(in, &offset_ms) || !in.at_end()) return false;

  *unix_ms = day_start_ms + hour * kMsPerHour + minute * kMsPerMinute + second * kMsPerSecond +
             millis - offset_ms;
  return true;
}

}  // namespace omni
