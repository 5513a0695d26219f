// One SDK instance as a device runs it: who the shopper is (anonymous id, user id, traits) and
// the durable outbound queue, over injected storage, clock and randomness.
//
// The browser reaches it through the wasm ABI (sdk/wasm/omni_abi.h); a native host can use it
// directly. The Client keeps references to the effects it is given; they must outlive it.
// Identity is persisted under the "id/" keys and the queue under its own prefix ("q/"), so
// reopening a Client on the same storage resumes where the last one stopped.
#pragma once

#include <memory>
#include <string>

#include "omni/attribution.hpp"
#include "omni/effects.hpp"
#include "omni/event.hpp"
#include "omni/json.hpp"
#include "omni/outbound_queue.hpp"
#include "omni/status.hpp"

namespace omni {

/// An event as it was queued.
struct QueuedEvent {
  std::string message_id;
  std::string json;  // the event exactly as queued and sent, compact (serialized once)
};

struct ClientConfig {
  QueueConfig queue;
  /// An anonymous id handed over by a native app or read from a first-party cookie. When set,
  /// it replaces the stored one (so app, webview and subdomains count as one device).
  std::string anonymous_id;
};

class Client {
 public:
  /// Restores identity and queue from storage; creates and persists an anonymous id (UUIDv4)
  /// when there is none. Fails with StorageFailed or InvalidArgument (bad queue config).
  static Result<std::unique_ptr<Client>> open(Storage& storage, Clock& clock, Random& random,
                                              ClientConfig config);

  /// Completes one call into an event and queues it durably: sets anonymousId and the current
  /// userId, fills context.page / campaign / channel from `page` when given, builds and
  /// validates it (build_event), then appends it to the queue. identify with a userId makes it
  /// the current user and merges its traits into the kept ones; alias makes its userId the
  /// current user, taking the current id as previousId when none is given. Nothing is queued
  /// or changed when it fails (InvalidEvent, EventTooLarge, QueueFull, StorageFailed).
  Result<QueuedEvent> enqueue(EventInput input, const PageContext* page);

  /// Forgets the user: a new anonymous id, no user id, no traits. Queued events stay queued.
  Status reset();

  const std::string& anonymous_id() const { return anonymous_id_; }
  const std::string& user_id() const { return user_id_; }
  const json::Value& traits() const { return traits_; }
  OutboundQueue& queue() { return queue_; }

 private:
  Client(Storage& storage, Clock& clock, Random& random, OutboundQueue queue)
      : storage_(storage), clock_(clock), random_(random), queue_(std::move(queue)) {}

  Status load_identity(const std::string& handed_over_anonymous_id);
  Status save_identity(const std::string& user_id, const json::Value& traits);

  Storage& storage_;
  Clock& clock_;
  Random& random_;
  OutboundQueue queue_;
  std::string anonymous_id_;
  std::string user_id_;
  json::Value traits_ = json::Value::object();
};

}  // namespace omni
