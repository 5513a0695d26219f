#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "ingest/batch_parser.hpp"
#include "omni/effects.hpp"

using nlohmann::json;
using omni::EventType;
using omni::collector::StoredEvent;
using namespace omni::collector::ingest;

namespace {

constexpr std::int64_t kReceivedMs = 1795000000123;
const char* const kReceivedIso = "2026-11-18T11:06:40.123Z";

IngestBody parsed(const std::string& text, std::optional<EventType> single = std::nullopt) {
  IngestBody body;
  BodyError error;
  INFO(error.message);
  REQUIRE(parse_ingest_body(text, single, &body, &error));
  return body;
}

BodyError parse_error(const std::string& text, std::optional<EventType> single = std::nullopt) {
  IngestBody body;
  BodyError error;
  REQUIRE_FALSE(parse_ingest_body(text, single, &body, &error));
  return error;
}

PreparedEvents prepare(const std::string& text, std::optional<EventType> single = std::nullopt) {
  omni::SeededRandom random(7);
  return prepare_events(parsed(text, single), single, "storefront", kReceivedMs, random);
}

json body_of(const StoredEvent& row) {
  json out = json::parse(row.body, nullptr, false);
  REQUIRE(out.is_object());
  return out;
}

}  // namespace

TEST_CASE("a body that is not JSON is malformed", "[ingest]") {
  auto error = parse_error(R"({"batch":[)");
  CHECK(error.kind == BodyErrorKind::kMalformedJson);
  CHECK(parse_error("").kind == BodyErrorKind::kMalformedJson);
  CHECK(parse_error("\xff\xfe").kind == BodyErrorKind::kMalformedJson);
  CHECK(parse_error(R"({"batch":["\xc3\x28"]})").kind == BodyErrorKind::kMalformedJson);
}

TEST_CASE("a body of the wrong shape is an invalid request", "[ingest]") {
  CHECK(parse_error("[1,2]").kind == BodyErrorKind::kInvalidRequest);
  CHECK(parse_error(R"({"events":[]})").message == "`batch` must be an array of events");
  CHECK(parse_error(R"({"batch":{}})").kind == BodyErrorKind::kInvalidRequest);
  CHECK(parse_error(R"({"batch":[],"context":"web"})").message == "`context` must be an object");
  CHECK(parse_error(R"({"batch":[],"sentAt":5})").message == "`sentAt` must be a string");
  CHECK(parse_error(R"({"batch":[],"writeKey":5})").message == "`writeKey` must be a string");
  CHECK(parse_error("\"track\"", EventType::kTrack).message == "the body must be a JSON object");
}

TEST_CASE("JSON nested deeper than the limit is an invalid request, not malformed", "[ingest]") {
  std::string deep = R"({"batch":[{"properties":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}]}";
  const BodyError error = parse_error(deep);
  CHECK(error.kind == BodyErrorKind::kInvalidRequest);
  CHECK(error.message == "JSON nests deeper than 64 levels");
  // The limit counts from the body: an event keeps 61 levels of its own.
  std::string limit = R"({"batch":[{"properties":)";
  for (int i = 0; i < 61; ++i) limit += "[";
  for (int i = 0; i < 61; ++i) limit += "]";
  limit += "}]}";
  CHECK(parsed(limit).events.size() == 1);
  // Brackets inside strings do not count.
  CHECK(parsed(R"({"batch":[],"x":")" + std::string(100, '[') + R"("})").events.empty());
}

TEST_CASE("a malformed body's message names the byte at fault", "[ingest]") {
  CHECK(parse_error(R"({"batch":[1,]})").message ==
        "the body is invalid JSON at byte 12: expected a value");
}

TEST_CASE("numbers are stored exactly as the client wrote them", "[ingest]") {
  auto prepared = prepare(R"({"batch":[{"type":"track","event":"Order Completed","anonymousId":"a",
      "messageId":"m","properties":{"total":19.90,"tax":1E1,"qty":-0,"id":123456789012345678901234}}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK(prepared.rows[0].body.find(
            R"("properties":{"total":19.90,"tax":1E1,"qty":-0,"id":123456789012345678901234})") !=
        std::string::npos);
}

