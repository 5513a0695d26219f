#include <catch2/catch.hpp>

#include <string>

#include "http/cors.hpp"

using omni::collector::http::canonicalize_origin;
using omni::collector::http::OriginPolicy;

namespace {

std::string canonical(const std::string& text) {
  std::string out;
  std::string error;
  REQUIRE(canonicalize_origin(text, &out, &error));
  return out;
}

bool refused(const std::string& text) {
  std::string out;
  std::string error;
  const bool ok = canonicalize_origin(text, &out, &error);
  if (!ok) CHECK_FALSE(error.empty());
  return !ok;
}

}  // namespace

TEST_CASE("origins are lower-cased and lose their scheme's default port", "[cors]") {
  CHECK(canonical("https://shop.example") == "https://shop.example");
  CHECK(canonical("HTTPS://Shop.Example:443") == "https://shop.example");
  CHECK(canonical("http://shop.example:80") == "http://shop.example");
  CHECK(canonical("http://shop.example:443") == "http://shop.example:443");
  CHECK(canonical("https://shop.example:8443") == "https://shop.example:8443");
  CHECK(canonical("http://localhost:08080") == "http://localhost:8080");
  CHECK(canonical("http://[::1]:3000") == "http://[::1]:3000");
  CHECK(canonical("capacitor://localhost") == "capacitor://localhost");
}

TEST_CASE("anything but scheme://host[:port] is not an origin", "[cors]") {
  CHECK(refused("shop.example"));
  CHECK(refused("https://shop.example/"));
  CHECK(refused("https://shop.example/path"));
  CHECK(refused("https://shop.example?x=1"));
  CHECK(refused("https://shop.example#top"));
  CHECK(refused("https://user@shop.example"));
  CHECK(refused("https://"));
  CHECK(refused("https://shop.example:"));
  CHECK(refused("https://shop.example:0"));
  CHECK(refused("https://shop.example:65536"));
  CHECK(refused("https://shop.example:12a"));
  CHECK(refused("1http://shop.example"));
  CHECK(refused("https://shop example"));
  CHECK(refused("http://[::1"));
  CHECK(refused("null"));
  CHECK(refused(""));
}

TEST_CASE("a policy admits exactly its origins, compared canonically", "[cors]") {
  OriginPolicy policy({"https://shop.example", "http://localhost:3000"});
  CHECK(policy.allows("https://shop.example"));
  CHECK(policy.allows("https://SHOP.example:443"));
  CHECK(policy.allows("http://localhost:3000"));
  CHECK_FALSE(policy.allows("http://shop.example"));
  CHECK_FALSE(policy.allows("https://evil.example"));
  CHECK_FALSE(policy.allows("https://shop.example.evil.example"));
  CHECK_FALSE(policy.allows("http://localhost:3001"));
  CHECK_FALSE(policy.allows("null"));
  CHECK_FALSE(policy.allows("not an origin"));
}

TEST_CASE("a wildcard policy admits every origin, even null", "[cors]") {
  OriginPolicy policy({"*"});
  CHECK(policy.allows("https://anything.example"));
  CHECK(policy.allows("null"));
}

TEST_CASE("an empty policy admits no browser origin", "[cors]") {
  OriginPolicy policy;
  CHECK_FALSE(policy.allows("https://shop.example"));
}
