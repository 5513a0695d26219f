#include "store/sqlite_event_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "store/sqlite_handle.hpp"
#include "store/sqlite_writer.hpp"

namespace omni::collector {

using sqlite::bind_text;
using sqlite::column_string;
using sqlite::Connection;
using sqlite::open_connection;
using sqlite::prepare;
using sqlite::SqlError;
using sqlite::Statement;

namespace {

constexpr std::size_t kMaxReadPage = 10000;
constexpr auto kWritableWait = std::chrono::seconds(2);

struct Submission {
  std::vector<StoredEvent> rows;
  EventStore::Done done;
};

struct ExpireRequest {
  std::string source;
  std::int64_t cutoff_ms = 0;
  std::size_t max_rows = 0;
  std::shared_ptr<std::promise<ExpireOutcome>> answer;
};

ExpireOutcome store_closed() {
  ExpireOutcome outcome;
  outcome.error = "event store is closed";
  return outcome;
}

}  // namespace

struct SqliteEventStore::Impl {
  SqliteOptions options;
  std::unique_ptr<SqliteWriter> writer;  // the writer thread's alone once it runs

  std::mutex read_mutex;
  Connection reader;  // declared before its statement: destroyed after it
  Statement recent_stmt;
  Statement export_stmt;

  std::mutex queue_mutex;
  std::condition_variable wake;
  std::deque<Submission> queue;
  std::vector<std::shared_ptr<std::promise<bool>>> probes;
  std::deque<ExpireRequest> expiries;
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
  void run_expiry(ExpireRequest* request);
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
                        " AND (?3 = '' OR event = ?3) AND (?5 = 0 OR id < ?5)"
                        " ORDER BY id DESC LIMIT ?4",
                        &reason);
  if (!recent_stmt) {
    *error = "cannot prepare the read query: " + reason;
    return false;
  }
  export_stmt = prepare(reader.get(),
                        "SELECT id, source, message_id, received_at, body FROM events"
                        " WHERE id > ?1 AND received_at >= ?2 AND received_at < ?3"
                        " ORDER BY id ASC LIMIT ?4",
                        &reason);
  if (!export_stmt) {
    *error = "cannot prepare the export query: " + reason;
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
    std::optional<ExpireRequest> expiry;
    bool closing_now = false;
    {
      std::unique_lock<std::mutex> lock(queue_mutex);
      // With merge work pending the writer does not sleep: idle time is when merging is free.
      if (!key_work)
        wake.wait(lock, [this] {
          return closing || !queue.empty() || !probes.empty() || !expiries.empty();
        });
      closing_now = closing;
      take_group(&group);
      answers.swap(probes);
      // One retention batch per turn, after the group: ingestion waits for at most one batch.
      if (!expiries.empty()) {
        expiry = std::move(expiries.front());
        expiries.pop_front();
      }
    }
    if (!group.empty() || !answers.empty()) commit_and_answer(&group, &answers);
    if (expiry) {
      if (closing_now) {
        expiry->answer->set_value(store_closed());
      } else {
        run_expiry(&*expiry);
      }
      continue;  // look at the queue again before sleeping: more expiries may wait
    }
    if (group.empty() && answers.empty() && closing_now) return;
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
  if (!group->empty() && options.on_commit) options.on_commit(row_count, micros, !error.failed());

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

void SqliteEventStore::Impl::run_expiry(ExpireRequest* request) {
  ExpireOutcome outcome;
  const SqlError error =
      writer->expire(request->source, request->cutoff_ms, request->max_rows, &outcome.deleted);
  if (error.failed()) {
    outcome.deleted = 0;
    outcome.error = "event store " + error.describe();
  } else {
    outcome.ok = true;
  }
  request->answer->set_value(std::move(outcome));
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
  impl->writer = SqliteWriter::open(options, &why);
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

ExpireOutcome SqliteEventStore::expire(const std::string& source, std::int64_t cutoff_ms,
                                       std::size_t max_rows) {
  if (std::this_thread::get_id() == impl_->writer_id) {
    ExpireOutcome outcome;  // waiting for the writer on the writer would never end
    outcome.error = "expire() called from the writer thread";
    return outcome;
  }
  ExpireRequest request;
  request.source = source;
  request.cutoff_ms = cutoff_ms;
  request.max_rows = max_rows;
  request.answer = std::make_shared<std::promise<ExpireOutcome>>();
  std::future<ExpireOutcome> result = request.answer->get_future();
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mutex);
    if (impl_->closing) return store_closed();
    impl_->expiries.push_back(std::move(request));
  }
  impl_->wake.notify_one();
  // The writer answers every request it takes, and takes them all before it stops.
  return result.get();
}

namespace {

// Steps a bound read statement to its end and resets it at once: a read transaction left open
// would stop checkpoints from finishing. False (and *records empty) on error.
bool read_records(sqlite3_stmt* stmt, std::size_t limit, std::vector<EventRecord>* out) {
  std::vector<EventRecord>& records = *out;
  records.clear();
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
  sqlite3_reset(stmt);
  if (rc == SQLITE_DONE) return true;
  records.clear();
  return false;
}

}  // namespace

std::vector<EventRecord> SqliteEventStore::recent(const EventQuery& query) {
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, kMaxReadPage);
  std::lock_guard<std::mutex> lock(impl_->read_mutex);
  sqlite3_stmt* stmt = impl_->recent_stmt.get();
  if (stmt == nullptr) return {};  // closed
  if (bind_text(stmt, 1, query.user_id) != SQLITE_OK ||
      bind_text(stmt, 2, query.anonymous_id) != SQLITE_OK ||
      bind_text(stmt, 3, query.event) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 4, static_cast<sqlite3_int64>(limit)) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 5, query.before_id) != SQLITE_OK) {
    sqlite3_reset(stmt);
    return {};
  }
  std::vector<EventRecord> records;
  read_records(stmt, limit, &records);
  return records;
}

bool SqliteEventStore::export_page(const ExportQuery& query, std::vector<EventRecord>* out) {
  const std::size_t limit = std::clamp<std::size_t>(query.limit, 1, kMaxReadPage);
  out->clear();
  std::lock_guard<std::mutex> lock(impl_->read_mutex);
  sqlite3_stmt* stmt = impl_->export_stmt.get();
  if (stmt == nullptr) return false;  // closed
  if (sqlite3_bind_int64(stmt, 1, query.after_id) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 2, query.since_ms) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 3, query.until_ms) != SQLITE_OK ||
      sqlite3_bind_int64(stmt, 4, static_cast<sqlite3_int64>(limit)) != SQLITE_OK) {
    sqlite3_reset(stmt);
    return false;
  }
  return read_records(stmt, limit, out);
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
    impl_->export_stmt.reset();
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
