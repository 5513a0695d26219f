#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "omni/effects.hpp"
#include "omni/event.hpp"
#include "omni/status.hpp"

using nlohmann::json;

namespace {

constexpr std::int64_t kSomeTimeMs = 1700000000123;  // 2023-11-14T22:13:20.123Z
constexpr std::int64_t kLast9999Ms = 253402300799999;

// The smallest valid event of each type.
json valid(const char* type) {
  json event = {{"type", type}, {"anonymousId", "anon-1"}};
  const std::string t = type;
  if (t == "track") event["event"] = "Product Viewed";
  if (t == "alias") {
    event["userId"] = "user-1";
    event["previousId"] = "anon-1";
  }
  if (t == "group") event["groupId"] = "acme";
  return event;
}

// The message of a rejected event; fails the test when the event is accepted or the code is not
// invalid_event.
std::string rejection(const json& event) {
  const omni::Status s = omni::validate_event(event);
  INFO(event.dump());
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == omni::ErrorCode::kInvalidEvent);
  return s.message();
}

bool accepted(const json& event) {
  const omni::Status s = omni::validate_event(event);
  INFO(event.dump() << " -> " << s.to_string());
  return s.ok();
}

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

struct Fixture {
  omni::ManualClock clock{kSomeTimeMs};
  omni::SeededRandom random{11};

  json build(omni::EventInput input) {
    auto result = omni::build_event(input, clock, random);
    INFO(result.status().to_string());
    REQUIRE(result.ok());
    return std::move(result).value();
  }

  omni::Status failure(const omni::EventInput& input) {
    auto result = omni::build_event(input, clock, random);
    REQUIRE_FALSE(result.ok());
    return result.status();
  }
};

omni::EventInput track(std::string name) {
  omni::EventInput input;
  input.type = omni::EventType::kTrack;
  input.event = std::move(name);
  input.anonymous_id = "anon-1";
  return input;
}

// Text and numbers whose serialized length is easy to get wrong: escapes, control characters,
// multi-byte UTF-8, extreme integers and doubles.
json tricky_value(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 9 : 7);
  switch (kind) {
    case 0: {
      static const char* const kPieces[] = {"a",  "\"", "\\", "\n", "\t", "\b", "\f", "\r",
                                            "\x01", "\x1f", "\x7f", "/",  "é", "☕", "𝄞", " "};
      std::string text;
      const int count = *rc::gen::inRange(0, 12);
      for (int i = 0; i < count; ++i) text += kPieces[*rc::gen::inRange(0, 16)];
      return text;
    }
    case 1:
      return *rc::gen::arbitrary<std::int64_t>();
    case 2:
      return *rc::gen::element(std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                               std::int64_t{0}, std::numeric_limits<std::int64_t>::max());
    case 3:
      return *rc::gen::arbitrary<std::uint64_t>();
    case 4:
      return *rc::gen::element(0.1, -1e-300, 1.7976931348623157e308, -2.2250738585072014e-308,
                               5e-324, 123456789012345.67, -0.000123456789012345678, 1e16, 129.0);
    case 5:
      return *rc::gen::arbitrary<double>();
    case 6:
      return *rc::gen::element(json(nullptr), json(true), json(false));
    case 7: {
      json items = json::array();
      const int count = *rc::gen::inRange(0, 4);
      for (int i = 0; i < count; ++i) items.push_back(tricky_value(depth - 1));
      return items;
    }
    default: {
      json members = json::object();
      const int count = *rc::gen::inRange(0, 4);
      for (int i = 0; i < count; ++i) members[tricky_value(0).dump()] = tricky_value(depth - 1);
      return members;
    }
  }
}

// Builds a track event holding `value`, padded with plain letters (which add exactly their
// length) so that its compact dump is `target` bytes; true when build_event accepts it exactly
// when target <= kMaxEventBytes, and otherwise fails with event_too_large.
bool size_verdict_matches_dump(const json& value, std::size_t target) {
  omni::ManualClock clock(kSomeTimeMs);
  omni::SeededRandom random(1);
  omni::EventInput in = track("Sized");
  in.properties = {{"value", value}, {"pad", ""}};
  auto unpadded = omni::build_event(in, clock, random);
  if (!unpadded.ok()) return false;
  const std::size_t base = unpadded.value().dump().size();
  if (base > target) return false;
  in.properties["pad"] = std::string(target - base, 'x');
  auto padded = omni::build_event(in, clock, random);
  if (target <= omni::kMaxEventBytes) return padded.ok() && padded.value().dump().size() == target;
  return padded.status().code() == omni::ErrorCode::kEventTooLarge;
}

}  // namespace

