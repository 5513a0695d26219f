#include "omni/client.hpp"

#include <utility>

#include "omni/ids.hpp"

namespace omni {
namespace {

constexpr const char* kAnonymousIdKey = "id/anonymousId";
constexpr const char* kUserIdKey = "id/userId";
constexpr const char* kTraitsKey = "id/traits";

}  // namespace

Result<std::unique_ptr<Client>> Client::open(Storage& storage, Clock& clock, Random& random,
                                             ClientConfig config) {
  auto queue = OutboundQueue::open(storage, clock, random, std::move(config.queue));
  if (!queue.ok()) return queue.status();
  std::unique_ptr<Client> client(new Client(storage, clock, random, std::move(queue).value()));
  Status loaded = client->load_identity(config.anonymous_id);
  if (!loaded.ok()) return loaded;
  return client;
}

Status Client::load_identity(const std::string& handed_over_anonymous_id) {
  std::string stored;
  Status got = storage_.get(kAnonymousIdKey, &stored);
  if (!got.ok() && got.code() != ErrorCode::kNotFound) return got;
  std::string anonymous_id = !handed_over_anonymous_id.empty() ? handed_over_anonymous_id
                             : got.ok()                        ? stored
                                                               : uuid_v4(random_);
  if (anonymous_id.size() > kMaxIdLength) {
    return Status::InvalidArgument("anonymousId is longer than 256 characters");
  }
  if (anonymous_id != stored) {
    WriteBatch batch;
    batch.put(kAnonymousIdKey, anonymous_id);
    Status saved = storage_.apply(batch);
    if (!saved.ok()) return saved;
  }
  anonymous_id_ = std::move(anonymous_id);

  got = storage_.get(kUserIdKey, &stored);
  if (got.ok()) {
    user_id_ = std::move(stored);
  } else if (got.code() != ErrorCode::kNotFound) {
    return got;
  }

  got = storage_.get(kTraitsKey, &stored);
  if (got.ok()) {
    auto traits = json::parse(stored);
    // Unreadable traits are a cache, not events: start again rather than refuse to start.
    if (traits.ok() && traits.value().is_object()) traits_ = std::move(traits).value();
  } else if (got.code() != ErrorCode::kNotFound) {
    return got;
  }
  return Status::Ok();
}

Status Client::save_identity(const std::string& user_id, const json::Value& traits) {
  WriteBatch batch;
  if (user_id.empty()) {
    batch.erase(kUserIdKey);
  } else {
    batch.put(kUserIdKey, user_id);
  }
  batch.put(kTraitsKey, traits.dump());
  return storage_.apply(batch);
}

Result<QueuedEvent> Client::enqueue(EventInput input, const PageContext* page) {
  input.anonymous_id = anonymous_id_;
  std::string next_user_id = user_id_;
  json::Value next_traits;  // null: the kept traits do not change
  bool identity_changes = false;

  switch (input.type) {
    case EventType::kIdentify:
      if (!input.user_id.empty() && input.user_id != user_id_) {
        // A different person on this device: their traits are not the previous user's.
        next_traits = user_id_.empty() ? traits_ : json::Value::object();
        next_user_id = input.user_id;
        identity_changes = true;
      }
      if (input.traits.is_object() && !input.traits.empty()) {
        if (next_traits.is_null()) next_traits = traits_;
        for (const json::Member& trait : input.traits.members()) {
          next_traits.set(trait.key, trait.value);
        }
        identity_changes = true;
      }
      break;
    case EventType::kAlias:
      if (input.previous_id.empty()) input.previous_id = !user_id_.empty() ? user_id_ : anonymous_id_;
      identity_changes = input.user_id != user_id_;
      next_user_id = input.user_id;
      break;
    default:
      break;
  }
  if (input.user_id.empty()) input.user_id = next_user_id;
  if (page != nullptr) enrich_context(*page, &input.context);

  auto event = build_event(std::move(input), clock_, random_);
  if (!event.ok()) return event.status();
  BuiltEvent& built = event.value();
  const json::Value* message_id = built.value.find("messageId");  // build_event always sets it
  QueuedEvent queued;
  queued.message_id = std::string(message_id != nullptr ? message_id->string_or("") : "");
  queued.json = std::move(built.text);
  Status appended = queue_.append(queued.message_id, queued.json);
  if (!appended.ok()) return appended;

  if (identity_changes) {
    if (next_traits.is_null()) next_traits = traits_;
    // The event is queued either way; identity that fails to persist is still right in memory
    // for this visit and re-derived from the next identify.
    (void)save_identity(next_user_id, next_traits);
    user_id_ = std::move(next_user_id);
    traits_ = std::move(next_traits);
  }
  return queued;
}

Status Client::reset() {
  std::string anonymous_id = uuid_v4(random_);
  WriteBatch batch;
  batch.put(kAnonymousIdKey, anonymous_id);
  batch.erase(kUserIdKey);
  batch.erase(kTraitsKey);
  Status saved = storage_.apply(batch);
  if (!saved.ok()) return saved;
  anonymous_id_ = std::move(anonymous_id);
  user_id_.clear();
  traits_ = json::Value::object();
  return Status::Ok();
}

}  // namespace omni
