// The durable outbound queue: events wait here, persisted, until the collector acknowledges them.
//
// The queue does no I/O. It persists through the injected Storage and tells its host WHAT to send
// and WHEN (next(), drain_for_unload()); the host (the browser facade, a native app) sends the
// batch and reports the HTTP outcome back (report()). Time comes from the injected Clock and
// retry jitter from the injected Random, so every schedule is reproducible under test.
// docs/delivery.md states the same contract in plain English.
//
// Guarantees
//  * append() returns ok only after the event is durable: one Storage::apply that puts the new
//    record (plus the erases of events it displaces, and any writes an earlier failed apply left
//    pending) and never rewrites the queue. A failed append leaves no trace: the event is not
//    queued, will never be sent, and displaced nothing.
//  * An acknowledged event leaves the queue only when a batch holding it is answered 2xx, or
//    when it is reported by take_dropped() with a reason. Delivery is at-least-once: a batch whose
//    answer was lost (crash, page unload, failed erase) is sent again; the collector deduplicates
//    by messageId.
//  * Events are handed out oldest first. next() keeps at most one batch in flight, so batches it
//    hands out are delivered in order; only drain_for_unload() puts several in flight at once.
//
// Persisted layout (one key per event, so an append never rewrites the queue):
//   key   = storage_prefix + 16 lower-case hex digits of a sequence number that only grows, so a
//           prefix scan returns the queue in FIFO order;
//   value = a fixed-size 34-byte header ("Q1", attempts, enqueue time, id length, checksum — all
//           fixed-width hex, so a record never changes size) + the messageId + the event JSON.
// open() restores every record as pending (nothing is in flight after a restart), erases records
// it cannot decode and reports them as "corrupt" drops.
//
// When Storage::apply fails outside append() (erasing a delivered batch, persisting an attempt
// count, erasing dropped events), the change still takes effect in memory and report() returns
// StorageFailed; the unpersisted writes are retried inside the next apply the queue makes. If
// the process ends first, those events come back after the restart and are sent again
// (at-least-once; the collector dedups), or retry with a lower persisted attempt count.
//
// Ownership and threads: the queue keeps references to the Storage, Clock and Random passed to
// open(); they must outlive it. Not thread-safe: one owner calls it (the wasm instance, or one
// host thread). Move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "omni/effects.hpp"
#include "omni/retry_policy.hpp"
#include "omni/status.hpp"

namespace omni {

struct QueueConfig {
  /// A batch holds at most this many events; this many pending events are sent at once.
  std::size_t max_batch_events = 100;
  /// A batch body is at most this many bytes; keeps requests under the collector's 500 KB.
  std::size_t max_batch_bytes = 480 * 1024;
  /// The oldest pending event waits at most this long before its batch is sent.
  std::int64_t max_batch_age_ms = 5000;
  /// Cap on the bytes the queue's records take in storage (values: header + id + event).
  std::size_t max_queue_bytes = 4 * 1024 * 1024;
  /// What append() does when the cap would be exceeded.
  enum class Overflow : std::uint8_t {
    kDropOldest,  // erase the oldest pending events (reported as "overflow" drops) to make room
    kRejectNew,   // refuse the new event with QueueFull
  };
  Overflow overflow = Overflow::kDropOldest;
  RetryPolicy retry;
  /// When set, the body carries it as "writeKey" (sendBeacon cannot set an Authorization header).
  std::string write_key;
  /// Every record's key starts with this; nothing else may be stored under it.
  std::string storage_prefix = "q/";

  /// InvalidArgument for a zero limit, a negative age, an empty prefix or an invalid retry policy.
  Status validate() const;
};

/// One request to send: POST body to the collector's /v1/batch.
struct Batch {
  std::uint64_t id = 0;                   // pass back to report(); unique within one open queue
  std::vector<std::string> message_ids;   // the events in the body, in order
  std::string body;  // {"batch":[<events verbatim>],"sentAt":"<ISO-8601 now>"[,"writeKey":"…"]}
};

/// What the host should do now.
struct Action {
  enum class Kind : std::uint8_t {
    kIdle,  // nothing to do until the next append(), report() or request_flush()
    kWait,  // call next() again after wait_ms
    kSend,  // send `batch`, then report() its outcome
  };
  Kind kind = Kind::kIdle;
  std::int64_t wait_ms = 0;  // kWait only; always > 0
  Batch batch;               // kSend only
};

/// How a send ended, as the host saw it.
struct SendOutcome {
  int http_status = 0;              // 0: network error, timeout or no answer
  std::int64_t retry_after_ms = -1; // the answer's Retry-After in ms; < 0 when absent
  std::vector<std::string> rejected_message_ids;  // the events a 400 answer names as invalid
};

/// Why an acknowledged event left the queue without a 2xx.
namespace drop_reason {
inline constexpr const char* kRejected = "rejected";            // named by the collector's 400
inline constexpr const char* kClientError = "client_error";     // 4xx refusing the whole batch
inline constexpr const char* kRetriesExhausted = "retries_exhausted";  // max_attempts failures
inline constexpr const char* kExpired = "expired";              // older than max_age_ms on failure
inline constexpr const char* kOverflow = "overflow";            // pushed out by max_queue_bytes
inline constexpr const char* kCorrupt = "corrupt";              // undecodable record at open()
}  // namespace drop_reason

struct Dropped {
  std::string message_id;  // empty for "corrupt" (the record could not be decoded)
  std::string reason;      // one of drop_reason
  int http_status = 0;     // the answer's status for "rejected" and "client_error", else 0
};

class OutboundQueue {
 public:
  /// Restores the queue from `storage` (every record pending, oldest first) and continues the
  /// sequence after the highest key found. Corrupt records are erased and reported through
  /// take_dropped(); if that erase fails it is retried with the next write. Fails with
  /// InvalidArgument for a bad config and StorageFailed when the scan fails.
  static Result<OutboundQueue> open(Storage& storage, Clock& clock, Random& random,
                                    QueueConfig config);

