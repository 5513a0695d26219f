#include "store/sqlite_writer.hpp"

#include <sqlite3.h>

#include <unordered_set>
#include <utility>

#include "store/sqlite_schema.hpp"

namespace omni::collector {

using sqlite::bind_text;
using sqlite::column_equals;
using sqlite::exec;
using sqlite::kNoError;
using sqlite::open_connection;
using sqlite::prepare;
using sqlite::query_text;
using sqlite::SqlError;
using sqlite::Statement;
using sqlite::step_to_done;

namespace {

// The WAL is reused from its start after a checkpoint; this caps the size it is left at.
constexpr std::int64_t kJournalSizeLimitBytes = 64 * 1024 * 1024;

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::uint64_t micros_since(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - start)
                                        .count());
}

std::unique_ptr<SqliteWriter> SqliteWriter::open(const SqliteOptions& options, std::string* error) {
  std::unique_ptr<SqliteWriter> writer(new SqliteWriter(options));
  std::string reason;
  writer->db_ = open_connection(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &reason);
  if (!writer->db_) {
    *error = "cannot open: " + reason;
    return nullptr;
  }
  sqlite3* db = writer->db_.get();
  if (sqlite3_busy_timeout(db, options.busy_timeout_ms) != SQLITE_OK) {
    *error = std::string("cannot set the busy timeout: ") + sqlite3_errmsg(db);
    return nullptr;
  }
  // Refuse a newer file before any pragma could change it.
  if (!sqlite_schema::check_supported(db, &reason)) {
    *error = "cannot use: " + reason;
    return nullptr;
  }
  if (!writer->apply_pragmas(options, error)) return nullptr;
  if (!sqlite_schema::migrate(db, wall_clock_ms(), &reason)) {
    *error = "cannot create or upgrade the schema: " + reason;
    return nullptr;
  }
  if (!writer->prepare_all(error)) return nullptr;
  // Load the key memory in a read transaction, together with the data_version it matches.
  if (!exec(db, "BEGIN", &reason)) {
    *error = "cannot read the key log: " + reason;
    return nullptr;
  }
  const SqlError loaded = writer->notice_foreign_writes();
  if (loaded.failed() || !exec(db, "COMMIT", &reason)) {
    *error = "cannot read the key log: " + (loaded.failed() ? loaded.describe() : reason);
    writer->rollback();
    return nullptr;
  }
  return writer;
}

bool SqliteWriter::apply_pragmas(const SqliteOptions& options, std::string* error) {
  sqlite3* db = db_.get();
  std::string reason;
  // page_size only matters before the first table exists, so it goes before the schema.
  const std::string setup =
      "PRAGMA page_size = " + std::to_string(options.page_size) +
      "; PRAGMA synchronous = FULL"
      "; PRAGMA cache_size = -" +
      std::to_string(options.cache_size_kib) +
      "; PRAGMA wal_autocheckpoint = " + std::to_string(options.wal_autocheckpoint_pages) +
      "; PRAGMA journal_size_limit = " + std::to_string(kJournalSizeLimitBytes);
  std::string mode;
  if (!query_text(db, "PRAGMA journal_mode = WAL", &mode, &reason)) {
    *error = "cannot switch to WAL: " + reason;
    return false;
  }
  if (mode != "wal") {
    *error = "cannot switch to WAL: journal mode stays '" + mode + "'";
    return false;
  }
  if (!exec(db, setup, &reason)) {
    *error = "cannot apply settings: " + reason;
    return false;
  }
  return true;
}

bool SqliteWriter::prepare_all(std::string* error) {
  sqlite3* db = db_.get();
  struct Entry {
    Statement* stmt;
    const char* sql;
  };
  const Entry entries[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&data_version_, "PRAGMA data_version"},
      {&find_key_, "SELECT event_id FROM event_keys WHERE key_hash = ?1"},
      {&stored_key_, "SELECT source, message_id FROM events WHERE id = ?1"},
      {&insert_event_,
       "INSERT INTO events(source, message_id, type, event, user_id, anonymous_id, timestamp,"
       " received_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&log_key_, "INSERT INTO event_key_log(event_id, key_hash) VALUES(?1, ?2)"},
      {&claim_collision_,
       "INSERT INTO event_key_collisions(source, message_id) VALUES(?1, ?2)"
       " ON CONFLICT DO NOTHING"},
      {&probe_, "UPDATE store_meta SET value = value + 1 WHERE key = 'writable_probe'"},
      {&merge_key_,
       "INSERT INTO event_keys(key_hash, event_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING"},
      {&trim_log_, "DELETE FROM event_key_log WHERE event_id <= ?1"},
      {&load_log_, "SELECT key_hash, event_id FROM event_key_log"},
      // The index (source, received_at) of schema version 2 serves this: a source's oldest rows.
      {&find_expired_,
       "SELECT id, message_id FROM events WHERE source = ?1 AND received_at < ?2"
       " ORDER BY received_at LIMIT ?3"},
      {&delete_event_, "DELETE FROM events WHERE id = ?1"},
      {&logged_key_, "SELECT key_hash FROM event_key_log WHERE event_id = ?1"},
      {&delete_logged_key_, "DELETE FROM event_key_log WHERE event_id = ?1"},
      {&delete_merged_key_, "DELETE FROM event_keys WHERE key_hash = ?1 AND event_id = ?2"},
      {&delete_collision_,
       "DELETE FROM event_key_collisions WHERE source = ?1 AND message_id = ?2"},
      {&list_collisions_, "SELECT source, message_id FROM event_key_collisions"},
  };
  for (const Entry& entry : entries) {
    std::string reason;
    *entry.stmt = prepare(db, entry.sql, &reason);
    if (!*entry.stmt) {
      *error = "cannot prepare statements: " + reason;
      return false;
    }
  }
  return true;
}

