#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "omni_abi.h"

namespace {

using nlohmann::json;

constexpr double kNow = 1790000000000.0;  // 2026-09-21
const std::string kSeed(64, 'a');

// Calls an ABI function's result through the same ownership rule the JS binding follows.
json take(char* out) {
  REQUIRE(out != nullptr);
  json parsed = json::parse(out, nullptr, false);
  omni_free(out);
  REQUIRE(parsed.is_object());
  return parsed;
}

json call_ok(char* out) {
  json parsed = take(out);
  INFO(parsed.dump());
  REQUIRE(parsed.contains("ok"));
  return parsed["ok"];
}

std::string error_code(char* out) {
  json parsed = take(out);
  INFO(parsed.dump());
  REQUIRE(parsed.contains("error"));
  return parsed["error"]["code"].get<std::string>();
}

std::uint32_t create(const json& config) {
  std::string text = config.dump();
  return call_ok(omni_create(text.data(), text.size()))["handle"].get<std::uint32_t>();
}

json base_config() { return {{"seed", kSeed}, {"now", kNow}, {"writeKey", "wk_test"}}; }

json enqueue(std::uint32_t handle, const json& request) {
  std::string text = request.dump();
  return take(omni_enqueue(handle, text.data(), text.size()));
}

json persisted(std::uint32_t handle) {
  json stored = json::object();
  for (const auto& op : call_ok(omni_take_writes(handle))) {
    if (op.contains("put")) stored[op["put"].get<std::string>()] = op["value"];
  }
  return stored;
}

}  // namespace

TEST_CASE("error codes are exported as data in numeric order", "[abi]") {
  json codes = call_ok(omni_error_codes());
  REQUIRE(codes.is_array());
  CHECK(codes[0] == "ok");
  CHECK(std::find(codes.begin(), codes.end(), "invalid_event") != codes.end());
}

TEST_CASE("create refuses bad config by name and never aborts", "[abi]") {
  CHECK(error_code(omni_create("{", 1)) == "invalid_json");
  std::string no_seed = json{{"now", kNow}}.dump();
  CHECK(error_code(omni_create(no_seed.data(), no_seed.size())) == "invalid_argument");
  json bad_queue = base_config();
  bad_queue["queue"] = {{"maxBatchEvents", -1}};
  std::string text = bad_queue.dump();
  CHECK(error_code(omni_create(text.data(), text.size())) == "invalid_argument");
}

TEST_CASE("a tracked event is built, enriched from the page and handed out as a batch", "[abi]") {
  auto handle = create(base_config());
  json result = enqueue(handle, {{"type", "track"},
                                 {"event", "Product Viewed"},
                                 {"properties", {{"sku", "A-1"}}},
                                 {"now", kNow},
                                 {"echo", true},
                                 {"page", {{"url", "https://shop.example/p/1?utm_source=google&utm_medium=cpc"},
                                           {"referrer", "https://www.google.com/"}}}});
  REQUIRE(result.contains("ok"));
  json event = result["ok"]["event"];
  CHECK(event["type"] == "track");
  CHECK(event["context"]["campaign"]["source"] == "google");
  CHECK(event["context"]["channel"] == "paid_search");
  CHECK(event["anonymousId"].is_string());

  json next = call_ok(omni_next(handle, kNow, 1));
  REQUIRE(next["action"] == "send");
  json body = json::parse(next["body"].get<std::string>(), nullptr, false);
  REQUIRE(body["batch"].size() == 1);
  CHECK(body["batch"][0]["messageId"] == result["ok"]["messageId"]);
  CHECK(body["writeKey"] == "wk_test");

  std::string outcome = json{{"batchId", next["batchId"]}, {"status", 200}}.dump();
  call_ok(omni_report(handle, kNow, outcome.data(), outcome.size()));
  CHECK(call_ok(omni_next(handle, kNow, 1))["action"] == "idle");
  omni_destroy(handle);
}

TEST_CASE("an invalid call is rejected with the core's code and nothing is queued", "[abi]") {
  auto handle = create(base_config());
  CHECK(enqueue(handle, {{"type", "track"}, {"now", kNow}})["error"]["code"] == "invalid_event");
  CHECK(enqueue(handle, {{"type", "shout"}, {"now", kNow}})["error"]["code"] == "invalid_event");
  CHECK(enqueue(handle, {{"type", "track"}, {"event", "x"}})["error"]["code"] == "invalid_argument");
  CHECK(call_ok(omni_next(handle, kNow, 1))["action"] == "idle");
  omni_destroy(handle);
}

TEST_CASE("what the host persisted restores the queue and identity in a new instance", "[abi]") {
  auto first = create(base_config());
  REQUIRE(enqueue(first, {{"type", "identify"}, {"userId", "u-42"}, {"traits", {{"plan", "gold"}}}, {"now", kNow}})
              .contains("ok"));
  REQUIRE(enqueue(first, {{"type", "track"}, {"event", "Cart Viewed"}, {"now", kNow + 1}}).contains("ok"));
  json stored = persisted(first);
  omni_destroy(first);  // the page closed before anything was sent

  json config = base_config();
  config["stored"] = stored;
  std::string text = config.dump();
  json reopened = call_ok(omni_create(text.data(), text.size()));
  CHECK(reopened["pending"] == 2);
  CHECK(reopened["userId"] == "u-42");
  auto second = reopened["handle"].get<std::uint32_t>();

  json next = call_ok(omni_next(second, kNow + 2, 1));
  REQUIRE(next["action"] == "send");
  json body = json::parse(next["body"].get<std::string>(), nullptr, false);
  REQUIRE(body["batch"].size() == 2);
  CHECK(body["batch"][0]["type"] == "identify");
  CHECK(body["batch"][1]["userId"] == "u-42");
  omni_destroy(second);
}

