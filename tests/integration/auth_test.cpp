// The ways a client presents its write key: Basic auth (server-side libraries, fetch) and a
// "writeKey" in the body (navigator.sendBeacon cannot set headers and posts text/plain).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;

TEST_CASE("Basic auth with the write key as user and an empty password is accepted", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json event = product_viewed();

  const HttpResponse response = post_batch(client, kWebWriteKey, {event});

  INFO(response.describe());
  CHECK(response.status == 200);
  EventDatabase database(collector.database_path());
  CHECK(database.sources_of(event["messageId"].get<std::string>()) ==
        std::vector<std::string>{"web"});
}

TEST_CASE("the write key decides the source an event is stored under", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json event = product_viewed();

  const HttpResponse response = post_event(client, "track", kPosWriteKey, event);

  INFO(response.describe());
  CHECK(response.status == 200);
  EventDatabase database(collector.database_path());
  CHECK(database.sources_of(event["messageId"].get<std::string>()) ==
        std::vector<std::string>{"pos"});
}

TEST_CASE("a writeKey in a batch body is accepted without an Authorization header", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = product_views(2);

  const HttpResponse response =
      client.post("/v1/batch", batch_body(events, {{"writeKey", kWebWriteKey}}));

  INFO(response.describe());
  CHECK(response.status == 200);
  CHECK(accepted_of(response) == 2);
  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 2);
}

TEST_CASE("a writeKey in a single event's body is accepted", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  json event = product_viewed();
  event["writeKey"] = kPosWriteKey;

  const HttpResponse response = client.post("/v1/track", event.dump());

  INFO(response.describe());
  CHECK(response.status == 200);
  EventDatabase database(collector.database_path());
  CHECK(database.count("pos", event["messageId"].get<std::string>()) == 1);
}

TEST_CASE("a sendBeacon body posted as text/plain is accepted", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = product_views(3);

  // What navigator.sendBeacon(url, JSON.stringify(body)) sends from the storefront page.
  const HttpResponse response =
      client.post("/v1/batch", batch_body(events, {{"writeKey", kWebWriteKey}}),
                  {{"Content-Type", "text/plain;charset=UTF-8"}, {"Origin", kShopOrigin}});

  INFO(response.describe());
  CHECK(response.status == 200);
  CHECK(accepted_of(response) == 3);
  EventDatabase database(collector.database_path());
  for (const std::string& id : message_ids(events)) CHECK(database.count("web", id) == 1);
}

TEST_CASE("a JSON content type with a charset parameter is accepted", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* type : {"application/json; charset=utf-8", "application/json;charset=UTF-8",
                           "text/plain"}) {
    INFO(type);
    const HttpResponse response = post_batch(client, kWebWriteKey, product_views(1),
                                             {{"Content-Type", type}});
    INFO(response.describe());
    CHECK(response.status == 200);
  }
  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 3);
}

TEST_CASE("an unknown write key in the body is refused like one in the header", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response =
      client.post("/v1/batch", batch_body(product_views(1), {{"writeKey", "wk_unknown_key"}}),
                  {{"Content-Type", "text/plain"}});

  INFO(response.describe());
  CHECK(response.status == 401);
  CHECK(response.error_code() == "invalid_write_key");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a Basic header that carries no write key is not accepted", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* value : {"Basic ", "Basic !!!not-base64!!!", "Basic Og=="}) {
    INFO(value);
    const HttpResponse response = client.post(
        "/v1/batch", batch_body(product_views(1)), {{"Authorization", value}});
    INFO(response.describe());
    CHECK(response.status == 401);
  }
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("what Segment's analytics.js sends is stored: one-letter routes and /v1/b", "[auth]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  // analytics.js's standard delivery posts each event as text/plain to ${apiHost}/${type[0]}
  // with the write key in the body; its batching delivery posts {writeKey, batch, sentAt} to /b.
  const std::vector<std::pair<std::string, std::string>> singles = {
      {"/v1/t", "track"}, {"/v1/p", "page"},  {"/v1/s", "screen"},
      {"/v1/i", "identify"}, {"/v1/a", "alias"}, {"/v1/g", "group"}};
  for (const auto& [path, type] : singles) {
    json event = event_for_route(type, random_uuid_v4());
    event["writeKey"] = kWebWriteKey;
    const HttpResponse response =
        client.post(path, event.dump(), {{"Content-Type", "text/plain"}, {"Origin", kShopOrigin}});
    INFO(path << ": " << response.describe());
    CHECK(response.status == 200);
    EventDatabase database(collector.database_path());
    CHECK(database.count("web", event["messageId"].get<std::string>()) == 1);
  }

  const std::vector<json> events = product_views(2);
  const HttpResponse batch =
      client.post("/v1/b", batch_body(events, {{"writeKey", kWebWriteKey}}),
                  {{"Content-Type", "text/plain"}, {"Origin", kShopOrigin}});
  INFO(batch.describe());
  CHECK(batch.status == 200);
  CHECK(accepted_of(batch) == 2);
}
