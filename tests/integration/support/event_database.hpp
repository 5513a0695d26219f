// The collector's SQLite database seen from outside, for assertions about what is durably
// stored. Reads only the contract's columns of table `events` (source, message_id, body).
//
// EventDatabase opens the file read-only (WAL lets it read while the collector writes).
// StoreWriteLock opens it read-write only to hold SQLite's write lock: the collector's next
// commit then waits out its busy timeout and fails, which is how tests make the store
// unavailable without touching the collector. Both throw std::runtime_error on SQLite errors.
// Not thread-safe: one object per thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

struct sqlite3;

namespace omni::integration {

class EventDatabase {
 public:
  explicit EventDatabase(const std::string& path);
  ~EventDatabase();
  EventDatabase(const EventDatabase&) = delete;
  EventDatabase& operator=(const EventDatabase&) = delete;

  /// Rows in `events`, of every source.
  std::size_t count();
  /// Rows of one source.
  std::size_t count(const std::string& source);
  /// Rows with this (source, messageId).
  std::size_t count(const std::string& source, const std::string& message_id);
  /// Rows per messageId for one source (a value above 1 is a dedup failure).
  std::unordered_map<std::string, std::size_t> message_id_counts(const std::string& source);
  /// The stored body of (source, messageId), parsed; nullopt when absent.
  std::optional<nlohmann::json> body(const std::string& source, const std::string& message_id);
  /// Sources of every row with this messageId, sorted.
  std::vector<std::string> sources_of(const std::string& message_id);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class StoreWriteLock {
 public:
  /// Takes the database's write lock (BEGIN IMMEDIATE), waiting up to 10 s for it.
  explicit StoreWriteLock(const std::string& path);
  /// Releases it (ROLLBACK) if still held.
  ~StoreWriteLock();
  StoreWriteLock(const StoreWriteLock&) = delete;
  StoreWriteLock& operator=(const StoreWriteLock&) = delete;

  void release();

 private:
  sqlite3* db_ = nullptr;
  bool held_ = false;
};

}  // namespace omni::integration
