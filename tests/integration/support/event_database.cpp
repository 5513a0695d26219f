#include "support/event_database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace omni::integration {
namespace {

/// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("prepare ") + sql + ": " + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    if (sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
      throw std::runtime_error(std::string("bind: ") + sqlite3_errmsg(db_));
    }
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("step: ") + sqlite3_errmsg(db_));
  }
  std::size_t size_at(int column) const {
    return static_cast<std::size_t>(sqlite3_column_int64(statement_, column));
  }
  std::string text_at(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    const int bytes = sqlite3_column_bytes(statement_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

sqlite3* open_database(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw std::runtime_error("open " + path + ": " + reason);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace

EventDatabase::EventDatabase(const std::string& path)
    : db_(open_database(path, SQLITE_OPEN_READONLY)), path_(path) {}

EventDatabase::~EventDatabase() { sqlite3_close(db_); }

std::size_t EventDatabase::count() {
  Statement statement(db_, "SELECT COUNT(*) FROM events");
  statement.step();
  return statement.size_at(0);
}

std::size_t EventDatabase::count(const std::string& source) {
  Statement statement(db_, "SELECT COUNT(*) FROM events WHERE source = ?1");
  statement.bind(1, source).step();
  return statement.size_at(0);
}

std::size_t EventDatabase::count(const std::string& source, const std::string& message_id) {
  Statement statement(db_, "SELECT COUNT(*) FROM events WHERE source = ?1 AND message_id = ?2");
  statement.bind(1, source).bind(2, message_id).step();
  return statement.size_at(0);
}

std::unordered_map<std::string, std::size_t> EventDatabase::message_id_counts(
    const std::string& source) {
  Statement statement(db_, "SELECT message_id FROM events WHERE source = ?1");
  statement.bind(1, source);
  std::unordered_map<std::string, std::size_t> counts;
  while (statement.step()) ++counts[statement.text_at(0)];
  return counts;
}

std::optional<nlohmann::json> EventDatabase::body(const std::string& source,
                                                  const std::string& message_id) {
  Statement statement(db_, "SELECT body FROM events WHERE source = ?1 AND message_id = ?2");
  statement.bind(1, source).bind(2, message_id);
  if (!statement.step()) return std::nullopt;
  return nlohmann::json::parse(statement.text_at(0), nullptr, false);
}

std::vector<std::string> EventDatabase::sources_of(const std::string& message_id) {
  Statement statement(db_, "SELECT source FROM events WHERE message_id = ?1");
  statement.bind(1, message_id);
  std::vector<std::string> sources;
  while (statement.step()) sources.push_back(statement.text_at(0));
  std::sort(sources.begin(), sources.end());
  return sources;
}

StoreWriteLock::StoreWriteLock(const std::string& path)
    : db_(open_database(path, SQLITE_OPEN_READWRITE)) {
  char* message = nullptr;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    sqlite3_close(db_);
    throw std::runtime_error("BEGIN IMMEDIATE on " + path + ": " + reason);
  }
  held_ = true;
}

StoreWriteLock::~StoreWriteLock() {
  release();
  sqlite3_close(db_);
}

void StoreWriteLock::release() {
  if (!held_) return;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  held_ = false;
}

}  // namespace omni::integration
