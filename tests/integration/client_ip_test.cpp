// context.ip end to end: the collector on 127.0.0.1 decides each event's client IP from the
// connection, believes forwarding headers only from trusted proxies, and truncates per source.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

/// Stores one event with a client-sent context.ip and `headers`, and returns the context.ip the
/// collector stored for it (read back through the admin API).
json stored_ip(CollectorProcess& collector, std::string_view write_key,
               std::vector<Header> headers) {
  HttpClient client(collector.host(), collector.port());
  json event = track_event("Client IP", random_uuid_v4());
  event["context"] = {{"ip", "6.6.6.6"}};
  const HttpResponse posted = post_batch(client, write_key, {event}, std::move(headers));
  INFO(posted.describe());
  REQUIRE(posted.status == 200);

  const HttpResponse listed = admin_events(client);
  INFO(listed.describe());
  REQUIRE(listed.status == 200);
  REQUIRE(value_at(listed.json(), "/events/0/event/messageId") == event["messageId"]);
  return value_at(listed.json(), "/events/0/event/context/ip");
}

}  // namespace

TEST_CASE("without trusted proxies the peer address is stored truncated and headers are ignored",
          "[client_ip]") {
  CollectorProcess collector;
  CHECK(stored_ip(collector, kWebWriteKey, {}) == "127.0.0.0");
  CHECK(stored_ip(collector, kWebWriteKey,
                  {{"X-Forwarded-For", "198.51.100.23"}, {"Forwarded", "for=192.0.2.60"}}) ==
        "127.0.0.0");
}

TEST_CASE("behind a trusted proxy the forwarded client is stored truncated", "[client_ip]") {
  json config = default_config();
  config["trustedProxies"] = json::array({"127.0.0.1"});
  CollectorProcess collector(config);
  CHECK(stored_ip(collector, kWebWriteKey, {{"X-Forwarded-For", "6.6.6.6, 198.51.100.23"}}) ==
        "198.51.100.0");
  CHECK(stored_ip(collector, kWebWriteKey,
                  {{"Forwarded", "for=\"[2001:db8:abcd:12::1]:4711\";proto=https"}}) ==
        "2001:db8:abcd::");
  CHECK(stored_ip(collector, kWebWriteKey, {}) == "127.0.0.0");
}

TEST_CASE("a source with ipTruncation none stores the full address", "[client_ip]") {
  json config = default_config();
  config["trustedProxies"] = json::array({"127.0.0.0/8"});
  config["sources"][1]["ipTruncation"] = "none";
  CollectorProcess collector(config);
  CHECK(stored_ip(collector, kPosWriteKey, {{"X-Forwarded-For", "198.51.100.23"}}) ==
        "198.51.100.23");
  CHECK(stored_ip(collector, kPosWriteKey, {}) == "127.0.0.1");
  CHECK(stored_ip(collector, kWebWriteKey, {{"X-Forwarded-For", "198.51.100.23"}}) ==
        "198.51.100.0");
}

TEST_CASE("client IPs never reach the collector's logs", "[client_ip]") {
  json config = default_config();
  config["trustedProxies"] = json::array({"127.0.0.1"});
  CollectorProcess collector(config);
  stored_ip(collector, kWebWriteKey, {{"X-Forwarded-For", "198.51.100.23"}});
  collector.stop();
  for (const std::string& text : {collector.stderr_text(), collector.stdout_text()}) {
    CHECK(text.find("198.51.100") == std::string::npos);
    CHECK(text.find("6.6.6.6") == std::string::npos);
  }
}
