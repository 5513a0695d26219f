// Every error status of the ingestion API, with its code, and the guarantee behind
// invalid_batch: a request with one bad event stores nothing, and names the bad one so the
// client can drop it and resend the rest.
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

/// The error contract: status, JSON body {"error":{"code","message"}} with a message to read.
void require_error(const HttpResponse& response, unsigned status, const std::string& code) {
  INFO(response.describe());
  REQUIRE(response.status == status);
  CHECK(response.header("Content-Type").rfind("application/json", 0) == 0);
  CHECK(response.error_code() == code);
  const json message = value_at(response.json(), "/error/message");
  REQUIRE(message.is_string());
  CHECK_FALSE(message.get<std::string>().empty());
}

bool is_whole_seconds(const std::string& text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return std::stoll(text) >= 1;
}

json oversized_event() {
  json event = product_viewed();
  event["properties"]["description"] = std::string(40 * 1024, 'x');
  return event;
}

json event_without_name() {
  json event = product_viewed();
  event.erase("event");
  return event;
}

}  // namespace

TEST_CASE("malformed JSON is refused with malformed_json", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  require_error(client.post("/v1/batch", R"({"batch": [{"type": "track",)",
                            {basic_auth(kWebWriteKey)}),
                400, "malformed_json");
  require_error(client.post("/v1/track", "not json at all", {basic_auth(kWebWriteKey)}), 400,
                "malformed_json");
}

TEST_CASE("a body of the wrong shape is refused with invalid_request", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  SECTION("a batch that is not an array") {
    require_error(client.post("/v1/batch", R"({"batch": {"type": "track"}})",
                              {basic_auth(kWebWriteKey)}),
                  400, "invalid_request");
  }
  SECTION("a body that is an array, not an object") {
    require_error(client.post("/v1/batch", "[]", {basic_auth(kWebWriteKey)}), 400,
                  "invalid_request");
  }
  SECTION("a single-event body that is a string") {
    require_error(client.post("/v1/track", R"("hello")", {basic_auth(kWebWriteKey)}), 400,
                  "invalid_request");
  }
}

TEST_CASE("a batch with one bad event is rejected whole, naming the bad one", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json good_before = product_viewed();
  const json bad = event_without_name();
  const json good_after = product_viewed();

  const HttpResponse response =
      post_batch(client, kWebWriteKey, {good_before, bad, good_after});

  require_error(response, 400, "invalid_batch");
  const json rejected = value_at(response.json(), "/error/rejected");
  INFO(response.body);
  REQUIRE(rejected.is_array());
  REQUIRE(rejected.size() == 1);
  CHECK(value_at(rejected, "/0/index") == 1);
  CHECK(value_at(rejected, "/0/messageId") == bad["messageId"]);
  CHECK(value_at(rejected, "/0/code") == "invalid_event");
  CHECK(value_at(rejected, "/0/message").is_string());
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);

  // What a client does next: drop the named event, resend the others.
  const HttpResponse resent = post_batch(client, kWebWriteKey, {good_before, good_after});
  INFO(resent.describe());
  CHECK(resent.status == 200);
  CHECK(accepted_of(resent) == 2);
  CHECK(database.count("web") == 2);
}

