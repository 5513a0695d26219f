#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <limits>
#include <string>

#include "omni/timestamp.hpp"

namespace {

// Expected values below were computed independently (Python's datetime), not by this code.
constexpr std::int64_t kYear0Ms = -62167219200000;      // 0000-01-01T00:00:00.000Z
constexpr std::int64_t kYear1600Ms = -11676096000000;   // 1600-01-01T00:00:00.000Z
constexpr std::int64_t kLast9999Ms = 253402300799999;   // 9999-12-31T23:59:59.999Z
constexpr std::int64_t kMsPerDay = 86400000;

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string two(int v) { return std::string(1, char('0' + v / 10)) + char('0' + v % 10); }

std::string four(int v) { return two(v / 100) + two(v % 100); }

}  // namespace

TEST_CASE("format writes UTC with milliseconds for known instants", "[timestamp]") {
  CHECK(omni::format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(omni::format_iso8601(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(omni::format_iso8601(951782400000) == "2000-02-29T00:00:00.000Z");
  CHECK(omni::format_iso8601(4107542400000) == "2100-03-01T00:00:00.000Z");
  CHECK(omni::format_iso8601(1795375362123) == "2026-11-22T19:22:42.123Z");
  CHECK(omni::format_iso8601(kLast9999Ms) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("format puts times before 1970 on the right day", "[timestamp]") {
  CHECK(omni::format_iso8601(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(omni::format_iso8601(-kMsPerDay) == "1969-12-31T00:00:00.000Z");
  CHECK(omni::format_iso8601(-11670955200000) == "1600-02-29T12:00:00.000Z");
  CHECK(omni::format_iso8601(kYear0Ms) == "0000-01-01T00:00:00.000Z");
}

TEST_CASE("format clamps times outside years 0000..9999 so the text always parses", "[timestamp]") {
  CHECK(omni::format_iso8601(kLast9999Ms + 1) == "9999-12-31T23:59:59.999Z");
  CHECK(omni::format_iso8601(std::numeric_limits<std::int64_t>::max()) ==
        "9999-12-31T23:59:59.999Z");
  CHECK(omni::format_iso8601(kYear0Ms - 1) == "0000-01-01T00:00:00.000Z");
  CHECK(omni::format_iso8601(std::numeric_limits<std::int64_t>::min()) ==
        "0000-01-01T00:00:00.000Z");
}

TEST_CASE("parse accepts the documented forms and applies offsets", "[timestamp]") {
  struct Case {
    const char* text;
    std::int64_t ms;
  };
  const Case cases[] = {
      {"2023-11-14T22:13:20.123Z", 1700000000123},
      {"2023-11-14T22:13:20Z", 1700000000000},
      {"2023-11-14t22:13:20.123z", 1700000000123},   // RFC 3339 allows lower case
      {"2016-12-31T23:59:59.5Z", 1483228799500},     // one fraction digit is tenths
      {"2016-12-31T23:59:59.50Z", 1483228799500},
      {"2023-11-14T22:13:20.1239999Z", 1700000000123},  // extra digits are truncated
      {"2023-11-14T22:13:20.000000001Z", 1700000000000},
      {"2024-03-10T01:30:00+05:30", 1710014400000},
      {"2024-03-10T01:30:00+0530", 1710014400000},
      {"2024-03-10T01:30:00-08:00", 1710063000000},
      {"2024-03-10T01:30:00-0800", 1710063000000},
      {"2020-01-01T00:30:00+01:00", 1577835000000},  // offset crosses back into 2019
      {"2020-01-01T00:30:00-00:00", 1577838600000},
      {"2024-02-29", 1709164800000},                 // a date alone is midnight UTC
      {"2000-02-29T00:00:00.000Z", 951782400000},
      {"1600-02-29T12:00:00Z", -11670955200000},
      {"1969-12-31T23:59:59.999Z", -1},
      {"0000-01-01T00:00:00Z", kYear0Ms},
      {"9999-12-31T23:59:59.999Z", kLast9999Ms},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::int64_t ms = 0;
    REQUIRE(omni::parse_iso8601(c.text, &ms));
    CHECK(ms == c.ms);
  }
}

TEST_CASE("parse rejects malformed text and out-of-range fields", "[timestamp]") {
  const char* rejected[] = {
      "",
      "2024",
      "2024-01",
      "2024-1-01",
      "24-01-01",
      "2024/01/01",
      "-2024-01-01",
      "+2024-01-01",
      "2024-13-01",                    // month 13
      "2024-00-10",                    // month 0
      "2024-01-32",                    // day 32
      "2024-01-00",                    // day 0
      "2024-02-30",                    // Feb 30 even in a leap year
      "2023-02-29",                    // not a leap year
      "2100-02-29",                    // centuries are not leap years...
      "2024-04-31",
      "2024-01-01T24:00:00Z",          // hour 24
      "2024-01-01T23:60:00Z",          // minute 60
      "2024-01-01T23:59:60Z",          // leap second
      "2024-01-01T-1:00:00Z",          // negative field
      "2024-01-01T12:00:00",           // no offset: a local time is ambiguous
      "2024-01-01T12:00Z",             // no seconds
      "2024-01-01T1:00:00Z",
      "2024-01-01 12:00:00Z",          // space instead of T
      "2024-01-01T",
      "2024-01-01Z",
      "2024-01-01T12:00:00.Z",         // fraction without digits
      "2024-01-01T12:00:00,5Z",        // comma fraction
      "2024-01-01T12:00:00+24:00",     // offset hour 24
      "2024-01-01T12:00:00+05:60",     // offset minute 60
      "2024-01-01T12:00:00+5:30",
      "2024-01-01T12:00:00+05",
      "2024-01-01T12:00:00+05:3",
      "2024-01-01T12:00:00+05:300",
      "2024-01-01T12:00:00ZZ",
      "2024-01-01T12:00:00Z ",
      " 2024-01-01T12:00:00Z",
      "2024-01-01T12:00:00Zjunk",
      "２０２４-01-01",
  };
  for (const char* text : rejected) {
    INFO(text);
    std::int64_t ms = 42;
    CHECK_FALSE(omni::parse_iso8601(text, &ms));
    CHECK(ms == 42);  // untouched on failure
  }
  std::int64_t ms = 42;
  CHECK_FALSE(omni::parse_iso8601(std::string_view("2024-01-01\0", 11), &ms));
  CHECK_FALSE(omni::parse_iso8601("1900-02-29", &ms));  // ...unless divisible by 400
  CHECK(omni::parse_iso8601("2000-02-29", &ms));
}

TEST_CASE("every day from 1600 to 2400 matches a day-by-day count", "[timestamp]") {
  // An oracle that shares nothing with the implementation: walk the calendar one day at a time.
  std::int64_t day_ms = kYear1600Ms;
  const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int mismatches = 0;
  for (int year = 1600; year <= 2400; ++year) {
    for (int month = 1; month <= 12; ++month) {
      const int length = month == 2 && is_leap(year) ? 29 : month_days[month - 1];
      for (int day = 1; day <= length; ++day) {
        const std::string date = four(year) + "-" + two(month) + "-" + two(day);
        std::int64_t ms = 0;
        const bool ok = omni::parse_iso8601(date, &ms);
        if (!ok || ms != day_ms || omni::format_iso8601(day_ms + 1234) != date + "T00:00:01.234Z") {
          if (++mismatches <= 5) FAIL_CHECK(date);
        }
        day_ms += kMsPerDay;
      }
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("format then parse gives back the same milliseconds", "[timestamp]") {
  rc::prop("for any time in years 1970..9999", [] {
    const auto ms = *rc::gen::inRange<std::int64_t>(0, kLast9999Ms + 1);
    std::int64_t back = -1;
    RC_ASSERT(omni::parse_iso8601(omni::format_iso8601(ms), &back));
    RC_ASSERT(back == ms);
  });
  rc::prop("for any time in years 0000..1969", [] {
    const auto ms = *rc::gen::inRange<std::int64_t>(kYear0Ms, 0);
    std::int64_t back = 1;
    RC_ASSERT(omni::parse_iso8601(omni::format_iso8601(ms), &back));
    RC_ASSERT(back == ms);
  });
}

TEST_CASE("a local time with an offset parses to the same instant as its UTC form", "[timestamp]") {
  rc::prop("for any instant and any offset within a day", [] {
    const auto ms = *rc::gen::inRange<std::int64_t>(kMsPerDay, kLast9999Ms - kMsPerDay);
    const auto offset_minutes = *rc::gen::inRange<int>(-(23 * 60 + 59), 23 * 60 + 60);
    const bool colon = *rc::gen::arbitrary<bool>();
    // Local wall time = UTC + offset; write it with the offset instead of "Z".
    std::string text = omni::format_iso8601(ms + offset_minutes * std::int64_t{60000});
    text.pop_back();
    const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    text += offset_minutes < 0 ? '-' : '+';
    text += two(magnitude / 60);
    if (colon) text += ':';
    text += two(magnitude % 60);
    std::int64_t back = 0;
    RC_ASSERT(omni::parse_iso8601(text, &back));
    RC_ASSERT(back == ms);
  });
}
