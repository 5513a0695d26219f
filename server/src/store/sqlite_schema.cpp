#include "store/sqlite_schema.hpp"

#include <sqlite3.h>

#include <cstring>

namespace omni::collector::sqlite_schema {
namespace {

struct Step {
  int version;
  const char* sql;
};

// Each step takes the schema from version - 1 to version. Never edit a released step; add one.
constexpr Step kSteps[] = {
    {1, R"sql(
CREATE TABLE schema_migrations(
  version       INTEGER PRIMARY KEY,
  applied_at_ms INTEGER NOT NULL
);
CREATE TABLE store_meta(
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO store_meta(key, value) VALUES('writable_probe', 0);
CREATE TABLE events(
  id           INTEGER PRIMARY KEY,
  source       TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  type         TEXT NOT NULL,
  event        TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  anonymous_id TEXT NOT NULL,
  timestamp    TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  body         TEXT NOT NULL
);
CREATE TABLE event_keys(
  key_hash INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL
);
CREATE TABLE event_key_log(
  event_id INTEGER PRIMARY KEY,
  key_hash INTEGER NOT NULL
);
CREATE TABLE event_key_collisions(
  source     TEXT NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY(source, message_id)
) WITHOUT ROWID;
)sql"},
    // Retention deletes a source's oldest events: without this index every batch would scan the
    // table from its first row. Keys lead with the source, so each insert lands at the right edge
    // of its source's run (received_at only grows); it still costs about 12% more CPU per stored
    // event (docs/operations.md, "Schema versions").
    {2, R"sql(
CREATE INDEX events_source_received_at ON events(source, received_at);
)sql"},
};

static_assert(sizeof(kSteps) / sizeof(kSteps[0]) == kVersion,
              "one migration step per schema version");

std::string sqlite_reason(sqlite3* db) { return sqlite3_errmsg(db); }

bool read_int(sqlite3* db, const char* sql, std::int64_t* out, std::string* error) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int64(stmt, 0);
      rc = SQLITE_OK;
    }
  }
  if (rc != SQLITE_OK) *error = sqlite_reason(db);
  sqlite3_finalize(stmt);
  return rc == SQLITE_OK;
}

bool exec(sqlite3* db, const char* sql, std::string* error) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *error = sqlite_reason(db);
  return false;
}

bool newer_than_supported(std::int64_t version, std::string* error) {
  if (version <= kVersion) return false;
  *error = "database schema version " + std::to_string(version) +
           " is newer than this collector supports (" + std::to_string(kVersion) + ")";
  return true;
}

bool apply_steps(sqlite3* db, std::int64_t from, std::int64_t now_ms, int up_to,
                 std::string* error) {
  for (const Step& step : kSteps) {
    if (step.version <= from || step.version > up_to) continue;
    if (!exec(db, step.sql, error)) return false;
    sqlite3_stmt* stamp = nullptr;
    int rc = sqlite3_prepare_v2(
        db, "INSERT INTO schema_migrations(version, applied_at_ms) VALUES(?1, ?2)", -1, &stamp,
        nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_bind_int(stamp, 1, step.version);
      sqlite3_bind_int64(stamp, 2, now_ms);
      rc = sqlite3_step(stamp) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK) *error = sqlite_reason(db);
    sqlite3_finalize(stamp);
    if (rc != SQLITE_OK) return false;
  }
  // PRAGMA takes no parameters; up_to is an integer.
  const std::string set_version = "PRAGMA user_version = " + std::to_string(up_to);
  return exec(db, set_version.c_str(), error);
}

}  // namespace

bool check_supported(sqlite3* db, std::string* error) {
  std::int64_t version = 0;
  return read_int(db, "PRAGMA user_version", &version, error) &&
         !newer_than_supported(version, error);
}

bool migrate(sqlite3* db, std::int64_t now_ms, std::string* error) {
  return migrate_to(db, kVersion, now_ms, error);
}

bool migrate_to(sqlite3* db, int target, std::int64_t now_ms, std::string* error) {
  if (target < 1 || target > kVersion) {
    *error = "no schema version " + std::to_string(target);
    return false;
  }
  std::int64_t version = 0;
  if (!read_int(db, "PRAGMA user_version", &version, error)) return false;
  if (newer_than_supported(version, error)) return false;
  if (version >= target) return true;

  // IMMEDIATE takes the write lock first, so two processes opening a new file at once cannot both
  // create the schema; the loser re-reads the version inside the transaction and finds it done.
  if (!exec(db, "BEGIN IMMEDIATE", error)) return false;
  bool ok =
      read_int(db, "PRAGMA user_version", &version, error) && !newer_than_supported(version, error);
  if (ok && version == 0) {
    std::int64_t objects = 0;
    ok = read_int(db, "SELECT count(*) FROM sqlite_schema", &objects, error);
    if (ok && objects != 0) {
      *error = "database has tables but no schema version: not an omni event store";
      ok = false;
    }
  }
  if (ok && version < target) ok = apply_steps(db, version, now_ms, target, error);
  if (ok) ok = exec(db, "COMMIT", error);
  if (!ok && sqlite3_get_autocommit(db) == 0) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return ok;
}

std::int64_t key_hash(std::string_view source, std::string_view message_id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto feed = [&h](unsigned char byte) {
    h ^= byte;
    h *= 0x100000001b3ULL;
  };
  // The length prefix keeps ("ab", "c") and ("a", "bc") apart.
  std::uint64_t source_length = source.size();
  for (int i = 0; i < 8; ++i) {
    feed(static_cast<unsigned char>(source_length & 0xffU));
    source_length >>= 8;
  }
  for (char c : source) feed(static_cast<unsigned char>(c));
  for (char c : message_id) feed(static_cast<unsigned char>(c));
  // FNV-1a mixes its last bytes weakly; the murmur3 finalizer spreads every bit over the word.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  std::int64_t signed_hash;  // SQLite integers are signed; keep the bits, not the value
  std::memcpy(&signed_hash, &h, sizeof signed_hash);
  return signed_hash;
}

}  // namespace omni::collector::sqlite_schema
