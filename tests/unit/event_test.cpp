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
#include "omni/json.hpp"
#include "omni/status.hpp"
#include "support/json_support.hpp"

using omni::json::Value;
using omni::testing::json_of;

namespace {

constexpr std::int64_t kSomeTimeMs = 1700000000123;  // 2023-11-14T22:13:20.123Z
constexpr std::int64_t kLast9999Ms = 253402300799999;

// The smallest valid event of each type.
Value valid(const char* type) {
  Value event = Value::object();
  event.set("type", type);
  event.set("anonymousId", "anon-1");
  const std::string t = type;
  if (t == "track") event.set("event", "Product Viewed");
  if (t == "alias") {
    event.set("userId", "user-1");
    event.set("previousId", "anon-1");
  }
  if (t == "group") event.set("groupId", "acme");
  return event;
}

// The message of a rejected event; fails the test when the event is accepted or the code is not
// invalid_event.
std::string rejection(const Value& event) {
  const omni::Status s = omni::validate_event(event);
  INFO(event.dump());
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == omni::ErrorCode::kInvalidEvent);
  return s.message();
}

bool accepted(const Value& event) {
  const omni::Status s = omni::validate_event(event);
  INFO(event.dump() << " -> " << s.to_string());
  return s.ok();
}

std::set<std::string> keys_of(const Value& object) {
  std::set<std::string> keys;
  for (const auto& member : object.members()) keys.insert(member.key);
  return keys;
}

struct Fixture {
  omni::ManualClock clock{kSomeTimeMs};
  omni::SeededRandom random{11};

  Value build(omni::EventInput input) {
    auto result = omni::build_event(input, clock, random);
    INFO(result.status().to_string());
    REQUIRE(result.ok());
    return std::move(result).value().value;
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
// multi-byte UTF-8, extreme integers and numbers written in every JSON spelling.
Value tricky_value(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 8 : 6);
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
      return *Value::number(*rc::gen::element<std::string>(
          "0.1", "-1e-300", "1.7976931348623157e308", "-2.2250738585072014E-308", "5e-324",
          "123456789012345.67", "-0.000123456789012345678", "1e400", "-0", "129.0"));
    case 5:
      return *rc::gen::element(Value(nullptr), Value(true), Value(false));
    case 6: {
      Value items = Value::array();
      const int count = *rc::gen::inRange(0, 4);
      for (int i = 0; i < count; ++i) items.push_back(tricky_value(depth - 1));
      return items;
    }
    default: {
      Value members = Value::object();
      const int count = *rc::gen::inRange(0, 4);
      for (int i = 0; i < count; ++i) members.set(tricky_value(0).dump(), tricky_value(depth - 1));
      return members;
    }
  }
}

// Builds a track event holding `value`, padded with plain letters (which add exactly their
// length) so that its text is `target` bytes; true when build_event accepts it exactly when
// target <= kMaxEventBytes (with a text equal to dump()), and otherwise fails with
// event_too_large.
bool size_verdict_matches_dump(const Value& value, std::size_t target) {
  omni::ManualClock clock(kSomeTimeMs);
  omni::SeededRandom random(1);
  omni::EventInput in = track("Sized");
  in.properties = Value::object();
  in.properties.set("value", value);
  in.properties.set("pad", "");
  auto unpadded = omni::build_event(in, clock, random);
  if (!unpadded.ok()) return false;
  const std::size_t base = unpadded.value().text.size();
  if (base > target) return false;
  in.properties.set("pad", std::string(target - base, 'x'));
  auto padded = omni::build_event(in, clock, random);
  if (target > omni::kMaxEventBytes) {
    return padded.status().code() == omni::ErrorCode::kEventTooLarge;
  }
  return padded.ok() && padded.value().text.size() == target &&
         padded.value().text == padded.value().value.dump();
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
  Value wrapped = Value::array();
  wrapped.push_back(valid("track"));
  CHECK(rejection(wrapped) == "an event must be a JSON object");
  CHECK(rejection(Value("track")) == "an event must be a JSON object");
  CHECK(rejection(Value(nullptr)) == "an event must be a JSON object");
}

