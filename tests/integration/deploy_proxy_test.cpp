// What examples/deploy/ needs from the collector itself: it binds the addresses a deployment
// names (IPv6 loopback, every interface), and the example collector.json runs as it is, taking
// client addresses from its trusted proxy. The proxy in front (nginx over TLS) is tested with the
// real nginx in tests/deploy/nginx_proxy.test.mjs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

json config_listening_on(const std::string& listen) {
  json config = default_config();
  config["listen"] = listen;
  return config;
}

/// context.ip of the newest stored event, as the events route lists it.
std::string newest_context_ip(HttpClient& client, const std::string& admin_token) {
  const HttpResponse listed =
      client.get("/v1/admin/events?limit=1", {bearer(admin_token)});
  INFO(listed.describe());
  REQUIRE(listed.status == 200);
  const json ip = value_at(listed.json(), "/events/0/event/context/ip");
  return ip.is_string() ? ip.get<std::string>() : "<missing>";
}

}  // namespace

TEST_CASE("the collector binds the IPv6 loopback and serves over it", "[deploy][listen]") {
  CollectorProcess collector(config_listening_on("[::1]:0"));
  CHECK(collector.host() == "::1");
  HttpClient client(collector.host(), collector.port());
  CHECK(client.get("/healthz").status == 200);
  REQUIRE(post_batch(client, kWebWriteKey, product_views(1)).status == 200);
  CHECK(newest_context_ip(client, kAdminToken) == "::");  // ::1 keeps its first 48 bits
}

TEST_CASE("the collector binds every IPv4 interface with 0.0.0.0", "[deploy][listen]") {
  CollectorProcess collector(config_listening_on("0.0.0.0:0"));
  CHECK(collector.host() == "0.0.0.0");
  HttpClient client("127.0.0.1", collector.port());
  CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("the collector binds every IPv6 interface with [::]", "[deploy][listen]") {
  CollectorProcess collector(config_listening_on("[::]:0"));
  CHECK(collector.host() == "::");
  HttpClient client("::1", collector.port());
  CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("the example deploy config runs and believes only its proxy's forwarded address",
          "[deploy][client-ip]") {
  const std::filesystem::path example =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
      "examples/deploy/collector.json";
  std::ifstream file(example);
  REQUIRE(file.good());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  json config = json::parse(text, nullptr, false, /*ignore_comments=*/true);
  REQUIRE(config.is_object());
  // Only what cannot work in a test changes: the port and the database's place.
  REQUIRE(config["listen"] == "127.0.0.1:8080");
  config["listen"] = "127.0.0.1:0";
  config["storage"]["path"] = "events.db";
  const std::string write_key = value_at(config, "/sources/0/writeKey").get<std::string>();
  const std::string admin_token = config["adminToken"].get<std::string>();

  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());
  // The test connects from 127.0.0.1, the proxy the example trusts: its header is believed.
  REQUIRE(post_batch(client, write_key, product_views(1),
                     {{"X-Forwarded-For", "198.51.100.1, 203.0.113.7"}})
              .status == 200);
  CHECK(newest_context_ip(client, admin_token) == "203.0.113.0");
}
