// The on-disk format of the SQLite event store: its tables, its schema version and the key hash
// that the deduplication index stores.
//
// The version lives in PRAGMA user_version (cheap to read before touching anything) and in the
// table schema_migrations, which records when each version was applied. migrate() applies every
// missing step in one transaction, so a file is either at the old version or at the new one.
//
// Tables (version 1):
//   events               id INTEGER PRIMARY KEY = insertion order; one row per stored event.
//   event_keys           key_hash -> event_id for keys moved out of the writer's memory.
//   event_key_log        event_id -> key_hash for keys still held in the writer's memory; it is
//                        what rebuilds that memory after a restart.
//   event_key_collisions the exact (source, message_id) of events whose 64-bit key hash was
//                        already taken by another id, so deduplication stays exact.
//   store_meta           small named integers (the readiness probe row).
//   schema_migrations    version, applied_at_ms.
// Version 2 adds the index events_source_received_at (source, received_at), which retention
// uses to find a source's oldest events.
//
// Thread-safety: the functions take a connection the caller uses from one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace omni::collector::sqlite_schema {

/// The version this build writes and reads. A file with a higher version is refused.
inline constexpr int kVersion = 2;

/// False with a reason in *error when the file cannot be read as a database or carries a schema
/// version newer than kVersion. Reads only, so a refused file is left exactly as it was.
bool check_supported(sqlite3* db, std::string* error);

/// Brings the database to kVersion: creates the schema when the file is new, applies missing
/// steps otherwise, stamping each with `now_ms`. Returns false with a reason in *error when the
/// database is newer than kVersion, is not an event store (tables but no version), or SQLite
/// fails. The reason names no event content.
bool migrate(sqlite3* db, std::int64_t now_ms, std::string* error);

/// migrate() stopping at `target` (1..kVersion): makes files of an older version, for tests of
/// the migration from them. A file already at or above `target` (and not newer than kVersion) is
/// left as it is.
bool migrate_to(sqlite3* db, int target, std::int64_t now_ms, std::string* error);

/// The deduplication key of (source, message_id): FNV-1a over the length-prefixed source and the
/// message id, finished with a 64-bit avalanche mix. Part of the file format: changing it needs
/// a migration that rehashes event_keys and event_key_log. Distinct ids may share a hash; the
/// store compares the full id on every hash match.
std::int64_t key_hash(std::string_view source, std::string_view message_id);

}  // namespace omni::collector::sqlite_schema
