#include "omni/event.hpp"

#include <charconv>
#include <utility>

#include "omni/ids.hpp"
#include "omni/timestamp.hpp"
#include "utf8.hpp"

namespace omni {
namespace {

using nlohmann::json;

// 9999-12-31T23:59:59.999Z, the last instant with a four-digit year.
constexpr std::int64_t kLatestEventMs = 253402300799999;

// Every field below is looked up through this: Segment's own libraries send `"userId": null`
// for visitors who are not identified, so an explicit null means the same as an absent field.
const json* present(const json& event, const char* key) {
  const auto it = event.find(key);
  if (it == event.end() || it->is_null()) return nullptr;
  return &*it;
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
std::string kind_of(const json& value) {
  const bool vowel = value.is_array() || value.is_object();
  return std::string(vowel ? "an " : "a ") + value.type_name();
}

Status must_be(const char* key, const char* what, const json& value) {
  return Status::InvalidEvent(quoted(key) + " must be " + what + ", not " + kind_of(value));
}

// An id, when present, is a string of at most kMaxIdLength bytes. Omni takes no numeric ids
// (some server libraries send them): a number is rejected by name so the sender sees why.
Status check_id(const json& event, const char* key, std::string_view* value) {
  *value = {};
  const json* field = present(event, key);
  if (field == nullptr) return Status::Ok();
  if (!field->is_string()) return must_be(key, "a string", *field);
  const std::string& text = field->get_ref<const std::string&>();
  if (text.size() > kMaxIdLength) {
    return Status::InvalidEvent(quoted(key) + " is longer than " + decimal(kMaxIdLength) +
                                " bytes");
  }
  *value = text;
  return Status::Ok();
}

Status require_non_empty_id(EventType type, const char* key, std::string_view value) {
  if (!value.empty()) return Status::Ok();
  return Status::InvalidEvent(std::string(event_type_name(type)) + " needs a non-empty string " +
                              quoted(key));
}

Status check_object(const json& event, const char* key) {
  const json* field = present(event, key);
  if (field == nullptr || field->is_object()) return Status::Ok();
  return must_be(key, "an object", *field);
}

Status check_time(const json& event, const char* key) {
  const json* field = present(event, key);
  if (field == nullptr) return Status::Ok();
  if (!field->is_string()) return must_be(key, "an ISO-8601 string", *field);
  std::int64_t ignored = 0;
  if (!parse_iso8601(field->get_ref<const std::string&>(), &ignored)) {
    return Status::InvalidEvent(quoted(key) + " is not ISO-8601");
  }
  return Status::Ok();
}

// Longest text nlohmann writes for a double: sign, 17 significant digits, and either a point
// with up to 4 leading zeros or a point, "e", a sign and 3 exponent digits. Rounded up.
constexpr std::uint64_t kMaxFloatChars = 25;

std::uint64_t decimal_digits(std::uint64_t v) {
  std::uint64_t digits = 1;
  while (v >= 10) {
    v /= 10;
    ++digits;
  }
  return digits;
}

// The walk below learns two things about a value without serializing it:
//  * whether every string (keys too) is strict UTF-8. Serializing one that is not is a
//    type_error in nlohmann, which aborts under JSON_NOEXCEPTION. JSON parsed from text never
//    holds one; values built in C++ can.
//  * an upper bound of the length of its compact dump(), exact except for doubles. Measuring
//    instead of dumping halves build_event's cost; dump() runs only when the bound is too big.

// Adds the dumped length of `text` (quotes and escapes included; non-ASCII is written as is) to
// *length. False when the text is not strict UTF-8: no overlong forms, no UTF-16 surrogates,
// nothing above U+10FFFF.
bool measure_string(std::string_view text, std::uint64_t* length) {
  const std::size_t n = text.size();
  std::uint64_t dumped = n + 2;
  std::size_t i = 0;
  while (i < n) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      if (lead == '"' || lead == '\\' || lead == '\b' || lead == '\t' || lead == '\n' ||
          lead == '\f' || lead == '\r') {
        dumped += 1;  // a two-character escape
      } else if (lead < 0x20) {
        dumped += 5;  // \u00XX
      }
      ++i;
      continue;
    }
    const utf8::Sequence sequence = utf8::next(text, i);
    if (!sequence.valid) return false;
    i += sequence.length;
  }
  *length += dumped;
  return true;
}

// Adds an upper bound of value.dump().size() to *length; false when some text is not UTF-8.
bool measure(const json& value, std::uint64_t* length) {
  switch (value.type()) {
    case json::value_t::null:
      *length += 4;
      return true;
    case json::value_t::boolean:
      *length += value.get<bool>() ? 4u : 5u;
      return true;
    case json::value_t::number_integer: {
      const auto v = value.get<std::int64_t>();
      const auto magnitude =
          v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      *length += decimal_digits(magnitude) + (v < 0 ? 1 : 0);
      return true;
    }
    case json::value_t::number_unsigned:
      *length += decimal_digits(value.get<std::uint64_t>());
      return true;
    case json::value_t::number_float:
      *length += kMaxFloatChars;
      return true;
    case json::value_t::string:
      return measure_string(value.get_ref<const json::string_t&>(), length);
    case json::value_t::array: {
      const auto& items = value.get_ref<const json::array_t&>();
      *length += items.empty() ? 2 : items.size() + 1;  // brackets, a comma between items
      for (const json& item : items) {
        if (!measure(item, length)) return false;
      }
      return true;
    }
    case json::value_t::object: {
      const auto& members = value.get_ref<const json::object_t&>();
      *length += members.empty() ? 2 : 2 * members.size() + 1;  // braces, commas, colons
      for (const auto& [key, item] : members) {
        if (!measure_string(key, length) || !measure(item, length)) return false;
      }
      return true;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      *length += kMaxEventBytes + 1;  // not measured here: leave it to dump()
      return true;
  }
  return true;
}

void put_if_not_empty(json& event, const char* key, std::string& value) {
  if (!value.empty()) event[key] = std::move(value);
}

// A null from the caller (a JS `null` or `undefined` turned into JSON) stands for "none"; any
// other non-object is kept so that validation names it.
json take_object(json& value) {
  if (value.is_null()) return json::object();
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

Status validate_event(const json& event) {
  if (!event.is_object()) return Status::InvalidEvent("an event must be a JSON object");

  const json* type_field = present(event, "type");
  if (type_field == nullptr || !type_field->is_string()) {
    return Status::InvalidEvent("`type` is required and must be a string");
  }
  EventType type = EventType::kTrack;
  if (!parse_event_type(type_field->get_ref<const std::string&>(), &type)) {
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
      const json* name = present(event, "event");
      if (name == nullptr || !name->is_string() || name->get_ref<const std::string&>().empty()) {
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

Result<json> build_event(const EventInput& input, Clock& clock, Random& random) {
  // The event must own copies of the caller's values anyway; copying the input once and moving
  // from the copy costs the same as copying field by field.
  EventInput copy = input;
  return build_event(std::move(copy), clock, random);
}

Result<json> build_event(EventInput&& input, Clock& clock, Random& random) {
  // Read the clock once, at the call, so that events queued before the SDK loaded and replayed
  // later keep both their time and the order of their messageIds.
  const std::int64_t when = input.timestamp_ms != 0 ? input.timestamp_ms : clock.now_ms();
  if (when < 0 || when > kLatestEventMs) {
    return Status::InvalidEvent("`timestamp` must fall within years 1970..9999");
  }

  json event(json::value_t::object);
  event["type"] = event_type_name(input.type);
  event["messageId"] = uuid_v7(when, random);
  event["timestamp"] = format_iso8601(when);
  put_if_not_empty(event, "userId", input.user_id);
  put_if_not_empty(event, "anonymousId", input.anonymous_id);

  switch (input.type) {
    case EventType::kTrack:
      put_if_not_empty(event, "event", input.event);
      event["properties"] = take_object(input.properties);
      break;
    case EventType::kPage:
      put_if_not_empty(event, "name", input.name);
      put_if_not_empty(event, "category", input.category);
      event["properties"] = take_object(input.properties);
      break;
    case EventType::kScreen:
      put_if_not_empty(event, "name", input.name);
      event["properties"] = take_object(input.properties);
      break;
    case EventType::kIdentify:
      event["traits"] = take_object(input.traits);
      break;
    case EventType::kAlias:
      put_if_not_empty(event, "previousId", input.previous_id);
      break;
    case EventType::kGroup:
      put_if_not_empty(event, "groupId", input.group_id);
      event["traits"] = take_object(input.traits);
      break;
  }
  event["context"] = take_object(input.context);

  // One walk checks every string for UTF-8 and bounds the serialized size.
  const auto& members = event.get_ref<const json::object_t&>();
  std::uint64_t size_bound = 2 * members.size() + 1;
  for (const auto& [key, value] : members) {
    if (!measure_string(key, &size_bound) || !measure(value, &size_bound)) {
      return Status::InvalidEvent(quoted(key.c_str()) + " holds text that is not valid UTF-8");
    }
  }
  if (Status s = validate_event(event); !s.ok()) return s;
  if (size_bound > kMaxEventBytes) {
    // Near or over the limit: only the real text can tell. `replace` never triggers (the text
    // was checked above); it only guarantees that dump() has no error path that aborts.
    const std::size_t size = event.dump(-1, ' ', false, json::error_handler_t::replace).size();
    if (Status s = check_event_size(size); !s.ok()) return s;
  }
  return event;
}

}  // namespace omni
