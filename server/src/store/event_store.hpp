// Where the collector keeps events. Implementations: SqliteEventStore (embedded, default).
//
// Durability contract: `done` for a submission is called only after the transaction holding all
// of its rows has committed durably (or failed, in which case none of its rows is stored).
// Submissions from many concurrent requests are committed together (group commit) so a commit's
// fsync is shared. Deduplication by (source, messageId) happens inside that same transaction: a
// row whose key is already stored is counted as a duplicate, not inserted again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace omni::collector {

/// One validated event as the collector stores it.
struct StoredEvent {
  std::string source;        // source name from the config
  std::string message_id;    // dedup key within the source
  std::string type;          // track, page, screen, identify, alias, group
  std::string event;         // track event name, empty for other types
  std::string user_id;       // may be empty
  std::string anonymous_id;  // may be empty
  std::string timestamp;     // event time corrected for device clock skew (ingest/event_time.hpp),
                             // ISO-8601 UTC with milliseconds; never empty
  std::int64_t received_at_ms = 0;
  std::string body;          // the whole event as compact JSON
};

struct CommitOutcome {
  bool ok = false;           // false: nothing of the submission is stored
  std::string error;         // why, when !ok (no event content in it)
  std::size_t inserted = 0;
  std::size_t duplicates = 0;
};

struct EventQuery {
  std::size_t limit = 50;
  std::string user_id;       // filters; empty = any
  std::string anonymous_id;
  std::string event;
};

/// A stored event as read back for operators.
struct EventRecord {
  std::int64_t id = 0;       // insertion order
  std::string source;
  std::string message_id;
  std::int64_t received_at_ms = 0;
  std::string body;          // compact JSON
};

class EventStore {
 public:
  using Done = std::function<void(CommitOutcome)>;

  virtual ~EventStore() = default;

  /// Queues rows for the next group commit. `done` runs on the store's writer thread; keep it
  /// short (post the answer back to the connection's executor). Thread-safe.
  virtual void submit(std::vector<StoredEvent> rows, Done done) = 0;

  /// True when a write transaction can be started and committed right now (readiness probe).
  virtual bool writable() = 0;

  /// Newest first. Thread-safe; uses its own read connection.
  virtual std::vector<EventRecord> recent(const EventQuery& query) = 0;

  /// Commits everything already submitted, then stops the writer. Later submits fail.
  virtual void close() = 0;
};

}  // namespace omni::collector
