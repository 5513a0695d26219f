#include "store/retention.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "omni/effects.hpp"
#include "store/sqlite_event_store.hpp"
#include "temp_dir.hpp"

namespace {

using omni::ManualClock;
using omni::collector::CommitOutcome;
using omni::collector::EventRecord;
using omni::collector::EventStore;
using omni::collector::ExpireOutcome;
using omni::collector::ExportQuery;
using omni::collector::kMillisPerDay;
using omni::collector::RetentionRule;
using omni::collector::RetentionSettings;
using omni::collector::RetentionTask;
using omni::collector::SqliteEventStore;
using omni::collector::SqliteOptions;
using omni::collector::StoredEvent;
using omni::collector::SweepResult;
using omni::collector::testing::TempDir;
using namespace std::chrono_literals;

constexpr std::int64_t kNow = 1800000000000;  // 2027-01-15

/// A clock tests move while the task's thread reads it.
class SharedClock final : public omni::Clock {
 public:
  explicit SharedClock(std::int64_t now) : now_(now) {}
  std::int64_t now_ms() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }
  void set(std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ = now;
  }

 private:
  std::mutex mutex_;
  std::int64_t now_;
};

/// Records every expire() call and answers from a count of rows "older than the cutoff".
class RecordingStore final : public EventStore {
 public:
  struct Call {
    std::string source;
    std::int64_t cutoff_ms;
    std::size_t max_rows;
  };
  std::size_t expirable = 0;  // rows any call may delete, shared by every source
  bool fail = false;
  std::vector<Call> calls;

  void submit(std::vector<StoredEvent>, Done done) override { done(CommitOutcome{}); }
  bool writable() override { return true; }
  std::vector<EventRecord> recent(const omni::collector::EventQuery&) override { return {}; }
  bool export_page(const ExportQuery&, std::vector<EventRecord>*) override { return true; }
  void close() override {}
  ExpireOutcome expire(const std::string& source, std::int64_t cutoff_ms,
                       std::size_t max_rows) override {
    calls.push_back({source, cutoff_ms, max_rows});
    ExpireOutcome outcome;
    if (fail) {
      outcome.error = "disk on fire";
      return outcome;
    }
    outcome.ok = true;
    outcome.deleted = std::min(expirable, max_rows);
    expirable -= outcome.deleted;
    return outcome;
  }
};

RetentionSettings quick_settings(std::size_t batch_rows) {
  RetentionSettings settings;
  settings.first_sweep_delay = 0ms;
  settings.interval = 1h;
  settings.batch_rows = batch_rows;
  settings.pause_between_batches = 0ms;
  return settings;
}

StoredEvent event_at(const std::string& source, const std::string& id, std::int64_t received) {
  StoredEvent row;
  row.source = source;
  row.message_id = id;
  row.type = "track";
  row.event = "Product Viewed";
  row.timestamp = "2027-01-15T00:00:00.000Z";
  row.received_at_ms = received;
  row.body = "{}";
  return row;
}

void store_rows(SqliteEventStore& store, std::vector<StoredEvent> rows) {
  auto answer = std::make_shared<std::promise<CommitOutcome>>();
  auto result = answer->get_future();
  store.submit(std::move(rows), [answer](CommitOutcome outcome) { answer->set_value(outcome); });
  REQUIRE(result.get().ok);
}

std::int64_t count_where(const std::string& path, const std::string& where) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT count(*) FROM events WHERE " + where;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const std::int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("a sweep cuts each source at now minus its days, read from the injected clock",
          "[retention]") {
  RecordingStore store;
  ManualClock clock(kNow);
  RetentionTask task(store, clock, {{"web", 30}, {"pos", 1}}, quick_settings(500));

  const SweepResult result = task.sweep_once();

  CHECK(result.ok);
  CHECK(result.deleted == 0);
  REQUIRE(store.calls.size() == 2);
  CHECK(store.calls[0].source == "web");
  CHECK(store.calls[0].cutoff_ms == kNow - 30 * kMillisPerDay);
  CHECK(store.calls[0].max_rows == 500);
  CHECK(store.calls[1].source == "pos");
  CHECK(store.calls[1].cutoff_ms == kNow - kMillisPerDay);

  clock.advance(kMillisPerDay);
  task.sweep_once();
  REQUIRE(store.calls.size() == 4);
  CHECK(store.calls[2].cutoff_ms == kNow - 29 * kMillisPerDay);
}

