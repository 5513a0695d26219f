#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "omni/status.hpp"

TEST_CASE("a default status is ok and prints as ok", "[status]") {
  omni::Status s;
  CHECK(s.ok());
  CHECK(s.code() == omni::ErrorCode::kOk);
  CHECK(s.to_string() == "ok");
}

TEST_CASE("a failed status keeps its code and message", "[status]") {
  auto s = omni::Status::InvalidEvent("track needs `event`");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == omni::ErrorCode::kInvalidEvent);
  CHECK(std::string(s.code_name()) == "invalid_event");
  CHECK(s.to_string() == "invalid_event: track needs `event`");
}

TEST_CASE("every error code has a distinct snake_case name", "[status]") {
  std::set<std::string> names;
  for (auto code : omni::kAllErrorCodes) {
    std::string name = omni::error_code_name(code);
    CHECK(name != "unknown");
    for (char c : name) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
    names.insert(name);
  }
  CHECK(names.size() == std::size(omni::kAllErrorCodes));
}

TEST_CASE("a result holds either a value or the status that explains its absence", "[status]") {
  omni::Result<int> good = 42;
  REQUIRE(good.ok());
  CHECK(good.value() == 42);

  omni::Result<int> bad = omni::Status::NotFound("no batch 7");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == omni::ErrorCode::kNotFound);
}
