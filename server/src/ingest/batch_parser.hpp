// From a request body to the rows the store keeps: parse once, check the shape, validate every
// event with the core's rules, stamp, serialize once. Pure apart from the injected Random.
//
// Two steps, because the write key may sit in the body (sendBeacon cannot set headers) and must
// be known before events are prepared for a source:
//   1. parse_ingest_body: JSON → IngestBody (events, batch context, sentAt, writeKey), or a
//      request-level error (malformed_json, invalid_request).
//   2. prepare_events: per event, fill in what the route and the batch imply, validate, stamp
//      receivedAt, originalTimestamp, the skew-corrected timestamp and a messageId, dump to
//      compact JSON. Every event at fault is named; when any is, the caller stores nothing of
//      the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "omni/effects.hpp"
#include "omni/event.hpp"
#include "omni/json.hpp"
#include "store/event_store.hpp"

namespace omni::collector::ingest {

/// Deeper JSON is refused (invalid_request) by the parser as it reaches the limit: parsing,
/// copying and serializing values recurse, and a 500 KB body of "[[[[..." must not exhaust an
/// io thread's stack. Counted from the body (a batch's events start at depth 3), so events keep
/// about 60 levels of their own.
inline constexpr std::size_t kMaxJsonDepth = 64;

enum class BodyErrorKind { kMalformedJson, kInvalidRequest };

struct BodyError {
  BodyErrorKind kind = BodyErrorKind::kMalformedJson;
  std::string message;
};

struct IngestBody {
  std::vector<omni::json::Value> events;  // the events as sent, in order
  omni::json::Value context;             // batch-level context object, or null
  omni::json::Value sent_at;             // batch-level sentAt string, or null
  std::optional<std::string> write_key;  // the body's writeKey, if any
};

/// Parses a body. `single_type` is the route's type for /v1/track etc. (the body is one event),
/// nullopt for /v1/batch (the body is {"batch":[...], "context"?, "sentAt"?, "writeKey"?};
/// other keys are ignored, as Segment's clients send extra ones).
bool parse_ingest_body(std::string_view body, std::optional<EventType> single_type,
                       IngestBody* out, BodyError* error);

/// One event refused, named by its position in the request.
struct Rejection {
  std::size_t index = 0;
  std::string message_id;  // empty when the event had no string messageId
  std::string code;        // "invalid_event" or "event_too_large"
  std::string message;
};

struct PreparedEvents {
  std::vector<StoredEvent> rows;     // complete only when `rejected` is empty
  std::vector<Rejection> rejected;   // every event at fault, in order
};

/// Prepares the events of `body` (consumed) for `source`:
///  - drops a "writeKey" member from each event (a credential is not event data);
///  - single routes: sets `type` when absent; a different `type` is rejected;
///  - merges the batch context into each event's context for the keys it lacks, and sets the
///    batch sentAt on events without one (or with a null one);
///  - validates with omni::validate_event;
///  - sets "receivedAt" (ISO-8601 of `received_at_ms`, replacing any sent) and a UUIDv7
///    "messageId" when the event has none (such events cannot be deduplicated on retry);
///  - keeps the device's "timestamp" verbatim as "originalTimestamp" and replaces "timestamp"
///    with the time corrected for device clock skew (event_time.hpp), also in the row's
///    `timestamp` column;
///  - sets "context.ip" to `client_ip` (creating the context when absent), replacing any value
///    the client sent: the collector decides the IP. An empty `client_ip` (no peer known)
///    removes a sent one;
///  - serializes once and checks omni::check_event_size on the result. Numbers are stored as
///    the client wrote them (omni::json keeps their text).
PreparedEvents prepare_events(IngestBody&& body, std::optional<EventType> single_type,
                              std::string_view source, std::int64_t received_at_ms,
                              Random& random, std::string_view client_ip = {});

}  // namespace omni::collector::ingest
