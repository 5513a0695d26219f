// A Storage for tests that fails on command, so "a failed write is never acknowledged and an
// acknowledged one is never lost" can be tested rather than hoped for.
//
// It wraps a MemoryStorage, which holds exactly what a real store would hold after a crash: the
// Storage contract makes every ok apply() durable and every failed one a no-op, so "crash" in a
// test means dropping the object that used this storage and opening a new one over it. Applies
// can be failed for the next N calls, or for every call after a countdown of successes (a disk
// that fills up); scans can be failed too. Every attempted batch is counted and the last one kept,
// so tests can assert how many writes an operation made and what they held.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "omni/effects.hpp"
#include "omni/memory_storage.hpp"

namespace omni::test {

class FaultInjectingStorage final : public Storage {
 public:
  /// The next `count` applies fail (after any failures already scheduled).
  void fail_next_applies(std::size_t count) { fail_next_ += count; }

  /// After `successes` more successful applies, every apply fails until heal().
  void fail_applies_after(std::size_t successes) {
    countdown_armed_ = true;
    countdown_ = successes;
  }

  void fail_scans(bool fail) { fail_scans_ = fail; }

  /// Every apply and scan succeeds again.
  void heal() {
    fail_next_ = 0;
    countdown_armed_ = false;
    failing_forever_ = false;
    fail_scans_ = false;
  }

  Status apply(const WriteBatch& batch) override {
    ++apply_calls_;
    last_batch_ = batch;
    if (should_fail()) {
      ++failed_applies_;
      last_apply_ok_ = false;
      return Status::StorageFailed("injected apply failure");
    }
    last_apply_ok_ = true;
    return inner_.apply(batch);
  }

  Status get(std::string_view key, std::string* value) override { return inner_.get(key, value); }

  Status scan(std::string_view prefix,
              std::vector<std::pair<std::string, std::string>>* out) override {
    if (fail_scans_) return Status::StorageFailed("injected scan failure");
    return inner_.scan(prefix, out);
  }

  /// The durable contents; tests may write to it directly (for example to corrupt a record).
  MemoryStorage& inner() { return inner_; }

  std::size_t apply_calls() const { return apply_calls_; }
  std::size_t failed_applies() const { return failed_applies_; }
  bool last_apply_ok() const { return last_apply_ok_; }
  /// The most recent batch passed to apply(), whether it succeeded or not.
  const WriteBatch& last_batch() const { return last_batch_; }

 private:
  bool should_fail() {
    if (fail_next_ > 0) {
      --fail_next_;
      return true;
    }
    if (failing_forever_) return true;
    if (countdown_armed_) {
      if (countdown_ == 0) {
        failing_forever_ = true;
        return true;
      }
      --countdown_;
    }
    return false;
  }

  MemoryStorage inner_;
  std::size_t fail_next_ = 0;
  bool countdown_armed_ = false;
  std::size_t countdown_ = 0;
  bool failing_forever_ = false;
  bool fail_scans_ = false;
  std::size_t apply_calls_ = 0;
  std::size_t failed_applies_ = 0;
  bool last_apply_ok_ = true;
  WriteBatch last_batch_;
};

}  // namespace omni::test