SqlError SqliteWriter::begin() {
  // A transaction left open by a failed ROLLBACK would make every later BEGIN fail.
  if (sqlite3_get_autocommit(db_.get()) == 0) rollback();
  return step_to_done(begin_.get(), "begin");
}

void SqliteWriter::rollback() {
  if (sqlite3_get_autocommit(db_.get()) != 0) return;  // SQLite already rolled back
  sqlite3_step(rollback_.get());
  sqlite3_reset(rollback_.get());
}

SqlError SqliteWriter::notice_foreign_writes() {
  sqlite3_stmt* stmt = data_version_.get();
  const int rc = sqlite3_step(stmt);
  const std::int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_reset(stmt);
  if (rc != SQLITE_ROW) return SqlError{rc, "read data_version"};
  // data_version changes only when another connection commits. Then the memory may miss keys that
  // connection stored (or merged away), so it is rebuilt from the log before any decision.
  if (data_version_seen_ == version) return kNoError;
  const SqlError error = reload_keys();
  if (!error.failed()) data_version_seen_ = version;
  return error;
}

SqlError SqliteWriter::reload_keys() {
  keys_.clear();
  sqlite3_stmt* stmt = load_log_.get();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    keys_.load(sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1));
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    keys_.clear();
    data_version_seen_.reset();  // force a reload next time
    return SqlError{rc, "load key log"};
  }
  return kNoError;
}

SqlError SqliteWriter::commit_group(const std::deque<std::vector<StoredEvent>*>& group, bool probe,
                                    std::vector<CommitOutcome>* outcomes) {
  SqlError error = begin();
  if (!error.failed()) error = notice_foreign_writes();
  for (std::size_t i = 0; i < group.size() && !error.failed(); ++i) {
    for (const StoredEvent& row : *group[i]) {
      error = store_row(row, &(*outcomes)[i]);
      if (error.failed()) break;
    }
  }
  if (!error.failed() && probe) {
    error = step_to_done(probe_.get(), "probe write");
    if (!error.failed() && sqlite3_changes(db_.get()) != 1)
      error = SqlError{SQLITE_CORRUPT, "probe row"};
  }
  if (!error.failed()) error = step_to_done(commit_.get(), "commit");
  if (error.failed()) {
    rollback();
    keys_.rollback_transaction();
  } else {
    keys_.commit_transaction();
  }
  return error;
}

SqlError SqliteWriter::store_row(const StoredEvent& row, CommitOutcome* counts) {
  const std::int64_t hash = sqlite_schema::key_hash(row.source, row.message_id);
  std::optional<std::int64_t> holder = keys_.find(hash);
  if (!holder) {
    if (SqlError error = find_on_disk(hash, &holder); error.failed()) return error;
  }
  if (!holder) {
    std::int64_t event_id = 0;
    if (SqlError error = insert_event(row, &event_id); error.failed()) return error;
    if (sqlite3_bind_int64(log_key_.get(), 1, event_id) != SQLITE_OK ||
        sqlite3_bind_int64(log_key_.get(), 2, hash) != SQLITE_OK) {
      return SqlError{sqlite3_errcode(db_.get()), "bind key"};
    }
    if (SqlError error = step_to_done(log_key_.get(), "log key"); error.failed()) return error;
    keys_.add_in_transaction(hash, event_id);
    ++counts->inserted;
    return kNoError;
  }
  bool same = false;
  if (SqlError error = holds_same_id(*holder, row, &same); error.failed()) return error;
  if (same) {
    ++counts->duplicates;
    return kNoError;
  }
  // The hash belongs to another id (or to a row that is gone): this id is settled exactly, by its
  // full text, in the collision table.
  bool claimed = false;
  if (SqlError error = claim_collision(row, &claimed); error.failed()) return error;
  if (!claimed) {
    ++counts->duplicates;
    return kNoError;
  }
  std::int64_t event_id = 0;
  if (SqlError error = insert_event(row, &event_id); error.failed()) return error;
  ++counts->inserted;
  return kNoError;
}

