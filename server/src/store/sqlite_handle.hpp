// Thin RAII and error helpers over SQLite's C API, shared by the event store's writer and reader.
//
// Ownership: Connection and Statement own their handle and close/finalize it on destruction.
// A Statement must be destroyed before the Connection it was prepared on (declare the
// Connection first so it is destroyed last).
//
// Errors: functions that fail outside a transaction return false or nullptr with SQLite's message
// in *reason; steps inside a transaction return an SqlError (code and step name). Neither carries
// bound values, so no event content reaches a log.
//
// Thread-safety: none of its own. Connections are opened with SQLITE_OPEN_NOMUTEX, so the caller
// uses each connection, and every statement on it, from one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

namespace omni::collector::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

/// A failed SQLite call inside a transaction: the code and the step, which is all an operator
/// needs and carries nothing from the rows.
struct SqlError {
  int code = SQLITE_OK;
  const char* step = "";  // a string literal naming the step

  bool failed() const { return code != SQLITE_OK; }
  /// "<step>: <SQLite's text for code> (SQLite code N)".
  std::string describe() const;
};

inline constexpr SqlError kNoError{};

/// Steps a statement that returns no rows, then resets it. A row is reported as SQLITE_MISUSE.
SqlError step_to_done(sqlite3_stmt* stmt, const char* step);

/// Binds `text` without copying it: it must stay alive and unchanged until the statement has
/// been stepped and reset. Returns SQLite's code.
int bind_text(sqlite3_stmt* stmt, int index, const std::string& text);

/// True when the text in `column` of the current row is byte for byte `expected`.
bool column_equals(sqlite3_stmt* stmt, int column, const std::string& expected);

/// The text in `column` of the current row; empty for NULL.
std::string column_string(sqlite3_stmt* stmt, int column);

/// Runs one or more statements that return no rows.
bool exec(sqlite3* db, const std::string& sql, std::string* reason);

/// The first column of the first row of `sql` as text (for PRAGMAs that answer with a value).
bool query_text(sqlite3* db, const std::string& sql, std::string* out, std::string* reason);

/// Opens `path` with `flags` (SQLITE_OPEN_NOMUTEX is added) and extended result codes on.
Connection open_connection(const std::string& path, int flags, std::string* reason);

/// Prepares a statement kept for the connection's lifetime (SQLITE_PREPARE_PERSISTENT).
Statement prepare(sqlite3* db, const char* sql, std::string* reason);

}  // namespace omni::collector::sqlite
