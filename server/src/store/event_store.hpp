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
#include <limits>
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

/// What one expire() call did.
struct ExpireOutcome {
  bool ok = false;           // false: nothing was deleted
  std::string error;         // why, when !ok
  std::size_t deleted = 0;   // events deleted (with their dedup keys); < max_rows: no more
};

/// A newest-first page for recent().
struct EventQuery {
  std::size_t limit = 50;
  std::int64_t before_id = 0;  // a cursor: only ids below it; 0 = from the newest
  std::string user_id;         // filters; empty = any
  std::string anonymous_id;
  std::string event;
};

/// An oldest-first page for export_page(): ids above `after_id` whose receivedAt lies in
/// [since_ms, until_ms).
struct ExportQuery {
  std::size_t limit = 1000;
  std::int64_t after_id = 0;
  std::int64_t since_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t until_ms = std::numeric_limits<std::int64_t>::max();
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

  /// Oldest first (ascending id), one page into *out (replaced). Ids only grow, so paging with
  /// after_id = the last id seen never skips or repeats a row, even while rows are being added.
  /// False when the read fails (or after close()): an export must not end early unnoticed.
  /// Thread-safe; uses the read connection.
  virtual bool export_page(const ExportQuery& query, std::vector<EventRecord>* out) = 0;

  /// Retention: deletes up to `max_rows` of `source`'s events whose receivedAt is before
  /// `cutoff_ms`, oldest first, together with their deduplication keys, in one transaction that
  /// takes its turn between ingestion commits. Blocks the caller until done; never call it from
  /// an io thread or from `done`. A later retry of a deleted event's messageId is stored again.
  /// Thread-safe. Stores without retention support answer ok = false.
  virtual ExpireOutcome expire(const std::string& source, std::int64_t cutoff_ms,
                               std::size_t max_rows) {
    (void)source;
    (void)cutoff_ms;
    (void)max_rows;
    ExpireOutcome outcome;
    outcome.error = "this store does not delete events";
    return outcome;
  }

  /// Commits everything already submitted, then stops the writer. Later submits fail.
  virtual void close() = 0;
};

}  // namespace omni::collector
