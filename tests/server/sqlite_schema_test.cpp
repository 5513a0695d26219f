#include "store/sqlite_schema.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "temp_dir.hpp"

namespace {

namespace sqlite_schema = omni::collector::sqlite_schema;

using omni::collector::testing::TempDir;

/// One read-write connection, closed when it goes out of scope.
class Database {
 public:
  explicit Database(const std::string& path) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    REQUIRE(rc == SQLITE_OK);
  }
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* get() const { return db_; }

  void exec(const std::string& sql) const {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    INFO((message != nullptr ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
  }

  /// The first column of the first row; fails the test when there is no row.
  std::int64_t integer(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    const int rc = sqlite3_step(stmt);
    const std::int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    REQUIRE(rc == SQLITE_ROW);
    return value;
  }

  std::set<std::string> table_names() const {
    std::set<std::string> names;
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1,
                               &stmt, nullptr) == SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      names.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return names;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::set<std::string> kStoreTables = {"events",        "event_keys",
                                            "event_key_log", "event_key_collisions",
                                            "store_meta",    "schema_migrations"};

}  // namespace

TEST_CASE("a new file gets the current version, every table and the time it was applied",
          "[schema]") {
  TempDir dir;
  Database db(dir.file("events.db"));
  std::string error;

  REQUIRE(sqlite_schema::migrate(db.get(), 1714564800123, &error));

  CHECK(error.empty());
  CHECK(db.integer("PRAGMA user_version") == sqlite_schema::kVersion);
  CHECK(db.table_names() == kStoreTables);
  CHECK(db.integer("SELECT count(*) FROM schema_migrations") == sqlite_schema::kVersion);
  CHECK(db.integer("SELECT max(version) FROM schema_migrations") == sqlite_schema::kVersion);
  CHECK(db.integer("SELECT applied_at_ms FROM schema_migrations WHERE version = 1") ==
        1714564800123);
  CHECK(db.integer("SELECT value FROM store_meta WHERE key = 'writable_probe'") == 0);
  CHECK(sqlite3_get_autocommit(db.get()) != 0);  // no transaction left open
}

TEST_CASE("migrating a file already at the current version changes nothing", "[schema]") {
  TempDir dir;
  Database db(dir.file("events.db"));
  std::string error;
  REQUIRE(sqlite_schema::migrate(db.get(), 1000, &error));
  db.exec("INSERT INTO events(source, message_id, type, event, user_id, anonymous_id, timestamp,"
          " received_at, body) VALUES('web', 'm1', 'track', 'E', '', '', '', 1, '{}')");

  REQUIRE(sqlite_schema::migrate(db.get(), 2000, &error));

  CHECK(db.integer("SELECT count(*) FROM schema_migrations") == sqlite_schema::kVersion);
  CHECK(db.integer("SELECT applied_at_ms FROM schema_migrations WHERE version = 1") == 1000);
  CHECK(db.integer("SELECT count(*) FROM events") == 1);
}

TEST_CASE("check_supported accepts a new file and a file at the current version", "[schema]") {
  TempDir dir;
  Database db(dir.file("events.db"));
  std::string error;

  CHECK(sqlite_schema::check_supported(db.get(), &error));
  REQUIRE(sqlite_schema::migrate(db.get(), 1, &error));
  CHECK(sqlite_schema::check_supported(db.get(), &error));
  CHECK(error.empty());
}

TEST_CASE("a file with a newer user_version is refused and left unchanged", "[schema]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  const int newer = sqlite_schema::kVersion + 1;
  {
    Database db(path);
    std::string error;
    REQUIRE(sqlite_schema::migrate(db.get(), 1, &error));
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  const std::string before = file_bytes(path);

  {
    Database db(path);
    std::string check_error;
    CHECK_FALSE(sqlite_schema::check_supported(db.get(), &check_error));
    CHECK_THAT(check_error, Catch::Contains("version " + std::to_string(newer)) &&
                                Catch::Contains("newer"));
    std::string migrate_error;
    CHECK_FALSE(sqlite_schema::migrate(db.get(), 2, &migrate_error));
    CHECK_THAT(migrate_error, Catch::Contains("newer"));
    CHECK(sqlite3_get_autocommit(db.get()) != 0);
  }

  CHECK(file_bytes(path) == before);
}

TEST_CASE("a foreign SQLite file without our tables is refused and left unchanged", "[schema]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  {
    Database db(path);
    db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);"
            "INSERT INTO customers(name) VALUES('Ada')");
  }
  const std::string before = file_bytes(path);

  {
    Database db(path);
    std::string error;
    CHECK_FALSE(sqlite_schema::migrate(db.get(), 1, &error));
    CHECK_THAT(error, Catch::Contains("not an omni event store"));
    CHECK(sqlite3_get_autocommit(db.get()) != 0);  // the failed transaction was rolled back
    CHECK(db.table_names() == std::set<std::string>{"customers"});
    CHECK(db.integer("PRAGMA user_version") == 0);
  }

  CHECK(file_bytes(path) == before);
}

