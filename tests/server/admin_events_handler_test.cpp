#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "admin/admin_events_handler.hpp"

using nlohmann::json;
using omni::collector::EventRecord;
using omni::collector::admin::events_response_body;

TEST_CASE("stored events are listed with their ids and the event object", "[admin]") {
  EventRecord record;
  record.id = 42;
  record.source = "web";
  record.message_id = "m1";
  record.received_at_ms = 1795000000123;
  record.body = R"({"type":"track","event":"A","userId":"u"})";
  const json body = json::parse(events_response_body({record}), nullptr, false);
  REQUIRE(body["events"].size() == 1);
  const json& e = body["events"][0];
  CHECK(e["id"] == 42);
  CHECK(e["source"] == "web");
  CHECK(e["messageId"] == "m1");
  CHECK(e["receivedAt"] == "2026-11-18T11:06:40.123Z");
  CHECK(e["event"]["event"] == "A");
}

TEST_CASE("a stored body that is not JSON is listed as null, not dropped", "[admin]") {
  EventRecord record;
  record.id = 1;
  record.body = "{broken";
  const json body = json::parse(events_response_body({record}), nullptr, false);
  REQUIRE(body["events"].size() == 1);
  CHECK(body["events"][0]["event"].is_null());
}

TEST_CASE("no events is an empty list", "[admin]") {
  CHECK(events_response_body({}) == R"({"events":[]})");
}

TEST_CASE("a page with older events after it names the cursor to continue from", "[admin]") {
  EventRecord record;
  record.id = 7;
  record.body = "{}";
  const json body = json::parse(events_response_body({record}, 7), nullptr, false);
  CHECK(body["next"] == "7");
  const json last = json::parse(events_response_body({record}), nullptr, false);
  CHECK_FALSE(last.contains("next"));
}

TEST_CASE("an export line is the same object as an events item", "[admin]") {
  EventRecord record;
  record.id = 3;
  record.source = "web";
  record.message_id = "m3";
  record.received_at_ms = 1795000000123;
  record.body = R"({"type":"page"})";
  const json item = json::parse(events_response_body({record}), nullptr, false)["events"][0];
  const std::string line = omni::collector::admin::event_item_json(record);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(json::parse(line, nullptr, false) == item);
}