SqlError SqliteWriter::find_on_disk(std::int64_t hash, std::optional<std::int64_t>* holder) {
  sqlite3_stmt* stmt = find_key_.get();
  if (sqlite3_bind_int64(stmt, 1, hash) != SQLITE_OK)
    return SqlError{sqlite3_errcode(db_.get()), "bind key"};
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) *holder = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return kNoError;
  return SqlError{rc, "find key"};
}

SqlError SqliteWriter::holds_same_id(std::int64_t event_id, const StoredEvent& row, bool* same) {
  sqlite3_stmt* stmt = stored_key_.get();
  if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK)
    return SqlError{sqlite3_errcode(db_.get()), "bind id"};
  const int rc = sqlite3_step(stmt);
  *same = rc == SQLITE_ROW && column_equals(stmt, 0, row.source) &&
          column_equals(stmt, 1, row.message_id);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return kNoError;
  return SqlError{rc, "compare key"};
}

SqlError SqliteWriter::claim_collision(const StoredEvent& row, bool* claimed) {
  sqlite3_stmt* stmt = claim_collision_.get();
  if (bind_text(stmt, 1, row.source) != SQLITE_OK ||
      bind_text(stmt, 2, row.message_id) != SQLITE_OK) {
    return SqlError{sqlite3_errcode(db_.get()), "bind collision"};
  }
  if (SqlError error = step_to_done(stmt, "claim collision"); error.failed()) return error;
  *claimed = sqlite3_changes(db_.get()) == 1;
  return kNoError;
}

SqlError SqliteWriter::insert_event(const StoredEvent& row, std::int64_t* event_id) {
  sqlite3_stmt* stmt = insert_event_.get();
  if (bind_text(stmt, 1, row.source) != SQLITE_OK ||
      bind_text(stmt, 2, row.message_id) != SQLITE_OK ||
      bind_text(stmt, 3, row.type) != SQLITE_OK || bind_text(stmt, 4, row.event) != SQLITE_OK ||
      bind_text(stmt, 5, row.user_id) != SQLITE_OK ||
      bind_text(stmt, 6, row.anonymous_id) != SQLITE_OK ||
      bind_text(stmt, 7, row.timestamp) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 8, row.received_at_ms) != SQLITE_OK ||
      bind_text(stmt, 9, row.body) != SQLITE_OK) {
    return SqlError{sqlite3_errcode(db_.get()), "bind event"};
  }
  if (SqlError error = step_to_done(stmt, "insert event"); error.failed()) return error;
  *event_id = sqlite3_last_insert_rowid(db_.get());
  return kNoError;
}

bool SqliteWriter::maintain_keys(SqliteStoreStats* stats) {
  keys_.freeze_if_full(memory_limit_);
  if (!keys_.merging()) return false;
  const auto start = std::chrono::steady_clock::now();
  const SqlError error = merge_chunk();
  if (!error.failed()) {
    ++stats->key_merge_chunks;
    stats->key_merge_micros += micros_since(start);
  }
  return !error.failed() && keys_.merging();
}

SqlError SqliteWriter::merge_chunk() {
  SqlError error = begin();
  if (!error.failed()) error = notice_foreign_writes();
  // A reload (another connection wrote) drops the frozen run; it is rebuilt from the log later.
  const bool still_merging = keys_.merging();
  const std::size_t count = still_merging ? keys_.chunk_size() : 0;
  const auto* key = still_merging ? keys_.chunk_begin() : nullptr;
  sqlite3_stmt* merge = merge_key_.get();
  for (std::size_t i = 0; i < count && !error.failed(); ++i, ++key) {
    if (key->second == KeyMemory::kForgotten) continue;  // its event was deleted by retention
    if (sqlite3_bind_int64(merge, 1, key->first) != SQLITE_OK ||
        sqlite3_bind_int64(merge, 2, key->second) != SQLITE_OK) {
      error = SqlError{sqlite3_errcode(db_.get()), "bind merged key"};
    } else {
      error = step_to_done(merge, "merge key");
    }
  }
  if (!error.failed() && still_merging && keys_.chunk_is_last()) {
    if (sqlite3_bind_int64(trim_log_.get(), 1, keys_.frozen_max_event_id()) != SQLITE_OK) {
      error = SqlError{sqlite3_errcode(db_.get()), "bind log trim"};
    } else {
      error = step_to_done(trim_log_.get(), "trim key log");
    }
  }
  if (!error.failed()) error = step_to_done(commit_.get(), "commit merge");
  if (error.failed()) {
    rollback();
    return error;
  }
  if (still_merging) keys_.chunk_merged();
  return kNoError;
}

}  // namespace omni::collector

