#include <catch2/catch.hpp>

#include "ingest/content_type.hpp"

using omni::collector::ingest::accepts_content_type;

TEST_CASE("JSON and beacon text bodies are accepted with any charset", "[content_type]") {
  CHECK(accepts_content_type(""));
  CHECK(accepts_content_type("application/json"));
  CHECK(accepts_content_type("application/json; charset=utf-8"));
  CHECK(accepts_content_type("Application/JSON;charset=UTF-8"));
  CHECK(accepts_content_type("text/plain;charset=UTF-8"));
  CHECK(accepts_content_type("  text/plain  "));
  CHECK(accepts_content_type("text/plain; charset=iso-8859-1"));
}

TEST_CASE("other media types are refused", "[content_type]") {
  CHECK_FALSE(accepts_content_type("application/x-www-form-urlencoded"));
  CHECK_FALSE(accepts_content_type("multipart/form-data; boundary=x"));
  CHECK_FALSE(accepts_content_type("application/jsonx"));
  CHECK_FALSE(accepts_content_type("text/html"));
  CHECK_FALSE(accepts_content_type("; charset=utf-8"));
}
