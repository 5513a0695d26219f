// Touchpoint events following the Segment spec, and the limits every event and batch obey.
//
// The browser SDK builds events with build_event(); the collector checks what arrives with
// validate_event(). Both run this same code, so a client and the server never disagree about
// what a valid event is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "omni/effects.hpp"
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
Status validate_event(const nlohmann::json& event);

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
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json traits = nlohmann::json::object();
  nlohmann::json context = nlohmann::json::object();
  /// When the call happened (ms since epoch); 0 means now (from the clock). Calls queued before
  /// the SDK loaded pass their original time here.
  std::int64_t timestamp_ms = 0;
};

/// Builds a complete, validated event: `type`, the type's fields, `messageId` (UUIDv7 from the
/// clock and randomness), `timestamp` (ISO-8601 UTC with milliseconds), `properties` / `traits`
/// / `context` as given. Fails with InvalidEvent or EventTooLarge; builds nothing then.
Result<nlohmann::json> build_event(const EventInput& input, Clock& clock, Random& random);

}  // namespace omni
