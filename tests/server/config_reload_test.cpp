#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config.hpp"
#include "config_reload.hpp"

using namespace omni::collector;

namespace {

Config base_config() {
  Config config;
  config.listen = {"127.0.0.1", 8080};
  config.storage_path = "/srv/omni/omni.db";
  config.admin_token = "0123456789abcdef";
  SourceConfig web;
  web.name = "web";
  web.write_key = "wk_a";
  web.write_keys = {"wk_a"};
  config.sources = {web};
  return config;
}

}  // namespace

TEST_CASE("a reload that changes only sources and log needs no restart", "[config][reload]") {
  const Config running = base_config();
  Config next = base_config();
  next.sources[0].write_keys = {"wk_b", "wk_a"};
  next.sources[0].allowed_origins = {"https://shop.example"};
  next.sources[0].rate_limit.burst = 5;
  SourceConfig pos;
  pos.name = "pos";
  pos.write_keys = {"wk_pos"};
  next.sources.push_back(pos);
  next.log.level = LogLevel::kDebug;
  next.log.requests = false;

  CHECK(restart_only_changes(running, next).empty());
  const Config applied = apply_reloadable(running, next);
  REQUIRE(applied.sources.size() == 2);
  CHECK(applied.sources[0].write_keys == std::vector<std::string>{"wk_b", "wk_a"});
  CHECK(applied.sources[0].rate_limit.burst == 5);
  CHECK(applied.log.level == LogLevel::kDebug);
  CHECK_FALSE(applied.log.requests);
}

TEST_CASE("every restart-only key that changed is named and keeps its running value",
          "[config][reload]") {
  const Config running = base_config();
  Config next = base_config();
  next.listen.port = 9090;
  next.storage_path = "/srv/omni/other.db";
  next.admin_token = "fedcba9876543210";
  next.threads = 4;
  next.limits.max_connections = 5;
  next.limits.header_timeout_ms = 1;
  next.limits.body_timeout_ms = 2;
  next.limits.max_body_bytes = 3;
  next.static_dir = "/srv/site";
  next.static_spa_fallback = true;
  http::IpNetwork proxy;
  std::string error;
  REQUIRE(http::parse_ip_network("10.0.0.0/8", &proxy, &error));
  next.trusted_proxies = {proxy};

  CHECK(restart_only_changes(running, next) ==
        std::vector<std::string>{"listen", "storage.path", "adminToken", "threads",
                                 "limits.maxConnections", "limits.headerTimeoutMs",
                                 "limits.bodyTimeoutMs", "limits.maxBodyBytes", "staticDir",
                                 "staticSpaFallback", "trustedProxies"});
  const Config applied = apply_reloadable(running, next);
  CHECK(applied.listen.port == 8080);
  CHECK(applied.storage_path == "/srv/omni/omni.db");
  CHECK(applied.admin_token == "0123456789abcdef");
  CHECK(applied.threads == 2);
  CHECK(applied.limits.max_body_bytes == running.limits.max_body_bytes);
  CHECK(applied.static_dir.empty());
  CHECK(applied.trusted_proxies.empty());
}

TEST_CASE("the same proxies in a new file are no change", "[config][reload]") {
  Config running = base_config();
  Config next = base_config();
  http::IpNetwork a;
  http::IpNetwork b;
  std::string error;
  REQUIRE(http::parse_ip_network("10.0.0.0/8", &a, &error));
  REQUIRE(http::parse_ip_network("10.0.0.0/8", &b, &error));
  running.trusted_proxies = {a};
  next.trusted_proxies = {b};
  CHECK(restart_only_changes(running, next).empty());
  REQUIRE(http::parse_ip_network("10.0.0.0/16", &b, &error));
  next.trusted_proxies = {b};
  CHECK(restart_only_changes(running, next) == std::vector<std::string>{"trustedProxies"});
}