TEST_CASE("a file that is not a database is refused and left unchanged", "[schema]") {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 64; ++i) out << "these are notes, not a database\n";
  }
  const std::string before = file_bytes(path);

  {
    Database db(path);
    std::string check_error;
    CHECK_FALSE(sqlite_schema::check_supported(db.get(), &check_error));
    CHECK_FALSE(check_error.empty());
    std::string migrate_error;
    CHECK_FALSE(sqlite_schema::migrate(db.get(), 1, &migrate_error));
    CHECK_FALSE(migrate_error.empty());
  }

  CHECK(file_bytes(path) == before);
}

TEST_CASE("key_hash keeps the values already written to files", "[schema][hash]") {
  // Computed independently from the header's definition (length-prefixed FNV-1a, then the
  // murmur3 64-bit finalizer). A change here breaks every existing event_keys table.
  CHECK(sqlite_schema::key_hash("web", "msg-1") == -1539549383791229035);
  CHECK(sqlite_schema::key_hash("", "") == 8922497616986557598);
  CHECK(sqlite_schema::key_hash("ab", "c") == -5785473094866007261);
  CHECK(sqlite_schema::key_hash("a", "bc") == 8239186193919094045);
}

TEST_CASE("key_hash tells apart keys whose concatenations are equal", "[schema][hash]") {
  CHECK(sqlite_schema::key_hash("ab", "c") != sqlite_schema::key_hash("a", "bc"));
  CHECK(sqlite_schema::key_hash("web", "") != sqlite_schema::key_hash("", "web"));
  CHECK(sqlite_schema::key_hash("web", "m1") == sqlite_schema::key_hash("web", "m1"));
}

TEST_CASE("a version 1 file migrates to version 2 keeping its rows and stamping the step",
          "[schema][migration]") {
  TempDir dir;
  Database db(dir.file("events.db"));
  std::string error;
  REQUIRE(sqlite_schema::migrate_to(db.get(), 1, 1000, &error));
  REQUIRE(db.integer("PRAGMA user_version") == 1);
  CHECK(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'events_source_received_at'") ==
        0);
  db.exec("INSERT INTO events(source, message_id, type, event, user_id, anonymous_id, timestamp,"
          " received_at, body) VALUES('web', 'm1', 'track', 'E', '', '', '', 1, '{}')");

  REQUIRE(sqlite_schema::migrate(db.get(), 2000, &error));

  CHECK(db.integer("PRAGMA user_version") == 2);
  CHECK(db.integer("SELECT applied_at_ms FROM schema_migrations WHERE version = 1") == 1000);
  CHECK(db.integer("SELECT applied_at_ms FROM schema_migrations WHERE version = 2") == 2000);
  CHECK(db.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                   " name = 'events_source_received_at' AND tbl_name = 'events'") == 1);
  CHECK(db.integer("SELECT count(*) FROM events") == 1);
  CHECK(sqlite3_get_autocommit(db.get()) != 0);
}

TEST_CASE("the version 1 fixture made by an older collector migrates with its events and keys",
          "[schema][migration]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  std::filesystem::copy_file(std::string(OMNI_SOURCE_DIR) + "/tests/fixtures/events-schema-v1.db",
                             path);
  Database db(path);
  REQUIRE(db.integer("PRAGMA user_version") == 1);
  std::string error;

  REQUIRE(sqlite_schema::migrate(db.get(), 5000, &error));

  CHECK(db.integer("PRAGMA user_version") == sqlite_schema::kVersion);
  CHECK(db.integer("SELECT count(*) FROM schema_migrations") == 2);
  CHECK(db.integer("SELECT count(*) FROM events") == 5);
  CHECK(db.integer("SELECT count(*) FROM event_key_log") == 5);
  CHECK(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'events_source_received_at'") ==
        1);
  CHECK(db.integer("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") ==
        1);
}

TEST_CASE("a step that fails leaves the file at version 1 with nothing of the step",
          "[schema][migration]") {
  TempDir dir;
  const std::string path = dir.file("events.db");
  {
    Database db(path);
    std::string error;
    REQUIRE(sqlite_schema::migrate_to(db.get(), 1, 1000, &error));
    // The step's index gets created, then stamping version 2 collides with this row: whatever
    // the step did must be rolled back with it.
    db.exec("INSERT INTO schema_migrations(version, applied_at_ms) VALUES(2, 1)");
  }
  {
    Database db(path);
    std::string error;
    CHECK_FALSE(sqlite_schema::migrate(db.get(), 2000, &error));
    CHECK_THAT(error, Catch::Contains("UNIQUE"));
    CHECK(sqlite3_get_autocommit(db.get()) != 0);
    CHECK(db.integer("PRAGMA user_version") == 1);
    CHECK(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'events_source_received_at'") ==
          0);
  }
}

TEST_CASE("migrate_to refuses a version this build does not know", "[schema][migration]") {
  TempDir dir;
  Database db(dir.file("events.db"));
  std::string error;
  CHECK_FALSE(sqlite_schema::migrate_to(db.get(), 0, 1, &error));
  CHECK_FALSE(sqlite_schema::migrate_to(db.get(), sqlite_schema::kVersion + 1, 1, &error));
  CHECK_THAT(error, Catch::Contains("no schema version"));
  CHECK(db.integer("PRAGMA user_version") == 0);
}
