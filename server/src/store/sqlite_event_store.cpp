#include "store/sqlite_event_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "store/sqlite_schema.hpp"

namespace omni::collector {
namespace {

constexpr std::size_t kMaxRecentLimit = 1000;
constexpr auto kWritableWait = std::chrono::seconds(2);
// Keys moved to event_keys per merge transaction: big enough that a chunk covers a useful slice
// of the hash space, small enough that it delays the next group by tens of milliseconds only.
constexpr std::size_t kMergeChunkKeys = 32768;
// The WAL is reused from its start after a checkpoint; this caps the size it is left at.
constexpr std::int64_t kJournalSizeLimitBytes = 64 * 1024 * 1024;

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::uint64_t micros_since(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - start)
                                        .count());
}

/// A failed SQLite call inside a transaction: the code and the step, which is all an operator
/// needs and carries nothing from the rows.
struct SqlError {
  int code = SQLITE_OK;
  const char* step = "";

  bool failed() const { return code != SQLITE_OK; }
  std::string describe() const {
    return std::string(step) + ": " + sqlite3_errstr(code) + " (SQLite code " +
           std::to_string(code) + ")";
  }
};

constexpr SqlError kNoError{};

SqlError step_to_done(sqlite3_stmt* stmt, const char* step) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_DONE) return kNoError;
  return SqlError{rc == SQLITE_ROW ? SQLITE_MISUSE : rc, step};
}

int bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  // STATIC: every row outlives the statement's step and reset, so SQLite need not copy it.
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

bool column_equals(sqlite3_stmt* stmt, int column, const std::string& expected) {
  const void* bytes = sqlite3_column_text(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  if (size < 0 || static_cast<std::size_t>(size) != expected.size()) return false;
  return size == 0 || std::memcmp(bytes, expected.data(), expected.size()) == 0;
}

std::string column_string(sqlite3_stmt* stmt, int column) {
  const unsigned char* bytes = sqlite3_column_text(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  if (bytes == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

bool exec(sqlite3* db, const std::string& sql, std::string* reason) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *reason = sqlite3_errmsg(db);
  return false;
}

bool query_text(sqlite3* db, const std::string& sql, std::string* out, std::string* reason) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  Statement stmt(raw);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) {
      *out = column_string(raw, 0);
      return true;
    }
  }
  *reason = sqlite3_errmsg(db);
  return false;
}

Connection open_connection(const std::string& path, int flags, std::string* reason) {
  sqlite3* raw = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (the writer's by the writer thread,
  // the reader's under its own mutex), so SQLite's per-call locking would be pure cost.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    *reason = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return nullptr;
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Statement prepare(sqlite3* db, const char* sql, std::string* reason) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    *reason = sqlite3_errmsg(db);
    sqlite3_finalize(raw);
    return nullptr;
  }
  return Statement(raw);
}

/// The newest deduplication keys (hash -> event id), owned by the writer thread. New keys go to
/// `active_`; when it is full it is frozen into a run sorted by hash, which the writer merges into
/// event_keys a chunk at a time while `active_` keeps taking keys. Changes made inside a
/// transaction are undone if it rolls back, so memory always matches what is committed.
class KeyMemory {
 public:
  // The reservation is capped so a mistyped limit cannot allocate gigabytes up front.
  explicit KeyMemory(std::size_t capacity) {
    active_.reserve(std::min<std::size_t>(capacity, std::size_t{1} << 22));
  }

  std::optional<std::int64_t> find(std::int64_t hash) const {
    if (auto it = active_.find(hash); it != active_.end()) return it->second;
    auto it = std::lower_bound(frozen_.begin(), frozen_.end(), hash,
                               [](const Key& key, std::int64_t h) { return key.first < h; });
    if (it != frozen_.end() && it->first == hash) return it->second;
    return std::nullopt;
  }

  /// Only for a hash find() did not return.
  void add_in_transaction(std::int64_t hash, std::int64_t event_id) {
    active_.emplace(hash, event_id);
    added_.push_back(hash);
  }
  void commit_transaction() { added_.clear(); }
  void rollback_transaction() {
    for (std::int64_t hash : added_) active_.erase(hash);
    added_.clear();
  }