TEST_CASE("the body's writeKey is taken out of the body", "[ingest]") {
  auto batch = parsed(R"({"batch":[],"writeKey":"wk_1"})");
  REQUIRE(batch.write_key.has_value());
  CHECK(*batch.write_key == "wk_1");
  auto single = parsed(R"({"event":"x","writeKey":"wk_2"})", EventType::kTrack);
  REQUIRE(single.write_key.has_value());
  CHECK(*single.write_key == "wk_2");
  REQUIRE(single.events.size() == 1);
  CHECK_FALSE(single.events[0].contains("writeKey"));
  CHECK_FALSE(parsed(R"({"batch":[]})").write_key.has_value());
}

TEST_CASE("a valid batch becomes one row per event with its columns", "[ingest]") {
  auto prepared = prepare(R"({"batch":[
      {"type":"track","event":"Product Viewed","anonymousId":"a1","messageId":"m1",
       "timestamp":"2026-11-18T08:00:00.000Z","properties":{"sku":"X"}},
      {"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m2","traits":{}}]})");
  REQUIRE(prepared.rejected.empty());
  REQUIRE(prepared.rows.size() == 2);
  const StoredEvent& track = prepared.rows[0];
  CHECK(track.source == "storefront");
  CHECK(track.message_id == "m1");
  CHECK(track.type == "track");
  CHECK(track.event == "Product Viewed");
  CHECK(track.anonymous_id == "a1");
  CHECK(track.user_id.empty());
  CHECK(track.timestamp == "2026-11-18T08:00:00.000Z");
  CHECK(track.received_at_ms == kReceivedMs);
  const json stored = body_of(track);
  CHECK(stored["properties"]["sku"] == "X");
  CHECK(stored["receivedAt"] == kReceivedIso);
  CHECK(track.body.find('\n') == std::string::npos);  // compact

  const StoredEvent& identify = prepared.rows[1];
  CHECK(identify.type == "identify");
  CHECK(identify.event.empty());
  CHECK(identify.user_id == "u1");
}

TEST_CASE("receivedAt is the server's time even when the client sent one", "[ingest]") {
  auto prepared = prepare(
      R"({"batch":[{"type":"page","anonymousId":"a","messageId":"m","receivedAt":"1999-01-01T00:00:00Z"}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK(body_of(prepared.rows[0])["receivedAt"] == kReceivedIso);
}

TEST_CASE("an event without a messageId gets a UUIDv7 one", "[ingest]") {
  auto prepared = prepare(R"({"batch":[{"type":"page","anonymousId":"a"},
                                        {"type":"page","anonymousId":"a","messageId":null}]})");
  REQUIRE(prepared.rows.size() == 2);
  for (const auto& row : prepared.rows) {
    CHECK(row.message_id.size() == 36);
    CHECK(row.message_id[14] == '7');
    CHECK(body_of(row)["messageId"] == row.message_id);
  }
  CHECK(prepared.rows[0].message_id != prepared.rows[1].message_id);
}

TEST_CASE("the batch context fills in the keys an event's context lacks", "[ingest]") {
  auto prepared = prepare(R"({"context":{"library":{"name":"analytics-node"},"channel":"server","locale":"fr-FR"},
      "batch":[
        {"type":"track","event":"A","userId":"u","messageId":"1","context":{"channel":"pos"}},
        {"type":"track","event":"B","userId":"u","messageId":"2"},
        {"type":"track","event":"C","userId":"u","messageId":"3","context":null}]})");
  REQUIRE(prepared.rows.size() == 3);
  const json first = body_of(prepared.rows[0])["context"];
  CHECK(first["channel"] == "pos");  // the event's own value wins
  CHECK(first["library"]["name"] == "analytics-node");
  CHECK(first["locale"] == "fr-FR");
  CHECK(body_of(prepared.rows[1])["context"]["channel"] == "server");
  CHECK(body_of(prepared.rows[2])["context"]["channel"] == "server");
}

