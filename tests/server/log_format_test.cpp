#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <string>

#include <nlohmann/json.hpp>

#include "logging/log_format.hpp"

using namespace omni::collector::logging;
using nlohmann::json;

namespace {

json parsed(const std::string& line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  REQUIRE(line.find('\n') == line.size() - 1);
  return json::parse(line, nullptr, false);
}

}  // namespace

TEST_CASE("a line is one JSON object with time, level and msg first", "[log]") {
  const std::string line = format_log_line(1777636800123, LogLevel::kWarn, "started",
                                           {{"threads", 2u}, {"store", "/srv/omni.db"}});
  CHECK(line.rfind(R"({"time":"2026-05-01T12:00:00.123Z","level":"warn","msg":"started",)", 0) == 0);
  const json object = parsed(line);
  REQUIRE(object.is_object());
  CHECK(object["threads"] == 2);
  CHECK(object["store"] == "/srv/omni.db");
  CHECK(object.size() == 5);
}

TEST_CASE("every field kind is written as its JSON type", "[log]") {
  const json object =
      parsed(format_log_line(0, LogLevel::kInfo, "m",
                             {{"negative", -42}, {"big", std::uint64_t{18446744073709551615u}},
                              {"yes", true}, {"no", false}, LogField::millis("durationMs", 1.23456)}));
  REQUIRE(object.is_object());
  CHECK(object["negative"] == -42);
  CHECK(object["big"] == std::uint64_t{18446744073709551615u});
  CHECK(object["yes"] == true);
  CHECK(object["no"] == false);
  CHECK(format_log_line(0, LogLevel::kInfo, "m", {LogField::millis("d", 1.23456)})
            .find(R"("d":1.235})") != std::string::npos);
}

TEST_CASE("durations that are not finite positive numbers are written as 0", "[log]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double value : {nan, inf, -inf, -3.0}) {
    const json object = parsed(format_log_line(0, LogLevel::kInfo, "m", {LogField::millis("d", value)}));
    REQUIRE(object.is_object());
    CHECK(object["d"] == 0.0);
  }
}

TEST_CASE("quotes, backslashes and control characters are escaped", "[log]") {
  const std::string nasty = std::string("a\"b\\c\nd\re\tf") + '\x01' + '\x7f' + "\"}\n{\"level\":\"x";
  const std::string line = format_log_line(0, LogLevel::kError, nasty, {{"k\"ey", nasty}});
  const json object = parsed(line);
  REQUIRE(object.is_object());
  CHECK(object["msg"] == nasty);
  CHECK(object["k\"ey"] == nasty);
  CHECK(object["level"] == "error");
  CHECK(line.find("\\u0001") != std::string::npos);
  CHECK(line.find("\\u007f") != std::string::npos);
}

TEST_CASE("valid UTF-8 is kept and invalid bytes become U+FFFD", "[log]") {
  const json kept = parsed(format_log_line(0, LogLevel::kInfo, "caf\xC3\xA9 \xF0\x9F\x9B\x92"));
  REQUIRE(kept.is_object());
  CHECK(kept["msg"] == "caf\xC3\xA9 \xF0\x9F\x9B\x92");
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const json replaced =
      parsed(format_log_line(0, LogLevel::kInfo, "a\x80 b\xC3 c\xC0\xAF d\xED\xA0\x80"));
  REQUIRE(replaced.is_object());
  const std::string r = "\xEF\xBF\xBD";
  CHECK(replaced["msg"] == "a" + r + " b" + r + " c" + r + r + " d" + r + r + r);
}

TEST_CASE("any text makes a line that parses back to the same text", "[log]") {
  rc::prop("msg and field values round-trip (valid UTF-8) or parse (any bytes)",
           [](const std::string& text) {
             const std::string line =
                 format_log_line(1, LogLevel::kInfo, text, {{"value", text}});
             RC_ASSERT(line.back() == '\n');
             RC_ASSERT(line.find('\n') == line.size() - 1);
             const json object = json::parse(line, nullptr, false);
             RC_ASSERT(object.is_object());
             RC_ASSERT(object["msg"] == object["value"]);
           });
}

TEST_CASE("times are UTC with milliseconds, before and after the epoch", "[log]") {
  CHECK(format_utc_millis(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_utc_millis(951782400000) == "2000-02-29T00:00:00.000Z");
  CHECK(format_utc_millis(1777636800123) == "2026-05-01T12:00:00.123Z");
  CHECK(format_utc_millis(4102444799999) == "2099-12-31T23:59:59.999Z");
  CHECK(format_utc_millis(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("level names parse back and nothing else does", "[log]") {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    LogLevel read = LogLevel::kError;
    CHECK(parse_level(level_name(level), &read));
    CHECK(read == level);
  }
  LogLevel unchanged = LogLevel::kWarn;
  CHECK_FALSE(parse_level("INFO", &unchanged));
  CHECK_FALSE(parse_level("warning", &unchanged));
  CHECK_FALSE(parse_level("", &unchanged));
  CHECK(unchanged == LogLevel::kWarn);
}
