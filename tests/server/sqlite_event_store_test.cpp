#include "store/sqlite_event_store.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_schema.hpp"
#include "temp_dir.hpp"

namespace {

using omni::collector::CommitOutcome;
using omni::collector::EventQuery;
using omni::collector::EventRecord;
using omni::collector::ExportQuery;
using omni::collector::SqliteEventStore;
using omni::collector::SqliteOptions;
using omni::collector::StoredEvent;

using omni::collector::testing::TempDir;

StoredEvent make_event(const std::string& source, const std::string& message_id,
                       const std::string& user_id = "", const std::string& anonymous_id = "",
                       const std::string& event = "Product Viewed") {
  StoredEvent row;
  row.source = source;
  row.message_id = message_id;
  row.type = "track";
  row.event = event;
  row.user_id = user_id;
  row.anonymous_id = anonymous_id;
  row.timestamp = "2024-05-01T12:00:00.000Z";
  row.received_at_ms = 1714564800000;
  row.body = R"({"type":"track","event":")" + event + R"(","messageId":")" + message_id + R"("})";
  return row;
}

std::vector<StoredEvent> make_events(const std::string& prefix, int count) {
  std::vector<StoredEvent> rows;
  for (int i = 0; i < count; ++i) rows.push_back(make_event("web", prefix + std::to_string(i)));
  return rows;
}

std::unique_ptr<SqliteEventStore> open_store(const SqliteOptions& options) {
  std::string error;
  auto store = SqliteEventStore::open(options, &error);
  INFO(error);
  REQUIRE(store != nullptr);
  return store;
}

std::unique_ptr<SqliteEventStore> open_store(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  return open_store(options);
}

CommitOutcome submit_and_wait(SqliteEventStore& store, std::vector<StoredEvent> rows) {
  auto answer = std::make_shared<std::promise<CommitOutcome>>();
  auto result = answer->get_future();
  store.submit(std::move(rows), [answer](CommitOutcome outcome) { answer->set_value(outcome); });
  REQUIRE(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return result.get();
}

/// Runs one query on its own connection and returns the first column of the first row.
std::int64_t query_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

void exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
          SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  INFO((message != nullptr ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

/// Stores event 1, `message_id` received at `received_at_ms`, with the key hash of `twin` in its
/// key log: a forged 64-bit collision, so that `twin` is stored through the exact collision table.
void store_event_holding_key_of(const std::string& path, const std::string& message_id,
                                std::int64_t received_at_ms, const std::string& twin) {
  exec_sql(path,
           "INSERT INTO events(id, source, message_id, type, event, user_id, anonymous_id,"
           " timestamp, received_at, body) VALUES(1, 'web', '" +
               message_id + "', 'track', '', '', '', '', " + std::to_string(received_at_ms) +
               ", '{}');"
               "INSERT INTO event_key_log(event_id, key_hash) VALUES(1, " +
               std::to_string(omni::collector::sqlite_schema::key_hash("web", twin)) + ");");
}

std::int64_t count_events(const std::string& path) {
  return query_int(path, "SELECT count(*) FROM events");
}

/// Holds the writer thread inside a submission's `done` until released, so that whatever is
/// submitted meanwhile is certain to be taken as one group.
class WriterLatch {
 public:
  explicit WriterLatch(SqliteEventStore& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto entered_future = entered->get_future();
    auto release = release_.get_future().share();
    store.submit({}, [entered, release](CommitOutcome) {
      entered->set_value();
      release.wait();
    });
    REQUIRE(entered_future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  }
  ~WriterLatch() { release(); }
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> release_;
  bool released_ = false;
};

// A VFS that forwards to the default one and, while armed, fails every write with SQLITE_FULL:
// a disk that fills up in the middle of a commit, without needing a small filesystem.
std::atomic<bool> g_fail_writes{false};
sqlite3_vfs* g_real_vfs = nullptr;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
FaultFile* fault(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }

int fault_close(sqlite3_file* f) { return fault(f)->real()->pMethods->xClose(fault(f)->real()); }
int fault_read(sqlite3_file* f, void* out, int n, sqlite3_int64 offset) {
  return fault(f)->real()->pMethods->xRead(fault(f)->real(), out, n, offset);
}
int fault_write(sqlite3_file* f, const void* in, int n, sqlite3_int64 offset) {
  if (g_fail_writes) return SQLITE_FULL;
  return fault(f)->real()->pMethods->xWrite(fault(f)->real(), in, n, offset);
}
int fault_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return fault(f)->real()->pMethods->xTruncate(fault(f)->real(), size);
}
int fault_sync(sqlite3_file* f, int flags) {
  return fault(f)->real()->pMethods->xSync(fault(f)->real(), flags);
}
int fault_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return fault(f)->real()->pMethods->xFileSize(fault(f)->real(), size);
}
int fault_lock(sqlite3_file* f, int level) {
  return fault(f)->real()->pMethods->xLock(fault(f)->real(), level);
}
int fault_unlock(sqlite3_file* f, int level) {
  return fault(f)->real()->pMethods->xUnlock(fault(f)->real(), level);
}
int fault_check_reserved(sqlite3_file* f, int* out) {
  return fault(f)->real()->pMethods->xCheckReservedLock(fault(f)->real(), out);
}
int fault_file_control(sqlite3_file* f, int op, void* arg) {
  return fault(f)->real()->pMethods->xFileControl(fault(f)->real(), op, arg);
}
int fault_sector_size(sqlite3_file* f) {
  return fault(f)->real()->pMethods->xSectorSize(fault(f)->real());
}
int fault_device(sqlite3_file* f) {
  return fault(f)->real()->pMethods->xDeviceCharacteristics(fault(f)->real());
}
int fault_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return fault(f)->real()->pMethods->xShmMap(fault(f)->real(), page, size, extend, out);
}
int fault_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return fault(f)->real()->pMethods->xShmLock(fault(f)->real(), offset, n, flags);
}
void fault_shm_barrier(sqlite3_file* f) {
  fault(f)->real()->pMethods->xShmBarrier(fault(f)->real());
}
int fault_shm_unmap(sqlite3_file* f, int remove) {
  return fault(f)->real()->pMethods->xShmUnmap(fault(f)->real(), remove);
}
int fault_fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  return fault(f)->real()->pMethods->xFetch(fault(f)->real(), offset, n, out);
}
int fault_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return fault(f)->real()->pMethods->xUnfetch(fault(f)->real(), offset, p);
}

