// The flat C ABI over the core (contract in omni_abi.h). This file only translates: JSON in,
// a call on omni::Client, JSON out. Every decision lives in the core.
#include "omni_abi.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "omni/client.hpp"
#include "omni/json.hpp"
#include "omni/memory_storage.hpp"

namespace {

using omni::json::Value;

// What one handle owns: the effects the Client borrows, then the Client itself.
struct Instance {
  /// Context fields every event gets unless its own context sets them (library, userAgent,
  /// locale, ...): sent once at create instead of with every call.
  Value context = Value::object();
  omni::MemoryStorage storage;
  omni::ManualClock clock;
  std::unique_ptr<omni::SeededRandom> random;
  std::unique_ptr<omni::Client> client;
};

// Handles are 1-based slots; a destroyed slot stays empty, so a handle is never reused.
std::vector<std::unique_ptr<Instance>>& instances() {
  static std::vector<std::unique_ptr<Instance>> all;
  return all;
}

char* copy_out(const std::string& text) {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

// Results are assembled as text: they have a handful of fixed shapes, and text needs no
// intermediate values.

// A JSON string literal. Invalid UTF-8 (only stored bytes could hold it) becomes U+FFFD.
std::string quote(std::string_view text) {
  std::string out;
  omni::json::append_quoted(out, text);
  return out;
}

std::string number(std::uint64_t n) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  return std::string(buf, end);
}

char* ok(const std::string& value) { return copy_out("{\"ok\":" + value + "}"); }

char* fail(const omni::Status& status) {
  return copy_out(std::string("{\"error\":{\"code\":\"") + status.code_name() +
                  "\",\"message\":" + quote(status.message()) + "}}");
}

Instance* find(std::uint32_t handle) {
  return handle >= 1 && handle <= instances().size() ? instances()[handle - 1].get() : nullptr;
}

omni::Status unknown_handle(std::uint32_t handle) {
  return omni::Status::NotFound("no instance with handle " + number(handle));
}

bool parse_object(const char* text, size_t len, Value* out) {
  if (text == nullptr) return false;
  auto parsed = omni::json::parse(std::string_view(text, len));
  if (!parsed.ok()) return false;
  *out = std::move(parsed).value();
  return out->is_object();
}

// The latest time accepted, about the year 287,000: beyond any clock, below 2^53.
constexpr std::int64_t kMaxMs = 9000000000000000;

// Time arrives as a JS number of milliseconds since the epoch, sometimes with a fraction
// (performance.timeOrigin + performance.now()): the whole milliseconds are kept.
bool to_ms(double value, std::int64_t* ms) {
  if (!(value >= 0 && value <= static_cast<double>(kMaxMs))) return false;  // NaN fails too
  *ms = static_cast<std::int64_t>(value);
  return true;
}

bool read_ms(const Value& object, const char* key, std::int64_t* ms) {
  const Value* field = object.find(key);
  std::int64_t whole = 0;
  if (field == nullptr || !field->to_int64_truncated(&whole) || whole < 0 || whole > kMaxMs) {
    return false;
  }
  *ms = whole;
  return true;
}

std::string string_or_empty(const Value& object, const char* key) {
  const Value* field = object.find(key);
  return field != nullptr ? std::string(field->string_or("")) : std::string();
}

// Moves an optional object field out of `request` into `target`; null counts as absent.
omni::Status take_object(Value* request, const char* key, Value* target) {
  Value* field = request->find(key);
  if (field == nullptr || field->is_null()) return omni::Status::Ok();
  if (!field->is_object()) return omni::Status::InvalidEvent(std::string("`") + key + "` must be an object");
  *target = std::move(*field);
  return omni::Status::Ok();
}

bool hex_seed(const std::string& hex, std::uint8_t* out, std::size_t n) {
  if (hex.size() != 2 * n) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < n; ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

omni::Status read_queue_config(const Value& config, omni::QueueConfig* queue) {
  const Value* settings = config.find("queue");
  if (settings == nullptr) return omni::Status::Ok();
  if (!settings->is_object()) return omni::Status::InvalidArgument("`queue` must be an object");
  for (const auto& [key, value] : settings->members()) {
    if (key == "overflow") {
      const std::string_view policy = value.string_or("");
      if (policy == "drop_oldest") {
        queue->overflow = omni::QueueConfig::Overflow::kDropOldest;
      } else if (policy == "reject_new") {
        queue->overflow = omni::QueueConfig::Overflow::kRejectNew;
      } else {
        return omni::Status::InvalidArgument("queue.overflow must be \"drop_oldest\" or \"reject_new\"");
      }
      continue;
    }
    // Every setting is a count, a byte size or a duration: positive and below 2^31.
    std::int64_t setting = 0;
    if (!value.to_int64(&setting) || setting < 1 || setting > 0x7fffffff) {
      return omni::Status::InvalidArgument("queue." + key + " must be an integer from 1 to 2^31-1");
    }
    const auto n = static_cast<std::uint32_t>(setting);
    if (key == "maxBatchEvents") queue->max_batch_events = n;
    else if (key == "maxBatchBytes") queue->max_batch_bytes = n;
    else if (key == "maxBatchAgeMs") queue->max_batch_age_ms = n;
    else if (key == "maxQueueBytes") queue->max_queue_bytes = n;
    else if (key == "retryBaseMs") queue->retry.base_ms = n;
    else if (key == "retryMaxMs") queue->retry.max_ms = n;
    else if (key == "maxAttempts") queue->retry.max_attempts = n;
    else if (key == "maxAgeMs") queue->retry.max_age_ms = n;
    else return omni::Status::InvalidArgument("queue." + key + " is not a queue setting");
  }
  return omni::Status::Ok();
}

std::string dropped_text(const std::vector<omni::Dropped>& dropped) {
  std::string out = "[";
  for (const auto& d : dropped) {
    if (out.size() > 1) out += ',';
    out += "{\"messageId\":" + quote(d.message_id) + ",\"reason\":" + quote(d.reason) + "}";
  }
  return out + "]";
}

std::string batch_fields(const omni::Batch& batch) {
  std::string ids = "[";
  for (const auto& id : batch.message_ids) {
    if (ids.size() > 1) ids += ',';
    ids += quote(id);
  }
  return "\"batchId\":" + number(batch.id) + ",\"body\":" + quote(batch.body) +
         ",\"messageIds\":" + ids + "]";
}

// Reads the names of rejected events from a collector's 400 body:
// {"error": {"rejected": [{"messageId": "..."}, ...]}}.
std::vector<std::string> rejected_ids(const std::string& body) {
  std::vector<std::string> ids;
  auto parsed = omni::json::parse(body);
  if (!parsed.ok()) return ids;
  const Value* error = parsed.value().find("error");
  const Value* rejected = error != nullptr ? error->find("rejected") : nullptr;
  if (rejected == nullptr) return ids;
  for (const Value& item : rejected->items()) {
    std::string id = string_or_empty(item, "messageId");
    if (!id.empty()) ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

extern "C" {

void* omni_alloc(size_t size) { return std::malloc(size == 0 ? 1 : size); }
void omni_free(void* ptr) { std::free(ptr); }
const char* omni_version(void) { return OMNI_VERSION; }

char* omni_error_codes(void) {
  std::string names = "[";
  for (auto code : omni::kAllErrorCodes) {
    if (names.size() > 1) names += ',';
    names += quote(omni::error_code_name(code));
  }
  return ok(names + "]");
}

char* omni_create(const char* config_text, size_t len) {
  Value config;
  if (!parse_object(config_text, len, &config)) {
    return fail(omni::Status::InvalidJson("config must be a JSON object"));
  }
  std::uint8_t seed[32];
  if (!hex_seed(string_or_empty(config, "seed"), seed, sizeof seed)) {
    return fail(omni::Status::InvalidArgument("`seed` must be 64 hex characters from a CSPRNG"));
  }
  std::int64_t now = 0;
  if (!read_ms(config, "now", &now)) {
    return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  }

  auto instance = std::make_unique<Instance>();
  instance->clock.set(now);
  instance->random = std::make_unique<omni::SeededRandom>(seed, sizeof seed);

  if (Value* context = config.find("context")) {
    if (!context->is_object()) return fail(omni::Status::InvalidArgument("`context` must be an object"));
    instance->context = std::move(*context);
  }

  omni::ClientConfig client_config;
  client_config.queue.write_key = string_or_empty(config, "writeKey");
  client_config.anonymous_id = string_or_empty(config, "anonymousId");
  omni::Status queue_config = read_queue_config(config, &client_config.queue);
  if (!queue_config.ok()) return fail(queue_config);

  if (Value* stored = config.find("stored")) {
    if (!stored->is_object()) return fail(omni::Status::InvalidArgument("`stored` must be an object"));
    omni::WriteBatch restore;
    for (omni::json::Member& entry : stored->take_members()) {
      if (!entry.value.is_string()) {
        return fail(omni::Status::InvalidArgument("stored value of `" + entry.key + "` must be a string"));
      }
      restore.put(std::move(entry.key), entry.value.take_string());
    }
    (void)instance->storage.apply(restore);  // memory storage cannot fail
  }
  // From here on every write is recorded for the host to persist.
  instance->storage.enable_journal();

  auto client = omni::Client::open(instance->storage, instance->clock, *instance->random,
                                   std::move(client_config));
  if (!client.ok()) return fail(client.status());
  instance->client = std::move(client).value();
  // Everything the core reads from storage it has read (the queue and the identity); the host
  // keeps the data, so it is not held twice in wasm memory.
  instance->storage.forget_data();

  instances().push_back(std::move(instance));
  const auto handle = static_cast<std::uint32_t>(instances().size());
  omni::Client& opened = *instances().back()->client;
  std::string result = "{\"handle\":" + number(handle) +
                       ",\"anonymousId\":" + quote(opened.anonymous_id()) +
                       ",\"userId\":" + (opened.user_id().empty() ? "null" : quote(opened.user_id())) +
                       ",\"pending\":" + number(opened.queue().pending_count()) +
                       ",\"dropped\":" + dropped_text(opened.queue().take_dropped()) + "}";
  return ok(result);
}

void omni_destroy(uint32_t handle) {
  if (find(handle) != nullptr) instances()[handle - 1].reset();
}

char* omni_enqueue(uint32_t handle, const char* request_text, size_t len) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  Value request;
  if (!parse_object(request_text, len, &request)) {
    return fail(omni::Status::InvalidJson("request must be a JSON object"));
  }
  std::int64_t now = 0;
  if (!read_ms(request, "now", &now)) {
    return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  }
  instance->clock.set(now);

  omni::EventInput input;
  if (!omni::parse_event_type(string_or_empty(request, "type"), &input.type)) {
    return fail(omni::Status::InvalidEvent(
        "`type` must be one of track, page, screen, identify, alias, group"));
  }
  if (request.contains("timestamp") && !read_ms(request, "timestamp", &input.timestamp_ms)) {
    return fail(omni::Status::InvalidArgument("`timestamp` must be milliseconds since the epoch"));
  }
  input.event = string_or_empty(request, "event");
  input.name = string_or_empty(request, "name");
  input.category = string_or_empty(request, "category");
  input.user_id = string_or_empty(request, "userId");
  input.previous_id = string_or_empty(request, "previousId");
  input.group_id = string_or_empty(request, "groupId");
  for (const char* key : {"properties", "traits", "context"}) {
    omni::Status taken = take_object(&request, key, key[0] == 'p' ? &input.properties
                                                    : key[0] == 't' ? &input.traits
                                                                    : &input.context);
    if (!taken.ok()) return fail(taken);
  }
  for (const omni::json::Member& field : instance->context.members()) {
    if (!input.context.contains(field.key)) input.context.set(field.key, field.value);
  }

  omni::PageContext page;
  const Value* page_fields = request.find("page");
  const bool has_page = page_fields != nullptr && page_fields->is_object();
  if (has_page) {
    page.url = string_or_empty(*page_fields, "url");
    page.referrer = string_or_empty(*page_fields, "referrer");
    page.title = string_or_empty(*page_fields, "title");
  }

  auto queued = instance->client->enqueue(std::move(input), has_page ? &page : nullptr);
  if (!queued.ok()) return fail(queued.status());
  // The event itself only when asked for (a debug log): reading it back costs the host a parse.
  const omni::Client& client = *instance->client;
  std::string result = "{\"messageId\":" + quote(queued.value().message_id) +
                       ",\"userId\":" + (client.user_id().empty() ? "null" : quote(client.user_id()));
  const Value* echo = request.find("echo");
  if (echo != nullptr && echo->bool_or(false)) result += ",\"event\":" + queued.value().json;
  return ok(result + "}");
}

char* omni_reset(uint32_t handle, double now_ms) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  std::int64_t now = 0;
  if (!to_ms(now_ms, &now)) return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  instance->clock.set(now);
  omni::Status reset = instance->client->reset();
  if (!reset.ok()) return fail(reset);
  return ok("{\"anonymousId\":" + quote(instance->client->anonymous_id()) + "}");
}

char* omni_next(uint32_t handle, double now_ms, int flush) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  std::int64_t now = 0;
  if (!to_ms(now_ms, &now)) return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  instance->clock.set(now);
  auto& queue = instance->client->queue();
  if (flush != 0) queue.request_flush();
  omni::Action action = queue.next();
  switch (action.kind) {
    case omni::Action::Kind::kWait:
      return ok("{\"action\":\"wait\",\"ms\":" + number(static_cast<std::uint64_t>(action.wait_ms)) + "}");
    case omni::Action::Kind::kSend:
      return ok("{\"action\":\"send\"," + batch_fields(action.batch) + "}");
    case omni::Action::Kind::kIdle:
      break;
  }
  return ok("{\"action\":\"idle\"}");
}

char* omni_drain_for_unload(uint32_t handle, double now_ms, uint32_t max_bytes) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  std::int64_t now = 0;
  if (!to_ms(now_ms, &now)) return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  instance->clock.set(now);
  std::string batches = "[";
  for (const auto& batch : instance->client->queue().drain_for_unload(max_bytes)) {
    if (batches.size() > 1) batches += ',';
    batches += "{" + batch_fields(batch) + "}";
  }
  return ok("{\"batches\":" + batches + "]}");
}

char* omni_report(uint32_t handle, double now_ms, const char* outcome_text, size_t len) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  std::int64_t now = 0;
  if (!to_ms(now_ms, &now)) return fail(omni::Status::InvalidArgument("`now` must be milliseconds since the epoch"));
  instance->clock.set(now);
  Value outcome;
  if (!parse_object(outcome_text, len, &outcome)) {
    return fail(omni::Status::InvalidJson("outcome must be a JSON object"));
  }
  const Value* batch_id_field = outcome.find("batchId");
  const Value* status_field = outcome.find("status");
  std::int64_t batch_id = 0;
  std::int64_t status = 0;
  if (batch_id_field == nullptr || !batch_id_field->to_int64(&batch_id) || batch_id < 0 ||
      status_field == nullptr || !status_field->to_int64(&status) || status < std::numeric_limits<int>::min() ||
      status > std::numeric_limits<int>::max()) {
    return fail(omni::Status::InvalidArgument("outcome needs integer `batchId` and `status`"));
  }
  omni::SendOutcome send;
  send.http_status = static_cast<int>(status);
  std::int64_t retry_after = 0;
  if (read_ms(outcome, "retryAfterMs", &retry_after)) send.retry_after_ms = retry_after;
  if (send.http_status == 400) send.rejected_message_ids = rejected_ids(string_or_empty(outcome, "body"));

  auto& queue = instance->client->queue();
  omni::Status reported = queue.report(static_cast<std::uint64_t>(batch_id), send);
  if (!reported.ok()) return fail(reported);
  return ok("{\"dropped\":" + dropped_text(queue.take_dropped()) + "}");
}

char* omni_take_writes(uint32_t handle) {
  Instance* instance = find(handle);
  if (instance == nullptr) return fail(unknown_handle(handle));
  std::string writes = "[";
  for (const auto& batch : instance->storage.take_journal()) {
    for (const auto& op : batch.ops) {
      if (writes.size() > 1) writes += ',';
      if (op.kind == omni::WriteBatch::Op::Kind::kPut) {
        writes += "{\"put\":" + quote(op.key) + ",\"value\":" + quote(op.value) + "}";
      } else {
        writes += "{\"erase\":" + quote(op.key) + "}";
      }
    }
  }
  return ok(writes + "]");
}

}  // extern "C"
