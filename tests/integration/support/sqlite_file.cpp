#include "support/sqlite_file.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace omni::integration {
namespace {

/// Runs `sql` and hands the first row's first column to `read`; throws without a row.
template <class Read>
void first_value(const std::string& path, const std::string& sql, int flags, Read read) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  const auto fail = [&](const std::string& what) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw std::runtime_error(path + ": " + what + " '" + sql + "': " + reason);
  };
  if (rc != SQLITE_OK) fail("open for");
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) fail("prepare");
  rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(stmt);
    fail(rc == SQLITE_DONE ? "no row from" : "step");
  }
  read(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace

std::int64_t sqlite_integer(const std::string& path, const std::string& sql) {
  std::int64_t value = 0;
  first_value(path, sql, SQLITE_OPEN_READONLY,
              [&](sqlite3_stmt* stmt) { value = sqlite3_column_int64(stmt, 0); });
  return value;
}

std::string sqlite_text(const std::string& path, const std::string& sql) {
  std::string value;
  first_value(path, sql, SQLITE_OPEN_READONLY, [&](sqlite3_stmt* stmt) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) value = reinterpret_cast<const char*>(text);
  });
  return value;
}

void sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    throw std::runtime_error(path + ": open: " + reason);
  }
  sqlite3_busy_timeout(db, 10000);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string reason = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(path + ": '" + sql + "': " + reason);
}

std::string file_bytes(const std::string& path) { return read_file_or_empty(path); }

std::string fixture_path(const std::string& name) {
  // __FILE__ is tests/integration/support/sqlite_file.cpp as CMake names it (absolute).
  const std::filesystem::path here(__FILE__);
  return (here.parent_path().parent_path().parent_path() / "fixtures" / name).string();
}

}  // namespace omni::integration