// clang-format off
const sqlite3_io_methods kFaultMethods = {
    3, fault_close, fault_read, fault_write, fault_truncate, fault_sync, fault_file_size,
    fault_lock, fault_unlock, fault_check_reserved, fault_file_control, fault_sector_size,
    fault_device, fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap, fault_fetch,
    fault_unfetch};
// clang-format on

int fault_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  FaultFile* wrapper = fault(file);
  wrapper->base.pMethods = nullptr;
  const int rc = g_real_vfs->xOpen(g_real_vfs, name, wrapper->real(), flags, out_flags);
  if (wrapper->real()->pMethods != nullptr) wrapper->base.pMethods = &kFaultMethods;
  return rc;
}
int fault_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real_vfs->xDelete(g_real_vfs, name, sync_dir);
}
int fault_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real_vfs->xAccess(g_real_vfs, name, flags, out);
}
int fault_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real_vfs->xFullPathname(g_real_vfs, name, n, out);
}
int fault_randomness(sqlite3_vfs*, int n, char* out) {
  return g_real_vfs->xRandomness(g_real_vfs, n, out);
}
int fault_sleep(sqlite3_vfs*, int micros) { return g_real_vfs->xSleep(g_real_vfs, micros); }
int fault_current_time(sqlite3_vfs*, double* out) {
  return g_real_vfs->xCurrentTime(g_real_vfs, out);
}
int fault_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real_vfs->xGetLastError(g_real_vfs, n, out);
}
int fault_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real_vfs->xCurrentTimeInt64(g_real_vfs, out);
}

/// Makes the fault VFS the default for every connection opened while it lives.
class FaultVfsScope {
 public:
  FaultVfsScope() {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    REQUIRE(g_real_vfs != nullptr);
    vfs_.iVersion = 2;
    vfs_.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real_vfs->szOsFile;
    vfs_.mxPathname = g_real_vfs->mxPathname;
    vfs_.zName = "omni-fault-test";
    vfs_.xOpen = fault_open;
    vfs_.xDelete = fault_delete;
    vfs_.xAccess = fault_access;
    vfs_.xFullPathname = fault_full_pathname;
    vfs_.xRandomness = fault_randomness;
    vfs_.xSleep = fault_sleep;
    vfs_.xCurrentTime = fault_current_time;
    vfs_.xGetLastError = fault_last_error;
    vfs_.xCurrentTimeInt64 = fault_current_time_int64;
    REQUIRE(sqlite3_vfs_register(&vfs_, 1) == SQLITE_OK);
  }
  ~FaultVfsScope() {
    g_fail_writes = false;
    sqlite3_vfs_unregister(&vfs_);
  }

 private:
  sqlite3_vfs vfs_{};
};

}  // namespace

TEST_CASE("a new file gets the schema, WAL mode and the current version with the time applied",
          "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  open_store(path)->close();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();

  CHECK(query_int(path, "PRAGMA user_version") == 2);
  CHECK(query_int(path, "SELECT count(*) FROM schema_migrations") == 2);
  CHECK(query_int(path, "SELECT max(version) FROM schema_migrations") == 2);
  const std::int64_t applied = query_int(path, "SELECT min(applied_at_ms) FROM schema_migrations");
  CHECK(applied >= before);
  CHECK(applied <= after);
  CHECK(query_int(path,
                  "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                  " ('events', 'event_keys', 'event_key_log', 'event_key_collisions',"
                  " 'store_meta', 'schema_migrations')") == 6);
  CHECK(query_int(path, "SELECT count(*) FROM events") == 0);
  CHECK(query_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                        " name = 'events_source_received_at'") == 1);

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("reopening a store keeps its version record and its events", "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  {
    auto store = open_store(path);
    const CommitOutcome outcome = submit_and_wait(*store, make_events("m", 3));
    CHECK(outcome.ok);
    CHECK(outcome.inserted == 3);
  }
  auto store = open_store(path);
  CHECK(query_int(path, "SELECT count(*) FROM schema_migrations") == 2);
  const std::vector<EventRecord> records = store->recent(EventQuery{});
  REQUIRE(records.size() == 3);
  CHECK(records[0].message_id == "m2");
  CHECK(records[2].message_id == "m0");
  CHECK(records[0].body == make_event("web", "m2").body);
  CHECK(records[0].received_at_ms == 1714564800000);
  CHECK(records[0].source == "web");
}