// --- event types ---

TEST_CASE("event type names parse back to the same type and nothing else parses", "[event]") {
  for (auto type : {omni::EventType::kTrack, omni::EventType::kPage, omni::EventType::kScreen,
                    omni::EventType::kIdentify, omni::EventType::kAlias, omni::EventType::kGroup}) {
    omni::EventType parsed = omni::EventType::kGroup;
    REQUIRE(omni::parse_event_type(omni::event_type_name(type), &parsed));
    CHECK(parsed == type);
  }
  omni::EventType parsed = omni::EventType::kTrack;
  CHECK_FALSE(omni::parse_event_type("Track", &parsed));
  CHECK_FALSE(omni::parse_event_type("", &parsed));
  CHECK_FALSE(omni::parse_event_type("purchase", &parsed));
  CHECK(std::string(omni::event_type_name(omni::EventType::kIdentify)) == "identify");
}

// --- validate_event, one rule at a time ---

TEST_CASE("the smallest valid event of each type is accepted", "[event][validate]") {
  for (const char* type : {"track", "page", "screen", "identify", "alias", "group"}) {
    CHECK(accepted(valid(type)));
  }
}

TEST_CASE("an event must be a JSON object", "[event][validate]") {
  CHECK(rejection(json::array({valid("track")})) == "an event must be a JSON object");
  CHECK(rejection(json("track")) == "an event must be a JSON object");
  CHECK(rejection(json(nullptr)) == "an event must be a JSON object");
}

TEST_CASE("an event needs a string `type` naming one of the six types", "[event][validate]") {
  json event = valid("track");
  event.erase("type");
  CHECK(rejection(event) == "`type` is required and must be a string");
  event["type"] = 1;
  CHECK(rejection(event) == "`type` is required and must be a string");
  event["type"] = "Track";
  CHECK(rejection(event) == "`type` must be one of track, page, screen, identify, alias, group");
}

TEST_CASE("an event needs a non-empty `userId` or `anonymousId`", "[event][validate]") {
  json event = valid("page");
  event.erase("anonymousId");
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
  event["anonymousId"] = "";
  event["userId"] = "";
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
  event["userId"] = "user-1";
  CHECK(accepted(event));
  event.erase("anonymousId");
  CHECK(accepted(event));
}

TEST_CASE("a null field counts as absent, as Segment's browser library sends it", "[event][validate]") {
  json event = valid("track");
  event["userId"] = nullptr;
  event["properties"] = nullptr;
  event["context"] = nullptr;
  event["sentAt"] = nullptr;
  CHECK(accepted(event));
  event["anonymousId"] = nullptr;
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
}

TEST_CASE("numeric ids are rejected by name: Omni's ids are strings", "[event][validate]") {
  json event = valid("track");
  event["userId"] = 42;
  CHECK(rejection(event) == "`userId` must be a string, not a number");
  event = valid("track");
  event["anonymousId"] = 7.5;
  CHECK(rejection(event) == "`anonymousId` must be a string, not a number");
  event = valid("track");
  event["userId"] = true;
  CHECK(rejection(event) == "`userId` must be a string, not a boolean");
  event = valid("group");
  event["groupId"] = 9;
  CHECK(rejection(event) == "`groupId` must be a string, not a number");
  event = valid("alias");
  event["previousId"] = json::object();
  CHECK(rejection(event) == "`previousId` must be a string, not an object");
}

TEST_CASE("ids longer than 256 bytes are rejected", "[event][validate]") {
  for (const char* key : {"userId", "anonymousId", "previousId", "groupId", "messageId"}) {
    INFO(key);
    json event = valid("alias");
    event["groupId"] = "acme";
    event["messageId"] = "m-1";
    event[key] = std::string(omni::kMaxIdLength, 'x');
    CHECK(accepted(event));
    event[key] = std::string(omni::kMaxIdLength + 1, 'x');
    CHECK(rejection(event) == "`" + std::string(key) + "` is longer than 256 bytes");
  }
}

TEST_CASE("a present `messageId` must be a non-empty string", "[event][validate]") {
  json event = valid("track");
  event["messageId"] = "0190c4c8-0000-7000-8000-000000000000";
  CHECK(accepted(event));
  event["messageId"] = "";
  CHECK(rejection(event) == "`messageId` must not be empty");
  event["messageId"] = 12345;
  CHECK(rejection(event) == "`messageId` must be a string, not a number");
}

TEST_CASE("track needs a non-empty string `event`", "[event][validate]") {
  json event = valid("track");
  event.erase("event");
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  event["event"] = "";
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  event["event"] = 3;
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  // Other types do not need it.
  CHECK(accepted(valid("page")));
}

