// CORS as browsers see it: allowed storefront origins can send events and read the answers
// (errors included, so the SDK learns which events were rejected); other origins cannot.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool lists(const std::string& header_value, const std::string& item) {
  return lower(header_value).find(lower(item)) != std::string::npos;
}

HttpResponse preflight(HttpClient& client, const std::string& target, const std::string& origin) {
  HttpRequest request{"OPTIONS",
                      target,
                      {{"Origin", origin},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "content-type, authorization"}},
                      {}};
  return client.send(request);
}

}  // namespace

TEST_CASE("a request from an allowed origin is answered with that origin allowed", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response =
      post_batch(client, kWebWriteKey, {product_viewed()}, {{"Origin", kShopOrigin}});

  INFO(response.describe());
  REQUIRE(response.status == 200);
  CHECK(response.header("Access-Control-Allow-Origin") == kShopOrigin);
  CHECK(lists(response.header("Vary"), "Origin"));
}

TEST_CASE("a request from an origin no source allows is refused and stores nothing", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response = post_batch(client, kWebWriteKey, {product_viewed()},
                                           {{"Origin", "https://evil.example"}});

  INFO(response.describe());
  CHECK(response.status == 403);
  CHECK(response.error_code() == "origin_not_allowed");
  CHECK(response.header("Access-Control-Allow-Origin") != "https://evil.example");
  CHECK(response.header("Access-Control-Allow-Origin") != "*");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("an origin allowed for one source is refused with another source's key", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response =
      post_batch(client, kPosWriteKey, {product_viewed()}, {{"Origin", kShopOrigin}});

  INFO(response.describe());
  CHECK(response.status == 403);
  CHECK(response.error_code() == "origin_not_allowed");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("an origin that only resembles an allowed one is refused", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* origin : {"https://shop.example.evil.example", "http://shop.example",
                             "https://shop.example:8443", "https://evilshop.example"}) {
    INFO(origin);
    const HttpResponse response =
        post_batch(client, kWebWriteKey, {product_viewed()}, {{"Origin", origin}});
    INFO(response.describe());
    CHECK(response.status == 403);
  }
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a preflight from an allowed origin gets 204 with the allowed methods and headers",
          "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* target : {"/v1/batch", "/v1/track", "/v1/identify"}) {
    INFO(target);
    const HttpResponse response = preflight(client, target, kShopOrigin);
    INFO(response.describe());
    REQUIRE(response.status == 204);
    CHECK(response.header("Access-Control-Allow-Origin") == kShopOrigin);
    CHECK(lists(response.header("Access-Control-Allow-Methods"), "POST"));
    CHECK(lists(response.header("Access-Control-Allow-Headers"), "Content-Type"));
    CHECK(lists(response.header("Access-Control-Allow-Headers"), "Authorization"));
    CHECK(lists(response.header("Vary"), "Origin"));
  }
}

TEST_CASE("a preflight from an origin no source allows is refused", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response = preflight(client, "/v1/batch", "https://evil.example");

  INFO(response.describe());
  CHECK(response.status == 403);
  CHECK(response.header("Access-Control-Allow-Origin") != "https://evil.example");
  CHECK_FALSE(lists(response.header("Access-Control-Allow-Methods"), "POST"));
}

TEST_CASE("a server-side request without Origin gets no CORS headers", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const HttpResponse response = post_batch(client, kPosWriteKey, {product_viewed()});

  INFO(response.describe());
  CHECK(response.status == 200);
  CHECK_FALSE(response.has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("an error answered to an allowed origin is readable by the page", "[cors]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  json bad = product_viewed();
  bad.erase("event");

  const HttpResponse response =
      post_batch(client, kWebWriteKey, {product_viewed(), bad}, {{"Origin", kShopOrigin}});

  INFO(response.describe());
  CHECK(response.status == 400);
  CHECK(response.error_code() == "invalid_batch");
  CHECK(response.header("Access-Control-Allow-Origin") == kShopOrigin);
}
