// The embedded event store: one SQLite file in WAL mode, written by one writer thread with group
// commit, read by operators through a second, read-only connection.
//
// Durability: synchronous=FULL, so a submission's `done(ok)` means its rows are in the fsynced
// WAL and survive a crash or power loss. A group's rows commit together or not at all.
//
// Deduplication is exact on (source, message_id) and happens inside the group's transaction.
// Random UUIDv4 ids in a unique text index scatter every commit over the whole B-tree, so the
// store keeps a 64-bit hash of each key instead, in two levels: the newest keys in the writer's
// memory (made durable by event_key_log in the same transaction as their rows), older ones in
// the table event_keys, merged there in hash order a chunk at a time. Every hash match is checked
// against the stored id; a genuine hash collision is resolved in an exact text table. Another
// connection that writes the same file (a second store on it) is noticed through
// PRAGMA data_version and the writer reloads its memory before deciding anything.
//
// Threading: submit(), writable(), recent(), stats() and close() may be called from any thread.
// `done` runs on the writer thread, outside the store's locks; it may call submit() but must not
// block for long, throw, or destroy the store (a close() from it only stops intake; the join
// happens in a later close() or the destructor). After close(), submit() calls done({ok=false})
// on the caller's thread.
//
// Errors carry SQLite's reason and the step that failed, never event content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/event_store.hpp"

namespace omni::collector {

struct SqliteOptions {
  std::string path;                         // the database file; created when missing
  std::size_t max_rows_per_commit = 10000;  // a group stops growing here (one submission is
                                            // never split, so a bigger one commits alone)
  int busy_timeout_ms = 5000;               // how long a write waits for another connection's lock

  // Tuning; the defaults are what bench/store_bench measured best (numbers at its top).
  int page_size = 4096;                  // bytes; only takes effect when the file is created
  int cache_size_kib = 65536;            // writer page cache: keeps event_keys probes in memory
  int wal_autocheckpoint_pages = 10000;  // larger WAL between checkpoints = fewer page rewrites
  std::size_t memory_index_keys = std::size_t{1} << 20;  // newest keys kept in memory (~70 B
                                                         // each) before merging to event_keys

  /// Called on the writer thread after every group commit that held submissions (a probe-only
  /// transaction is not reported): the group's rows, microseconds from BEGIN to the end of
  /// COMMIT, and whether it committed. For metrics; must be quick and must not throw.
  std::function<void(std::size_t rows, std::uint64_t micros, bool ok)> on_commit;
};

/// Counters since open, for metrics and benchmarks.
struct SqliteStoreStats {
  std::uint64_t groups_committed = 0;
  std::uint64_t groups_failed = 0;
  std::uint64_t submissions_committed = 0;
  std::uint64_t rows_inserted = 0;
  std::uint64_t rows_duplicate = 0;
  std::uint64_t largest_group_rows = 0;
  std::uint64_t commit_micros = 0;     // total time from BEGIN to the end of COMMIT
  std::uint64_t key_merge_chunks = 0;  // transactions that moved keys to event_keys
  std::uint64_t key_merge_micros = 0;
};

class SqliteEventStore final : public EventStore {
 public:
  /// Opens or creates the store and starts its writer. nullptr with *error (naming the path and
  /// SQLite's reason) when the file cannot be opened or created, the schema cannot be created,
  /// or the file was made by a newer schema version.
  static std::unique_ptr<SqliteEventStore> open(const SqliteOptions& options, std::string* error);

  SqliteEventStore(const SqliteEventStore&) = delete;
  SqliteEventStore& operator=(const SqliteEventStore&) = delete;
  ~SqliteEventStore() override;  // close()

  void submit(std::vector<StoredEvent> rows, Done done) override;
  /// Runs a tiny write through the writer (it shares the next group's transaction); false when
  /// it fails or takes longer than about 2 s, and after close().
  bool writable() override;
  /// Newest first, ids below before_id (when not 0), filters on exact user_id / anonymous_id /
  /// event, limit clamped to 1..10000. Filtered queries scan newest-first without an index
  /// (writes stay cheap). Empty on error.
  std::vector<EventRecord> recent(const EventQuery& query) override;
  /// Oldest first from after_id, limit clamped to 1..10000. The receivedAt range is checked per
  /// row on an id-ordered scan: ids give the cursor its order, and receivedAt only nearly
  /// follows them (clocks, concurrent requests), so the range cannot be turned into an id range. False on error and after close().
  bool export_page(const ExportQuery& query, std::vector<EventRecord>* out) override;
  /// One retention batch through the writer, between two groups (see EventStore::expire).
  /// max_rows 0 deletes nothing. Fails with "event store is closed" after close().
  ExpireOutcome expire(const std::string& source, std::int64_t cutoff_ms,
                       std::size_t max_rows) override;
  /// Stops accepting, commits everything submitted, joins the writer, closes both connections.
  /// Idempotent.
  void close() override;

  SqliteStoreStats stats() const;

 private:
  struct Impl;
  explicit SqliteEventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The store as the collector sees it; same contract as SqliteEventStore::open.
std::unique_ptr<EventStore> open_sqlite_event_store(const SqliteOptions& options,
                                                    std::string* error);

}  // namespace omni::collector