TEST_CASE("a file with a newer schema version is refused and left untouched", "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("future.db");
  exec_sql(path, "CREATE TABLE future(x); PRAGMA user_version = 3;");

  std::string error;
  SqliteOptions options;
  options.path = path;
  CHECK(SqliteEventStore::open(options, &error) == nullptr);
  CHECK_THAT(error, Catch::Contains(path));
  CHECK_THAT(error, Catch::Contains("schema version 3 is newer than this collector supports (2)"));
  CHECK(query_int(path, "PRAGMA user_version") == 3);
  CHECK(query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'events'") == 0);
}

TEST_CASE("a database with tables but no schema version is refused", "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  exec_sql(path, "CREATE TABLE somebody_elses(x);");

  std::string error;
  SqliteOptions options;
  options.path = path;
  CHECK(SqliteEventStore::open(options, &error) == nullptr);
  CHECK_THAT(error, Catch::Contains(path));
  CHECK_THAT(error, Catch::Contains("not an omni event store"));
  CHECK(query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'events'") == 0);
}

TEST_CASE("a path that cannot be created is refused naming the path and SQLite's reason",
          "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("missing-directory/events.db");
  std::string error;
  SqliteOptions options;
  options.path = path;
  CHECK(SqliteEventStore::open(options, &error) == nullptr);
  CHECK_THAT(error, Catch::Contains(path));
  CHECK_THAT(error, Catch::Contains("unable to open database file"));
}

TEST_CASE("a file that is not a database is refused", "[store][schema]") {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  {
    FILE* file = fopen(path.c_str(), "w");
    REQUIRE(file != nullptr);
    for (int i = 0; i < 100; ++i) fputs("these are not the pages you are looking for\n", file);
    fclose(file);
  }
  std::string error;
  SqliteOptions options;
  options.path = path;
  CHECK(SqliteEventStore::open(options, &error) == nullptr);
  CHECK_THAT(error, Catch::Contains(path));
  CHECK_THAT(error, Catch::Contains("file is not a database"));
}

TEST_CASE("a row repeated inside one submission is stored once", "[store][dedup]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  std::vector<StoredEvent> rows = {make_event("web", "a"), make_event("web", "b"),
                                   make_event("web", "a")};
  const CommitOutcome outcome = submit_and_wait(*store, rows);
  CHECK(outcome.ok);
  CHECK(outcome.inserted == 2);
  CHECK(outcome.duplicates == 1);
  store->close();
  CHECK(count_events(dir.file("events.db")) == 2);
}

TEST_CASE("a retried submission is stored once and counted as duplicates", "[store][dedup]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  const CommitOutcome first = submit_and_wait(*store, make_events("r", 5));
  const CommitOutcome retry = submit_and_wait(*store, make_events("r", 5));
  CHECK(first.inserted == 5);
  CHECK(first.duplicates == 0);
  CHECK(retry.ok);
  CHECK(retry.inserted == 0);
  CHECK(retry.duplicates == 5);
  store->close();
  CHECK(count_events(dir.file("events.db")) == 5);
}

TEST_CASE("the same messageId in two sources is two rows", "[store][dedup]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  const CommitOutcome outcome =
      submit_and_wait(*store, {make_event("web", "same-id"), make_event("ios", "same-id")});
  CHECK(outcome.inserted == 2);
  CHECK(outcome.duplicates == 0);
  // The length prefix in the key keeps these apart even though their concatenations are equal.
  const CommitOutcome split =
      submit_and_wait(*store, {make_event("ab", "c"), make_event("a", "bc")});
  CHECK(split.inserted == 2);
  CHECK(omni::collector::sqlite_schema::key_hash("ab", "c") !=
        omni::collector::sqlite_schema::key_hash("a", "bc"));
}

TEST_CASE("a row submitted by many threads at once is stored once", "[store][dedup][threads]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  constexpr int kThreads = 8;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::vector<std::future<CommitOutcome>> results;
  for (int t = 0; t < kThreads; ++t) {
    results.push_back(std::async(std::launch::async, [&store, start] {
      start.wait();
      return submit_and_wait(*store, make_events("shared-", 10));
    }));
  }
  go.set_value();
  std::size_t inserted = 0;
  std::size_t duplicates = 0;
  for (auto& result : results) {
    const CommitOutcome outcome = result.get();
    CHECK(outcome.ok);
    inserted += outcome.inserted;
    duplicates += outcome.duplicates;
  }
  CHECK(inserted == 10);
  CHECK(duplicates == 70);
  store->close();
  CHECK(count_events(dir.file("events.db")) == 10);
}

TEST_CASE("many threads submitting at once all get their own correct counts", "[store][threads]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.max_rows_per_commit = 300;  // several groups, each holding many submissions
  auto store = open_store(options);

  constexpr int kThreads = 6;
  constexpr int kSubmissions = 40;
  constexpr int kRows = 20;
  std::atomic<std::size_t> inserted{0};
  std::atomic<std::size_t> duplicates{0};
  std::atomic<int> failures{0};
  std::atomic<int> wrong_counts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<CommitOutcome>> pending;
      for (int s = 0; s < kSubmissions; ++s) {
        // Each submission: 15 ids of its own and 5 ids every thread also sends.
        std::vector<StoredEvent> rows;
        for (int r = 0; r < kRows - 5; ++r) {
          rows.push_back(make_event("web", "t" + std::to_string(t) + "-s" + std::to_string(s) +
                                               "-r" + std::to_string(r)));
        }
        for (int r = 0; r < 5; ++r) {
          rows.push_back(
              make_event("web", "common-s" + std::to_string(s) + "-r" + std::to_string(r)));
        }
        auto answer = std::make_shared<std::promise<CommitOutcome>>();
        pending.push_back(answer->get_future());
        store->submit(std::move(rows), [answer](CommitOutcome o) { answer->set_value(o); });
      }
      for (auto& result : pending) {
        const CommitOutcome outcome = result.get();
        if (!outcome.ok) ++failures;
        if (outcome.inserted + outcome.duplicates != kRows || outcome.inserted < kRows - 5) {
          ++wrong_counts;
        }
        inserted += outcome.inserted;
        duplicates += outcome.duplicates;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  CHECK(failures == 0);
  CHECK(wrong_counts == 0);
  const std::size_t unique = kThreads * kSubmissions * (kRows - 5) + kSubmissions * 5;
  CHECK(inserted == unique);
  CHECK(duplicates == (kThreads - 1) * kSubmissions * 5);
  const auto stats = store->stats();
  CHECK(stats.rows_inserted == unique);
  CHECK(stats.largest_group_rows <= 300);
  CHECK(stats.submissions_committed == kThreads * kSubmissions);
  store->close();
  CHECK(count_events(options.path) == static_cast<std::int64_t>(unique));
}

TEST_CASE("submissions waiting together are committed as groups of at most max_rows_per_commit",
          "[store][group]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.max_rows_per_commit = 25;
  auto store = open_store(options);

  std::vector<std::future<CommitOutcome>> results;
  {
    WriterLatch latch(*store);
    const auto groups_before = store->stats().groups_committed;
    CHECK(groups_before == 1);  // the latch's own empty submission
    for (int s = 0; s < 5; ++s) {
      auto answer = std::make_shared<std::promise<CommitOutcome>>();
      results.push_back(answer->get_future());
      store->submit(make_events("g" + std::to_string(s) + "-", 10),
                    [answer](CommitOutcome o) { answer->set_value(o); });
    }
    // Bigger than a whole group: never split, so it commits alone.
    auto answer = std::make_shared<std::promise<CommitOutcome>>();
    results.push_back(answer->get_future());
    store->submit(make_events("big-", 40), [answer](CommitOutcome o) { answer->set_value(o); });
  }
  for (auto& result : results) CHECK(result.get().ok);
  const auto stats = store->stats();
  CHECK(stats.groups_committed == 1 + 3 + 1);  // latch, 20 + 20 + 10 rows, then 40 alone
  CHECK(stats.largest_group_rows == 40);
  CHECK(stats.rows_inserted == 90);
}

TEST_CASE("a commit that fails on a full disk stores nothing of its group and the store recovers",
          "[store][failure]") {
  FaultVfsScope vfs;
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto store = open_store(path);
  REQUIRE(submit_and_wait(*store, make_events("before-", 3)).ok);

  std::future<CommitOutcome> first;
  std::future<CommitOutcome> second;
  {
    WriterLatch latch(*store);
    auto a = std::make_shared<std::promise<CommitOutcome>>();
    auto b = std::make_shared<std::promise<CommitOutcome>>();
    first = a->get_future();
    second = b->get_future();
    store->submit(make_events("lost-a-", 4), [a](CommitOutcome o) { a->set_value(o); });
    store->submit(make_events("lost-b-", 2), [b](CommitOutcome o) { b->set_value(o); });
    g_fail_writes = true;
  }
  const CommitOutcome a = first.get();
  const CommitOutcome b = second.get();
  CHECK_FALSE(a.ok);
  CHECK_FALSE(b.ok);
  CHECK(a.inserted == 0);
  CHECK_THAT(a.error, Catch::Contains("database or disk is full"));
  CHECK_THAT(a.error, !Catch::Contains("lost-a"));
  CHECK(b.error == a.error);
  CHECK_FALSE(store->writable());

  g_fail_writes = false;
  CHECK(store->writable());
  const CommitOutcome after = submit_and_wait(*store, make_events("after-", 2));
  CHECK(after.ok);
  CHECK(after.inserted == 2);
  // The failed rows are new to the store: nothing of them was kept, not even their keys.
  const CommitOutcome retried = submit_and_wait(*store, make_events("lost-a-", 4));
  CHECK(retried.inserted == 4);
  CHECK(retried.duplicates == 0);
  const auto stats = store->stats();
  CHECK(stats.groups_failed >= 1);
  store->close();
  CHECK(count_events(path) == 3 + 2 + 4);
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE message_id LIKE 'lost-b-%'") == 0);
  // Their keys were dropped with them: every stored row has exactly its own key, and no retry
  // had to fall back to the exact collision table.
  CHECK(query_int(path, "SELECT count(*) FROM event_key_log") == 3 + 2 + 4);
  CHECK(query_int(path, "SELECT count(*) FROM event_key_collisions") == 0);
}

TEST_CASE("a row that fails in the middle of a group rolls back the whole group",
          "[store][failure]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  open_store(path)->close();
  // A trigger stands in for any statement-level failure after earlier rows of the group went in.
  exec_sql(path,
           "CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.message_id = 'poison'"
           " BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
  auto store = open_store(path);

  std::future<CommitOutcome> good;
  std::future<CommitOutcome> bad;
  {
    WriterLatch latch(*store);
    auto g = std::make_shared<std::promise<CommitOutcome>>();
    auto b = std::make_shared<std::promise<CommitOutcome>>();
    good = g->get_future();
    bad = b->get_future();
    store->submit(make_events("good-", 5), [g](CommitOutcome o) { g->set_value(o); });
    store->submit({make_event("web", "fine"), make_event("web", "poison")},
                  [b](CommitOutcome o) { b->set_value(o); });
  }
  const CommitOutcome g = good.get();
  const CommitOutcome b = bad.get();
  CHECK_FALSE(g.ok);
  CHECK_FALSE(b.ok);
  CHECK_THAT(b.error, Catch::Contains("insert event"));
  CHECK_THAT(b.error, !Catch::Contains("poison"));

  // The store keeps going, and the rolled-back rows are new to it.
  const CommitOutcome retried = submit_and_wait(*store, make_events("good-", 5));
  CHECK(retried.ok);
  CHECK(retried.inserted == 5);
  store->close();
  CHECK(count_events(path) == 5);
  CHECK(query_int(path, "SELECT count(*) FROM event_key_log") == 5);
}

TEST_CASE("a write lock held past the busy timeout fails the commit, then the store recovers",
          "[store][failure]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.busy_timeout_ms = 100;
  auto store = open_store(options);

  sqlite3* blocker = nullptr;
  REQUIRE(sqlite3_open(options.path.c_str(), &blocker) == SQLITE_OK);
  REQUIRE(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);

  const CommitOutcome blocked = submit_and_wait(*store, make_events("blocked-", 3));
  CHECK_FALSE(blocked.ok);
  CHECK_THAT(blocked.error, Catch::Contains("database is locked"));
  CHECK_FALSE(store->writable());

  REQUIRE(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(blocker);

  CHECK(store->writable());
  const CommitOutcome retried = submit_and_wait(*store, make_events("blocked-", 3));
  CHECK(retried.ok);
  CHECK(retried.inserted == 3);
  store->close();
  CHECK(count_events(options.path) == 3);
}

TEST_CASE("writable() answers true for a healthy store and false once it is closed",
          "[store][probe]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  CHECK(store->writable());
  CHECK(store->writable());
  CHECK(query_int(dir.file("events.db"),
                  "SELECT value FROM store_meta WHERE key = 'writable_probe'") >= 1);
  store->close();
  CHECK_FALSE(store->writable());
}

TEST_CASE("recent() returns newest first and filters by user, anonymous id and event",
          "[store][recent]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  REQUIRE(submit_and_wait(*store, {make_event("web", "1", "alice", "anon-1", "Product Viewed"),
                                   make_event("web", "2", "bob", "anon-2", "Order Completed"),
                                   make_event("ios", "3", "alice", "anon-3", "Order Completed"),
                                   make_event("web", "4", "", "anon-1", "Product Viewed")})
              .ok);

  const auto ids = [&store](const EventQuery& query) {
    std::vector<std::string> out;
    for (const EventRecord& record : store->recent(query)) out.push_back(record.message_id);
    return out;
  };
  using Ids = std::vector<std::string>;
  EventQuery all;
  CHECK(ids(all) == Ids{"4", "3", "2", "1"});
  EventQuery alice;
  alice.user_id = "alice";
  CHECK(ids(alice) == Ids{"3", "1"});
  EventQuery anon;
  anon.anonymous_id = "anon-1";
  CHECK(ids(anon) == Ids{"4", "1"});
  EventQuery orders;
  orders.event = "Order Completed";
  CHECK(ids(orders) == Ids{"3", "2"});
  EventQuery alice_orders = orders;
  alice_orders.user_id = "alice";
  CHECK(ids(alice_orders) == Ids{"3"});
  EventQuery nobody;
  nobody.user_id = "carol";
  CHECK(ids(nobody).empty());
  EventQuery two;
  two.limit = 2;
  CHECK(ids(two) == Ids{"4", "3"});

  const std::vector<EventRecord> records = store->recent(all);
  REQUIRE(records.size() == 4);
  CHECK(records[0].id > records[1].id);
  CHECK(records[1].source == "ios");
}

TEST_CASE("recent() clamps its limit to 1..10000", "[store][recent]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  REQUIRE(submit_and_wait(*store, make_events("n", 10005)).ok);
  EventQuery zero;
  zero.limit = 0;
  CHECK(store->recent(zero).size() == 1);
  EventQuery huge;
  huge.limit = 50000;
  const auto records = store->recent(huge);
  REQUIRE(records.size() == 10000);
  CHECK(records.front().message_id == "n10004");
  CHECK(records.back().message_id == "n5");
}

TEST_CASE("recent() pages below a cursor without skipping or repeating while rows arrive",
          "[store][recent]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  REQUIRE(submit_and_wait(*store, make_events("a", 25)).ok);
  std::vector<std::string> seen;
  EventQuery page;
  page.limit = 10;
  for (int round = 0; round < 10; ++round) {
    const std::vector<EventRecord> records = store->recent(page);
    for (const EventRecord& record : records) seen.push_back(record.message_id);
    if (records.size() < page.limit) break;
    page.before_id = records.back().id;
    // Newer rows land above every cursor already handed out.
    REQUIRE(submit_and_wait(*store, make_events("late" + std::to_string(round) + "-", 3)).ok);
  }
  REQUIRE(seen.size() == 25);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i] == "a" + std::to_string(24 - i));
  }
}