TEST_CASE("the batch sentAt is set on events that lack one", "[ingest]") {
  auto prepared = prepare(R"({"sentAt":"2026-11-18T08:26:39.000Z","batch":[
        {"type":"page","anonymousId":"a","messageId":"1"},
        {"type":"page","anonymousId":"a","messageId":"2","sentAt":"2026-11-18T08:20:00.000Z"}]})");
  REQUIRE(prepared.rows.size() == 2);
  CHECK(body_of(prepared.rows[0])["sentAt"] == "2026-11-18T08:26:39.000Z");
  CHECK(body_of(prepared.rows[1])["sentAt"] == "2026-11-18T08:20:00.000Z");
}

TEST_CASE("a writeKey inside an event is not stored", "[ingest]") {
  auto prepared =
      prepare(R"({"batch":[{"type":"page","anonymousId":"a","messageId":"1","writeKey":"wk"}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK_FALSE(body_of(prepared.rows[0]).contains("writeKey"));
  CHECK(prepared.rows[0].body.find("wk") == std::string::npos);
}

TEST_CASE("a single-event route sets the type when it is absent", "[ingest]") {
  auto prepared = prepare(R"({"event":"Order Completed","userId":"u"})", EventType::kTrack);
  REQUIRE(prepared.rows.size() == 1);
  CHECK(prepared.rows[0].type == "track");
  CHECK(body_of(prepared.rows[0])["type"] == "track");
  auto same = prepare(R"({"type":"alias","userId":"u","previousId":"a"})", EventType::kAlias);
  CHECK(same.rows.size() == 1);
}

TEST_CASE("a single-event route refuses a type that contradicts it", "[ingest]") {
  auto prepared = prepare(R"({"type":"page","userId":"u","messageId":"m9"})", EventType::kTrack);
  CHECK(prepared.rows.empty());
  REQUIRE(prepared.rejected.size() == 1);
  CHECK(prepared.rejected[0].index == 0);
  CHECK(prepared.rejected[0].message_id == "m9");
  CHECK(prepared.rejected[0].code == "invalid_event");
  CHECK(prepared.rejected[0].message == "`type` contradicts the route /v1/track");
}

TEST_CASE("one bad event rejects the request and every bad event is named", "[ingest]") {
  auto prepared = prepare(R"({"batch":[
      {"type":"track","event":"ok","userId":"u","messageId":"good1"},
      {"type":"track","userId":"u","messageId":"bad1"},
      {"type":"page","anonymousId":"a","messageId":"good2"},
      42,
      {"type":"launch","userId":"u"}]})");
  CHECK(prepared.rows.empty());  // nothing of the request is stored
  REQUIRE(prepared.rejected.size() == 3);
  CHECK(prepared.rejected[0].index == 1);
  CHECK(prepared.rejected[0].message_id == "bad1");
  CHECK(prepared.rejected[0].code == "invalid_event");
  CHECK(prepared.rejected[0].message == "track needs a non-empty string `event`");
  CHECK(prepared.rejected[1].index == 3);
  CHECK(prepared.rejected[1].message_id.empty());
  CHECK(prepared.rejected[2].index == 4);
  CHECK(prepared.rejected[2].message_id.empty());
}

TEST_CASE("an event over 32 KB serialized is rejected by index", "[ingest]") {
  const std::string big(33 * 1024, 'x');
  auto prepared = prepare(R"({"batch":[{"type":"page","anonymousId":"a","messageId":"small"},
      {"type":"track","event":"Big","anonymousId":"a","messageId":"big","properties":{"blob":")" +
                          big + R"("}}]})");
  CHECK(prepared.rows.empty());
  REQUIRE(prepared.rejected.size() == 1);
  CHECK(prepared.rejected[0].index == 1);
  CHECK(prepared.rejected[0].message_id == "big");
  CHECK(prepared.rejected[0].code == "event_too_large");
}