TEST_CASE("an event needs a string `type` naming one of the six types", "[event][validate]") {
  Value event = valid("track");
  event.erase("type");
  CHECK(rejection(event) == "`type` is required and must be a string");
  event.set("type", 1);
  CHECK(rejection(event) == "`type` is required and must be a string");
  event.set("type", "Track");
  CHECK(rejection(event) == "`type` must be one of track, page, screen, identify, alias, group");
}

TEST_CASE("an event needs a non-empty `userId` or `anonymousId`", "[event][validate]") {
  Value event = valid("page");
  event.erase("anonymousId");
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
  event.set("anonymousId", "");
  event.set("userId", "");
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
  event.set("userId", "user-1");
  CHECK(accepted(event));
  event.erase("anonymousId");
  CHECK(accepted(event));
}

TEST_CASE("a null field counts as absent, as Segment's browser library sends it", "[event][validate]") {
  Value event = valid("track");
  event.set("userId", nullptr);
  event.set("properties", nullptr);
  event.set("context", nullptr);
  event.set("sentAt", nullptr);
  CHECK(accepted(event));
  event.set("anonymousId", nullptr);
  CHECK(rejection(event) == "`userId` or `anonymousId` is required");
}

TEST_CASE("numeric ids are rejected by name: Omni's ids are strings", "[event][validate]") {
  Value event = valid("track");
  event.set("userId", 42);
  CHECK(rejection(event) == "`userId` must be a string, not a number");
  event = valid("track");
  event.set("anonymousId", *Value::number("7.5"));
  CHECK(rejection(event) == "`anonymousId` must be a string, not a number");
  event = valid("track");
  event.set("userId", true);
  CHECK(rejection(event) == "`userId` must be a string, not a boolean");
  event = valid("group");
  event.set("groupId", 9);
  CHECK(rejection(event) == "`groupId` must be a string, not a number");
  event = valid("alias");
  event.set("previousId", Value::object());
  CHECK(rejection(event) == "`previousId` must be a string, not an object");
}

TEST_CASE("ids longer than 256 bytes are rejected", "[event][validate]") {
  for (const char* key : {"userId", "anonymousId", "previousId", "groupId", "messageId"}) {
    INFO(key);
    Value event = valid("alias");
    event.set("groupId", "acme");
    event.set("messageId", "m-1");
    event.set(key, std::string(omni::kMaxIdLength, 'x'));
    CHECK(accepted(event));
    event.set(key, std::string(omni::kMaxIdLength + 1, 'x'));
    CHECK(rejection(event) == "`" + std::string(key) + "` is longer than 256 bytes");
  }
}

TEST_CASE("a present `messageId` must be a non-empty string", "[event][validate]") {
  Value event = valid("track");
  event.set("messageId", "0190c4c8-0000-7000-8000-000000000000");
  CHECK(accepted(event));
  event.set("messageId", "");
  CHECK(rejection(event) == "`messageId` must not be empty");
  event.set("messageId", 12345);
  CHECK(rejection(event) == "`messageId` must be a string, not a number");
}

TEST_CASE("track needs a non-empty string `event`", "[event][validate]") {
  Value event = valid("track");
  event.erase("event");
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  event.set("event", "");
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  event.set("event", 3);
  CHECK(rejection(event) == "track needs a non-empty string `event`");
  // Other types do not need it.
  CHECK(accepted(valid("page")));
}

TEST_CASE("alias needs a non-empty string `userId` and `previousId`", "[event][validate]") {
  Value event = valid("alias");
  event.erase("userId");
  CHECK(rejection(event) == "alias needs a non-empty string `userId`");
  event = valid("alias");
  event.erase("previousId");
  CHECK(rejection(event) == "alias needs a non-empty string `previousId`");
  event.set("previousId", "");
  CHECK(rejection(event) == "alias needs a non-empty string `previousId`");
}

TEST_CASE("group needs a non-empty string `groupId`", "[event][validate]") {
  Value event = valid("group");
  event.erase("groupId");
  CHECK(rejection(event) == "group needs a non-empty string `groupId`");
  event.set("groupId", "");
  CHECK(rejection(event) == "group needs a non-empty string `groupId`");
}

TEST_CASE("`properties`, `traits` and `context` must be objects when present", "[event][validate]") {
  for (const char* key : {"properties", "traits", "context"}) {
    INFO(key);
    Value event = valid("identify");
    event.set(key, json_of(R"({"plan":"gold"})"));
    CHECK(accepted(event));
    event.set(key, json_of("[1,2]"));
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an object, not an array");
    event.set(key, "gold");
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an object, not a string");
  }
}