TEST_CASE("alias needs a non-empty string `userId` and `previousId`", "[event][validate]") {
  json event = valid("alias");
  event.erase("userId");
  CHECK(rejection(event) == "alias needs a non-empty string `userId`");
  event = valid("alias");
  event.erase("previousId");
  CHECK(rejection(event) == "alias needs a non-empty string `previousId`");
  event["previousId"] = "";
  CHECK(rejection(event) == "alias needs a non-empty string `previousId`");
}

TEST_CASE("group needs a non-empty string `groupId`", "[event][validate]") {
  json event = valid("group");
  event.erase("groupId");
  CHECK(rejection(event) == "group needs a non-empty string `groupId`");
  event["groupId"] = "";
  CHECK(rejection(event) == "group needs a non-empty string `groupId`");
}

TEST_CASE("`properties`, `traits` and `context` must be objects when present", "[event][validate]") {
  for (const char* key : {"properties", "traits", "context"}) {
    INFO(key);
    json event = valid("identify");
    event[key] = {{"plan", "gold"}};
    CHECK(accepted(event));
    event[key] = json::array({1, 2});
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an object, not an array");
    event[key] = "gold";
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an object, not a string");
  }
}

TEST_CASE("`timestamp` and `sentAt` must be ISO-8601 strings when present", "[event][validate]") {
  for (const char* key : {"timestamp", "sentAt"}) {
    INFO(key);
    json event = valid("screen");
    event[key] = "2024-03-10T01:30:00.123+05:30";
    CHECK(accepted(event));
    event[key] = "2024-02-30T00:00:00Z";
    CHECK(rejection(event) == "`" + std::string(key) + "` is not ISO-8601");
    event[key] = "yesterday";
    CHECK(rejection(event) == "`" + std::string(key) + "` is not ISO-8601");
    event[key] = 1700000000123;
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an ISO-8601 string, not a number");
  }
}

TEST_CASE("unknown top-level keys are allowed", "[event][validate]") {
  json event = valid("track");
  event["integrations"] = {{"All", false}};
  event["version"] = 2;
  event["channel"] = "server";
  event["originalTimestamp"] = "not checked";
  CHECK(accepted(event));
}

// --- check_event_size ---

TEST_CASE("an event over 32 KB is too large and the message gives size and limit", "[event][size]") {
  CHECK(omni::check_event_size(0).ok());
  CHECK(omni::check_event_size(omni::kMaxEventBytes).ok());
  const omni::Status s = omni::check_event_size(omni::kMaxEventBytes + 1);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == omni::ErrorCode::kEventTooLarge);
  CHECK(s.message() == "event is 32769 bytes, over the 32768-byte limit");
}

// --- build_event ---

TEST_CASE("build_event makes a Segment track event stamped with the clock", "[event][build]") {
  Fixture f;
  omni::EventInput input = track("Product Viewed");
  input.properties = {{"sku", "A-1"}, {"price", 19.5}};
  input.context = {{"channel", "web"}};
  input.name = "ignored for track";
  input.traits = {{"ignored", true}};
  const json event = f.build(input);

  CHECK(keys_of(event) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                                "event", "properties", "context"});
  CHECK(event["type"] == "track");
  CHECK(event["event"] == "Product Viewed");
  CHECK(event["anonymousId"] == "anon-1");
  CHECK(event["properties"] == input.properties);
  CHECK(event["context"] == input.context);
  CHECK(event["timestamp"] == "2023-11-14T22:13:20.123Z");
  const std::string id = event["messageId"];
  CHECK(id.size() == 36);
  CHECK(id.substr(0, 13) == "018bcfe5-687b");  // UUIDv7 of the same millisecond
  CHECK(id[14] == '7');
  CHECK(omni::validate_event(event).ok());
}

