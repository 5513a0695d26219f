#include "omni/event.hpp"

#include <charconv>
#include <utility>

#include "omni/ids.hpp"
#include "omni/timestamp.hpp"

namespace omni {
namespace {

using json::Value;

// 9999-12-31T23:59:59.999Z, the last instant with a four-digit year.
constexpr std::int64_t kLatestEventMs = 253402300799999;

// Every field below is looked up through this: Segment's own libraries send `"userId": null`
// for visitors who are not identified, so an explicit null means the same as an absent field.
const Value* present(const Value& event, const char* key) {
  const Value* field = event.find(key);
  return field == nullptr || field->is_null() ? nullptr : field;
}

std::string quoted(const char* key) {
  std::string out = "`";
  out += key;
  out += '`';
  return out;
}

std::string decimal(std::size_t n) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  return std::string(buf, result.ptr);
}

// "a number", "an array", ... for messages.
std::string kind_of(const Value& value) {
  const bool vowel = value.is_array() || value.is_object();
  return std::string(vowel ? "an " : "a ") + json::kind_name(value.kind());
}

Status must_be(const char* key, const char* what, const Value& value) {
  return Status::InvalidEvent(quoted(key) + " must be " + what + ", not " + kind_of(value));
}

// An id, when present, is a string of at most kMaxIdLength bytes. Omni takes no numeric ids
// (some server libraries send them): a number is rejected by name so the sender sees why.
Status check_id(const Value& event, const char* key, std::string_view* value) {
  *value = {};
  const Value* field = present(event, key);
  if (field == nullptr) return Status::Ok();
  const std::string* text = field->as_string();
  if (text == nullptr) return must_be(key, "a string", *field);
  if (text->size() > kMaxIdLength) {
    return Status::InvalidEvent(quoted(key) + " is longer than " + decimal(kMaxIdLength) +
                                " bytes");
  }
  *value = *text;
  return Status::Ok();
}

Status require_non_empty_id(EventType type, const char* key, std::string_view value) {
  if (!value.empty()) return Status::Ok();
  return Status::InvalidEvent(std::string(event_type_name(type)) + " needs a non-empty string " +
                              quoted(key));
}

Status check_object(const Value& event, const char* key) {
  const Value* field = present(event, key);
  if (field == nullptr || field->is_object()) return Status::Ok();
  return must_be(key, "an object", *field);
}

Status check_time(const Value& event, const char* key) {
  const Value* field = present(event, key);
  if (field == nullptr) return Status::Ok();
  const std::string* text = field->as_string();
  if (text == nullptr) return must_be(key, "an ISO-8601 string", *field);
  std::int64_t ignored = 0;
  if (!parse_iso8601(*text, &ignored)) {
    return Status::InvalidEvent(quoted(key) + " is not ISO-8601");
  }
  return Status::Ok();
}

// The caller's text fields go into the event as they are. A json::Value would repair broken
// UTF-8 silently; an SDK call with broken text is refused by name instead.
Status put_if_not_empty(Value& event, const char* key, std::string& value) {
  if (value.empty()) return Status::Ok();
  if (!json::is_valid_utf8(value)) {
    return Status::InvalidEvent(quoted(key) + " holds text that is not valid UTF-8");
  }
  event.set(key, Value(std::move(value)));
  return Status::Ok();
}

// A null from the caller (a JS `null` or `undefined` turned into JSON) stands for "none"; any
// other non-object is kept so that validation names it.
Value take_object(Value& value) {
  if (value.is_null()) return Value::object();
  return std::move(value);
}

}  // namespace

const char* event_type_name(EventType type) {
  switch (type) {
    case EventType::kTrack: return "track";
    case EventType::kPage: return "page";
    case EventType::kScreen: return "screen";
    case EventType::kIdentify: return "identify";
    case EventType::kAlias: return "alias";
    case EventType::kGroup: return "group";
  }
  return "unknown";
}

bool parse_event_type(std::string_view name, EventType* type) {
  constexpr EventType kAll[] = {EventType::kTrack,    EventType::kPage,  EventType::kScreen,
                                EventType::kIdentify, EventType::kAlias, EventType::kGroup};
  for (EventType candidate : kAll) {
    if (name == event_type_name(candidate)) {
      *type = candidate;
      return true;
    }
  }
  return false;
}

