#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fake_event_store.hpp"
#include "ingest/ingest_handler.hpp"
#include "omni/effects.hpp"

using nlohmann::json;
using omni::EventType;
using namespace omni::collector;
namespace bh = boost::beast::http;

namespace {

// "Basic base64(wk_web:)"
constexpr const char* kWebAuth = "Basic d2tfd2ViOg==";
constexpr const char* kWebOrigin = "https://shop.example";

struct Harness {
  Harness() : sources(make_sources()), handler(sources, store, clock, random) {}

  static std::vector<SourceConfig> make_sources() {
    SourceConfig web;
    web.name = "web";
    web.write_key = "wk_web";
    web.allowed_origins = {kWebOrigin};
    SourceConfig pos;
    pos.name = "pos";
    pos.write_key = "wk_pos";
    pos.rate_limit.events_per_second = 1;
    pos.rate_limit.burst = 3;
    return {web, pos};
  }

  http::StringResponse send(http::Request request, std::optional<EventType> type = std::nullopt) {
    auto slot = std::make_shared<std::optional<http::Response>>();
    request.prepare_payload();
    handler.handle(std::move(request), type, http::reply_context(request),
                   [slot](http::Response r) { *slot = std::move(r); });
    REQUIRE(slot->has_value());  // the fake store answers synchronously
    REQUIRE(std::holds_alternative<http::StringResponse>(**slot));
    return std::get<http::StringResponse>(std::move(**slot));
  }

  static http::Request post(const std::string& target, const std::string& body,
                            const char* auth = kWebAuth) {
    http::Request request{bh::verb::post, target, 11};
    request.set(bh::field::content_type, "application/json");
    if (auth != nullptr) request.set(bh::field::authorization, auth);
    request.body() = body;
    return request;
  }

  testing::FakeEventStore store;
  omni::ManualClock clock{1795000000123};
  omni::SeededRandom random{42};
  ingest::SourceRegistry sources;
  ingest::IngestHandler handler;
};

json body_of(const http::StringResponse& res) {
  json out = json::parse(res.body(), nullptr, false);
  REQUIRE(out.is_object());
  return out;
}

std::string error_code_of(const http::StringResponse& res) {
  return body_of(res)["error"]["code"].get<std::string>();
}

const std::string kTwoEvents = R"({"batch":[
    {"type":"track","event":"Product Viewed","anonymousId":"a1","messageId":"m1"},
    {"type":"page","anonymousId":"a1","messageId":"m2"}]})";

}  // namespace

TEST_CASE("a valid batch is stored and answered with its counts", "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post("/v1/batch", kTwoEvents));
  CHECK(res.result_int() == 200);
  CHECK(res.body() == R"({"success":true,"accepted":2,"duplicates":0})");
  auto stored = h.store.stored();
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].source == "web");
  CHECK(stored[0].message_id == "m1");
  CHECK(stored[1].type == "page");
}

TEST_CASE("a retried batch is stored once and reported as duplicates", "[ingest]") {
  Harness h;
  REQUIRE(h.send(Harness::post("/v1/batch", kTwoEvents)).result_int() == 200);
  auto again = h.send(Harness::post("/v1/batch", kTwoEvents));
  CHECK(again.result_int() == 200);
  CHECK(again.body() == R"({"success":true,"accepted":0,"duplicates":2})");
  CHECK(h.store.stored().size() == 2);
}

TEST_CASE("a single-event route stores one event of its type", "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post("/v1/track", R"({"event":"Order Completed","userId":"u1"})"),
                    EventType::kTrack);
  CHECK(res.result_int() == 200);
  REQUIRE(h.store.stored().size() == 1);
  CHECK(h.store.stored()[0].type == "track");
  CHECK(h.store.stored()[0].event == "Order Completed");
}

TEST_CASE("the write key may come in the body for beacons", "[ingest]") {
  Harness h;
  auto request = Harness::post("/v1/batch",
                               R"({"writeKey":"wk_pos","batch":[{"type":"page","anonymousId":"a"}]})",
                               nullptr);
  request.set(bh::field::content_type, "text/plain;charset=UTF-8");
  auto res = h.send(std::move(request));
  CHECK(res.result_int() == 200);
  REQUIRE(h.store.stored().size() == 1);
  CHECK(h.store.stored()[0].source == "pos");
  CHECK(h.store.stored()[0].body.find("wk_pos") == std::string::npos);
}

TEST_CASE("the Basic auth key wins over a body key", "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post(
      "/v1/batch", R"({"writeKey":"wk_pos","batch":[{"type":"page","anonymousId":"a"}]})"));
  CHECK(res.result_int() == 200);
  CHECK(h.store.stored()[0].source == "web");
}

TEST_CASE("a request without a write key is refused 401 missing_write_key", "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post("/v1/batch", kTwoEvents, nullptr));
  CHECK(res.result_int() == 401);
  CHECK(error_code_of(res) == "missing_write_key");
  CHECK(h.store.submissions() == 0);
}

TEST_CASE("an unknown or unreadable write key is refused 401 invalid_write_key", "[ingest]") {
  Harness h;
  auto unknown = h.send(Harness::post("/v1/batch", kTwoEvents, "Basic d3Jvbmc6"));  // wrong:
  CHECK(unknown.result_int() == 401);
  CHECK(error_code_of(unknown) == "invalid_write_key");
  auto garbled = h.send(Harness::post("/v1/batch", kTwoEvents, "Basic %%%"));
  CHECK(error_code_of(garbled) == "invalid_write_key");
  auto body_key = h.send(Harness::post(
      "/v1/batch", R"({"writeKey":"nope","batch":[]})", nullptr));
  CHECK(error_code_of(body_key) == "invalid_write_key");
  CHECK(h.store.submissions() == 0);
}