TEST_CASE("build_event makes page, screen, identify, alias and group events", "[event][build]") {
  Fixture f;
  SECTION("page carries name, category and properties") {
    omni::EventInput in;
    in.type = omni::EventType::kPage;
    in.name = "Shoes";
    in.category = "Catalog";
    in.user_id = "user-1";
    in.properties = {{"path", "/shoes"}};
    const json e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "userId", "name",
                                              "category", "properties", "context"});
    CHECK(e["type"] == "page");
    CHECK(e["name"] == "Shoes");
    CHECK(e["category"] == "Catalog");
    CHECK(e["userId"] == "user-1");
    CHECK(e["properties"]["path"] == "/shoes");
  }
  SECTION("screen carries name and properties") {
    omni::EventInput in;
    in.type = omni::EventType::kScreen;
    in.name = "Cart";
    in.anonymous_id = "anon-1";
    const json e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                              "name", "properties", "context"});
    CHECK(e["type"] == "screen");
    CHECK(e["name"] == "Cart");
  }
  SECTION("identify carries traits, not properties") {
    omni::EventInput in;
    in.type = omni::EventType::kIdentify;
    in.user_id = "user-1";
    in.anonymous_id = "anon-1";
    in.traits = {{"email", "a@example.com"}};
    in.properties = {{"ignored", true}};
    const json e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "userId",
                                              "anonymousId", "traits", "context"});
    CHECK(e["type"] == "identify");
    CHECK(e["traits"]["email"] == "a@example.com");
  }
  SECTION("alias carries previousId") {
    omni::EventInput in;
    in.type = omni::EventType::kAlias;
    in.user_id = "user-1";
    in.previous_id = "anon-1";
    const json e = f.build(in);
    CHECK(keys_of(e) ==
          std::set<std::string>{"type", "messageId", "timestamp", "userId", "previousId", "context"});
    CHECK(e["type"] == "alias");
    CHECK(e["previousId"] == "anon-1");
  }
  SECTION("group carries groupId and traits") {
    omni::EventInput in;
    in.type = omni::EventType::kGroup;
    in.anonymous_id = "anon-1";
    in.group_id = "acme";
    in.traits = {{"employees", 40}};
    const json e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                              "groupId", "traits", "context"});
    CHECK(e["type"] == "group");
    CHECK(e["groupId"] == "acme");
    CHECK(e["traits"]["employees"] == 40);
  }
}

TEST_CASE("build_event omits empty optional strings", "[event][build]") {
  Fixture f;
  omni::EventInput in;
  in.type = omni::EventType::kPage;
  in.anonymous_id = "anon-1";
  const json e = f.build(in);
  CHECK_FALSE(e.contains("name"));
  CHECK_FALSE(e.contains("category"));
  CHECK_FALSE(e.contains("userId"));
}

TEST_CASE("build_event uses the given time and reads the clock only when it is 0", "[event][build]") {
  Fixture f;
  f.clock.set(1800000000000);
  omni::EventInput in = track("Queued Before Load");
  in.timestamp_ms = kSomeTimeMs;
  const json queued = f.build(in);
  CHECK(queued["timestamp"] == "2023-11-14T22:13:20.123Z");
  CHECK(queued["messageId"].get<std::string>().substr(0, 13) == "018bcfe5-687b");

  in.timestamp_ms = 0;
  const json now = f.build(in);
  CHECK(now["timestamp"] == "2027-01-15T08:00:00.000Z");
}

TEST_CASE("calls replayed later keep their time order in messageId", "[event][build]") {
  Fixture f;
  f.clock.set(1900000000000);  // replay long after the calls were made
  std::string previous;
  for (std::int64_t i = 0; i < 200; ++i) {
    omni::EventInput in = track("Replayed");
    in.timestamp_ms = kSomeTimeMs + i * 7;
    const std::string id = f.build(in)["messageId"];
    CHECK(previous < id);
    previous = id;
  }
}

TEST_CASE("build_event rejects a time outside years 1970..9999", "[event][build]") {
  Fixture f;
  omni::EventInput in = track("Far Future");
  in.timestamp_ms = kLast9999Ms;
  CHECK(f.build(in)["timestamp"] == "9999-12-31T23:59:59.999Z");
  in.timestamp_ms = kLast9999Ms + 1;
  CHECK(f.failure(in).message() == "`timestamp` must fall within years 1970..9999");
  in.timestamp_ms = -1;
  CHECK(f.failure(in).code() == omni::ErrorCode::kInvalidEvent);
}

TEST_CASE("build_event fails by name when a required field is missing", "[event][build]") {
  Fixture f;
  CHECK(f.failure(track("")).message() == "track needs a non-empty string `event`");

  omni::EventInput no_ids = track("Orphan");
  no_ids.anonymous_id.clear();
  CHECK(f.failure(no_ids).message() == "`userId` or `anonymousId` is required");

  omni::EventInput alias;
  alias.type = omni::EventType::kAlias;
  alias.user_id = "user-1";
  CHECK(f.failure(alias).message() == "alias needs a non-empty string `previousId`");

  omni::EventInput group;
  group.type = omni::EventType::kGroup;
  group.anonymous_id = "anon-1";
  const omni::Status s = f.failure(group);
  CHECK(s.code() == omni::ErrorCode::kInvalidEvent);
  CHECK(s.message() == "group needs a non-empty string `groupId`");
}