TEST_CASE("recent() applies filters together with the cursor", "[store][recent]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  REQUIRE(submit_and_wait(*store, {make_event("web", "1", "alice"), make_event("web", "2", "bob"),
                                   make_event("web", "3", "alice"),
                                   make_event("web", "4", "alice")})
              .ok);
  EventQuery alice;
  alice.user_id = "alice";
  const auto first = store->recent(alice);
  REQUIRE(first.size() == 3);
  alice.before_id = first[1].id;  // below "3"
  const auto rest = store->recent(alice);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].message_id == "1");
}

TEST_CASE("export_page() reads oldest first after a cursor within a receivedAt range",
          "[store][export]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  std::vector<StoredEvent> rows;
  for (int i = 0; i < 6; ++i) {
    StoredEvent row = make_event("web", "e" + std::to_string(i));
    row.received_at_ms = 1000 * (i + 1);  // 1000 .. 6000
    rows.push_back(std::move(row));
  }
  REQUIRE(submit_and_wait(*store, rows).ok);
  const auto ids = [&store](const ExportQuery& query) {
    std::vector<std::string> out;
    std::vector<EventRecord> records;
    REQUIRE(store->export_page(query, &records));
    for (const EventRecord& record : records) out.push_back(record.message_id);
    return out;
  };
  using Ids = std::vector<std::string>;
  ExportQuery all;
  CHECK(ids(all) == Ids{"e0", "e1", "e2", "e3", "e4", "e5"});
  ExportQuery range;
  range.since_ms = 2000;  // inclusive
  range.until_ms = 5000;  // exclusive
  CHECK(ids(range) == Ids{"e1", "e2", "e3"});
  ExportQuery first_two;
  first_two.limit = 2;
  std::vector<EventRecord> page;
  REQUIRE(store->export_page(first_two, &page));
  REQUIRE(page.size() == 2);
  ExportQuery next = first_two;
  next.after_id = page.back().id;
  CHECK(ids(next) == Ids{"e2", "e3"});
  store->close();
  CHECK_FALSE(store->export_page(all, &page));
  CHECK(page.empty());
}

