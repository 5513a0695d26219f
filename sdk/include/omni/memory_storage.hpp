// In-memory Storage: the reference implementation of the Storage contract.
//
// Used by tests, and in the wasm as the bridge to the browser's persisted state: with a journal
// attached, every applied batch is also recorded so the JS facade can persist it (IndexedDB)
// before it reports success to the caller. Once the core has read what it needs at start-up,
// forget_data() leaves the data to the host alone, so the queue is not held twice in wasm memory.
#pragma once

#include <map>

#include "omni/effects.hpp"

namespace omni {

class MemoryStorage : public Storage {
 public:
  Status apply(const WriteBatch& batch) override {
    if (journal_only_) {
      journal_.push_back(batch);
      return Status::Ok();
    }
    for (const auto& op : batch.ops) {
      if (op.kind == WriteBatch::Op::Kind::kPut) {
        data_[op.key] = op.value;
      } else {
        data_.erase(op.key);
      }
    }
    if (journal_enabled_) journal_.push_back(batch);
    return Status::Ok();
  }

  Status get(std::string_view key, std::string* value) override {
    if (journal_only_) return forgotten();
    auto it = data_.find(std::string(key));
    if (it == data_.end()) return Status::NotFound("no such key");
    *value = it->second;
    return Status::Ok();
  }

  Status scan(std::string_view prefix,
              std::vector<std::pair<std::string, std::string>>* out) override {
    out->clear();
    if (journal_only_) return forgotten();
    for (auto it = data_.lower_bound(std::string(prefix)); it != data_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      out->emplace_back(it->first, it->second);
    }
    return Status::Ok();
  }

  /// Records every applied batch until take_journal() is called.
  void enable_journal() { journal_enabled_ = true; }
  std::vector<WriteBatch> take_journal() { return std::exchange(journal_, {}); }

  /// From now on the host alone keeps the data: it is freed here, every apply() is only
  /// journaled, and get() / scan() fail with NotInitialized instead of answering from nothing.
  void forget_data() {
    data_.clear();
    journal_only_ = true;
    journal_enabled_ = true;
  }

  std::size_t size() const { return data_.size(); }
  const std::map<std::string, std::string>& data() const { return data_; }

 private:
  std::map<std::string, std::string> data_;
  static Status forgotten() {
    return Status::NotInitialized("the host keeps this storage's data; it is read only at start-up");
  }

  bool journal_enabled_ = false;
  bool journal_only_ = false;
  std::vector<WriteBatch> journal_;
};

}  // namespace omni
