// Retention: deletes each source's events older than its retentionDays, in small batches that
// take turns with ingestion on the store's writer (EventStore::expire), on a thread of its own.
//
// Timing: a first sweep `first_sweep_delay` after start(), then one every `interval`. A sweep
// goes through the rules in order; for each it deletes batches of `batch_rows` (oldest first)
// until a batch comes back smaller, pausing `pause_between_batches` between batches so the
// writer's queue of ingestion groups never waits behind more than one batch. The cutoff of a rule
// is now - days, with "now" read from the injected clock once per sweep.
//
// Dedup keys go with their events (EventStore::expire): a retry of a deleted event's messageId
// is stored again, so a source's deduplication window is its retention.
//
// Errors: a failed batch ends that sweep (the next sweep tries again) and is reported through
// `report`; nothing is retried in a loop. Events of a source that is not in the rules (or no
// longer in the config) are kept.
//
// Thread-safety: start() and stop() from one owning thread; sweep_once() may run on any thread
// but not concurrently with the task's own thread on the same store. The clock must be safe to
// read from the task's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "omni/effects.hpp"
#include "store/event_store.hpp"

namespace omni::collector {

struct RetentionRule {
  std::string source;
  std::uint32_t days = 0;  // >= 1
};

struct RetentionSettings {
  std::chrono::milliseconds first_sweep_delay{10000};
  std::chrono::milliseconds interval{60000};
  std::size_t batch_rows = 500;
  std::chrono::milliseconds pause_between_batches{10};
};

struct SweepResult {
  bool ok = true;
  std::string error;          // the first failure, when !ok
  std::uint64_t deleted = 0;  // events deleted by this sweep, all sources
};

inline constexpr std::int64_t kMillisPerDay = 24LL * 60 * 60 * 1000;

class RetentionTask {
 public:
  /// Called on the task's thread after each sweep that deleted something or failed.
  using Report = std::function<void(const SweepResult&)>;

  RetentionTask(EventStore& store, Clock& clock, std::vector<RetentionRule> rules,
                RetentionSettings settings, Report report = {});
  ~RetentionTask();  // stop()
  RetentionTask(const RetentionTask&) = delete;
  RetentionTask& operator=(const RetentionTask&) = delete;

  /// Starts the thread; does nothing when there are no rules.
  void start();
  /// Ends a sweep at its next batch boundary and joins the thread. Idempotent. Call before the
  /// store closes.
  void stop();

  /// One sweep over every rule at the clock's current time, on the caller's thread.
  SweepResult sweep_once();

  /// Events deleted by every sweep so far. Thread-safe.
  std::uint64_t deleted_total() const;

 private:
  void loop();
  bool stopping() const;
  /// Sleeps up to `wait`; false when stop() was called meanwhile.
  bool wait_for(std::chrono::milliseconds wait);

  EventStore& store_;
  Clock& clock_;
  const std::vector<RetentionRule> rules_;
  const RetentionSettings settings_;
  Report report_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t deleted_total_ = 0;
  std::thread thread_;
};

}  // namespace omni::collector