TEST_CASE("close() commits everything already submitted before it returns", "[store][close]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto store = open_store(path);
  std::atomic<int> answered_ok{0};
  for (int s = 0; s < 50; ++s) {
    store->submit(make_events("c" + std::to_string(s) + "-", 10), [&answered_ok](CommitOutcome o) {
      if (o.ok && o.inserted == 10) ++answered_ok;
    });
  }
  store->close();
  CHECK(answered_ok == 50);
  CHECK(count_events(path) == 500);
}

TEST_CASE("after close() submissions fail at once and a second close() does nothing",
          "[store][close]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  store->close();
  store->close();
  bool called = false;
  CommitOutcome late;
  store->submit(make_events("late-", 1), [&](CommitOutcome o) {
    called = true;
    late = o;
  });
  CHECK(called);
  CHECK_FALSE(late.ok);
  CHECK_THAT(late.error, Catch::Contains("closed"));
  CHECK(store->recent(EventQuery{}).empty());
  CHECK(count_events(dir.file("events.db")) == 0);
}

TEST_CASE("dedup stays exact while keys move from memory to event_keys and across reopen",
          "[store][dedup][keys]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.memory_index_keys = 16;
  {
    auto store = open_store(options);
    for (int s = 0; s < 10; ++s) {
      const CommitOutcome outcome =
          submit_and_wait(*store, make_events("k" + std::to_string(s) + "-", 10));
      CHECK(outcome.inserted == 10);
    }
    REQUIRE(store->writable());  // the writer has run its merge step after the last group
    CHECK(store->stats().key_merge_chunks >= 1);
    for (int s = 0; s < 10; ++s) {
      const CommitOutcome again =
          submit_and_wait(*store, make_events("k" + std::to_string(s) + "-", 10));
      CHECK(again.inserted == 0);
      CHECK(again.duplicates == 10);
    }
  }
  CHECK(query_int(options.path, "SELECT count(*) FROM event_keys") >= 16);
  // Each key is in exactly one level: merged keys were trimmed from the log.
  CHECK(query_int(options.path, "SELECT count(*) FROM event_keys") +
            query_int(options.path, "SELECT count(*) FROM event_key_log") ==
        100);

  auto store = open_store(options);
  std::size_t duplicates = 0;
  for (int s = 0; s < 10; ++s) {
    duplicates +=
        submit_and_wait(*store, make_events("k" + std::to_string(s) + "-", 10)).duplicates;
  }
  CHECK(duplicates == 100);
  CHECK(submit_and_wait(*store, make_events("fresh-", 5)).inserted == 5);
  store->close();
  CHECK(count_events(options.path) == 105);
}

