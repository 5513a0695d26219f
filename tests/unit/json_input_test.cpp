#include <catch2/catch.hpp>

#include <string>

#include "omni/json_input.hpp"

TEST_CASE("valid JSON within the depth limit parses", "[json]") {
  auto parsed = omni::parse_json_input(R"({"batch":[{"properties":{"a":[1,2,{"b":null}]}}]})");
  REQUIRE(parsed.ok());
  CHECK(parsed.value()["batch"][0]["properties"]["a"][2]["b"].is_null());
}

TEST_CASE("input nested deeper than the limit is refused before it is parsed", "[json]") {
  const std::string deep(100000, '[');  // would overflow the stack when destroyed
  auto parsed = omni::parse_json_input(deep);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == omni::ErrorCode::kInvalidJson);
  CHECK(parsed.status().message().find("deeper than 64") != std::string::npos);
}

TEST_CASE("the depth limit counts arrays and objects alike and is inclusive", "[json]") {
  CHECK(omni::json_depth_within("[{[]}]", 3));
  CHECK_FALSE(omni::json_depth_within("[{[]}]", 2));
  CHECK(omni::json_depth_within(std::string(64, '[') + std::string(64, ']'), 64));
  CHECK_FALSE(omni::json_depth_within(std::string(65, '[') + std::string(65, ']'), 64));
}

TEST_CASE("brackets inside strings, escaped quotes included, do not count", "[json]") {
  CHECK(omni::json_depth_within(R"({"a":"[[[[[[","b":"\"[[[[[["})", 1));
  CHECK_FALSE(omni::json_depth_within(R"({"a":"\\",[[]]})", 2));  // the string ends after \\.
}

TEST_CASE("text that is not JSON is invalid_json", "[json]") {
  auto parsed = omni::parse_json_input("{\"a\":");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == omni::ErrorCode::kInvalidJson);
  CHECK(parsed.status().message() == "not valid JSON");
}
