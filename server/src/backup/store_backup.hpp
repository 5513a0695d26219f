// An online, consistent copy of the SQLite event store, made with SQLite's backup API while a
// collector may be writing to the same file.
//
// Consistency: the copy is taken from one read snapshot of the source (a read transaction held
// from start to end; WAL mode lets the collector keep committing meanwhile), so it holds exactly
// the transactions committed before the snapshot began: every event acknowledged before the
// backup started, none half. Without the held snapshot SQLite restarts a backup whenever another
// process commits, and under steady ingestion it would never finish.
//
// Pacing: pages are copied `pages_per_step` at a time with a short pause between steps, so the
// copy's disk reads leave room for the collector's commits. While the snapshot is held, the
// collector's checkpoints cannot pass it and its WAL grows by what it commits meanwhile.
//
// Atomic result: pages go to "<destination>.tmp", which is switched to rollback-journal mode (one
// self-contained file), closed, renamed over the destination and its directory fsynced. A backup
// that fails or is killed leaves at most the .tmp file (removed on failure, replaced by the next
// run), never a destination that looks complete and is not.
//
// Errors: false with a reason naming the step, the path and SQLite's message. The source is only
// read (it is opened read-only); a source that is not an event store, or that has a schema
// version newer than this build's, is refused before anything is written.
//
// Thread-safety: one call works on its own connections; calls for different destinations may run
// at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace omni::collector::backup {

struct BackupOptions {
  std::string source_path;       // the collector's storage.path
  std::string destination_path;  // the copy to make
  bool replace_existing = false;  // false: an existing destination is refused
  int pages_per_step = 256;       // 1 MiB per step with 4 KiB pages
  std::chrono::milliseconds pause_between_steps{2};
};

struct BackupReport {
  std::int64_t pages = 0;           // pages in the copy
  std::int64_t schema_version = 0;  // PRAGMA user_version of the copy (= the source's)
};

bool backup_event_store(const BackupOptions& options, BackupReport* report, std::string* error);

}  // namespace omni::collector::backup