TEST_CASE("`timestamp` and `sentAt` must be ISO-8601 strings when present", "[event][validate]") {
  for (const char* key : {"timestamp", "sentAt"}) {
    INFO(key);
    Value event = valid("screen");
    event.set(key, "2024-03-10T01:30:00.123+05:30");
    CHECK(accepted(event));
    event.set(key, "2024-02-30T00:00:00Z");
    CHECK(rejection(event) == "`" + std::string(key) + "` is not ISO-8601");
    event.set(key, "yesterday");
    CHECK(rejection(event) == "`" + std::string(key) + "` is not ISO-8601");
    event.set(key, std::int64_t{1700000000123});
    CHECK(rejection(event) == "`" + std::string(key) + "` must be an ISO-8601 string, not a number");
  }
}

TEST_CASE("unknown top-level keys are allowed", "[event][validate]") {
  Value event = valid("track");
  event.set("integrations", json_of(R"({"All":false})"));
  event.set("version", 2);
  event.set("channel", "server");
  event.set("originalTimestamp", "not checked");
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
  input.properties = json_of(R"({"sku":"A-1","price":19.5})");
  input.context = json_of(R"({"channel":"web"})");
  input.name = "ignored for track";
  input.traits = json_of(R"({"ignored":true})");
  const Value event = f.build(input);

  CHECK(keys_of(event) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                                "event", "properties", "context"});
  CHECK(event.members().front().key == "type");  // Segment's order: type first
  CHECK(*event.find("type") == "track");
  CHECK(*event.find("event") == "Product Viewed");
  CHECK(*event.find("anonymousId") == "anon-1");
  CHECK(*event.find("properties") == input.properties);
  CHECK(*event.find("context") == input.context);
  CHECK(*event.find("timestamp") == "2023-11-14T22:13:20.123Z");
  const std::string id(event.find("messageId")->string_or(""));
  CHECK(id.size() == 36);
  CHECK(id.substr(0, 13) == "018bcfe5-687b");  // UUIDv7 of the same millisecond
  CHECK(id[14] == '7');
  CHECK(omni::validate_event(event).ok());
}

TEST_CASE("build_event returns the event's text, made once, with numbers as they were written",
          "[event][build]") {
  omni::ManualClock clock(kSomeTimeMs);
  omni::SeededRandom random(3);
  omni::EventInput input = track("Order Completed");
  input.properties = json_of(R"({"total":19.90,"tax":1e1,"big":12345678901234567890123})");
  auto built = omni::build_event(input, clock, random);
  REQUIRE(built.ok());
  CHECK(built.value().text == built.value().value.dump());
  CHECK(built.value().text.find(R"("properties":{"total":19.90,"tax":1e1,"big":12345678901234567890123})") !=
        std::string::npos);
}