  /// Forgets everything (before reloading from event_key_log).
  void clear() {
    active_.clear();
    added_.clear();
    frozen_.clear();
    frozen_.shrink_to_fit();
    merged_ = 0;
  }
  void load(std::int64_t hash, std::int64_t event_id) { active_.emplace(hash, event_id); }

  void freeze_if_full(std::size_t limit) {
    if (!frozen_.empty() || active_.size() < limit) return;
    frozen_.assign(active_.begin(), active_.end());
    std::sort(frozen_.begin(), frozen_.end());
    frozen_max_event_id_ = 0;
    for (const Key& key : frozen_)
      frozen_max_event_id_ = std::max(frozen_max_event_id_, key.second);
    active_.clear();
    merged_ = 0;
  }

  bool merging() const { return !frozen_.empty(); }
  /// The next keys to merge, in hash order.
  const std::pair<std::int64_t, std::int64_t>* chunk_begin() const {
    return frozen_.data() + merged_;
  }
  std::size_t chunk_size() const { return std::min(kMergeChunkKeys, frozen_.size() - merged_); }
  bool chunk_is_last() const { return merged_ + chunk_size() == frozen_.size(); }
  /// Every key in event_key_log up to this id belongs to the frozen run (later keys have later
  /// ids), so the last chunk's transaction trims the log up to here.
  std::int64_t frozen_max_event_id() const { return frozen_max_event_id_; }
  void chunk_merged() {
    merged_ += chunk_size();
    if (merged_ == frozen_.size()) {
      frozen_.clear();
      frozen_.shrink_to_fit();
      merged_ = 0;
    }
  }

 private:
  using Key = std::pair<std::int64_t, std::int64_t>;
  std::unordered_map<std::int64_t, std::int64_t> active_;
  std::vector<std::int64_t> added_;
  std::vector<Key> frozen_;
  std::size_t merged_ = 0;
  std::int64_t frozen_max_event_id_ = 0;
};

/// The write connection and everything only the writer thread touches.
class Writer {
 public:
  /// Opens the file, applies pragmas and the schema, prepares statements, loads the key memory.
  static std::unique_ptr<Writer> open(const SqliteOptions& options, std::string* error);

  /// Stores a group in one transaction. On failure it is rolled back and nothing of it stays;
  /// `outcomes` (one per submission, zeroed by the caller) hold the counts on success.
  SqlError commit_group(const std::deque<std::vector<StoredEvent>*>& group, bool probe,
                        std::vector<CommitOutcome>* outcomes);

  /// Freezes a full key memory and merges one chunk of it. True while merge work remains and
  /// the last chunk succeeded (a failure waits for the next group rather than spinning).
  bool maintain_keys(SqliteStoreStats* stats);

 private:
  explicit Writer(const SqliteOptions& options)
      : keys_(options.memory_index_keys), memory_limit_(options.memory_index_keys) {}

  bool apply_pragmas(const SqliteOptions& options, std::string* error);
  bool prepare_all(std::string* error);
  SqlError begin();
  void rollback();
  SqlError notice_foreign_writes();
  SqlError reload_keys();
  SqlError store_row(const StoredEvent& row, CommitOutcome* counts);
  SqlError find_on_disk(std::int64_t hash, std::optional<std::int64_t>* holder);
  SqlError holds_same_id(std::int64_t event_id, const StoredEvent& row, bool* same);
  SqlError claim_collision(const StoredEvent& row, bool* claimed);
  SqlError insert_event(const StoredEvent& row, std::int64_t* event_id);
  SqlError merge_chunk();

  Connection db_;  // declared first: destroyed after the statements below
  Statement begin_, commit_, rollback_, data_version_, find_key_, stored_key_, insert_event_,
      log_key_, claim_collision_, probe_, merge_key_, trim_log_, load_log_;
  KeyMemory keys_;
  std::size_t memory_limit_;
  std::optional<std::int64_t> data_version_seen_;
};

