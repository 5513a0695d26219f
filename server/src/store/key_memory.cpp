#include "store/key_memory.hpp"

#include <algorithm>

namespace omni::collector {

// The reservation is capped so a mistyped limit cannot allocate gigabytes up front.
KeyMemory::KeyMemory(std::size_t capacity) {
  active_.reserve(std::min<std::size_t>(capacity, std::size_t{1} << 22));
}

std::optional<std::int64_t> KeyMemory::find(std::int64_t hash) const {
  if (auto it = active_.find(hash); it != active_.end()) return it->second;
  auto it = std::lower_bound(frozen_.begin(), frozen_.end(), hash,
                             [](const Key& key, std::int64_t h) { return key.first < h; });
  if (it != frozen_.end() && it->first == hash && it->second != kForgotten) return it->second;
  return std::nullopt;
}

void KeyMemory::forget(std::int64_t hash, std::int64_t event_id) {
  if (auto it = active_.find(hash); it != active_.end() && it->second == event_id) {
    active_.erase(it);
    return;
  }
  auto it = std::lower_bound(frozen_.begin(), frozen_.end(), hash,
                             [](const Key& key, std::int64_t h) { return key.first < h; });
  if (it != frozen_.end() && it->first == hash && it->second == event_id) it->second = kForgotten;
}

void KeyMemory::add_in_transaction(std::int64_t hash, std::int64_t event_id) {
  active_.emplace(hash, event_id);
  added_.push_back(hash);
}

void KeyMemory::rollback_transaction() {
  for (std::int64_t hash : added_) active_.erase(hash);
  added_.clear();
}

void KeyMemory::clear() {
  active_.clear();
  added_.clear();
  frozen_.clear();
  frozen_.shrink_to_fit();
  merged_ = 0;
}

void KeyMemory::freeze_if_full(std::size_t limit) {
  if (!frozen_.empty() || active_.size() < limit) return;
  frozen_.assign(active_.begin(), active_.end());
  std::sort(frozen_.begin(), frozen_.end());
  frozen_max_event_id_ = 0;
  for (const Key& key : frozen_) frozen_max_event_id_ = std::max(frozen_max_event_id_, key.second);
  active_.clear();
  merged_ = 0;
}

std::size_t KeyMemory::chunk_size() const {
  return std::min(kMergeChunkKeys, frozen_.size() - merged_);
}

void KeyMemory::chunk_merged() {
  merged_ += chunk_size();
  if (merged_ == frozen_.size()) {
    frozen_.clear();
    frozen_.shrink_to_fit();
    merged_ = 0;
  }
}

}  // namespace omni::collector
