// Touchpoint events following the Segment spec, and the limits every event and batch obey.
//
// The browser SDK builds events with build_event(); the collector checks what arrives with
// validate_event(). Both run this same code, so a client and the server never disagree about
// what a valid event is.
//
// Contract: no function here throws or aborts, whatever JSON it is given; failures are Status
// values (InvalidEvent, EventTooLarge) whose message names the field and the rule. All functions
// are reentrant; build_event touches only the clock and randomness passed to it, and returns an
// event the caller owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "omni/effects.hpp"
#include "omni/json.hpp"
#include "omni/status.hpp"

namespace omni {

/// Segment's limits: one event at most 32 KB, one batch request at most 500 KB (serialized).
inline constexpr std::size_t kMaxEventBytes = 32 * 1024;
inline constexpr std::size_t kMaxBatchBytes = 500 * 1024;
/// Longest accepted messageId, anonymousId, userId, groupId or previousId.
inline constexpr std::size_t kMaxIdLength = 256;

enum class EventType : std::uint8_t { kTrack, kPage, kScreen, kIdentify, kAlias, kGroup };

/// "track", "page", ...
const char* event_type_name(EventType type);
/// Parses a type name; false when it is not one of the six.
bool parse_event_type(std::string_view name, EventType* type);

/// Checks one event (already parsed) against the Segment spec: `type` one of the six; at least
/// one of `userId` / `anonymousId` (non-empty strings); `event` for track, `userId` and
/// `previousId` for alias, `groupId` for group; `properties`, `traits`, `context` objects when
/// present; `messageId`, `timestamp`, `sentAt` strings when present (timestamps ISO-8601); ids no
/// longer than kMaxIdLength. Returns InvalidEvent naming the field at fault. Size is checked
/// separately (check_event_size) because the caller already holds the serialized bytes.
///
/// Precisely: the event must be a JSON object. A field set to null counts as absent (Segment's
/// browser library sends `"userId": null` for anonymous visitors). The ids (`userId`,
/// `anonymousId`, `previousId`, `groupId`, `messageId`) must be strings when present — numbers
/// are rejected by name — of at most kMaxIdLength bytes; `messageId` must not be empty (it is the
/// dedup key). Unknown top-level keys (`integrations`, `version`, `channel`, ...) are allowed.
/// The first rule broken is reported, e.g. "track needs a non-empty string `event`". Never
/// aborts, whatever the JSON holds. Pure and thread-safe.
Status validate_event(const json::Value& event);

/// EventTooLarge when a serialized event is over kMaxEventBytes.
Status check_event_size(std::size_t serialized_bytes);

/// What one SDK call provides. Fields that do not apply to the type are ignored.
struct EventInput {
  EventType type = EventType::kTrack;
  std::string event;         // track: the event name (required)
  std::string name;          // page / screen: the page or screen name
  std::string category;      // page: the page category
  std::string user_id;
  std::string anonymous_id;
  std::string previous_id;   // alias: the id being linked from (required)
  std::string group_id;      // group (required)
  json::Value properties = json::Value::object();
  json::Value traits = json::Value::object();
  json::Value context = json::Value::object();
  /// When the call happened (ms since epoch); 0 means now (from the clock). Calls queued before
  /// the SDK loaded pass their original time here.
  std::int64_t timestamp_ms = 0;
};

/// A built event: the value, and its compact text exactly as it is queued and sent. The text
/// is made once, in build_event, which needs it to check the size anyway.
struct BuiltEvent {
  json::Value value;
  std::string text;  // value.dump()
};

/// Builds a complete, validated event: `type`, the type's fields, `messageId` (UUIDv7 from the
/// clock and randomness), `timestamp` (ISO-8601 UTC with milliseconds), `properties` / `traits`
/// / `context` as given. Fails with InvalidEvent or EventTooLarge; builds nothing then.
///
/// Shape (Segment's): "type", "messageId", "timestamp", "userId" / "anonymousId", then per type
/// "event" (track), "name" + "category" (page), "name" (screen), "previousId" (alias), "groupId"
/// (group), "properties" (track, page, screen), "traits" (identify, group), and "context" always.
/// Empty strings are omitted; a null properties / traits / context becomes {}. The time is
/// `timestamp_ms`, or the clock read once when it is 0; it must fall within years 1970..9999.
/// messageId is uuid_v7 of that time, so replayed calls keep their order. A string field of
/// `input` that is not valid UTF-8 is rejected (InvalidEvent naming it) rather than repaired:
/// the caller sent broken text. The event passes validate_event and its text is at most
/// kMaxEventBytes.
Result<BuiltEvent> build_event(const EventInput& input, Clock& clock, Random& random);

/// The same, moving the strings and JSON out of `input` instead of copying them (the browser
/// path builds an EventInput per call and hands it over). `input` is left valid but unspecified.
Result<BuiltEvent> build_event(EventInput&& input, Clock& clock, Random& random);

}  // namespace omni