TEST_CASE("an empty batch prepares no rows and no rejections", "[ingest]") {
  auto prepared = prepare(R"({"batch":[]})");
  CHECK(prepared.rows.empty());
  CHECK(prepared.rejected.empty());
}

TEST_CASE("the batch sentAt corrects device clock skew and the original timestamp is kept",
          "[ingest][event-time]") {
  // The device clock is 2 h behind (receivedAt is 11:06:40.123): sent at 09:06:40.123 by its
  // clock, the event happened 10 s before that. The second event's own sentAt wins.
  auto prepared = prepare(R"({"sentAt":"2026-11-18T09:06:40.123Z","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","timestamp":"2026-11-18T09:06:30.123Z"},
      {"type":"page","anonymousId":"a","messageId":"2","timestamp":"2026-11-18T15:06:00+04:00",
       "sentAt":"2026-11-18T11:06:40.123Z"}]})");
  REQUIRE(prepared.rows.size() == 2);
  const json first = body_of(prepared.rows[0]);
  CHECK(first["originalTimestamp"] == "2026-11-18T09:06:30.123Z");
  CHECK(first["timestamp"] == "2026-11-18T11:06:30.123Z");
  CHECK(prepared.rows[0].timestamp == "2026-11-18T11:06:30.123Z");

  const json second = body_of(prepared.rows[1]);
  CHECK(second["originalTimestamp"] == "2026-11-18T15:06:00+04:00");  // verbatim
  CHECK(second["timestamp"] == "2026-11-18T11:06:00.000Z");           // UTC, milliseconds
  CHECK(prepared.rows[1].timestamp == "2026-11-18T11:06:00.000Z");
}

TEST_CASE("a single event's own sentAt corrects its timestamp", "[ingest][event-time]") {
  auto prepared = prepare(R"({"event":"Order Completed","userId":"u","messageId":"m",
      "timestamp":"2026-11-18T13:05:40.000Z","sentAt":"2026-11-18T13:06:40.000Z"})",
                          EventType::kTrack);
  REQUIRE(prepared.rows.size() == 1);
  CHECK(body_of(prepared.rows[0])["originalTimestamp"] == "2026-11-18T13:05:40.000Z");
  CHECK(prepared.rows[0].timestamp == "2026-11-18T11:05:40.123Z");
}

TEST_CASE("an event without a timestamp is stamped with receivedAt and no originalTimestamp",
          "[ingest][event-time]") {
  auto prepared = prepare(R"({"sentAt":"2026-11-18T09:06:40.123Z","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","originalTimestamp":"2020-01-01T00:00:00Z"},
      {"type":"page","anonymousId":"a","messageId":"2","timestamp":null}]})");
  REQUIRE(prepared.rows.size() == 2);
  for (const StoredEvent& row : prepared.rows) {
    const json stored = body_of(row);
    CHECK(stored["timestamp"] == kReceivedIso);
    CHECK_FALSE(stored.contains("originalTimestamp"));
    CHECK(row.timestamp == kReceivedIso);
  }
}

TEST_CASE("a timestamp without any sentAt is kept, written in UTC", "[ingest][event-time]") {
  auto prepared = prepare(R"({"batch":[{"type":"page","anonymousId":"a","messageId":"1",
      "timestamp":"2026-11-18T10:00:00.5+01:00","originalTimestamp":"1999-01-01T00:00:00Z"}]})");
  REQUIRE(prepared.rows.size() == 1);
  const json stored = body_of(prepared.rows[0]);
  CHECK(stored["originalTimestamp"] == "2026-11-18T10:00:00.5+01:00");  // the client's replaced
  CHECK(stored["timestamp"] == "2026-11-18T09:00:00.500Z");
}