  OutboundQueue(OutboundQueue&&) = default;
  OutboundQueue& operator=(OutboundQueue&&) = default;
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  /// Queues one serialized event (a compact JSON object, put in the body verbatim; the queue does
  /// not parse it). Durable when ok: exactly one Storage::apply, O(1) in the queue's size.
  /// Errors: InvalidArgument (empty or over-long id, text that is not an object), EventTooLarge
  /// (the record exceeds max_queue_bytes, or a batch of this event alone exceeds max_batch_bytes),
  /// QueueFull (kRejectNew at the cap, or kDropOldest when only in-flight events remain to drop),
  /// StorageFailed (nothing changed; the event is not queued).
  Status append(std::string_view message_id, std::string_view event_json);

  /// Sends when no batch from next() is in flight, the retry backoff (if any) has passed, and one
  /// of: pending events >= max_batch_events; their body would be >= max_batch_bytes; the oldest
  /// has waited max_batch_age_ms; a flush covers the oldest; a retry is due. Otherwise waits for
  /// the oldest event's age or the backoff, or is idle (nothing pending, or a batch in flight).
  /// The batch takes the oldest pending events up to max_batch_events / max_batch_bytes. Costs
  /// O(batch), not O(queue).
  Action next();

  /// Every event pending now is sent without waiting for the count, size or age thresholds, over
  /// as many batches as it takes (a retry backoff is still honoured).
  void request_flush();

  /// Applies a batch's outcome (see SendVerdict): 2xx erases its events; a retryable outcome
  /// bumps each event's persisted attempt count, drops events at max_attempts
  /// ("retries_exhausted") or older than max_age_ms ("expired"), and backs off; a 400 naming
  /// events of the batch drops exactly those ("rejected") and resends the rest at once; any other
  /// 4xx drops the batch ("client_error"). NotFound for an id that is not in flight (never handed
  /// out, already reported, or handed out before a restart). StorageFailed: see the header note.
  Status report(std::uint64_t batch_id, const SendOutcome& outcome);

  /// For page hide: batches of the oldest pending events (FIFO, each within the batch limits),
  /// whose body sizes add up to at most max_total_bytes (the browser's 64 KB keepalive budget),
  /// ignoring thresholds and backoff. They are in flight until reported; if the page is gone
  /// they never are, and after a restart the events are pending again and resent. The batch
  /// from next() that is already in flight is not included.
  std::vector<Batch> drain_for_unload(std::size_t max_total_bytes);

  /// The events dropped since the last call, oldest drop first.
  std::vector<Dropped> take_dropped();

  /// Events held (pending or in flight), i.e. not yet acknowledged or dropped.
  std::size_t pending_count() const { return pending_.size() + in_flight_events_; }
  /// Bytes of the records held, as counted against max_queue_bytes.
  std::size_t pending_bytes() const { return held_record_bytes_; }

 private:
  OutboundQueue() = default;  // open() builds one, then restores it

  struct Entry {
    std::uint64_t seq = 0;
    std::uint32_t attempts = 0;
    std::int64_t enqueued_ms = 0;
    std::string message_id;
    std::string event_json;
  };

  std::string key_for(std::uint64_t seq) const;
  std::size_t body_bytes(std::size_t events, std::size_t event_bytes,
                         std::size_t sent_at_bytes) const;
  bool should_send_now(std::int64_t now) const;
  Batch take_batch(std::size_t max_body_bytes, bool first_may_exceed, std::int64_t now);
  void return_to_pending(std::vector<Entry> entries);
  void drop(const Entry& entry, const char* reason, int http_status, WriteBatch* erases);
  void stop_backoff();
  Status apply_with_deferred(const WriteBatch& ops);
  Status persist(const WriteBatch& ops);

  Storage* storage_ = nullptr;
  Clock* clock_ = nullptr;
  Random* random_ = nullptr;
  QueueConfig config_;
  std::string write_key_json_;  // the write key as a JSON string literal, escaped once

  std::map<std::uint64_t, Entry> pending_;  // by sequence number, so begin() is the oldest
  std::size_t pending_event_bytes_ = 0;     // sum of the pending events' JSON sizes
  std::map<std::uint64_t, std::vector<Entry>> in_flight_;  // by batch id
  std::size_t in_flight_events_ = 0;
  std::size_t held_record_bytes_ = 0;       // records of pending and in-flight events
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_batch_id_ = 1;
  std::uint64_t next_call_batch_ = 0;       // the batch next() has in flight, or 0

  // Pending events with a sequence number up to this one are due now, whatever the thresholds:
  // set by request_flush(), by a retry (due when its backoff ends) and by a partial 400.
  std::uint64_t due_through_seq_ = 0;
  bool backing_off_ = false;
  std::uint32_t consecutive_failures_ = 0;
  std::int64_t retry_at_ms_ = 0;
  std::int64_t retry_delay_ms_ = 0;  // the backoff's length, to bound the wait if time jumps back

  // Writes that took effect in memory but failed to persist, by key: {true, value} is a put,
  // {false, ""} an erase. Replayed before the next apply so storage converges to memory.
  std::map<std::string, std::pair<bool, std::string>> deferred_;
  std::vector<Dropped> dropped_;
};

}  // namespace omni
