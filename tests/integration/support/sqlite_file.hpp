// One-shot SQL on a database file from outside the collector, for the store's operations tests
// (migration, backup, retention, disk full): read a PRAGMA, count rows, rewrite a column before
// a collector starts. Each call opens its own connection (10 s busy timeout) and closes it.
// Errors throw std::runtime_error naming the file, the statement and SQLite's message.
#pragma once

#include <cstdint>
#include <string>

namespace omni::integration {

/// The first column of the first row as an integer (0 for text that is not a number).
std::int64_t sqlite_integer(const std::string& path, const std::string& sql);
/// The first column of the first row as text ("" for NULL).
std::string sqlite_text(const std::string& path, const std::string& sql);
/// Runs statements that return no rows, read-write.
void sqlite_exec(const std::string& path, const std::string& sql);

/// The whole file as bytes ("" when it cannot be read), to prove a file was left unchanged.
std::string file_bytes(const std::string& path);

/// tests/fixtures/<name> in the source tree, found from this file's own path.
std::string fixture_path(const std::string& name);

}  // namespace omni::integration
