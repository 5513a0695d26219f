#include <catch2/catch.hpp>

#include <string>

#include "http/auth.hpp"

using namespace omni::collector::http;

TEST_CASE("constant_time_equal is plain equality", "[auth]") {
  CHECK(constant_time_equal("", ""));
  CHECK(constant_time_equal("write-key-1", "write-key-1"));
  CHECK_FALSE(constant_time_equal("write-key-1", "write-key-2"));
  CHECK_FALSE(constant_time_equal("write-key", "write-key-1"));
  CHECK_FALSE(constant_time_equal("write-key-1", "write-key"));
  CHECK_FALSE(constant_time_equal("", "x"));
  // A shorter guess padded with the bytes read as zero must not match.
  CHECK_FALSE(constant_time_equal(std::string("ab\0", 3), "ab"));
}

TEST_CASE("base64 decodes padded and unpadded text and refuses garbage", "[auth]") {
  std::string out;
  REQUIRE(decode_base64("d2tfMTIzOg==", &out));
  CHECK(out == "wk_123:");
  REQUIRE(decode_base64("d2tfMTIzOg", &out));
  CHECK(out == "wk_123:");
  REQUIRE(decode_base64("YWJj", &out));
  CHECK(out == "abc");
  REQUIRE(decode_base64("", &out));
  CHECK(out.empty());
  CHECK_FALSE(decode_base64("d2tf*TIz", &out));
  CHECK_FALSE(decode_base64("YWJjZ", &out));
  CHECK_FALSE(decode_base64("YQ=x", &out));
  CHECK_FALSE(decode_base64("YWJj=", &out));
}

TEST_CASE("the write key is the Basic auth user and the password is ignored", "[auth]") {
  std::string user;
  REQUIRE(parse_basic_auth("Basic d2tfMTIzOg==", &user) == BasicAuth::kPresent);  // wk_123:
  CHECK(user == "wk_123");
  REQUIRE(parse_basic_auth("basic   d2tfMTIzOnNlY3JldA==  ", &user) == BasicAuth::kPresent);
  CHECK(user == "wk_123");  // wk_123:secret
}

TEST_CASE("Basic credentials that cannot be read are malformed", "[auth]") {
  std::string user;
  CHECK(parse_basic_auth("Basic !!!", &user) == BasicAuth::kMalformed);
  CHECK(parse_basic_auth("Basic d2tfMTIz", &user) == BasicAuth::kMalformed);  // no colon
  CHECK(parse_basic_auth("Basic ", &user) == BasicAuth::kMalformed);
}

TEST_CASE("no header, another scheme or an empty user is no write key", "[auth]") {
  std::string user;
  CHECK(parse_basic_auth("", &user) == BasicAuth::kAbsent);
  CHECK(parse_basic_auth("Bearer abc", &user) == BasicAuth::kAbsent);
  CHECK(parse_basic_auth("Basic", &user) == BasicAuth::kAbsent);
  CHECK(parse_basic_auth("Basicd2tf", &user) == BasicAuth::kAbsent);
  CHECK(parse_basic_auth("Basic OnBhc3M=", &user) == BasicAuth::kAbsent);  // ":pass"
}

TEST_CASE("a bearer token must match exactly", "[auth]") {
  const std::string token = "0123456789abcdef";
  CHECK(bearer_token_matches("Bearer 0123456789abcdef", token));
  CHECK(bearer_token_matches("bearer 0123456789abcdef", token));
  CHECK_FALSE(bearer_token_matches("Bearer 0123456789abcde", token));
  CHECK_FALSE(bearer_token_matches("Bearer 0123456789abcdefg", token));
  CHECK_FALSE(bearer_token_matches("Basic 0123456789abcdef", token));
  CHECK_FALSE(bearer_token_matches("0123456789abcdef", token));
  CHECK_FALSE(bearer_token_matches("", token));
  CHECK_FALSE(bearer_token_matches("Bearer ", ""));
}