std::unique_ptr<Writer> Writer::open(const SqliteOptions& options, std::string* error) {
  std::unique_ptr<Writer> writer(new Writer(options));
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

bool Writer::apply_pragmas(const SqliteOptions& options, std::string* error) {
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

bool Writer::prepare_all(std::string* error) {
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

SqlError Writer::begin() {
  // A transaction left open by a failed ROLLBACK would make every later BEGIN fail.
  if (sqlite3_get_autocommit(db_.get()) == 0) rollback();
  return step_to_done(begin_.get(), "begin");
}

void Writer::rollback() {
  if (sqlite3_get_autocommit(db_.get()) != 0) return;  // SQLite already rolled back
  sqlite3_step(rollback_.get());
  sqlite3_reset(rollback_.get());
}

SqlError Writer::notice_foreign_writes() {
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

SqlError Writer::reload_keys() {
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

SqlError Writer::commit_group(const std::deque<std::vector<StoredEvent>*>& group, bool probe,
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

SqlError Writer::store_row(const StoredEvent& row, CommitOutcome* counts) {
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

SqlError Writer::find_on_disk(std::int64_t hash, std::optional<std::int64_t>* holder) {
  sqlite3_stmt* stmt = find_key_.get();
  if (sqlite3_bind_int64(stmt, 1, hash) != SQLITE_OK)
    return SqlError{sqlite3_errcode(db_.get()), "bind key"};
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) *holder = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return kNoError;
  return SqlError{rc, "find key"};
}

SqlError Writer::holds_same_id(std::int64_t event_id, const StoredEvent& row, bool* same) {
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

SqlError Writer::claim_collision(const StoredEvent& row, bool* claimed) {
  sqlite3_stmt* stmt = claim_collision_.get();
  if (bind_text(stmt, 1, row.source) != SQLITE_OK ||
      bind_text(stmt, 2, row.message_id) != SQLITE_OK) {
    return SqlError{sqlite3_errcode(db_.get()), "bind collision"};
  }
  if (SqlError error = step_to_done(stmt, "claim collision"); error.failed()) return error;
  *claimed = sqlite3_changes(db_.get()) == 1;
  return kNoError;
}

SqlError Writer::insert_event(const StoredEvent& row, std::int64_t* event_id) {
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

bool Writer::maintain_keys(SqliteStoreStats* stats) {
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

SqlError Writer::merge_chunk() {
  SqlError error = begin();
  if (!error.failed()) error = notice_foreign_writes();
  // A reload (another connection wrote) drops the frozen run; it is rebuilt from the log later.
  const bool still_merging = keys_.merging();
  const std::size_t count = still_merging ? keys_.chunk_size() : 0;
  const auto* key = still_merging ? keys_.chunk_begin() : nullptr;
  sqlite3_stmt* merge = merge_key_.get();
  for (std::size_t i = 0; i < count && !error.failed(); ++i, ++key) {
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

struct Submission {
  std::vector<StoredEvent> rows;
  EventStore::Done done;
};

}  // namespace

struct SqliteEventStore::Impl {
  SqliteOptions options;
  std::unique_ptr<Writer> writer;  // the writer thread's alone once it runs

  std::mutex read_mutex;
  Connection reader;  // declared before its statement: destroyed after it
  Statement recent_stmt;

  std::mutex queue_mutex;
  std::condition_variable wake;
  std::deque<Submission> queue;
  std::vector<std::shared_ptr<std::promise<bool>>> probes;
  bool closing = false;

  std::mutex close_mutex;
  bool closed = false;
  std::thread thread;
  std::thread::id writer_id;  // set before open() returns, never changed: safe to read anywhere

  mutable std::mutex stats_mutex;
  SqliteStoreStats stats;

  bool open_reader(std::string* error);
  void run_writer();
  void take_group(std::deque<Submission>* group);
  void commit_and_answer(std::deque<Submission>* group,
                         std::vector<std::shared_ptr<std::promise<bool>>>* answers);
};

bool SqliteEventStore::Impl::open_reader(std::string* error) {
  std::string reason;
  reader = open_connection(options.path, SQLITE_OPEN_READONLY, &reason);
  if (!reader) {
    *error = "cannot open the read connection: " + reason;
    return false;
  }
  if (sqlite3_busy_timeout(reader.get(), options.busy_timeout_ms) != SQLITE_OK) {
    *error = std::string("cannot set the read busy timeout: ") + sqlite3_errmsg(reader.get());
    return false;
  }
  recent_stmt = prepare(reader.get(),
                        "SELECT id, source, message_id, received_at, body FROM events"
                        " WHERE (?1 = '' OR user_id = ?1) AND (?2 = '' OR anonymous_id = ?2)"
                        " AND (?3 = '' OR event = ?3) ORDER BY id DESC LIMIT ?4",
                        &reason);
  if (!recent_stmt) {
    *error = "cannot prepare the read query: " + reason;
    return false;
  }
  return true;
}

void SqliteEventStore::Impl::take_group(std::deque<Submission>* group) {
  std::size_t rows = 0;
  while (!queue.empty()) {
    const std::size_t next = queue.front().rows.size();
    if (!group->empty() && rows + next > options.max_rows_per_commit) break;
    rows += next;
    group->push_back(std::move(queue.front()));
    queue.pop_front();
  }
}

void SqliteEventStore::Impl::run_writer() {
  bool key_work = false;
  for (;;) {
    std::deque<Submission> group;
    std::vector<std::shared_ptr<std::promise<bool>>> answers;
    bool closing_now = false;
    {
      std::unique_lock<std::mutex> lock(queue_mutex);
      // With merge work pending the writer does not sleep: idle time is when merging is free.
      if (!key_work)
        wake.wait(lock, [this] { return closing || !queue.empty() || !probes.empty(); });
      closing_now = closing;
      take_group(&group);
      answers.swap(probes);
    }
    if (group.empty() && answers.empty() && closing_now) return;
    if (!group.empty() || !answers.empty()) commit_and_answer(&group, &answers);
    if (closing_now) {
      key_work = false;  // the key log keeps the keys; merging resumes after the next open
      continue;
    }
    SqliteStoreStats merge_stats;
    key_work = writer->maintain_keys(&merge_stats);
    if (merge_stats.key_merge_chunks != 0) {
      std::lock_guard<std::mutex> lock(stats_mutex);
      stats.key_merge_chunks += merge_stats.key_merge_chunks;
      stats.key_merge_micros += merge_stats.key_merge_micros;
    }
  }
}

void SqliteEventStore::Impl::commit_and_answer(
    std::deque<Submission>* group, std::vector<std::shared_ptr<std::promise<bool>>>* answers) {
  std::deque<std::vector<StoredEvent>*> rows;
  std::size_t row_count = 0;
  for (Submission& submission : *group) {
    rows.push_back(&submission.rows);
    row_count += submission.rows.size();
  }
  std::vector<CommitOutcome> outcomes(group->size());
  const auto start = std::chrono::steady_clock::now();
  const SqlError error = writer->commit_group(rows, !answers->empty(), &outcomes);
  const std::uint64_t micros = micros_since(start);

  {
    std::lock_guard<std::mutex> lock(stats_mutex);
    stats.commit_micros += micros;
    if (error.failed()) {
      ++stats.groups_failed;
    } else {
      ++stats.groups_committed;
      stats.submissions_committed += group->size();
      stats.largest_group_rows = std::max<std::uint64_t>(stats.largest_group_rows, row_count);
      for (const CommitOutcome& outcome : outcomes) {
        stats.rows_inserted += outcome.inserted;
        stats.rows_duplicate += outcome.duplicates;
      }
    }
  }

  for (auto& answer : *answers) answer->set_value(!error.failed());
  const std::string reason = error.failed() ? "event store " + error.describe() : std::string();
  for (std::size_t i = 0; i < group->size(); ++i) {
    CommitOutcome outcome;
    if (error.failed()) {
      outcome.error = reason;
    } else {
      outcome = outcomes[i];
      outcome.ok = true;
    }
    Done& done = (*group)[i].done;
    if (done) done(std::move(outcome));
  }
}

SqliteEventStore::SqliteEventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteEventStore::~SqliteEventStore() { close(); }

std::unique_ptr<SqliteEventStore> SqliteEventStore::open(const SqliteOptions& options,
                                                         std::string* error) {
  const auto fail = [&](const std::string& why) {
    if (error != nullptr) *error = "event store '" + options.path + "': " + why;
    return nullptr;
  };
  if (sqlite3_threadsafe() == 0) return fail("SQLite is built without thread support");
  if (options.max_rows_per_commit == 0) return fail("max_rows_per_commit must be at least 1");

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::string why;
  impl->writer = Writer::open(options, &why);
  if (!impl->writer) return fail(why);
  if (!impl->open_reader(&why)) return fail(why);

  Impl* raw = impl.get();
  try {
    impl->thread = std::thread([raw] { raw->run_writer(); });
    impl->writer_id = impl->thread.get_id();
  } catch (const std::system_error& e) {
    return fail(std::string("cannot start the writer thread: ") + e.what());
  }
  return std::unique_ptr<SqliteEventStore>(new SqliteEventStore(std::move(impl)));
}

void SqliteEventStore::submit(std::vector<StoredEvent> rows, Done done) {
  std::unique_lock<std::mutex> lock(impl_->queue_mutex);
  if (impl_->closing) {
    lock.unlock();
    CommitOutcome outcome;
    outcome.error = "event store is closed";
    if (done) done(std::move(outcome));
    return;
  }
  impl_->queue.push_back(Submission{std::move(rows), std::move(done)});
  lock.unlock();
  impl_->wake.notify_one();
}

bool SqliteEventStore::writable() {
  auto answer = std::make_shared<std::promise<bool>>();
  std::future<bool> result = answer->get_future();
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);
    if (impl_->closing) return false;
    impl_->probes.push_back(std::move(answer));
  }
  impl_->wake.notify_one();
  // The writer answers every probe it takes (closing drains them too), so a late answer only
  // lands in a promise nobody waits for any more.
  return result.wait_for(kWritableWait) == std::future_status::ready && result.get();
}

std::vector<EventRecord> SqliteEventStore::recent(const EventQuery& query) {
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, kMaxRecentLimit);
  std::vector<EventRecord> records;
  std::lock_guard<std::mutex> lock(impl_->read_mutex);
  sqlite3_stmt* stmt = impl_->recent_stmt.get();
  if (stmt == nullptr) return records;  // closed
  if (bind_text(stmt, 1, query.user_id) != SQLITE_OK ||
      bind_text(stmt, 2, query.anonymous_id) != SQLITE_OK ||
      bind_text(stmt, 3, query.event) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 4, static_cast<sqlite3_int64>(limit)) != SQLITE_OK) {
    sqlite3_reset(stmt);
    return records;
  }
  records.reserve(limit);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    EventRecord record;
    record.id = sqlite3_column_int64(stmt, 0);
    record.source = column_string(stmt, 1);
    record.message_id = column_string(stmt, 2);
    record.received_at_ms = sqlite3_column_int64(stmt, 3);
    record.body = column_string(stmt, 4);
    records.push_back(std::move(record));
  }
  // Reset at once: a read transaction left open would stop checkpoints from finishing.
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) records.clear();
  return records;
}

void SqliteEventStore::close() {
  // Called from `done` on the writer thread, joining would wait for itself: stop accepting and
  // leave the join to a later close() (the destructor at the latest).
  if (std::this_thread::get_id() == impl_->writer_id) {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);
    impl_->closing = true;
    return;
  }
  std::lock_guard<std::mutex> guard(impl_->close_mutex);
  if (impl_->closed) return;
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);
    impl_->closing = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard<std::mutex> lock(impl_->read_mutex);
    impl_->recent_stmt.reset();
    impl_->reader.reset();
  }
  impl_->writer.reset();
  impl_->closed = true;
}

SqliteStoreStats SqliteEventStore::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mutex);
  return impl_->stats;
}

std::unique_ptr<EventStore> open_sqlite_event_store(const SqliteOptions& options,
                                                    std::string* error) {
  return SqliteEventStore::open(options, error);
}

}  // namespace omni::collector
