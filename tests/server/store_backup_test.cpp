#include "backup/store_backup.hpp"

#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_event_store.hpp"
#include "store/sqlite_schema.hpp"
#include "temp_dir.hpp"

namespace {

namespace backup = omni::collector::backup;
using omni::collector::CommitOutcome;
using omni::collector::SqliteEventStore;
using omni::collector::SqliteOptions;
using omni::collector::StoredEvent;
using omni::collector::testing::TempDir;

std::vector<StoredEvent> make_events(const std::string& prefix, int count) {
  std::vector<StoredEvent> rows;
  for (int i = 0; i < count; ++i) {
    StoredEvent row;
    row.source = "web";
    row.message_id = prefix + std::to_string(i);
    row.type = "track";
    row.event = "Product Viewed";
    row.timestamp = "2027-01-15T00:00:00.000Z";
    row.received_at_ms = 1800000000000;
    row.body = R"({"pad":")" + std::string(600, 'x') + R"("})";
    rows.push_back(std::move(row));
  }
  return rows;
}

CommitOutcome submit_and_wait(SqliteEventStore& store, std::vector<StoredEvent> rows) {
  auto answer = std::make_shared<std::promise<CommitOutcome>>();
  auto result = answer->get_future();
  store.submit(std::move(rows), [answer](CommitOutcome outcome) { answer->set_value(outcome); });
  return result.get();
}

std::unique_ptr<SqliteEventStore> open_store(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  std::string error;
  auto store = SqliteEventStore::open(options, &error);
  INFO(error);
  REQUIRE(store != nullptr);
  return store;
}

std::string text_of(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const unsigned char* text = sqlite3_column_text(stmt, 0);
  std::string value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

backup::BackupOptions options_for(const std::string& source, const std::string& destination) {
  backup::BackupOptions options;
  options.source_path = source;
  options.destination_path = destination;
  return options;
}

}  // namespace

TEST_CASE("a backup taken while the store commits is one consistent single-file copy",
          "[backup]") {
  TempDir dir;
  const std::string source = dir.file("events.db");
  const std::string copy = dir.file("backup.db");
  auto store = open_store(source);
  REQUIRE(submit_and_wait(*store, make_events("before-", 3000)).ok);

  // Keep committing during the backup; small steps make it take many of them.
  std::atomic<bool> stop{false};
  std::atomic<int> committed_during{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      if (submit_and_wait(*store, make_events("during-" + std::to_string(i) + "-", 50)).ok)
        ++committed_during;
    }
  });
  backup::BackupOptions options = options_for(source, copy);
  options.pages_per_step = 8;
  backup::BackupReport report;
  std::string error;
  const bool ok = backup::backup_event_store(options, &report, &error);
  stop = true;
  writer.join();
  INFO(error);
  REQUIRE(ok);
  CHECK(committed_during > 0);
  CHECK(report.schema_version == omni::collector::sqlite_schema::kVersion);
  CHECK(report.pages > 100);

  CHECK(text_of(copy, "PRAGMA integrity_check") == "ok");
  CHECK(text_of(copy, "PRAGMA journal_mode") == "delete");
  CHECK(text_of(copy, "SELECT count(*) FROM events WHERE message_id LIKE 'before-%'") == "3000");
  // Whole groups only: the rows of every commit are in the copy together or not at all.
  CHECK(std::stoll(text_of(copy, "SELECT count(*) FROM events WHERE message_id LIKE 'during-%'")) %
            50 ==
        0);
  CHECK(text_of(copy, "SELECT count(*) FROM events") ==
        text_of(copy, "SELECT count(*) FROM event_key_log"));
  CHECK_FALSE(std::filesystem::exists(copy + ".tmp"));
  CHECK_FALSE(std::filesystem::exists(copy + "-wal"));

  // The copy opens as a store and deduplicates what it holds.
  store->close();
  auto restored = open_store(copy);
  CHECK(submit_and_wait(*restored, make_events("before-", 3000)).duplicates == 3000);
}

TEST_CASE("an existing destination is refused unless replacing is asked for", "[backup]") {
  TempDir dir;
  const std::string source = dir.file("events.db");
  const std::string copy = dir.file("backup.db");
  REQUIRE(submit_and_wait(*open_store(source), make_events("m-", 5)).ok);
  { std::ofstream(copy) << "precious"; }

  backup::BackupReport report;
  std::string error;
  CHECK_FALSE(backup::backup_event_store(options_for(source, copy), &report, &error));
  CHECK_THAT(error, Catch::Contains("already exists") && Catch::Contains("--force"));
  std::ifstream kept(copy);
  std::string content;
  kept >> content;
  CHECK(content == "precious");

  backup::BackupOptions replace = options_for(source, copy);
  replace.replace_existing = true;
  REQUIRE(backup::backup_event_store(replace, &report, &error));
  CHECK(text_of(copy, "SELECT count(*) FROM events") == "5");
}

TEST_CASE("a file that is not an event store, or is newer, is refused and nothing is written",
          "[backup]") {
  TempDir dir;
  const std::string foreign = dir.file("crm.db");
  const std::string future = dir.file("future.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(foreign.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE customers(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  REQUIRE(sqlite3_open(future.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 99", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
  sqlite3_close(db);

  backup::BackupReport report;
  std::string error;
  CHECK_FALSE(backup::backup_event_store(options_for(foreign, dir.file("a.db")), &report, &error));
  CHECK_THAT(error, Catch::Contains("not an omni event store"));
  CHECK_FALSE(backup::backup_event_store(options_for(future, dir.file("b.db")), &report, &error));
  CHECK_THAT(error, Catch::Contains("version 99"));
  CHECK_FALSE(backup::backup_event_store(options_for(dir.file("missing.db"), dir.file("c.db")),
                                         &report, &error));
  CHECK_THAT(error, Catch::Contains("missing.db"));
  for (const char* name : {"a.db", "b.db", "c.db", "a.db.tmp", "b.db.tmp", "c.db.tmp"}) {
    CHECK_FALSE(std::filesystem::exists(dir.file(name)));
  }
}
