#include "metrics/metrics_histogram.hpp"

#include <algorithm>
#include <cmath>

#include "metrics/metrics_scalar.hpp"
#include "metrics/metrics_text.hpp"

namespace omni::collector::metrics {

bool valid_bucket_bounds(const std::vector<double>& bounds) {
  if (bounds.empty()) return false;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) return false;
    if (i > 0 && !(bounds[i - 1] < bounds[i])) return false;
  }
  return true;
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds)
    : bounds_(std::move(bounds)),
      buckets_(new std::atomic<std::uint64_t>[bounds_->size() + 1]) {
  for (std::size_t i = 0; i <= bounds_->size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;
  const std::vector<double>& bounds = *bounds_;
  const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.bounds = *bounds_;
  snap.cumulative.reserve(bounds_->size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(running);
  }
  snap.count = running;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const Snapshot snap = snapshot();
  const std::string bucket_name = std::string(name) + "_bucket";
  std::string bucket_labels(labels);
  if (!bucket_labels.empty()) bucket_labels.push_back(',');
  bucket_labels += "le=\"";
  const std::size_t le_start = bucket_labels.size();
  for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
    bucket_labels.resize(le_start);
    if (i < snap.bounds.size()) {
      append_number(bucket_labels, snap.bounds[i]);
    } else {
      bucket_labels += "+Inf";
    }
    bucket_labels.push_back('"');
    append_series(out, bucket_name, bucket_labels);
    append_number(out, snap.cumulative[i]);
    out.push_back('\n');
  }
  append_series(out, std::string(name) + "_sum", labels);
  append_number(out, snap.sum);
  out.push_back('\n');
  append_series(out, std::string(name) + "_count", labels);
  append_number(out, snap.count);
  out.push_back('\n');
}

}  // namespace omni::collector::metrics