TEST_CASE("bodies other than JSON or text are refused 415", "[ingest]") {
  Harness h;
  auto request = Harness::post("/v1/batch", kTwoEvents);
  request.set(bh::field::content_type, "application/x-www-form-urlencoded");
  auto res = h.send(std::move(request));
  CHECK(res.result_int() == 415);
  CHECK(error_code_of(res) == "unsupported_media_type");
}

TEST_CASE("a body without Content-Type is read as JSON", "[ingest]") {
  Harness h;
  auto request = Harness::post("/v1/batch", kTwoEvents);
  request.erase(bh::field::content_type);
  CHECK(h.send(std::move(request)).result_int() == 200);
}

TEST_CASE("malformed JSON and wrong shapes are refused 400", "[ingest]") {
  Harness h;
  auto bad = h.send(Harness::post("/v1/batch", "{\"batch\":[}"));
  CHECK(bad.result_int() == 400);
  CHECK(error_code_of(bad) == "malformed_json");
  auto shape = h.send(Harness::post("/v1/batch", R"({"batch":"nope"})"));
  CHECK(shape.result_int() == 400);
  CHECK(error_code_of(shape) == "invalid_request");
}

TEST_CASE("one bad event rejects the whole request, naming it, and stores nothing",
          "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post("/v1/batch", R"({"batch":[
      {"type":"page","anonymousId":"a","messageId":"ok"},
      {"type":"track","anonymousId":"a","messageId":"no-name"}]})"));
  CHECK(res.result_int() == 400);
  const json body = body_of(res);
  CHECK(body["error"]["code"] == "invalid_batch");
  REQUIRE(body["error"]["rejected"].size() == 1);
  CHECK(body["error"]["rejected"][0]["index"] == 1);
  CHECK(body["error"]["rejected"][0]["messageId"] == "no-name");
  CHECK(body["error"]["rejected"][0]["code"] == "invalid_event");
  CHECK(h.store.submissions() == 0);
}

TEST_CASE("a browser origin must be allowed by the key's source", "[ingest]") {
  Harness h;
  auto allowed = Harness::post("/v1/batch", kTwoEvents);
  allowed.set(bh::field::origin, kWebOrigin);
  auto ok = h.send(std::move(allowed));
  CHECK(ok.result_int() == 200);
  CHECK(ok[bh::field::access_control_allow_origin] == kWebOrigin);
  CHECK(ok[bh::field::access_control_allow_credentials] == "true");

  auto foreign = Harness::post("/v1/batch", kTwoEvents);
  foreign.set(bh::field::origin, "https://evil.example");
  auto refused = h.send(std::move(foreign));
  CHECK(refused.result_int() == 403);
  CHECK(error_code_of(refused) == "origin_not_allowed");

  // The pos source admits no browser origin, even one another source admits.
  auto other_source = Harness::post("/v1/batch", kTwoEvents, "Basic d2tfcG9zOg==");  // wk_pos:
  other_source.set(bh::field::origin, kWebOrigin);
  CHECK(h.send(std::move(other_source)).result_int() == 403);
  CHECK(h.store.stored().size() == 2);
}

TEST_CASE("a source over its rate limit is answered 429 with Retry-After", "[ingest]") {
  Harness h;
  const char* pos_auth = "Basic d2tfcG9zOg==";
  const std::string three = R"({"batch":[{"type":"page","anonymousId":"a"},
      {"type":"page","anonymousId":"a"},{"type":"page","anonymousId":"a"}]})";
  CHECK(h.send(Harness::post("/v1/batch", three, pos_auth)).result_int() == 200);
  auto limited = h.send(Harness::post("/v1/batch", three, pos_auth));
  CHECK(limited.result_int() == 429);
  CHECK(error_code_of(limited) == "rate_limited");
  const int retry = std::stoi(std::string(limited[bh::field::retry_after]));
  CHECK(retry >= 1);
  CHECK(retry <= 3);
  CHECK(h.store.stored().size() == 3);
  // The web source has its own bucket.
  CHECK(h.send(Harness::post("/v1/batch", three)).result_int() == 200);
}

TEST_CASE("a failed commit is answered 503 store_unavailable", "[ingest]") {
  Harness h;
  h.store.fail_commits = true;
  auto res = h.send(Harness::post("/v1/batch", kTwoEvents));
  CHECK(res.result_int() == 503);
  CHECK(error_code_of(res) == "store_unavailable");
  CHECK(res[bh::field::retry_after] == "5");
  h.store.fail_commits = false;
  CHECK(h.send(Harness::post("/v1/batch", kTwoEvents)).result_int() == 200);
}

TEST_CASE("an empty batch is accepted without touching the store", "[ingest]") {
  Harness h;
  auto res = h.send(Harness::post("/v1/batch", R"({"batch":[]})"));
  CHECK(res.body() == R"({"success":true,"accepted":0,"duplicates":0})");
  CHECK(h.store.submissions() == 0);
}

TEST_CASE("events are stamped with the receive time of the request", "[ingest]") {
  Harness h;
  h.clock.set(1795000000123);
  REQUIRE(h.send(Harness::post("/v1/batch", kTwoEvents)).result_int() == 200);
  const auto stored = h.store.stored();
  CHECK(stored[0].received_at_ms == 1795000000123);
  CHECK(stored[0].body.find(R"("receivedAt":"2026-11-18T11:06:40.123Z")") != std::string::npos);
}
