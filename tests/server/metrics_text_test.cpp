#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include "metrics/metrics_text.hpp"

using namespace omni::collector::metrics;

namespace {

std::string number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

std::vector<Sample> parse_ok(const std::string& text) {
  std::vector<Sample> samples;
  std::string error;
  INFO(text);
  REQUIRE(parse_exposition(text, &samples, &error));
  return samples;
}

}  // namespace

TEST_CASE("metric and label names follow the Prometheus grammar", "[metrics]") {
  CHECK(is_valid_metric_name("omni_http_requests_total"));
  CHECK(is_valid_metric_name("ns:rule_name"));
  CHECK(is_valid_metric_name("_private"));
  CHECK_FALSE(is_valid_metric_name(""));
  CHECK_FALSE(is_valid_metric_name("9lives"));
  CHECK_FALSE(is_valid_metric_name("omni-requests"));
  CHECK_FALSE(is_valid_metric_name("omni requests"));

  CHECK(is_valid_label_name("route"));
  CHECK(is_valid_label_name("_x1"));
  CHECK_FALSE(is_valid_label_name(""));
  CHECK_FALSE(is_valid_label_name("__name__"));
  CHECK_FALSE(is_valid_label_name("a:b"));
  CHECK_FALSE(is_valid_label_name("1st"));
}

TEST_CASE("label values escape backslash, quote and line feed only", "[metrics]") {
  std::string out;
  append_escaped_label_value(out, "a\\b\"c\nd\te");
  CHECK(out == "a\\\\b\\\"c\\nd\te");
}

TEST_CASE("HELP text escapes backslash and line feed but keeps quotes", "[metrics]") {
  std::string out;
  append_escaped_help(out, "say \"hi\"\\\nbye");
  CHECK(out == "say \"hi\"\\\\\\nbye");
}

TEST_CASE("numbers render in their shortest exact form", "[metrics]") {
  CHECK(number(0) == "0");
  CHECK(number(3) == "3");
  CHECK(number(0.1) == "0.1");
  CHECK(number(0.0005) == "0.0005");
  CHECK(number(2.5) == "2.5");
  CHECK(number(-1.5) == "-1.5");
  CHECK(number(0.000001) == "0.000001");
  CHECK(number(1e-7) == "1e-07");
  CHECK(number(123456789012345.0) == "123456789012345");
  CHECK(number(1e300) == "1e+300");
  CHECK(number(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(number(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  std::string out;
  append_number(out, std::uint64_t{18446744073709551615u});
  append_number(out, std::int64_t{-42});
  CHECK(out == "18446744073709551615-42");
}

TEST_CASE("format_labels writes name=\"value\" pairs separated by commas", "[metrics]") {
  CHECK(format_labels({}, {}) == "");
  CHECK(format_labels({"route", "status"}, {"batch", "200"}) == "route=\"batch\",status=\"200\"");
  CHECK(format_labels({"source"}, {"we\"b"}) == "source=\"we\\\"b\"");
}

TEST_CASE("the reader parses samples, skips comments and unescapes labels", "[metrics]") {
  const auto samples = parse_ok(
      "# HELP a_total Things.\n"
      "# TYPE a_total counter\n"
      "a_total{route=\"batch\",status=\"200\"} 3\n"
      "\n"
      "b 1.5 1700000000000\n"
      "c_bucket{x=\"q\\\"\\\\\\n\",le=\"+Inf\"} +Inf\r\n");
  REQUIRE(samples.size() == 3);
  CHECK(samples[0].name == "a_total");
  CHECK(samples[0].label("route") == "batch");
  CHECK(samples[0].label("status") == "200");
  CHECK(samples[0].label("missing") == "");
  CHECK(samples[0].value == 3);
  CHECK(samples[1].name == "b");
  CHECK(samples[1].labels.empty());
  CHECK(samples[1].value == 1.5);
  CHECK(samples[2].label("x") == "q\"\\\n");
  CHECK(samples[2].label("le") == "+Inf");
  CHECK(std::isinf(samples[2].value));
}

TEST_CASE("the reader names the first malformed line", "[metrics]") {
  const std::vector<std::string> bad = {
      "x{a=\"1\"\n",          // no value
      "x{a=1} 2\n",           // unquoted label value
      "x{a=\"1} 2\n",         // unterminated value
      "x 1\n9x 2\n",          // bad name on line 2
      "x one\n",              // not a number
      "x{a=\"\\t\"} 1\n",     // unknown escape
      "x 1 later\n",          // not a timestamp
  };
  for (const std::string& text : bad) {
    INFO(text);
    std::vector<Sample> samples;
    std::string error;
    CHECK_FALSE(parse_exposition(text, &samples, &error));
    CHECK(error.rfind("line ", 0) == 0);
  }
  std::vector<Sample> samples;
  std::string error;
  REQUIRE_FALSE(parse_exposition("x 1\n9x 2\n", &samples, &error));
  CHECK(error.rfind("line 2:", 0) == 0);
  CHECK(samples.size() == 1);
}

TEST_CASE("any label value and finite number survive render and read back", "[metrics]") {
  rc::prop("escaped labels and numbers read back exactly", [](const std::string& value, double x) {
    RC_PRE(std::isfinite(x));
    std::string line = "m{v=\"";
    append_escaped_label_value(line, value);
    line += "\"} ";
    append_number(line, x);
    line += "\n";
    std::vector<Sample> samples;
    std::string error;
    RC_ASSERT(parse_exposition(line, &samples, &error));
    RC_ASSERT(samples.size() == 1u);
    RC_ASSERT(samples[0].label("v") == value);
    RC_ASSERT(samples[0].value == x);
  });
}
