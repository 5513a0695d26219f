// The newest deduplication keys (hash -> event id), owned by the writer thread. New keys go to
// an active hash map; when it is full it is frozen into a run sorted by hash, which the writer
// merges into event_keys a chunk at a time while the active map keeps taking keys. Changes made
// inside a transaction are undone if it rolls back, so memory always matches what is committed.
//
// Contract:
//   - find() answers from the active map first, then from the frozen run. A frozen run stays
//     findable until its last chunk is merged (chunk_merged()); after that, and after clear(),
//     the caller finds those keys in event_keys.
//   - add_in_transaction() is only for a hash find() did not return; commit_transaction() keeps
//     every key added since the last commit or rollback, rollback_transaction() forgets them.
//   - freeze_if_full() and the chunk calls are for between transactions: a rollback only
//     reaches keys still in the active map.
//   - The memory is a cache of committed state; it touches no database and reports no errors.
//
// Thread-safety: none; one thread (the writer) owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace omni::collector {

class KeyMemory {
 public:
  using Key = std::pair<std::int64_t, std::int64_t>;  // (key hash, event id)

  // Keys moved to event_keys per merge transaction: big enough that a chunk covers a useful
  // slice of the hash space, small enough that it delays the next group by tens of milliseconds
  // only.
  static constexpr std::size_t kMergeChunkKeys = 32768;

  /// `capacity` is the expected number of keys (the freeze limit); it only sizes the map.
  explicit KeyMemory(std::size_t capacity);

  /// The event id holding `hash`, if memory has it.
  std::optional<std::int64_t> find(std::int64_t hash) const;

  /// Only for a hash find() did not return.
  void add_in_transaction(std::int64_t hash, std::int64_t event_id);
  void commit_transaction() { added_.clear(); }
  void rollback_transaction();

  /// Drops `hash` when it is held for `event_id` (its event was deleted and committed). A key in
  /// the frozen run is marked instead of removed, and merge_chunk() skips marked keys. For
  /// between transactions only.
  void forget(std::int64_t hash, std::int64_t event_id);
  /// The event id a forgotten key of the frozen run carries (event ids start at 1).
  static constexpr std::int64_t kForgotten = 0;

  /// Forgets everything, the frozen run included (before reloading from event_key_log).
  void clear();
  /// Adds a committed key read back from event_key_log; a hash already held keeps its id.
  void load(std::int64_t hash, std::int64_t event_id) { active_.emplace(hash, event_id); }

  /// When no run is frozen and the active map holds at least `limit` keys, moves them all into a
  /// new frozen run sorted by hash. Otherwise does nothing.
  void freeze_if_full(std::size_t limit);

  /// True while a frozen run still has keys to merge.
  bool merging() const { return !frozen_.empty(); }
  /// The next keys to merge, in hash order: chunk_size() of them from chunk_begin().
  const Key* chunk_begin() const { return frozen_.data() + merged_; }
  std::size_t chunk_size() const;
  bool chunk_is_last() const { return merged_ + chunk_size() == frozen_.size(); }
  /// Every key in event_key_log up to this id belongs to the frozen run (later keys have later
  /// ids), so the last chunk's transaction trims the log up to here.
  std::int64_t frozen_max_event_id() const { return frozen_max_event_id_; }
  /// The current chunk is committed to event_keys: drop it from memory (the whole run, with its
  /// storage, after the last chunk).
  void chunk_merged();

 private:
  std::unordered_map<std::int64_t, std::int64_t> active_;
  std::vector<std::int64_t> added_;  // hashes added in the open transaction
  std::vector<Key> frozen_;
  std::size_t merged_ = 0;  // keys of frozen_ already in event_keys
  std::int64_t frozen_max_event_id_ = 0;
};

}  // namespace omni::collector