TEST_CASE("a 400 naming one event drops only that event", "[abi]") {
  auto handle = create(base_config());
  auto a = enqueue(handle, {{"type", "track"}, {"event", "A"}, {"now", kNow}})["ok"]["messageId"];
  auto b = enqueue(handle, {{"type", "track"}, {"event", "B"}, {"now", kNow}})["ok"]["messageId"];
  json next = call_ok(omni_next(handle, kNow, 1));
  REQUIRE(next["action"] == "send");
  json collector_body = {{"error", {{"code", "invalid_batch"}, {"rejected", {{{"index", 0}, {"messageId", a}}}}}}};
  std::string outcome = json{{"batchId", next["batchId"]}, {"status", 400}, {"body", collector_body.dump()}}.dump();
  json dropped = call_ok(omni_report(handle, kNow, outcome.data(), outcome.size()))["dropped"];
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0]["messageId"] == a);
  CHECK(dropped[0]["reason"] == "rejected");

  json again = call_ok(omni_next(handle, kNow, 1));
  REQUIRE(again["action"] == "send");
  CHECK(again["messageIds"] == json::array({b}));
  omni_destroy(handle);
}

TEST_CASE("reset gives a new anonymous id and forgets the user", "[abi]") {
  auto handle = create(base_config());
  REQUIRE(enqueue(handle, {{"type", "identify"}, {"userId", "u-1"}, {"now", kNow}}).contains("ok"));
  json before = enqueue(handle, {{"type", "track"}, {"event", "A"}, {"now", kNow}, {"echo", true}})["ok"]["event"];
  json reset = call_ok(omni_reset(handle, kNow));
  json after = enqueue(handle, {{"type", "track"}, {"event", "B"}, {"now", kNow}, {"echo", true}})["ok"]["event"];
  CHECK(reset["anonymousId"] != before["anonymousId"]);
  CHECK(after["anonymousId"] == reset["anonymousId"]);
  CHECK_FALSE(after.contains("userId"));
  omni_destroy(handle);
}

TEST_CASE("calls on an unknown handle fail with not_found", "[abi]") {
  CHECK(error_code(omni_next(9999, kNow, 0)) == "not_found");
  CHECK(error_code(omni_take_writes(9999)) == "not_found");
}

TEST_CASE("numbers in a call are queued exactly as the host wrote them", "[abi]") {
  auto handle = create(base_config());
  // Written by hand: a JSON library would re-spell 19.90 as 19.9.
  const std::string request =
      R"({"type":"track","event":"Order Completed","now":1790000000000.75,"echo":true,)"
      R"("timestamp":1790000000123.9,"properties":{"total":19.90,"tax":1E1,"id":123456789012345678901234}})";
  char* out = omni_enqueue(handle, request.data(), request.size());
  REQUIRE(out != nullptr);
  const std::string text = out;
  omni_free(out);
  INFO(text);
  CHECK(text.find(R"("properties":{"total":19.90,"tax":1E1,"id":123456789012345678901234})") !=
        std::string::npos);
  // Fractions of a millisecond are dropped, as a JS number of ms would be floored.
  CHECK(text.find(R"("timestamp":"2026-09-21T14:13:20.123Z")") != std::string::npos);
  omni_destroy(handle);
}

TEST_CASE("a time that is not a non-negative number of ms is refused", "[abi]") {
  auto handle = create(base_config());
  for (const char* now : {"-1", "\"1790000000000\"", "1e400", "null", "9000000000000001"}) {
    INFO(now);
    const std::string request = std::string(R"({"type":"track","event":"A","now":)") + now + "}";
    CHECK(error_code(omni_enqueue(handle, request.data(), request.size())) == "invalid_argument");
  }
  omni_destroy(handle);
}

TEST_CASE("without echo a call answers its messageId and the user id, not the event", "[abi]") {
  auto handle = create(base_config());
  json anonymous = enqueue(handle, {{"type", "track"}, {"event", "A"}, {"now", kNow}})["ok"];
  CHECK(anonymous["messageId"].is_string());
  CHECK(anonymous["userId"].is_null());
  CHECK_FALSE(anonymous.contains("event"));
  json known = enqueue(handle, {{"type", "identify"}, {"userId", "u-9"}, {"now", kNow}})["ok"];
  CHECK(known["userId"] == "u-9");
  omni_destroy(handle);
}

TEST_CASE("the context given at create goes into every event unless the call sets the field", "[abi]") {
  json config = base_config();
  config["context"] = {{"library", {{"name", "omni-web"}}}, {"locale", "de-DE"}};
  auto handle = create(config);
  json event = enqueue(handle, {{"type", "track"}, {"event", "A"}, {"now", kNow}, {"echo", true},
                                {"context", {{"locale", "fr-FR"}}}})["ok"]["event"];
  CHECK(event["context"]["library"]["name"] == "omni-web");
  CHECK(event["context"]["locale"] == "fr-FR");
  json bad = base_config();
  bad["context"] = "not an object";
  std::string text = bad.dump();
  CHECK(error_code(omni_create(text.data(), text.size())) == "invalid_argument");
  omni_destroy(handle);
}