TEST_CASE("an event over 32 KB is rejected as event_too_large and nothing is stored",
          "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json good = product_viewed();
  const json huge = oversized_event();

  const HttpResponse response = post_batch(client, kWebWriteKey, {good, huge});

  require_error(response, 400, "invalid_batch");
  const json rejected = value_at(response.json(), "/error/rejected");
  REQUIRE(rejected.is_array());
  REQUIRE(rejected.size() == 1);
  CHECK(value_at(rejected, "/0/index") == 1);
  CHECK(value_at(rejected, "/0/messageId") == huge["messageId"]);
  CHECK(value_at(rejected, "/0/code") == "event_too_large");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("every bad event of a batch is named", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json bad = event_without_name();
  const json huge = oversized_event();

  const HttpResponse response = post_batch(client, kWebWriteKey, {bad, product_viewed(), huge});

  require_error(response, 400, "invalid_batch");
  const json rejected = value_at(response.json(), "/error/rejected");
  INFO(response.body);
  REQUIRE(rejected.is_array());
  REQUIRE(rejected.size() == 2);
  CHECK(value_at(rejected, "/0/index") == 0);
  CHECK(value_at(rejected, "/0/code") == "invalid_event");
  CHECK(value_at(rejected, "/1/index") == 2);
  CHECK(value_at(rejected, "/1/code") == "event_too_large");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a request without a write key is refused with missing_write_key", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  require_error(client.post("/v1/batch", batch_body({product_viewed()})), 401,
                "missing_write_key");
  require_error(client.post("/v1/track", product_viewed().dump()), 401, "missing_write_key");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("an unknown write key is refused with invalid_write_key", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  require_error(post_batch(client, "wk_not_configured_anywhere", {product_viewed()}), 401,
                "invalid_write_key");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a request from an origin the source does not allow is refused", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  require_error(post_batch(client, kWebWriteKey, {product_viewed()},
                           {{"Origin", "https://evil.example"}}),
                403, "origin_not_allowed");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a body over maxBodyBytes is refused with payload_too_large", "[errors]") {
  json config = default_config();
  config["limits"]["maxBodyBytes"] = 4096;
  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());

  const std::string body = batch_body(product_views(30));
  REQUIRE(body.size() > 4096);
  require_error(client.post("/v1/batch", body, {basic_auth(kWebWriteKey)}), 413,
                "payload_too_large");

  HttpClient next(collector.host(), collector.port());
  CHECK(post_batch(next, kWebWriteKey, product_views(2)).status == 200);
}

TEST_CASE("a content type other than JSON or text is refused with unsupported_media_type",
          "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* type : {"application/xml", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x"}) {
    INFO(type);
    require_error(client.post("/v1/batch", batch_body({product_viewed()}),
                              {basic_auth(kWebWriteKey), {"Content-Type", type}}),
                  415, "unsupported_media_type");
  }
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a source over its rate limit is refused with rate_limited and Retry-After",
          "[errors]") {
  json config = default_config();
  config["sources"][0]["rateLimit"] = {{"eventsPerSecond", 1}, {"burst", 5}};
  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());

  const HttpResponse within = post_batch(client, kWebWriteKey, product_views(5));
  INFO(within.describe());
  REQUIRE(within.status == 200);

  const std::vector<json> over = product_views(5);
  const HttpResponse limited = post_batch(client, kWebWriteKey, over);
  require_error(limited, 429, "rate_limited");
  INFO("Retry-After: " << limited.header("Retry-After"));
  CHECK(is_whole_seconds(limited.header("Retry-After")));

  EventDatabase database(collector.database_path());
  for (const std::string& id : message_ids(over)) CHECK(database.count("web", id) == 0);
  // Another source has its own budget.
  CHECK(post_batch(client, kPosWriteKey, product_views(5)).status == 200);
}

TEST_CASE("a store that cannot commit is reported as store_unavailable with Retry-After",
          "[errors][store]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = product_views(3);
  {
    // Another process holds SQLite's write lock: the collector's commit times out.
    StoreWriteLock lock(collector.database_path());
    const HttpResponse refused = post_batch(client, kWebWriteKey, events);
    require_error(refused, 503, "store_unavailable");
    INFO("Retry-After: " << refused.header("Retry-After"));
    CHECK(is_whole_seconds(refused.header("Retry-After")));
  }
  // Nothing of the failed request was stored: the retry stores all of it, as new events.
  HttpClient retry(collector.host(), collector.port());
  const HttpResponse stored = post_batch(retry, kWebWriteKey, events);
  INFO(stored.describe());
  CHECK(stored.status == 200);
  CHECK(accepted_of(stored) == 3);
  CHECK(duplicates_of(stored) == 0);
}

TEST_CASE("an unknown path is not_found", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  require_error(client.get("/no/such/path"), 404, "not_found");
  require_error(client.post("/v1/purchase", product_viewed().dump(), {basic_auth(kWebWriteKey)}),
                404, "not_found");
}

TEST_CASE("a known route with the wrong method is method_not_allowed with Allow", "[errors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response = client.get("/v1/batch", {basic_auth(kWebWriteKey)});
  require_error(response, 405, "method_not_allowed");
  CHECK(response.header("Allow").find("POST") != std::string::npos);

  HttpRequest put{"PUT", "/v1/track", {basic_auth(kWebWriteKey)}, product_viewed().dump()};
  require_error(client.send(put), 405, "method_not_allowed");
}
