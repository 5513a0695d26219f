#include "ingest/batch_parser.hpp"

#include <cstring>
#include <optional>

#include "ingest/event_time.hpp"
#include "omni/ids.hpp"
#include "omni/timestamp.hpp"

namespace omni::collector::ingest {
namespace {

using nlohmann::json;

const std::string* string_member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::string* mutable_string_member(json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<std::string&>();
}

std::string take_string(json& object, const char* key) {
  std::string* value = mutable_string_member(object, key);
  return value ? std::move(*value) : std::string();
}

std::string string_or_empty(const json& object, const char* key) {
  const std::string* value = string_member(object, key);
  return value ? *value : std::string();
}

bool take_write_key(json& object, IngestBody* out, BodyError* error) {
  const std::string* key = string_member(object, "writeKey");
  if (key == nullptr) {
    if (!object.contains("writeKey")) return true;
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "`writeKey` must be a string";
    return false;
  }
  out->write_key = *key;
  object.erase("writeKey");
  return true;
}

void merge_context(json& event, const json& batch_context) {
  auto it = event.find("context");
  if (it == event.end() || it->is_null()) {
    event["context"] = batch_context;
    return;
  }
  if (!it->is_object()) return;  // validate_event names the wrong type
  for (auto field = batch_context.begin(); field != batch_context.end(); ++field) {
    if (!it->contains(field.key())) (*it)[field.key()] = field.value();
  }
}

std::optional<std::int64_t> time_member(const json& event, const char* key) {
  const std::string* text = string_member(event, key);
  std::int64_t unix_ms = 0;
  if (text == nullptr || !parse_iso8601(*text, &unix_ms)) return std::nullopt;
  return unix_ms;
}

// Keeps the device's timestamp as originalTimestamp and stores the skew-corrected one (the rule
// is in event_time.hpp). Both members belong to the collector, like receivedAt: a client's own
// originalTimestamp is replaced, or removed when the event has no timestamp to keep. Runs after
// validate_event, so a present stamp parses; null counts as absent, as in the core.
void stamp_event_time(json& event, std::int64_t received_at_ms, const std::string& received_at) {
  const std::optional<std::int64_t> device_ms = time_member(event, "timestamp");
  const EventTime time =
      corrected_event_time(device_ms, time_member(event, "sentAt"), received_at_ms);
  if (device_ms) {
    std::string original = string_or_empty(event, "timestamp");  // verbatim, offset and all
    event["originalTimestamp"] = std::move(original);
  } else {
    event.erase("originalTimestamp");
  }
  event["timestamp"] =
      time.timestamp_ms == received_at_ms ? received_at : format_iso8601(time.timestamp_ms);
}

// Runs after validate_event, so `context` is an object, null or absent.
void stamp_client_ip(json& event, std::string_view client_ip) {
  auto context = event.find("context");
  if (client_ip.empty()) {
    if (context != event.end() && context->is_object()) context->erase("ip");
    return;
  }
  if (context == event.end() || !context->is_object()) {
    event["context"] = json::object();
    context = event.find("context");
  }
  (*context)["ip"] = std::string(client_ip);
}

void reject(PreparedEvents* out, std::size_t index, const json& event, std::string code,
            std::string message) {
  Rejection r;
  r.index = index;
  if (event.is_object()) r.message_id = string_or_empty(event, "messageId");
  r.code = std::move(code);
  r.message = std::move(message);
  out->rejected.push_back(std::move(r));
}

}  // namespace

bool exceeds_json_depth(std::string_view text, std::size_t max_depth) {
  // Most bytes of an event are inside strings: jump over each string with memchr (vectorized)
  // instead of looking at every byte.
  const char* const data = text.data();
  const std::size_t n = text.size();
  std::size_t depth = 0;
  std::size_t i = 0;
  while (i < n) {
    const char c = data[i];
    if (c == '"') {
      std::size_t from = i + 1;
      for (;;) {
        const void* quote = std::memchr(data + from, '"', n - from);
        if (quote == nullptr) return false;  // unterminated: the parser reports it
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(quote) - data);
        std::size_t backslashes = 0;
        while (at - backslashes > i + 1 && data[at - backslashes - 1] == '\\') ++backslashes;
        from = at + 1;
        if (backslashes % 2 == 0) break;  // not escaped: the string ends here
      }
      i = from;
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++i;
  }
  return false;
}

bool parse_ingest_body(std::string_view body, std::optional<EventType> single_type,
                       IngestBody* out, BodyError* error) {
  if (exceeds_json_depth(body, kMaxJsonDepth)) {
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  json root = json::parse(body.begin(), body.end(), nullptr, false);
  if (root.is_discarded()) {
    error->kind = BodyErrorKind::kMalformedJson;
    error->message = "the body is not valid JSON";
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

  auto batch = root.find("batch");
  if (batch == root.end() || !batch->is_array()) {
    error->kind = BodyErrorKind::kInvalidRequest;
    error->message = "`batch` must be an array of events";
    return false;
  }
  auto context = root.find("context");
  if (context != root.end() && !context->is_null()) {
    if (!context->is_object()) {
      error->kind = BodyErrorKind::kInvalidRequest;
      error->message = "`context` must be an object";
      return false;
    }
    out->context = std::move(*context);
  }
  auto sent_at = root.find("sentAt");
  if (sent_at != root.end() && !sent_at->is_null()) {
    if (!sent_at->is_string()) {
      error->kind = BodyErrorKind::kInvalidRequest;
      error->message = "`sentAt` must be a string";
      return false;
    }
    out->sent_at = std::move(*sent_at);
  }
  out->events = std::move(*batch);
  return true;
}

PreparedEvents prepare_events(IngestBody&& body, std::optional<EventType> single_type,
                              std::string_view source, std::int64_t received_at_ms,
                              Random& random, std::string_view client_ip) {
  PreparedEvents out;
  out.rows.reserve(body.events.size());
  // One serializer and one buffer for the whole request: json::dump() would build a serializer
  // and grow a fresh string through several reallocations for every event. Each row then takes
  // one exact-size copy of the buffer.
  std::string buffer;
  buffer.reserve(2048);
  nlohmann::detail::serializer<json> serializer(nlohmann::detail::output_adapter<char>(buffer),
                                                ' ', json::error_handler_t::replace);
  const std::string received_at = format_iso8601(received_at_ms);
  const bool has_context = body.context.is_object() && !body.context.empty();
  const bool has_sent_at = body.sent_at.is_string();

  for (std::size_t i = 0; i < body.events.size(); ++i) {
    json& event = body.events[i];
    if (event.is_object()) {
      event.erase("writeKey");
      if (single_type) {
        const char* route_type = event_type_name(*single_type);
        auto type = event.find("type");
        if (type == event.end() || type->is_null()) {  // null means absent, as in the core
          event["type"] = route_type;
        } else if (!type->is_string() || type->get_ref<const std::string&>() != route_type) {
          reject(&out, i, event, "invalid_event",
                 std::string("`type` contradicts the route /v1/") + route_type);
          continue;
        }
      }
      if (has_context) merge_context(event, body.context);
      if (has_sent_at) {
        auto sent_at = event.find("sentAt");
        if (sent_at == event.end() || sent_at->is_null()) event["sentAt"] = body.sent_at;
      }
    }

    const Status valid = validate_event(event);
    if (!valid.ok()) {
      reject(&out, i, event, valid.code_name(), valid.message());
      continue;
    }

    if (!event.is_object()) {  // validate_event refuses these; never let operator[] abort
      reject(&out, i, event, "invalid_event", "an event must be a JSON object");
      continue;
    }
    if (string_member(event, "messageId") == nullptr) {  // absent or null (validated above)
      event["messageId"] = uuid_v7(received_at_ms, random);
    }
    event["receivedAt"] = received_at;
    stamp_event_time(event, received_at_ms, received_at);
    stamp_client_ip(event, client_ip);
    std::string* message_id = mutable_string_member(event, "messageId");
    if (message_id == nullptr) {  // validate_event promises a string; never trust it to abort
      reject(&out, i, event, "invalid_event", "`messageId` must be a string");
      continue;
    }

    buffer.clear();
    serializer.dump(event, false, false, 0);
    const Status size = check_event_size(buffer.size());
    if (!size.ok()) {
      reject(&out, i, event, size.code_name(), size.message());
      continue;
    }
    if (!out.rejected.empty()) continue;  // nothing will be stored; only keep naming faults

    // The event is serialized and never read again: its strings move into the columns.
    StoredEvent row;
    row.source = std::string(source);
    row.message_id = std::move(*message_id);
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