TEST_CASE("an id whose key hash is taken by another id is still stored, once",
          "[store][dedup][keys]") {
  using omni::collector::sqlite_schema::key_hash;
  TempDir dir;
  const std::string path = dir.file("events.db");
  open_store(path)->close();
  // Forge collisions: keys of "x" (in the log, so in memory after open) and of "z" (in
  // event_keys, on disk) that point at a stored event with another id, plus a key of "w" that
  // points at an event that no longer exists.
  exec_sql(path,
           "INSERT INTO events(id, source, message_id, type, event, user_id, anonymous_id,"
           " timestamp, received_at, body) VALUES(1, 'web', 'other', 'track', '', '', '', '', 0,"
           " '{}');"
           "INSERT INTO event_key_log(event_id, key_hash) VALUES(1, " +
               std::to_string(key_hash("web", "x")) +
               ");"
               "INSERT INTO event_keys(key_hash, event_id) VALUES(" +
               std::to_string(key_hash("web", "z")) +
               ", 1);"
               "INSERT INTO event_keys(key_hash, event_id) VALUES(" +
               std::to_string(key_hash("web", "w")) + ", 999);");

  auto store = open_store(path);
  const CommitOutcome first = submit_and_wait(
      *store, {make_event("web", "x"), make_event("web", "z"), make_event("web", "w")});
  CHECK(first.inserted == 3);
  CHECK(first.duplicates == 0);
  const CommitOutcome again = submit_and_wait(
      *store, {make_event("web", "x"), make_event("web", "z"), make_event("web", "w")});
  CHECK(again.inserted == 0);
  CHECK(again.duplicates == 3);
  store->close();
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE message_id IN ('x', 'z', 'w')") == 3);
  CHECK(query_int(path, "SELECT count(*) FROM event_key_collisions") == 3);
}

