#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

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
  auto pos = registry.find_by_write_key("wk_pos");
  auto web = registry.find_by_write_key("wk_web");
  CHECK(pos->limiter().try_acquire(2, 0, &retry));
  CHECK_FALSE(pos->limiter().try_acquire(1, 0, &retry));
  CHECK(web->limiter().try_acquire(1000, 0, &retry));
}

TEST_CASE("every one of a source's write keys finds it", "[sources]") {
  std::vector<SourceConfig> sources = two_sources();
  sources[0].write_keys = {"wk_web_new", "wk_web"};
  sources[0].write_key = "wk_web_new";
  SourceRegistry registry(sources);
  REQUIRE(registry.find_by_write_key("wk_web_new") != nullptr);
  CHECK(registry.find_by_write_key("wk_web_new")->name == "web");
  REQUIRE(registry.find_by_write_key("wk_web") != nullptr);
  CHECK(registry.find_by_write_key("wk_web")->name == "web");
  CHECK(registry.find_by_write_key("wk_web_ne") == nullptr);
  CHECK(registry.snapshot()->key_count() == 3);
  CHECK(registry.snapshot()->names() == std::vector<std::string>{"web", "pos"});
}

TEST_CASE("a replaced registry answers with the new keys and origins", "[sources][reload]") {
  SourceRegistry registry(two_sources());
  std::vector<SourceConfig> next = two_sources();
  next[0].write_keys = {"wk_web_2"};
  next[0].write_key = "wk_web_2";
  next[0].allowed_origins = {"https://new.example"};
  registry.replace(next);
  CHECK(registry.find_by_write_key("wk_web") == nullptr);
  REQUIRE(registry.find_by_write_key("wk_web_2") != nullptr);
  CHECK(registry.find_by_write_key("wk_web_2")->name == "web");
  CHECK(registry.any_allows_origin("https://new.example"));
  CHECK_FALSE(registry.any_allows_origin("https://shop.example"));
}

TEST_CASE("a snapshot taken before a replace keeps the sources it had", "[sources][reload]") {
  SourceRegistry registry(two_sources());
  const auto before = registry.snapshot();
  const auto pos = registry.find_by_write_key("wk_pos");
  std::vector<SourceConfig> next = two_sources();
  next.pop_back();  // "pos" is removed
  registry.replace(next);

  CHECK(registry.find_by_write_key("wk_pos") == nullptr);
  CHECK(registry.size() == 1);
  REQUIRE(before->find_by_write_key("wk_pos") != nullptr);
  CHECK(before->size() == 2);
  // A request holding the removed source still has all of it.
  CHECK(pos->name == "pos");
  std::uint32_t retry = 0;
  CHECK(pos->limiter().try_acquire(1, 0, &retry));
}

TEST_CASE("a reload keeps the rate limit state of a source whose limit is unchanged",
          "[sources][reload]") {
  SourceRegistry registry(two_sources());
  std::uint32_t retry = 0;
  REQUIRE(registry.find_by_write_key("wk_pos")->limiter().try_acquire(2, 0, &retry));
  REQUIRE_FALSE(registry.find_by_write_key("wk_pos")->limiter().try_acquire(1, 0, &retry));

  std::vector<SourceConfig> next = two_sources();
  next[1].write_keys = {"wk_pos_2", "wk_pos"};  // keys and origins may change meanwhile
  next[1].allowed_origins = {"https://pos.example"};
  registry.replace(next);

  // The bucket is the same one: still empty, not refilled by the reload.
  CHECK_FALSE(registry.find_by_write_key("wk_pos_2")->limiter().try_acquire(1, 0, &retry));
  CHECK(registry.find_by_write_key("wk_pos_2")->limiter().try_acquire(1, 1000000, &retry));
}

TEST_CASE("a changed rate limit takes effect at the reload", "[sources][reload]") {
  SourceRegistry registry(two_sources());
  std::uint32_t retry = 0;
  REQUIRE(registry.find_by_write_key("wk_pos")->limiter().try_acquire(2, 0, &retry));

  std::vector<SourceConfig> next = two_sources();
  next[1].rate_limit.events_per_second = 100;
  next[1].rate_limit.burst = 10;
  registry.replace(next);

  const auto pos = registry.find_by_write_key("wk_pos");
  CHECK(pos->rate_limit.burst == 10);
  CHECK(pos->limiter().try_acquire(10, 0, &retry));
  CHECK_FALSE(pos->limiter().try_acquire(1, 0, &retry));
}

TEST_CASE("lookups during replaces always see a whole snapshot", "[sources][reload]") {
  SourceRegistry registry(two_sources());
  std::vector<SourceConfig> rotated = two_sources();
  rotated[0].write_keys = {"wk_web_2"};
  std::atomic<bool> done{false};
  std::thread reloader([&] {
    for (int i = 0; i < 200; ++i) registry.replace(i % 2 == 0 ? rotated : two_sources());
    done = true;
  });
  std::size_t inconsistent = 0;
  while (!done) {
    const auto snapshot = registry.snapshot();
    // Exactly one of the two web keys belongs to any one snapshot.
    const bool old_key = snapshot->find_by_write_key("wk_web") != nullptr;
    const bool new_key = snapshot->find_by_write_key("wk_web_2") != nullptr;
    if (old_key == new_key) ++inconsistent;
  }
  reloader.join();
  CHECK(inconsistent == 0);
}