namespace omni::collector {

SqlError SqliteWriter::collision_hashes(std::unordered_set<std::int64_t>* hashes) {
  sqlite3_stmt* stmt = list_collisions_.get();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    hashes->insert(sqlite_schema::key_hash(sqlite::column_string(stmt, 0),
                                           sqlite::column_string(stmt, 1)));
  }
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? kNoError : SqlError{rc, "list collisions"};
}

SqlError SqliteWriter::logged_hash(std::int64_t event_id, std::int64_t* hash) {
  sqlite3_stmt* stmt = logged_key_.get();
  if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK)
    return SqlError{sqlite3_errcode(db_.get()), "bind logged key"};
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) *hash = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? kNoError : SqlError{rc, "read logged key"};
}

SqlError SqliteWriter::expire(const std::string& source, std::int64_t cutoff_ms,
                              std::size_t max_rows, std::size_t* deleted) {
  *deleted = 0;
  SqlError error = begin();
  if (!error.failed()) error = notice_foreign_writes();

  struct Expired {
    std::int64_t id;
    std::string message_id;
  };
  std::vector<Expired> rows;
  sqlite3_stmt* find = find_expired_.get();
  if (!error.failed()) {
    if (bind_text(find, 1, source) != SQLITE_OK ||
        sqlite3_bind_int64(find, 2, cutoff_ms) != SQLITE_OK ||
        sqlite3_bind_int64(find, 3, static_cast<sqlite3_int64>(max_rows)) != SQLITE_OK) {
      error = SqlError{sqlite3_errcode(db_.get()), "bind expiry"};
    } else {
      int rc;
      while ((rc = sqlite3_step(find)) == SQLITE_ROW) {
        rows.push_back(Expired{sqlite3_column_int64(find, 0), sqlite::column_string(find, 1)});
      }
      if (rc != SQLITE_DONE) error = SqlError{rc, "find expired events"};
    }
    sqlite3_reset(find);
  }

  // A key whose hash an id in the collision table shares stays, pointing at the deleted row: it
  // is what sends that other id to its exact check (store_row treats a missing holder as "not
  // the same id"). That table is empty unless 64-bit hashes collided, so reading it is cheap.
  std::unordered_set<std::int64_t> shared;
  if (!error.failed() && !rows.empty()) error = collision_hashes(&shared);

  std::vector<KeyMemory::Key> forgotten;
  for (const Expired& row : rows) {
    if (error.failed()) break;
    // The key as it was written (the log holds the newest keys); a merged key is the row's hash.
    std::int64_t hash = sqlite_schema::key_hash(source, row.message_id);
    error = logged_hash(row.id, &hash);
    if (error.failed()) break;
    const bool keep_key = shared.count(hash) != 0;
    if (sqlite3_bind_int64(delete_event_.get(), 1, row.id) != SQLITE_OK ||
        sqlite3_bind_int64(delete_logged_key_.get(), 1, row.id) != SQLITE_OK ||
        sqlite3_bind_int64(delete_merged_key_.get(), 1, hash) != SQLITE_OK ||
        sqlite3_bind_int64(delete_merged_key_.get(), 2, row.id) != SQLITE_OK ||
        bind_text(delete_collision_.get(), 1, source) != SQLITE_OK ||
        bind_text(delete_collision_.get(), 2, row.message_id) != SQLITE_OK) {
      error = SqlError{sqlite3_errcode(db_.get()), "bind expired event"};
      break;
    }
    error = step_to_done(delete_event_.get(), "delete expired event");
    if (!error.failed()) error = step_to_done(delete_collision_.get(), "delete expired collision");
    if (!error.failed() && !keep_key) {
      error = step_to_done(delete_logged_key_.get(), "delete expired key");
      if (!error.failed()) error = step_to_done(delete_merged_key_.get(), "delete expired key");
      forgotten.emplace_back(hash, row.id);
    }
  }
  if (!error.failed()) error = step_to_done(commit_.get(), "commit expiry");
  if (error.failed()) {
    rollback();
    return error;
  }
  // Memory follows only what committed.
  for (const KeyMemory::Key& key : forgotten) keys_.forget(key.first, key.second);
  *deleted = rows.size();
  return kNoError;
}

}  // namespace omni::collector
