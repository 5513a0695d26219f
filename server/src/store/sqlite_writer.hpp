// The event store's write connection and everything only the writer thread touches: the pragmas
// that make commits durable, the prepared statements, the deduplication decision for each row
// and the merging of keys from memory into event_keys.
//
// Errors: open() returns nullptr with a reason naming the failed step and SQLite's message;
// commit_group() returns an SqlError and leaves nothing of a failed group, in the file or in the
// key memory. No error text carries event content.
//
// Thread-safety: none. Once the store's writer thread runs, it is the only user.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/event_store.hpp"
#include "store/key_memory.hpp"
#include "store/sqlite_event_store.hpp"
#include "store/sqlite_handle.hpp"

namespace omni::collector {

/// Microseconds from `start` to now, for the timings in SqliteStoreStats.
std::uint64_t micros_since(std::chrono::steady_clock::time_point start);

class SqliteWriter {
 public:
  /// Opens the file, applies pragmas and the schema, prepares statements, loads the key memory.
  static std::unique_ptr<SqliteWriter> open(const SqliteOptions& options, std::string* error);

  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  /// Stores a group in one transaction. On failure it is rolled back and nothing of it stays;
  /// `outcomes` (one per submission, zeroed by the caller) hold the counts on success. `probe`
  /// adds the readiness probe's write to the same transaction.
  sqlite::SqlError commit_group(const std::deque<std::vector<StoredEvent>*>& group, bool probe,
                                std::vector<CommitOutcome>* outcomes);

  /// Deletes up to `max_rows` of `source`'s events received before `cutoff_ms` (oldest first)
  /// and their keys (event_key_log, event_keys, the collision table, the memory) in one
  /// transaction. *deleted is how many; nothing changes on failure.
  sqlite::SqlError expire(const std::string& source, std::int64_t cutoff_ms, std::size_t max_rows,
                          std::size_t* deleted);

  /// Freezes a full key memory and merges one chunk of it. True while merge work remains and
  /// the last chunk succeeded (a failure waits for the next group rather than spinning).
  bool maintain_keys(SqliteStoreStats* stats);

 private:
  explicit SqliteWriter(const SqliteOptions& options)
      : keys_(options.memory_index_keys), memory_limit_(options.memory_index_keys) {}

  bool apply_pragmas(const SqliteOptions& options, std::string* error);
  bool prepare_all(std::string* error);
  sqlite::SqlError begin();
  void rollback();
  sqlite::SqlError notice_foreign_writes();
  sqlite::SqlError reload_keys();
  sqlite::SqlError store_row(const StoredEvent& row, CommitOutcome* counts);
  sqlite::SqlError find_on_disk(std::int64_t hash, std::optional<std::int64_t>* holder);
  sqlite::SqlError holds_same_id(std::int64_t event_id, const StoredEvent& row, bool* same);
  sqlite::SqlError claim_collision(const StoredEvent& row, bool* claimed);
  sqlite::SqlError insert_event(const StoredEvent& row, std::int64_t* event_id);
  sqlite::SqlError merge_chunk();
  sqlite::SqlError collision_hashes(std::unordered_set<std::int64_t>* hashes);
  /// Replaces *hash with the key event_key_log holds for `event_id`, when it holds one.
  sqlite::SqlError logged_hash(std::int64_t event_id, std::int64_t* hash);

  sqlite::Connection db_;  // declared first: destroyed after the statements below
  sqlite::Statement begin_, commit_, rollback_, data_version_, find_key_, stored_key_,
      insert_event_, log_key_, claim_collision_, probe_, merge_key_, trim_log_, load_log_,
      find_expired_, delete_event_, logged_key_, delete_logged_key_, delete_merged_key_, delete_collision_,
      list_collisions_;
  KeyMemory keys_;
  std::size_t memory_limit_;
  std::optional<std::int64_t> data_version_seen_;
};

}  // namespace omni::collector