TEST_CASE("build_event makes page, screen, identify, alias and group events", "[event][build]") {
  Fixture f;
  SECTION("page carries name, category and properties") {
    omni::EventInput in;
    in.type = omni::EventType::kPage;
    in.name = "Shoes";
    in.category = "Catalog";
    in.user_id = "user-1";
    in.properties = json_of(R"({"path":"/shoes"})");
    const Value e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "userId", "name",
                                              "category", "properties", "context"});
    CHECK(*e.find("type") == "page");
    CHECK(*e.find("name") == "Shoes");
    CHECK(*e.find("category") == "Catalog");
    CHECK(*e.find("userId") == "user-1");
    CHECK(*e.find("properties")->find("path") == "/shoes");
  }
  SECTION("screen carries name and properties") {
    omni::EventInput in;
    in.type = omni::EventType::kScreen;
    in.name = "Cart";
    in.anonymous_id = "anon-1";
    const Value e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                              "name", "properties", "context"});
    CHECK(*e.find("type") == "screen");
    CHECK(*e.find("name") == "Cart");
  }
  SECTION("identify carries traits, not properties") {
    omni::EventInput in;
    in.type = omni::EventType::kIdentify;
    in.user_id = "user-1";
    in.anonymous_id = "anon-1";
    in.traits = json_of(R"({"email":"a@example.com"})");
    in.properties = json_of(R"({"ignored":true})");
    const Value e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "userId",
                                              "anonymousId", "traits", "context"});
    CHECK(*e.find("type") == "identify");
    CHECK(*e.find("traits")->find("email") == "a@example.com");
  }
  SECTION("alias carries previousId") {
    omni::EventInput in;
    in.type = omni::EventType::kAlias;
    in.user_id = "user-1";
    in.previous_id = "anon-1";
    const Value e = f.build(in);
    CHECK(keys_of(e) ==
          std::set<std::string>{"type", "messageId", "timestamp", "userId", "previousId", "context"});
    CHECK(*e.find("type") == "alias");
    CHECK(*e.find("previousId") == "anon-1");
  }
  SECTION("group carries groupId and traits") {
    omni::EventInput in;
    in.type = omni::EventType::kGroup;
    in.anonymous_id = "anon-1";
    in.group_id = "acme";
    in.traits = json_of(R"({"employees":40})");
    const Value e = f.build(in);
    CHECK(keys_of(e) == std::set<std::string>{"type", "messageId", "timestamp", "anonymousId",
                                              "groupId", "traits", "context"});
    CHECK(*e.find("type") == "group");
    CHECK(*e.find("groupId") == "acme");
    CHECK(*e.find("traits")->find("employees") == 40);
  }
}

TEST_CASE("build_event omits empty optional strings", "[event][build]") {
  Fixture f;
  omni::EventInput in;
  in.type = omni::EventType::kPage;
  in.anonymous_id = "anon-1";
  const Value e = f.build(in);
  CHECK_FALSE(e.contains("name"));
  CHECK_FALSE(e.contains("category"));
  CHECK_FALSE(e.contains("userId"));
}

TEST_CASE("build_event uses the given time and reads the clock only when it is 0", "[event][build]") {
  Fixture f;
  f.clock.set(1800000000000);
  omni::EventInput in = track("Queued Before Load");
  in.timestamp_ms = kSomeTimeMs;
  const Value queued = f.build(in);
  CHECK(*queued.find("timestamp") == "2023-11-14T22:13:20.123Z");
  CHECK(queued.find("messageId")->string_or("").substr(0, 13) == "018bcfe5-687b");

  in.timestamp_ms = 0;
  const Value now = f.build(in);
  CHECK(*now.find("timestamp") == "2027-01-15T08:00:00.000Z");
}

TEST_CASE("calls replayed later keep their time order in messageId", "[event][build]") {
  Fixture f;
  f.clock.set(1900000000000);  // replay long after the calls were made
  std::string previous;
  for (std::int64_t i = 0; i < 200; ++i) {
    omni::EventInput in = track("Replayed");
    in.timestamp_ms = kSomeTimeMs + i * 7;
    const std::string id(f.build(in).find("messageId")->string_or(""));
    CHECK(previous < id);
    previous = id;
  }
}

TEST_CASE("build_event rejects a time outside years 1970..9999", "[event][build]") {
  Fixture f;
  omni::EventInput in = track("Far Future");
  in.timestamp_ms = kLast9999Ms;
  CHECK(*f.build(in).find("timestamp") == "9999-12-31T23:59:59.999Z");
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
  in.properties = json_of("[1,2,3]");
  CHECK(f.failure(in).message() == "`properties` must be an object, not an array");
}

TEST_CASE("build_event turns null properties, traits and context into empty objects", "[event][build]") {
  Fixture f;
  omni::EventInput in = track("Nulls");
  in.properties = nullptr;
  in.context = nullptr;
  const Value e = f.build(in);
  CHECK(*e.find("properties") == Value::object());
  CHECK(*e.find("context") == Value::object());
}

TEST_CASE("an event with a 40 KB property is rejected as too large", "[event][build][size]") {
  Fixture f;
  omni::EventInput in = track("Huge");
  in.properties = Value::object();
  in.properties.set("blob", std::string(40 * 1024, 'x'));
  const omni::Status s = f.failure(in);
  CHECK(s.code() == omni::ErrorCode::kEventTooLarge);
  CHECK(s.message().find("32768-byte limit") != std::string::npos);

  // Just under the limit still passes: the check is on the serialized size, not a guess.
  in.properties.set("blob", std::string(31 * 1024, 'x'));
  CHECK(f.build(in).dump().size() <= omni::kMaxEventBytes);
}

