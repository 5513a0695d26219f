#include "ingest/batch_parser.hpp"

#include <optional>
#include <utility>

#include "ingest/event_time.hpp"
#include "omni/ids.hpp"
#include "omni/timestamp.hpp"

namespace omni::collector::ingest {
namespace {

using omni::json::Value;

const std::string* string_member(const Value& object, const char* key) {
  const Value* field = object.find(key);
  return field != nullptr ? field->as_string() : nullptr;
}

std::string take_string(Value& object, const char* key) {
  Value* field = object.find(key);
  return field != nullptr ? field->take_string() : std::string();
}

std::string string_or_empty(const Value& object, const char* key) {
  const std::string* value = string_member(object, key);
  return value ? *value : std::string();
}

bool take_write_key(Value& object, IngestBody* out, BodyError* error) {
  Value* key = object.find("writeKey");
  if (key == nullptr) return true;
  if (!key->is_string()) {
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "`writeKey` must be a string";
    return false;
  }
  out->write_key = key->take_string();
  object.erase("writeKey");
  return true;
}

void merge_context(Value& event, const Value& batch_context) {
  Value* context = event.find("context");
  if (context == nullptr || context->is_null()) {
    event.set("context", batch_context);
    return;
  }
  if (!context->is_object()) return;  // validate_event names the wrong type
  for (const json::Member& field : batch_context.members()) {
    if (!context->contains(field.key)) context->set(field.key, field.value);
  }
}

std::optional<std::int64_t> time_member(const Value& event, const char* key) {
  const std::string* text = string_member(event, key);
  std::int64_t unix_ms = 0;
  if (text == nullptr || !parse_iso8601(*text, &unix_ms)) return std::nullopt;
  return unix_ms;
}

// Keeps the device's timestamp as originalTimestamp and stores the skew-corrected one (the rule
// is in event_time.hpp). Both members belong to the collector, like receivedAt: a client's own
// originalTimestamp is replaced, or removed when the event has no timestamp to keep. Runs after
// validate_event, so a present stamp parses; null counts as absent, as in the core.
void stamp_event_time(Value& event, std::int64_t received_at_ms, const std::string& received_at) {
  const std::optional<std::int64_t> device_ms = time_member(event, "timestamp");
  const EventTime time =
      corrected_event_time(device_ms, time_member(event, "sentAt"), received_at_ms);
  if (device_ms) {
    event.set("originalTimestamp", string_or_empty(event, "timestamp"));  // verbatim
  } else {
    event.erase("originalTimestamp");
  }
  event.set("timestamp", time.timestamp_ms == received_at_ms ? received_at
                                                             : format_iso8601(time.timestamp_ms));
}

// Runs after validate_event, so `context` is an object, null or absent.
void stamp_client_ip(Value& event, std::string_view client_ip) {
  Value* context = event.find("context");
  if (client_ip.empty()) {
    if (context != nullptr && context->is_object()) context->erase("ip");
    return;
  }
  if (context == nullptr || !context->is_object()) {
    event.set("context", Value::object());
    context = event.find("context");
  }
  context->set("ip", client_ip);
}

void reject(PreparedEvents* out, std::size_t index, const Value& event, std::string code,
            std::string message) {
  Rejection r;
  r.index = index;
  r.message_id = string_or_empty(event, "messageId");  // "" for a non-object
  r.code = std::move(code);
  r.message = std::move(message);
  out->rejected.push_back(std::move(r));
}

}  // namespace

bool parse_ingest_body(std::string_view body, std::optional<EventType> single_type,
                       IngestBody* out, BodyError* error) {
  Value root;
  json::ParseError parse_error;
  if (!json::parse_into(body, &root, &parse_error, kMaxJsonDepth)) {
    // Valid JSON nested too deep is a request the collector refuses, not a malformed one.
    error->kind = parse_error.too_deep ? BodyErrorKind::kInvalidRequest
                                       : BodyErrorKind::kMalformedJson;
    error->message = parse_error.too_deep
                         ? "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                         : "the body is " + parse_error.message;  // "invalid JSON at byte N: ..."
    return false;
  }
  if (!root.is_object()) {
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "the body must be a JSON object";
    return false;
  }
  if (!take_write_key(root, out, error)) return false;

  if (single_type) {
    out->events.push_back(std::move(root));
    return true;
  }

  Value* batch = root.find("batch");
  if (batch == nullptr || !batch->is_array()) {
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "`batch` must be an array of events";
    return false;
  }
  Value* context = root.find("context");
  if (context != nullptr && !context->is_null()) {
    if (!context->is_object()) {
      error->kind = BodyErrorKind::kInvalidRequest;
      error->message = "`context` must be an object";
      return false;
    }
    out->context = std::move(*context);
  }
  Value* sent_at = root.find("sentAt");
  if (sent_at != nullptr && !sent_at->is_null()) {
    if (!sent_at->is_string()) {
      error->kind = BodyErrorKind::kInvalidRequest;
      error->message = "`sentAt` must be a string";
      return false;
    }
    out->sent_at = std::move(*sent_at);
  }
  out->events = batch->take_items();
  return true;
}

PreparedEvents prepare_events(IngestBody&& body, std::optional<EventType> single_type,
                              std::string_view source, std::int64_t received_at_ms,
                              Random& random, std::string_view client_ip) {
  PreparedEvents out;
  out.rows.reserve(body.events.size());
  // One buffer for the whole request, so serializing an event does not grow a fresh string
  // through several reallocations; each row then takes one exact-size copy.
  std::string buffer;
  buffer.reserve(2048);
  const std::string received_at = format_iso8601(received_at_ms);
  const bool has_context = body.context.is_object() && !body.context.empty();
  const bool has_sent_at = body.sent_at.is_string();

  for (std::size_t i = 0; i < body.events.size(); ++i) {
    Value& event = body.events[i];
    if (event.is_object()) {
      event.erase("writeKey");
      if (single_type) {
        const char* route_type = event_type_name(*single_type);
        const Value* type = event.find("type");
        if (type == nullptr || type->is_null()) {  // null means absent, as in the core
          event.set("type", route_type);
        } else if (type->string_or("") != route_type) {  // a non-string never equals it
          reject(&out, i, event, "invalid_event",
                 std::string("`type` contradicts the route /v1/") + route_type);
          continue;
        }
      }
      if (has_context) merge_context(event, body.context);
      if (has_sent_at) {
        const Value* sent_at = event.find("sentAt");
        if (sent_at == nullptr || sent_at->is_null()) event.set("sentAt", body.sent_at);
      }
    }

    const Status valid = validate_event(event);
    if (!valid.ok()) {
      reject(&out, i, event, valid.code_name(), valid.message());
      continue;
    }

    if (!event.is_object()) {  // validate_event refuses these; never build on anything else
      reject(&out, i, event, "invalid_event", "an event must be a JSON object");
      continue;
    }
    if (string_member(event, "messageId") == nullptr) {  // absent or null (validated above)
      event.set("messageId", uuid_v7(received_at_ms, random));
    }
    event.set("receivedAt", received_at);
    stamp_event_time(event, received_at_ms, received_at);
    stamp_client_ip(event, client_ip);

    buffer.clear();
    event.dump_to(buffer);
    const Status size = check_event_size(buffer.size());
    if (!size.ok()) {
      reject(&out, i, event, size.code_name(), size.message());
      continue;
    }
    if (!out.rejected.empty()) continue;  // nothing will be stored; only keep naming faults

    // The event is serialized and never read again: its strings move into the columns.
    StoredEvent row;
    row.source = std::string(source);
    row.message_id = take_string(event, "messageId");
    row.type = take_string(event, "type");
    if (row.type == "track") row.event = take_string(event, "event");
    row.user_id = take_string(event, "userId");
    row.anonymous_id = take_string(event, "anonymousId");
    row.timestamp = take_string(event, "timestamp");
    row.received_at_ms = received_at_ms;
    row.body = buffer;
    out.rows.push_back(std::move(row));
  }
  if (!out.rejected.empty()) out.rows.clear();
  return out;
}

}  // namespace omni::collector::ingest