TEST_CASE("a sentAt over a year from receivedAt corrects nothing", "[ingest][event-time]") {
  auto prepared = prepare(R"({"sentAt":"1970-01-01T00:10:00.000Z","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","timestamp":"1970-01-01T00:09:00.000Z"}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK(body_of(prepared.rows[0])["originalTimestamp"] == "1970-01-01T00:09:00.000Z");
  CHECK(prepared.rows[0].timestamp == "1970-01-01T00:09:00.000Z");
}

TEST_CASE("an event sent before it happened is stamped receivedAt", "[ingest][event-time]") {
  auto prepared = prepare(R"({"sentAt":"2026-11-18T11:00:00.000Z","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","timestamp":"2026-11-18T11:00:05.000Z"}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK(body_of(prepared.rows[0])["originalTimestamp"] == "2026-11-18T11:00:05.000Z");
  CHECK(prepared.rows[0].timestamp == kReceivedIso);
}

TEST_CASE("a null sentAt on an event takes the batch's", "[ingest][event-time]") {
  auto prepared = prepare(R"({"sentAt":"2026-11-18T09:06:40.123Z","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","sentAt":null,
       "timestamp":"2026-11-18T09:06:40.000Z"}]})");
  REQUIRE(prepared.rows.size() == 1);
  CHECK(body_of(prepared.rows[0])["sentAt"] == "2026-11-18T09:06:40.123Z");
  CHECK(prepared.rows[0].timestamp == "2026-11-18T11:06:40.000Z");
}

TEST_CASE("an unparseable sentAt rejects the events it applies to", "[ingest][event-time]") {
  auto prepared = prepare(R"({"sentAt":"yesterday","batch":[
      {"type":"page","anonymousId":"a","messageId":"1","timestamp":"2026-11-18T09:06:40.000Z"},
      {"type":"page","anonymousId":"a","messageId":"2","sentAt":"2026-11-18T09:06:40.123Z"},
      {"type":"page","anonymousId":"a","messageId":"3","sentAt":"18/11/2026"}]})");
  CHECK(prepared.rows.empty());
  REQUIRE(prepared.rejected.size() == 2);
  CHECK(prepared.rejected[0].index == 0);
  CHECK(prepared.rejected[0].code == "invalid_event");
  CHECK(prepared.rejected[0].message == "`sentAt` is not ISO-8601");
  CHECK(prepared.rejected[1].index == 2);
  CHECK(prepared.rejected[1].message == "`sentAt` is not ISO-8601");
}

TEST_CASE("context.ip is set by the collector, replacing what the client sent", "[ingest]") {
  omni::SeededRandom random(7);
  const std::string text =
      R"({"batch":[)"
      R"({"type":"track","event":"A","anonymousId":"a","context":{"ip":"6.6.6.6","locale":"fr"}},)"
      R"({"type":"track","event":"B","anonymousId":"a"}],"context":{"ip":"7.7.7.7"}})";
  PreparedEvents out =
      prepare_events(parsed(text), std::nullopt, "storefront", kReceivedMs, random, "203.0.113.0");
  REQUIRE(out.rejected.empty());
  REQUIRE(out.rows.size() == 2);
  json first = body_of(out.rows[0]);
  CHECK(first["context"]["ip"] == "203.0.113.0");
  CHECK(first["context"]["locale"] == "fr");
  CHECK(body_of(out.rows[1])["context"]["ip"] == "203.0.113.0");
}

TEST_CASE("an event without a context gets one holding the client IP", "[ingest]") {
  omni::SeededRandom random(7);
  PreparedEvents out =
      prepare_events(parsed(R"({"event":"A","anonymousId":"a"})", EventType::kTrack),
                     EventType::kTrack, "storefront", kReceivedMs, random, "2001:db8:abcd::");
  REQUIRE(out.rows.size() == 1);
  CHECK(body_of(out.rows[0])["context"] == json{{"ip", "2001:db8:abcd::"}});
}

TEST_CASE("without a known client IP a sent context.ip is removed", "[ingest]") {
  PreparedEvents out = prepare(
      R"({"batch":[{"type":"track","event":"A","anonymousId":"a","context":{"ip":"6.6.6.6"}}]})");
  REQUIRE(out.rows.size() == 1);
  CHECK_FALSE(body_of(out.rows[0])["context"].contains("ip"));
}