TEST_CASE("a sweep deletes batch after batch until a batch comes back short", "[retention]") {
  RecordingStore store;
  store.expirable = 1234;
  ManualClock clock(kNow);
  RetentionTask task(store, clock, {{"web", 7}}, quick_settings(500));

  const SweepResult result = task.sweep_once();

  CHECK(result.ok);
  CHECK(result.deleted == 1234);
  CHECK(store.calls.size() == 3);  // 500, 500, 234
  CHECK(task.deleted_total() == 1234);
  store.expirable = 500;
  task.sweep_once();
  CHECK(store.calls.size() == 3 + 2);  // a full batch, then an empty one
  CHECK(task.deleted_total() == 1734);
}

TEST_CASE("a failing batch ends the sweep with its reason and the next sweep tries again",
          "[retention]") {
  RecordingStore store;
  store.fail = true;
  ManualClock clock(kNow);
  RetentionTask task(store, clock, {{"web", 7}, {"pos", 7}}, quick_settings(500));

  const SweepResult failed = task.sweep_once();
  CHECK_FALSE(failed.ok);
  CHECK(failed.error == "source web: disk on fire");
  CHECK(store.calls.size() == 1);

  store.fail = false;
  CHECK(task.sweep_once().ok);
  CHECK(store.calls.size() == 3);
}

TEST_CASE("the task sweeps soon after start and again every interval, and stops promptly",
          "[retention][threads]") {
  RecordingStore store;
  SharedClock clock(kNow);
  RetentionSettings settings = quick_settings(500);
  settings.first_sweep_delay = 20ms;
  settings.interval = 50ms;
  std::mutex reports_mutex;
  std::vector<SweepResult> reports;
  store.expirable = 3;
  // RecordingStore is used from the task's thread only while the task runs.
  RetentionTask task(store, clock, {{"web", 1}}, settings, [&](const SweepResult& result) {
    std::lock_guard<std::mutex> lock(reports_mutex);
    reports.push_back(result);
  });
  task.start();
  std::this_thread::sleep_for(400ms);
  const auto stop_started = std::chrono::steady_clock::now();
  task.stop();
  CHECK(std::chrono::steady_clock::now() - stop_started < 200ms);

  CHECK(store.calls.size() >= 3);  // the first sweep, then several more
  CHECK(store.calls.size() <= 12);
  std::lock_guard<std::mutex> lock(reports_mutex);
  REQUIRE(reports.size() == 1);  // only the sweep that deleted something is reported
  CHECK(reports[0].deleted == 3);
  CHECK(task.deleted_total() == 3);
}

TEST_CASE("a task without rules starts no thread and touches nothing", "[retention]") {
  RecordingStore store;
  ManualClock clock(kNow);
  RetentionTask task(store, clock, {}, quick_settings(500));
  task.start();
  task.stop();
  CHECK(store.calls.empty());
}

TEST_CASE("retention on a real store deletes each source's old events and keeps the rest",
          "[retention][store]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.file("events.db");
  std::string error;
  auto store = SqliteEventStore::open(options, &error);
  REQUIRE(store != nullptr);
  std::vector<StoredEvent> rows;
  for (int i = 0; i < 1200; ++i) {
    rows.push_back(event_at("web", "web-old-" + std::to_string(i), kNow - 3 * kMillisPerDay - i));
  }
  for (int i = 0; i < 10; ++i) {
    rows.push_back(event_at("web", "web-new-" + std::to_string(i), kNow - kMillisPerDay / 2));
    rows.push_back(event_at("pos", "pos-old-" + std::to_string(i), kNow - 30 * kMillisPerDay));
    rows.push_back(event_at("other", "other-" + std::to_string(i), kNow - 300 * kMillisPerDay));
  }
  store_rows(*store, rows);

  ManualClock clock(kNow);
  RetentionTask task(*store, clock, {{"web", 2}, {"pos", 40}}, quick_settings(500));
  const SweepResult result = task.sweep_once();
  CHECK(result.ok);
  CHECK(result.deleted == 1200);

  CHECK(count_where(options.path, "source = 'web'") == 10);
  CHECK(count_where(options.path, "source = 'web' AND message_id LIKE 'web-new-%'") == 10);
  CHECK(count_where(options.path, "source = 'pos'") == 10);  // 30 days old, kept for 40

  clock.advance(20 * kMillisPerDay);  // pos events are 50 days old, the new web ones 20.5
  CHECK(task.sweep_once().deleted == 20);
  store->close();
  CHECK(count_where(options.path, "source IN ('web', 'pos')") == 0);
  CHECK(count_where(options.path, "source = 'other'") == 10);  // no rule: kept
}