TEST_CASE("two stores writing one file see each other's rows as duplicates",
          "[store][dedup][keys]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto first = open_store(path);
  auto second = open_store(path);
  CHECK(submit_and_wait(*first, make_events("one-", 4)).inserted == 4);
  const CommitOutcome seen = submit_and_wait(*second, make_events("one-", 4));
  CHECK(seen.inserted == 0);
  CHECK(seen.duplicates == 4);
  CHECK(submit_and_wait(*second, make_events("two-", 3)).inserted == 3);
  CHECK(submit_and_wait(*first, make_events("two-", 3)).duplicates == 3);
  first->close();
  second->close();
  CHECK(count_events(path) == 7);
}

TEST_CASE("errors name the step and SQLite's reason but no event content", "[store][failure]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.busy_timeout_ms = 50;
  auto store = open_store(options);
  sqlite3* blocker = nullptr;
  REQUIRE(sqlite3_open(options.path.c_str(), &blocker) == SQLITE_OK);
  REQUIRE(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  StoredEvent secret = make_event("web", "secret-message-id", "secret-user", "secret-anon");
  secret.body = R"({"email":"someone@example.com"})";
  const CommitOutcome outcome = submit_and_wait(*store, {secret});
  sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(blocker);
  CHECK_FALSE(outcome.ok);
  CHECK_THAT(outcome.error, Catch::Contains("begin"));
  CHECK_THAT(outcome.error, !Catch::Contains("secret"));
  CHECK_THAT(outcome.error, !Catch::Contains("example.com"));
}

namespace {

/// Rows of `source` received at received_ms, ids prefix0..prefix(count-1).
std::vector<StoredEvent> events_at(const std::string& source, const std::string& prefix,
                                   int count, std::int64_t received_ms) {
  std::vector<StoredEvent> rows;
  for (int i = 0; i < count; ++i) {
    StoredEvent row = make_event(source, prefix + std::to_string(i));
    row.received_at_ms = received_ms;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

TEST_CASE("expire() deletes a source's events received before the cutoff, oldest first, in "
          "batches of at most max_rows",
          "[store][retention]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  auto store = open_store(path);
  REQUIRE(submit_and_wait(*store, events_at("web", "old-", 7, 1000)).inserted == 7);
  REQUIRE(submit_and_wait(*store, events_at("web", "older-", 3, 500)).inserted == 3);
  REQUIRE(submit_and_wait(*store, events_at("web", "new-", 4, 5000)).inserted == 4);
  REQUIRE(submit_and_wait(*store, events_at("pos", "old-", 2, 1000)).inserted == 2);

  const auto first = store->expire("web", 2000, 4);
  CHECK(first.ok);
  CHECK(first.deleted == 4);
  // Oldest first: the three rows received at 500 went in the first batch.
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE message_id LIKE 'older-%'") == 0);
  const auto second = store->expire("web", 2000, 4);
  CHECK(second.deleted == 4);
  const auto last = store->expire("web", 2000, 4);
  CHECK(last.ok);
  CHECK(last.deleted == 2);
  CHECK(store->expire("web", 2000, 4).deleted == 0);
  CHECK(store->expire("web", 2000, 0).deleted == 0);

  store->close();
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE source = 'web'") == 4);
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE source = 'web' AND received_at < 2000") ==
        0);
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE source = 'pos'") == 2);
  // Keys went with their events: one key per remaining row.
  CHECK(query_int(path, "SELECT count(*) FROM event_key_log") == 6);
  CHECK(query_int(path, "SELECT count(*) FROM event_key_log WHERE event_id NOT IN"
                        " (SELECT id FROM events)") == 0);
}

TEST_CASE("a retry of an expired event is stored again, a retry of a kept one stays a duplicate",
          "[store][retention][dedup]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  {
    auto store = open_store(path);
    REQUIRE(submit_and_wait(*store, events_at("web", "old-", 5, 1000)).inserted == 5);
    REQUIRE(submit_and_wait(*store, events_at("web", "new-", 5, 9000)).inserted == 5);
    REQUIRE(store->expire("web", 2000, 500).deleted == 5);

    const CommitOutcome old_again = submit_and_wait(*store, events_at("web", "old-", 5, 9500));
    CHECK(old_again.inserted == 5);
    CHECK(old_again.duplicates == 0);
    CHECK(submit_and_wait(*store, events_at("web", "new-", 5, 9500)).duplicates == 5);
  }
  // The same after a restart, when the key memory is rebuilt from the log.
  auto store = open_store(path);
  CHECK(submit_and_wait(*store, events_at("web", "old-", 5, 9600)).duplicates == 5);
  CHECK(submit_and_wait(*store, events_at("web", "new-", 5, 9600)).duplicates == 5);
  store->close();
  CHECK(count_events(path) == 10);
  CHECK(query_int(path, "SELECT count(*) FROM event_key_collisions") == 0);
}

TEST_CASE("expire() removes keys that were merged to event_keys or frozen for merging",
          "[store][retention][keys]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.memory_index_keys = 16;
  auto store = open_store(options);
  for (int s = 0; s < 6; ++s) {
    REQUIRE(submit_and_wait(*store, events_at("web", "k" + std::to_string(s) + "-", 10, 1000))
                .inserted == 10);
  }
  REQUIRE(store->writable());
  REQUIRE(store->stats().key_merge_chunks >= 1);
  REQUIRE(submit_and_wait(*store, events_at("web", "keep-", 10, 9000)).inserted == 10);

  std::size_t deleted = 0;
  for (int i = 0; i < 10; ++i) deleted += store->expire("web", 2000, 7).deleted;
  CHECK(deleted == 60);
  REQUIRE(store->writable());  // lets pending merge work run before the retries

  // Every expired id is new again, every kept one a duplicate.
  for (int s = 0; s < 6; ++s) {
    const CommitOutcome again =
        submit_and_wait(*store, events_at("web", "k" + std::to_string(s) + "-", 10, 9500));
    CHECK(again.inserted == 10);
  }
  CHECK(submit_and_wait(*store, events_at("web", "keep-", 10, 9500)).duplicates == 10);
  store->close();
  CHECK(count_events(options.path) == 70);
  CHECK(query_int(options.path, "SELECT count(*) FROM event_keys WHERE event_id NOT IN"
                                " (SELECT id FROM events)") == 0);
  CHECK(query_int(options.path, "SELECT count(*) FROM event_keys") +
            query_int(options.path, "SELECT count(*) FROM event_key_log") ==
        70);
  CHECK(query_int(options.path, "SELECT count(*) FROM event_key_collisions") == 0);
}

TEST_CASE("a key whose hash an id in the collision table shares survives expiry, so that id "
          "stays deduplicated",
          "[store][retention][keys]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  open_store(path)->close();
  store_event_holding_key_of(path, "owner", 1000, "twin");
  {
    auto store = open_store(path);
    StoredEvent twin = make_event("web", "twin");
    twin.received_at_ms = 9000;
    REQUIRE(submit_and_wait(*store, {twin}).inserted == 1);
    REQUIRE(store->expire("web", 2000, 10).deleted == 1);  // "owner" goes
    CHECK(submit_and_wait(*store, {twin}).duplicates == 1);
  }
  auto store = open_store(path);
  StoredEvent twin = make_event("web", "twin");
  CHECK(submit_and_wait(*store, {twin}).duplicates == 1);
  store->close();
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE message_id = 'twin'") == 1);
  CHECK(query_int(path, "SELECT count(*) FROM events WHERE message_id = 'owner'") == 0);
}

TEST_CASE("an expired event that was stored through the collision table leaves it",
          "[store][retention][keys]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  open_store(path)->close();
  store_event_holding_key_of(path, "owner", 9000, "twin");
  auto store = open_store(path);
  StoredEvent twin = make_event("web", "twin");
  twin.received_at_ms = 1000;
  REQUIRE(submit_and_wait(*store, {twin}).inserted == 1);
  REQUIRE(store->expire("web", 2000, 10).deleted == 1);  // "twin" goes, "owner" stays
  twin.received_at_ms = 9500;
  CHECK(submit_and_wait(*store, {twin}).inserted == 1);  // new again
  CHECK(submit_and_wait(*store, {twin}).duplicates == 1);
  store->close();
  CHECK(query_int(path, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("an expiry that fails deletes nothing and the store keeps going",
          "[store][retention][failure]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.busy_timeout_ms = 100;
  auto store = open_store(options);
  REQUIRE(submit_and_wait(*store, events_at("web", "old-", 5, 1000)).inserted == 5);

  sqlite3* blocker = nullptr;
  REQUIRE(sqlite3_open(options.path.c_str(), &blocker) == SQLITE_OK);
  REQUIRE(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto blocked = store->expire("web", 2000, 10);
  REQUIRE(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(blocker);
  CHECK_FALSE(blocked.ok);
  CHECK(blocked.deleted == 0);
  CHECK_THAT(blocked.error, Catch::Contains("database is locked"));

  CHECK(submit_and_wait(*store, events_at("web", "old-", 5, 1000)).duplicates == 5);
  CHECK(store->expire("web", 2000, 10).deleted == 5);
  store->close();
  CHECK(count_events(options.path) == 0);
}

TEST_CASE("expire() after close() fails at once", "[store][retention][close]") {
  TempDir dir;
  auto store = open_store(dir.file("events.db"));
  store->close();
  const auto outcome = store->expire("web", 2000, 10);
  CHECK_FALSE(outcome.ok);
  CHECK_THAT(outcome.error, Catch::Contains("closed"));
}
