#include "store/sqlite_handle.hpp"

#include <cstring>

namespace omni::collector::sqlite {

std::string SqlError::describe() const {
  return std::string(step) + ": " + sqlite3_errstr(code) + " (SQLite code " + std::to_string(code) +
         ")";
}

SqlError step_to_done(sqlite3_stmt* stmt, const char* step) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc == SQLITE_DONE) return kNoError;
  return SqlError{rc == SQLITE_ROW ? SQLITE_MISUSE : rc, step};
}

int bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  // STATIC: every row outlives the statement's step and reset, so SQLite need not copy it.
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

bool column_equals(sqlite3_stmt* stmt, int column, const std::string& expected) {
  const void* bytes = sqlite3_column_text(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  if (size < 0 || static_cast<std::size_t>(size) != expected.size()) return false;
  return size == 0 || std::memcmp(bytes, expected.data(), expected.size()) == 0;
}

std::string column_string(sqlite3_stmt* stmt, int column) {
  const unsigned char* bytes = sqlite3_column_text(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  if (bytes == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

bool exec(sqlite3* db, const std::string& sql, std::string* reason) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *reason = sqlite3_errmsg(db);
  return false;
}

bool query_text(sqlite3* db, const std::string& sql, std::string* out, std::string* reason) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  Statement stmt(raw);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) {
      *out = column_string(raw, 0);
      return true;
    }
  }
  *reason = sqlite3_errmsg(db);
  return false;
}

Connection open_connection(const std::string& path, int flags, std::string* reason) {
  sqlite3* raw = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (the writer's by the writer thread,
  // the reader's under its own mutex), so SQLite's per-call locking would be pure cost.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    *reason = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return nullptr;
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Statement prepare(sqlite3* db, const char* sql, std::string* reason) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
    *reason = sqlite3_errmsg(db);
    sqlite3_finalize(raw);
    return nullptr;
  }
  return Statement(raw);
}

}  // namespace omni::collector::sqlite
