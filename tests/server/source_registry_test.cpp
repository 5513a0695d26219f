#include <catch2/catch.hpp>

#include "ingest/source_registry.hpp"

using omni::collector::SourceConfig;
using omni::collector::ingest::SourceRegistry;

namespace {

std::vector<SourceConfig> two_sources() {
  SourceConfig web;
  web.name = "web";
  web.write_key = "wk_web";
  web.allowed_origins = {"https://shop.example"};
  SourceConfig pos;
  pos.name = "pos";
  pos.write_key = "wk_pos";
  pos.rate_limit.events_per_second = 1;
  pos.rate_limit.burst = 2;
  return {web, pos};
}

}  // namespace

TEST_CASE("a source is found by its write key only", "[sources]") {
  SourceRegistry registry(two_sources());
  REQUIRE(registry.size() == 2);
  REQUIRE(registry.find_by_write_key("wk_web") != nullptr);
  CHECK(registry.find_by_write_key("wk_web")->name == "web");
  CHECK(registry.find_by_write_key("wk_pos")->name == "pos");
  CHECK(registry.find_by_write_key("wk_po") == nullptr);
  CHECK(registry.find_by_write_key("wk_poss") == nullptr);
  CHECK(registry.find_by_write_key("") == nullptr);
  CHECK(registry.find_by_write_key("web") == nullptr);
}

TEST_CASE("an origin is admitted for preflights when any source admits it", "[sources]") {
  SourceRegistry registry(two_sources());
  CHECK(registry.any_allows_origin("https://shop.example"));
  CHECK_FALSE(registry.any_allows_origin("https://evil.example"));
  CHECK(registry.find_by_write_key("wk_web")->origins.allows("https://shop.example"));
  CHECK_FALSE(registry.find_by_write_key("wk_pos")->origins.allows("https://shop.example"));
}

TEST_CASE("each source has its own rate limit", "[sources]") {
  SourceRegistry registry(two_sources());
  std::uint32_t retry = 0;
  auto* pos = registry.find_by_write_key("wk_pos");
  auto* web = registry.find_by_write_key("wk_web");
  CHECK(pos->limiter.try_acquire(2, 0, &retry));
  CHECK_FALSE(pos->limiter.try_acquire(1, 0, &retry));
  CHECK(web->limiter.try_acquire(1000, 0, &retry));
}
