#include "backup/store_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <thread>

#include "store/sqlite_handle.hpp"
#include "store/sqlite_schema.hpp"

namespace omni::collector::backup {
namespace {

namespace fs = std::filesystem;
using sqlite::Connection;

constexpr int kBusyTimeoutMs = 5000;

struct BackupCloser {
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

/// Removes the temporary copy and the side files SQLite may have left next to it.
void remove_temporary(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ignored);
}

bool read_int(sqlite3* db, const char* sql, std::int64_t* out, std::string* reason) {
  std::string text;
  if (!sqlite::query_text(db, sql, &text, reason)) return false;
  *out = std::stoll(text.empty() ? "0" : text);
  return true;
}

/// fsync of the directory, so the rename itself survives a power loss.
bool sync_directory(const fs::path& directory, std::string* reason) {
  const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    *reason = std::error_code(errno, std::generic_category()).message();
    return false;
  }
  const bool ok = ::fsync(fd) == 0;
  if (!ok) *reason = std::error_code(errno, std::generic_category()).message();
  ::close(fd);
  return ok;
}

/// Copies every page of `source` (inside its open read transaction) into `destination`.
bool copy_pages(sqlite3* source, sqlite3* destination, const BackupOptions& options,
                std::int64_t* pages, std::string* reason) {
  std::unique_ptr<sqlite3_backup, BackupCloser> backup(
      sqlite3_backup_init(destination, "main", source, "main"));
  if (!backup) {
    *reason = sqlite3_errmsg(destination);
    return false;
  }
  for (;;) {
    const int rc = sqlite3_backup_step(backup.get(), options.pages_per_step);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
      *reason = sqlite3_errstr(rc);
      return false;
    }
    std::this_thread::sleep_for(options.pause_between_steps);
  }
  *pages = sqlite3_backup_pagecount(backup.get());
  const int rc = sqlite3_backup_finish(backup.release());
  if (rc != SQLITE_OK) {
    *reason = sqlite3_errstr(rc);
    return false;
  }
  return true;
}

}  // namespace

bool backup_event_store(const BackupOptions& options, BackupReport* report, std::string* error) {
  const std::string& target = options.destination_path;
  const std::string temporary = target + ".tmp";
  const auto fail = [&](const std::string& why) {
    *error = why;
    return false;
  };
  if (options.pages_per_step < 1) return fail("pages_per_step must be at least 1");
  std::error_code ec;
  if (!options.replace_existing && fs::symlink_status(target, ec).type() != fs::file_type::not_found) {
    return fail("'" + target + "' already exists (give --force to replace it)");
  }
  if (fs::equivalent(options.source_path, target, ec)) {
    return fail("'" + target + "' is the database itself");
  }

  std::string reason;
  Connection source = sqlite::open_connection(options.source_path, SQLITE_OPEN_READONLY, &reason);
  if (!source) return fail("cannot open '" + options.source_path + "': " + reason);
  sqlite3_busy_timeout(source.get(), kBusyTimeoutMs);
  // The snapshot: everything committed before this read transaction's first read, nothing after.
  std::int64_t version = 0;
  std::int64_t objects = 0;
  if (!sqlite::exec(source.get(), "BEGIN", &reason) ||
      !read_int(source.get(), "SELECT count(*) FROM sqlite_schema", &objects, &reason) ||
      !read_int(source.get(), "PRAGMA user_version", &version, &reason)) {
    return fail("cannot read '" + options.source_path + "': " + reason);
  }
  if (version == 0) {
    return fail("'" + options.source_path + "' is not an omni event store (no schema version)");
  }
  if (!sqlite_schema::check_supported(source.get(), &reason)) {
    return fail("cannot back up '" + options.source_path + "': " + reason);
  }

  remove_temporary(temporary);
  bool ok = false;
  {
    Connection copy = sqlite::open_connection(
        temporary, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &reason);
    if (!copy) return fail("cannot create '" + temporary + "': " + reason);
    std::string mode;
    ok = copy_pages(source.get(), copy.get(), options, &report->pages, &reason);
    if (!ok) {
      reason = "copying pages to '" + temporary + "' failed: " + reason;
    } else if (!sqlite::query_text(copy.get(), "PRAGMA journal_mode = DELETE", &mode, &reason) ||
               mode != "delete") {
      // The copied header says WAL; a WAL-mode copy would need its -wal file moved with it.
      reason = "cannot make '" + temporary + "' a single file: " + (mode.empty() ? reason : mode);
      ok = false;
    } else if (!read_int(copy.get(), "PRAGMA user_version", &report->schema_version, &reason)) {
      reason = "cannot read the copy back: " + reason;
      ok = false;
    }
  }
  std::string ignored;
  sqlite::exec(source.get(), "COMMIT", &ignored);  // ends a read transaction: cannot lose data
  source.reset();
  if (!ok) {
    remove_temporary(temporary);
    return fail(reason);
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    remove_temporary(temporary);
    return fail("cannot rename '" + temporary + "' to '" + target + "': " + ec.message());
  }
  if (!sync_directory(fs::path(target).parent_path(), &reason)) {
    return fail("the copy is at '" + target + "' but its folder could not be synced: " + reason);
  }
  return true;
}

}  // namespace omni::collector::backup
