// The two single-number metric kinds: Counter (only goes up) and Gauge (goes up and down).
//
// Thread-safe and lock-free: each is one relaxed atomic. Relaxed is enough because a metric is
// a statistic, not a synchronisation point: a scrape may see an increment a moment late, never
// a torn or lost one.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace omni::collector::metrics {

class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  /// Appends `name{labels} value\n` (`name value\n` when `labels` is empty).
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void set(std::int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void add(std::int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void sub(std::int64_t delta) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::atomic<std::int64_t> value_{0};
};

/// `name{labels}` or `name`, then a space: the start of every sample line.
void append_series(std::string& out, std::string_view name, std::string_view labels);

}  // namespace omni::collector::metrics
