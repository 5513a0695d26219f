// An in-memory EventStore for handler tests: dedups by (source, messageId) like the real one,
// answers done() synchronously, and can be told to fail commits or report itself unwritable.
#pragma once

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/event_store.hpp"

namespace omni::collector::testing {

class FakeEventStore final : public EventStore {
 public:
  void submit(std::vector<StoredEvent> rows, Done done) override {
    CommitOutcome outcome;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++submissions_;
      if (fail_commits) {
        outcome.error = "disk I/O error";
      } else {
        outcome.ok = true;
        for (auto& row : rows) {
          if (keys_.insert({row.source, row.message_id}).second) {
            ++outcome.inserted;
            stored_.push_back(std::move(row));
          } else {
            ++outcome.duplicates;
          }
        }
      }
    }
    done(std::move(outcome));
  }

  bool writable() override {
    ++writable_calls;
    return is_writable.load();
  }

  std::vector<EventRecord> recent(const EventQuery& query) override {
    std::lock_guard<std::mutex> lock(mutex_);
    last_query = query;
    std::vector<EventRecord> out;
    for (std::size_t i = stored_.size(); i > 0 && out.size() < query.limit; --i) {
      const StoredEvent& row = stored_[i - 1];
      if (query.before_id != 0 && static_cast<std::int64_t>(i) >= query.before_id) continue;
      if (!query.user_id.empty() && row.user_id != query.user_id) continue;
      if (!query.anonymous_id.empty() && row.anonymous_id != query.anonymous_id) continue;
      if (!query.event.empty() && row.event != query.event) continue;
      out.push_back(record_of(i, row));
    }
    return out;
  }

  bool export_page(const ExportQuery& query, std::vector<EventRecord>* page) override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<EventRecord>& out = *page;
    out.clear();
    ++export_reads_;
    if (fail_export_after_reads != 0 && export_reads_ > fail_export_after_reads) return false;
    for (std::size_t i = 1; i <= stored_.size() && out.size() < query.limit; ++i) {
      const StoredEvent& row = stored_[i - 1];
      if (static_cast<std::int64_t>(i) <= query.after_id) continue;
      if (row.received_at_ms < query.since_ms || row.received_at_ms >= query.until_ms) continue;
      out.push_back(record_of(i, row));
    }
    return true;
  }

  void close() override {}

  /// The stored row at 1-based position `id`, as the store reads it back.
  static EventRecord record_of(std::size_t id, const StoredEvent& row) {
    EventRecord record;
    record.id = static_cast<std::int64_t>(id);
    record.source = row.source;
    record.message_id = row.message_id;
    record.received_at_ms = row.received_at_ms;
    record.body = row.body;
    return record;
  }

  std::vector<StoredEvent> stored() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stored_;
  }
  int submissions() {
    std::lock_guard<std::mutex> lock(mutex_);
    return submissions_;
  }

  std::atomic<bool> fail_commits{false};
  std::atomic<bool> is_writable{true};
  std::atomic<int> writable_calls{0};
  EventQuery last_query;
  /// Not 0: export_page() fails from this many successful reads on.
  std::atomic<int> fail_export_after_reads{0};

 private:
  std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> keys_;
  std::vector<StoredEvent> stored_;
  int submissions_ = 0;
  int export_reads_ = 0;
};

}  // namespace omni::collector::testing
