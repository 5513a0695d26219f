// A Prometheus histogram with fixed buckets: observations are counted in the first bucket whose
// upper bound is >= the value (bounds are inclusive, as `le` says), and in +Inf past the last.
//
// Thread-safe and lock-free: one relaxed atomic per bucket and a compare-and-swap loop for the
// sum. The count is not kept separately; it is the total of the buckets, so a scrape always
// shows `_count` equal to the +Inf bucket. `_sum` may lag the buckets by an observation in
// flight (Prometheus tolerates this; client libraries do the same).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace omni::collector::metrics {

/// True when `bounds` is non-empty, finite and strictly increasing.
bool valid_bucket_bounds(const std::vector<double>& bounds);

class Histogram {
 public:
  /// `bounds` must satisfy valid_bucket_bounds (the registry checks before building one).
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  /// Counts `value`. NaN is ignored (it belongs to no bucket and would poison the sum).
  void observe(double value);

  struct Snapshot {
    std::vector<double> bounds;           // the finite upper bounds
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

  /// Appends name_bucket{labels,le="..."} for every bound and +Inf, then name_sum, name_count.
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_->size() + 1 (the +Inf one)
  std::atomic<double> sum_{0};
};

}  // namespace omni::collector::metrics