TEST_CASE("build_event's size check agrees with dump() to the byte", "[event][build][size]") {
  // Values whose serialized length is hardest to predict, each tried one byte under, on and
  // over the limit.
  const Value hard[] = {
      json_of("-2.2250738585072014e-308"),
      json_of("1.7976931348623157e308"),
      json_of("[-2.2250738585072014e-308,-2.2250738585072014e-308,-1.7976931348623157e308]"),
      json_of("[1,2,3,4,5,6,7,8,9,10]"),
      json_of("[[],{},[[]]]"),
      json_of(R"({"a":1,"b":[1,2],"c":{}})"),
      Value(std::numeric_limits<std::int64_t>::min()),
      Value(std::numeric_limits<std::uint64_t>::max()),
      Value(std::string("\x01\x1f\"\\\b\f\n\r\t\x7f/é☕𝄞")),
  };
  for (const Value& value : hard) {
    for (std::size_t target = omni::kMaxEventBytes - 1; target <= omni::kMaxEventBytes + 1; ++target) {
      INFO(value.dump() << " padded to " << target);
      CHECK(size_verdict_matches_dump(value, target));
    }
  }

  rc::prop("for mixed content padded to one byte under, on or over the limit", [] {
    const Value value = tricky_value(2);
    const std::size_t target = *rc::gen::element(omni::kMaxEventBytes - 1, omni::kMaxEventBytes,
                                                 omni::kMaxEventBytes + 1);
    RC_ASSERT(size_verdict_matches_dump(value, target));
  });
}

TEST_CASE("build_event rejects a text field that is not UTF-8, naming it", "[event][build]") {
  Fixture f;
  omni::EventInput bad_name = track(std::string("Caf\xe9", 4));  // Latin-1, not UTF-8
  CHECK(f.failure(bad_name).message() == "`event` holds text that is not valid UTF-8");

  omni::EventInput bad_user = track("Fine");
  bad_user.user_id = std::string("\xed\xa0\x80");  // a UTF-16 surrogate
  CHECK(f.failure(bad_user).message() == "`userId` holds text that is not valid UTF-8");

  omni::EventInput bad_category;
  bad_category.type = omni::EventType::kPage;
  bad_category.anonymous_id = "anon-1";
  bad_category.category = std::string("\xc0\xaf");  // overlong '/'
  CHECK(f.failure(bad_category).message() == "`category` holds text that is not valid UTF-8");

  // A field the type does not use is ignored, broken or not.
  omni::EventInput ignored = track("Fine");
  ignored.group_id = std::string("\xff");
  CHECK(f.build(ignored).contains("event"));

  omni::EventInput fine = track("Café ☕ 𝄞");
  fine.properties = json_of(R"({"emoji":"👟"})");
  CHECK(*f.build(fine).find("event") == "Café ☕ 𝄞");
}

TEST_CASE("text put into properties from C++ is repaired, so the event always serializes",
          "[event][build]") {
  Fixture f;
  omni::EventInput nested = track("Nested");
  nested.properties = Value::object();
  nested.properties.set(std::string("\xc0\xaf"), std::string("a\xed\xa0\x80z"));
  const Value e = f.build(nested);
  const Value& properties = *e.find("properties");
  REQUIRE(properties.size() == 1);
  CHECK(properties.members()[0].key == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(properties.members()[0].value == "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
}

TEST_CASE("moving the input in builds the same event as copying it", "[event][build]") {
  omni::ManualClock clock(kSomeTimeMs);
  omni::SeededRandom random_a(5);
  omni::SeededRandom random_b(5);
  omni::EventInput in = track("Product Added");
  in.properties = json_of(R"({"sku":"A-1","qty":2})");
  in.context = json_of(R"({"page":{"path":"/p/a-1"}})");

  auto copied = omni::build_event(in, clock, random_a);
  auto moved = omni::build_event(omni::EventInput(in), clock, random_b);
  REQUIRE(copied.ok());
  REQUIRE(moved.ok());
  CHECK(copied.value().value == moved.value().value);
  CHECK(copied.value().text == moved.value().text);
  CHECK(*in.properties.find("sku") == "A-1");  // the const overload leaves the caller's input alone
}
