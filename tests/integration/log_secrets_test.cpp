// The collector's stderr after a full scenario: every line is a JSON object, every request has
// exactly one line saying what it was, and nothing secret or personal is in any of it — no
// write key, admin token, trait, event name or property, client or forwarded IP, query string
// or User-Agent (issue 7).
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

/// What one request line must say.
struct Expected {
  std::string route;
  unsigned status;
  std::optional<long long> events;
  std::string source;  // "" when the line must have none
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

/// "Basic base64(key:)" as the header carries it, to look for it in the log as well.
std::string basic_value(std::string_view key) { return basic_auth(key).value; }

}  // namespace

TEST_CASE("a full scenario logs one JSON line per request and no secrets", "[log]") {
  json config = default_config();
  config["trustedProxies"] = json::array({"127.0.0.1"});
  config["log"] = {{"level", "debug"}};  // the most the collector ever writes
  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());
  const Header agent{"User-Agent", "SecretAgent/7.7 (private device)"};

  std::vector<Expected> expected;
  const auto sent = [&](const HttpResponse& response, unsigned status, Expected line) {
    INFO(response.describe());
    REQUIRE(response.status == status);
    expected.push_back(std::move(line));
  };

  // A batch with the key in Basic auth and a token in the query string.
  std::vector<json> batch = product_views(3);
  batch[0]["properties"]["coupon"] = "COUPON-SECRET-9";
  sent(client.post("/v1/batch?token=query-secret-123", batch_body(batch),
                   {basic_auth(kWebWriteKey), agent}),
       200, {"batch", 200, 3, "web"});

  // One event with the key in the body (what sendBeacon clients do).
  json beacon = track_event("Secret Checkout Event", random_uuid_v4());
  beacon["writeKey"] = kPosWriteKey;
  beacon["properties"] = {{"order_total", 4242.42}, {"gift_message", "Happy birthday Ada"}};
  sent(client.post("/v1/track", beacon.dump(), {agent}), 200, {"single", 200, 1, "pos"});

  // An identify with personal traits.
  json identify = event_for_route("identify", random_uuid_v4());
  identify["traits"] = {{"email", "shopper.secret@example.com"}, {"name", "Ada Secretname"}};
  sent(client.post("/v1/identify", identify.dump(), {basic_auth(kWebWriteKey), agent}), 200,
       {"single", 200, 1, "web"});

  // Forwarded through a trusted proxy: the forwarded address is the client's.
  sent(post_batch(client, kWebWriteKey, product_views(1),
                  {{"X-Forwarded-For", "198.51.100.77"}, agent}),
       200, {"batch", 200, 1, "web"});

  // Admin reads and metrics with the admin token, one with a wrong token.
  sent(admin_events(client, "limit=5&userId=user-routes"), 200, {"admin_events", 200, {}, ""});
  sent(client.get("/metrics", {bearer(kAdminToken)}), 200, {"metrics", 200, {}, ""});
  sent(client.get("/v1/admin/events", {bearer("admin-token-wrong-secret-1")}), 401,
       {"admin_events", 401, {}, ""});

  // A key no source has (in Basic auth it is refused before the body is read; in the body,
  // after), and a malformed body.
  sent(post_batch(client, "wk_wrong_secret_555", product_views(1), {agent}), 401,
       {"batch", 401, {}, ""});
  json unknown_key = product_viewed();
  unknown_key["writeKey"] = "wk_wrong_secret_666";
  sent(client.post("/v1/track", unknown_key.dump()), 401, {"single", 401, 1, ""});
  sent(client.post("/v1/batch", R"({"batch":[{"type":"track","event":"Broken Secret)",
                   {basic_auth(kWebWriteKey)}),
       400, {"batch", 400, {}, "web"});

  // A probe and an unknown path (its query string must not show either).
  sent(client.get("/healthz"), 200, {"healthz", 200, {}, ""});
  sent(client.get("/no/such/path?email=shopper.secret@example.com"), 404,
       {"not_found", 404, {}, ""});

  REQUIRE(collector.stop().clean());
  const std::string log = collector.stderr_text();
  INFO(log);

  std::vector<json> requests;
  for (const std::string& line : lines_of(log)) {
    if (line.empty()) continue;
    const json object = json::parse(line, nullptr, false);
    INFO(line);
    REQUIRE(object.is_object());
    CHECK(object["time"].is_string());
    CHECK(object["level"].is_string());
    CHECK(object["msg"].is_string());
    if (object["msg"] == "request") requests.push_back(object);
  }

  REQUIRE(requests.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("request " << i << ": " << requests[i].dump());
    const Expected& want = expected[i];
    CHECK(requests[i]["route"] == want.route);
    CHECK(requests[i]["status"] == want.status);
    CHECK(requests[i]["durationMs"].is_number());
    if (want.events) {
      CHECK(requests[i]["events"] == *want.events);
    } else {
      CHECK_FALSE(requests[i].contains("events"));
    }
    if (want.source.empty()) {
      CHECK_FALSE(requests[i].contains("source"));
    } else {
      CHECK(requests[i]["source"] == want.source);
    }
  }

  const std::vector<std::string> secrets = {
      kWebWriteKey, kPosWriteKey, basic_value(kWebWriteKey), "wk_wrong_secret_555", "wk_wrong_secret_666",
      kAdminToken,
      "admin-token-wrong-secret-1", "shopper.secret", "Ada Secretname", "Happy birthday",
      "Secret Checkout Event", "Product Viewed", "Broken Secret", "Trail Runner", "sku-4711",
      "COUPON-SECRET-9", "4242.42", "anon-integration", "user-routes", "127.0.0.1", "198.51.100",
      "query-secret-123", "token=", "limit=5", "?", "SecretAgent", "private device",
      "/no/such/path", "/v1/"};
  for (const std::string& secret : secrets) {
    INFO("looking for " << secret);
    CHECK(log.find(secret) == std::string::npos);
  }
  for (const auto& message_id : message_ids(batch)) CHECK(log.find(message_id) == std::string::npos);
}