TEST_CASE("build_event rejects properties that are not an object", "[event][build]") {
  Fixture f;
  omni::EventInput in = track("Bad Properties");
  in.properties = json::array({1, 2, 3});
  CHECK(f.failure(in).message() == "`properties` must be an object, not an array");
}

TEST_CASE("build_event turns null properties, traits and context into empty objects", "[event][build]") {
  Fixture f;
  omni::EventInput in = track("Nulls");
  in.properties = nullptr;
  in.context = nullptr;
  const json e = f.build(in);
  CHECK(e["properties"] == json::object());
  CHECK(e["context"] == json::object());
}

TEST_CASE("an event with a 40 KB property is rejected as too large", "[event][build][size]") {
  Fixture f;
  omni::EventInput in = track("Huge");
  in.properties = {{"blob", std::string(40 * 1024, 'x')}};
  const omni::Status s = f.failure(in);
  CHECK(s.code() == omni::ErrorCode::kEventTooLarge);
  CHECK(s.message().find("32768-byte limit") != std::string::npos);

  // Just under the limit still passes: the check is on the serialized size, not a guess.
  in.properties = {{"blob", std::string(31 * 1024, 'x')}};
  CHECK(f.build(in).dump().size() <= omni::kMaxEventBytes);
}

TEST_CASE("build_event's size check agrees with dump() to the byte", "[event][build][size]") {
  // Values whose serialized length is hardest to predict, each tried one byte under, on and
  // over the limit.
  const json hard[] = {
      -2.2250738585072014e-308,
      1.7976931348623157e308,
      -0.000123456789012345678,
      json::array({-2.2250738585072014e-308, -2.2250738585072014e-308, -1.7976931348623157e308}),
      json::array({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
      json::array({json::array(), json::object(), json::array({json::array()})}),
      {{"a", 1}, {"b", json::array({1, 2})}, {"c", json::object()}},
      std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::uint64_t>::max(),
      std::string("\x01\x1f\"\\\b\f\n\r\t\x7f/é☕𝄞"),
      json::binary({1, 2, 3, 250}, 7),
  };
  for (const json& value : hard) {
    for (std::size_t target = omni::kMaxEventBytes - 1; target <= omni::kMaxEventBytes + 1; ++target) {
      INFO(value.dump() << " padded to " << target);
      CHECK(size_verdict_matches_dump(value, target));
    }
  }

  rc::prop("for mixed content padded to one byte under, on or over the limit", [] {
    const json value = tricky_value(2);
    const std::size_t target = *rc::gen::element(omni::kMaxEventBytes - 1, omni::kMaxEventBytes,
                                                 omni::kMaxEventBytes + 1);
    RC_ASSERT(size_verdict_matches_dump(value, target));
  });
}

TEST_CASE("build_event rejects text that is not UTF-8 instead of aborting on dump", "[event][build]") {
  Fixture f;
  omni::EventInput bad_name = track(std::string("Caf\xe9", 4));  // Latin-1, not UTF-8
  CHECK(f.failure(bad_name).message() == "`event` holds text that is not valid UTF-8");

  omni::EventInput nested = track("Nested");
  nested.properties = {{"items", json::array({{{"title", std::string("\xed\xa0\x80")}}})}};  // surrogate
  CHECK(f.failure(nested).message() == "`properties` holds text that is not valid UTF-8");

  omni::EventInput bad_key = track("Key");
  bad_key.context = {{std::string("\xc0\xaf"), 1}};  // overlong '/'
  CHECK(f.failure(bad_key).message() == "`context` holds text that is not valid UTF-8");

  omni::EventInput fine = track("Café ☕ 𝄞");
  fine.properties = {{"emoji", "👟"}};
  CHECK(f.build(fine)["event"] == "Café ☕ 𝄞");
}

TEST_CASE("moving the input in builds the same event as copying it", "[event][build]") {
  omni::ManualClock clock(kSomeTimeMs);
  omni::SeededRandom random_a(5);
  omni::SeededRandom random_b(5);
  omni::EventInput in = track("Product Added");
  in.properties = {{"sku", "A-1"}, {"qty", 2}};
  in.context = {{"page", {{"path", "/p/a-1"}}}};

  auto copied = omni::build_event(in, clock, random_a);
  auto moved = omni::build_event(omni::EventInput(in), clock, random_b);
  REQUIRE(copied.ok());
  REQUIRE(moved.ok());
  CHECK(copied.value() == moved.value());
  CHECK(in.properties["sku"] == "A-1");  // the const overload leaves the caller's input alone
}
