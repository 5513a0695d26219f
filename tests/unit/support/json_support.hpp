// Test helpers for omni::json: values print as their JSON text in Catch2 messages, and JSON
// literals in tests parse or fail the test.
#pragma once

#include <ostream>
#include <string_view>

#include <catch2/catch.hpp>

#include "omni/json.hpp"

namespace omni::json {

inline std::ostream& operator<<(std::ostream& out, const Value& value) {
  return out << value.dump();
}

}  // namespace omni::json

namespace omni::testing {

/// The value of a JSON literal written in a test; fails the test when it does not parse.
inline json::Value json_of(std::string_view text) {
  auto parsed = json::parse(text);
  INFO(parsed.status().to_string());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

}  // namespace omni::testing