TEST_CASE("request lines follow log.requests and probes stay out at level info", "[log]") {
  json config = default_config();
  config["log"] = {{"level", "info"}, {"requests", false}};
  CollectorProcess quiet(config);
  {
    HttpClient client(quiet.host(), quiet.port());
    REQUIRE(post_batch(client, kWebWriteKey, product_views(1)).status == 200);
  }
  REQUIRE(quiet.stop().clean());
  CHECK(quiet.stderr_text().find("\"msg\":\"request\"") == std::string::npos);
  CHECK(quiet.stderr_text().find("\"msg\":\"started\"") != std::string::npos);

  CollectorProcess normal;  // level info, requests on
  {
    HttpClient client(normal.host(), normal.port());
    REQUIRE(client.get("/healthz").status == 200);
    REQUIRE(client.get("/readyz").status == 200);
    REQUIRE(post_batch(client, kWebWriteKey, product_views(1)).status == 200);
  }
  REQUIRE(normal.stop().clean());
  const std::string log = normal.stderr_text();
  INFO(log);
  CHECK(log.find("\"route\":\"healthz\"") == std::string::npos);
  CHECK(log.find("\"route\":\"readyz\"") == std::string::npos);
  CHECK(log.find("\"route\":\"batch\"") != std::string::npos);
  CHECK(log.find("\"msg\":\"stopped\"") != std::string::npos);
}

TEST_CASE("a request that cannot be read gets its line too, without what was sent", "[log]") {
  CollectorProcess collector;
  const std::string secret_header = "X-Secret: " + std::string(9000, 's');
  {
    RawConnection oversized(collector.host(), collector.port());
    oversized.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + secret_header + "\r\n\r\n");
    REQUIRE(oversized.closed_by_peer(std::chrono::seconds(3)));
    CHECK(oversized.received().rfind("HTTP/1.1 431", 0) == 0);
  }
  {
    RawConnection garbage(collector.host(), collector.port());
    garbage.send("HELLO wk_secret_in_garbage\r\n\r\n");
    REQUIRE(garbage.closed_by_peer(std::chrono::seconds(3)));
    CHECK(garbage.received().rfind("HTTP/1.1 400", 0) == 0);
  }
  REQUIRE(collector.stop().clean());
  const std::string log = collector.stderr_text();
  INFO(log);
  CHECK(log.find(R"("msg":"request refused","status":431,"reason":"header_too_large")") !=
        std::string::npos);
  CHECK(log.find(R"("msg":"request refused","status":400,"reason":"bad_request")") !=
        std::string::npos);
  CHECK(log.find("sssssss") == std::string::npos);
  CHECK(log.find("wk_secret_in_garbage") == std::string::npos);
}