Status validate_event(const Value& event) {
  if (!event.is_object()) return Status::InvalidEvent("an event must be a JSON object");

  const Value* type_field = present(event, "type");
  if (type_field == nullptr || !type_field->is_string()) {
    return Status::InvalidEvent("`type` is required and must be a string");
  }
  EventType type = EventType::kTrack;
  if (!parse_event_type(*type_field->as_string(), &type)) {
    return Status::InvalidEvent(
        "`type` must be one of track, page, screen, identify, alias, group");
  }

  std::string_view user_id;
  std::string_view anonymous_id;
  std::string_view previous_id;
  std::string_view group_id;
  std::string_view message_id;
  if (Status s = check_id(event, "userId", &user_id); !s.ok()) return s;
  if (Status s = check_id(event, "anonymousId", &anonymous_id); !s.ok()) return s;
  if (Status s = check_id(event, "previousId", &previous_id); !s.ok()) return s;
  if (Status s = check_id(event, "groupId", &group_id); !s.ok()) return s;
  if (Status s = check_id(event, "messageId", &message_id); !s.ok()) return s;
  if (user_id.empty() && anonymous_id.empty()) {
    return Status::InvalidEvent("`userId` or `anonymousId` is required");
  }
  if (message_id.empty() && present(event, "messageId") != nullptr) {
    // An empty messageId would make every such event a duplicate of the first one stored.
    return Status::InvalidEvent("`messageId` must not be empty");
  }

  switch (type) {
    case EventType::kTrack: {
      const Value* name = present(event, "event");
      if (name == nullptr || name->string_or("").empty()) {
        return Status::InvalidEvent("track needs a non-empty string `event`");
      }
      break;
    }
    case EventType::kAlias:
      if (Status s = require_non_empty_id(type, "userId", user_id); !s.ok()) return s;
      if (Status s = require_non_empty_id(type, "previousId", previous_id); !s.ok()) return s;
      break;
    case EventType::kGroup:
      if (Status s = require_non_empty_id(type, "groupId", group_id); !s.ok()) return s;
      break;
    case EventType::kPage:
    case EventType::kScreen:
    case EventType::kIdentify:
      break;
  }

  for (const char* key : {"properties", "traits", "context"}) {
    if (Status s = check_object(event, key); !s.ok()) return s;
  }
  for (const char* key : {"timestamp", "sentAt"}) {
    if (Status s = check_time(event, key); !s.ok()) return s;
  }
  return Status::Ok();
}

Status check_event_size(std::size_t serialized_bytes) {
  if (serialized_bytes <= kMaxEventBytes) return Status::Ok();
  return Status::EventTooLarge("event is " + decimal(serialized_bytes) + " bytes, over the " +
                               decimal(kMaxEventBytes) + "-byte limit");
}

Result<BuiltEvent> build_event(const EventInput& input, Clock& clock, Random& random) {
  // The event must own copies of the caller's values anyway; copying the input once and moving
  // from the copy costs the same as copying field by field.
  EventInput copy = input;
  return build_event(std::move(copy), clock, random);
}

Result<BuiltEvent> build_event(EventInput&& input, Clock& clock, Random& random) {
  // Read the clock once, at the call, so that events queued before the SDK loaded and replayed
  // later keep both their time and the order of their messageIds.
  const std::int64_t when = input.timestamp_ms != 0 ? input.timestamp_ms : clock.now_ms();
  if (when < 0 || when > kLatestEventMs) {
    return Status::InvalidEvent("`timestamp` must fall within years 1970..9999");
  }

  BuiltEvent built{Value::object(), std::string()};
  Value& event = built.value;
  event.set("type", event_type_name(input.type));
  event.set("messageId", uuid_v7(when, random));
  event.set("timestamp", format_iso8601(when));
  Status fields;  // the first text field refused, if any
  const auto put = [&](const char* key, std::string& text) {
    if (fields.ok()) fields = put_if_not_empty(event, key, text);
  };
  put("userId", input.user_id);
  put("anonymousId", input.anonymous_id);

  switch (input.type) {
    case EventType::kTrack:
      put("event", input.event);
      event.set("properties", take_object(input.properties));
      break;
    case EventType::kPage:
      put("name", input.name);
      put("category", input.category);
      event.set("properties", take_object(input.properties));
      break;
    case EventType::kScreen:
      put("name", input.name);
      event.set("properties", take_object(input.properties));
      break;
    case EventType::kIdentify:
      event.set("traits", take_object(input.traits));
      break;
    case EventType::kAlias:
      put("previousId", input.previous_id);
      break;
    case EventType::kGroup:
      put("groupId", input.group_id);
      event.set("traits", take_object(input.traits));
      break;
  }
  if (!fields.ok()) return fields;
  event.set("context", take_object(input.context));

  if (Status s = validate_event(event); !s.ok()) return s;
  // The one serialization of this event: the queue stores and sends exactly this text.
  event.dump_to(built.text);
  if (Status s = check_event_size(built.text.size()); !s.ok()) return s;
  return built;
}

}  // namespace omni
