#include "store/retention.hpp"

#include <limits>
#include <utility>

namespace omni::collector {

RetentionTask::RetentionTask(EventStore& store, Clock& clock, std::vector<RetentionRule> rules,
                             RetentionSettings settings, Report report)
    : store_(store),
      clock_(clock),
      rules_(std::move(rules)),
      settings_(settings),
      report_(std::move(report)) {}

RetentionTask::~RetentionTask() { stop(); }

void RetentionTask::start() {
  if (rules_.empty() || thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void RetentionTask::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RetentionTask::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool RetentionTask::wait_for(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !wake_.wait_for(lock, wait, [this] { return stopping_; });
}

std::uint64_t RetentionTask::deleted_total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return deleted_total_;
}

SweepResult RetentionTask::sweep_once() {
  SweepResult result;
  const std::int64_t now = clock_.now_ms();
  for (const RetentionRule& rule : rules_) {
    const std::int64_t age = static_cast<std::int64_t>(rule.days) * kMillisPerDay;
    const std::int64_t cutoff =
        now > std::numeric_limits<std::int64_t>::min() + age ? now - age
                                                             : std::numeric_limits<std::int64_t>::min();
    for (bool first = true;; first = false) {
      if (!first && !wait_for(settings_.pause_between_batches)) return result;
      if (stopping()) return result;
      const ExpireOutcome outcome = store_.expire(rule.source, cutoff, settings_.batch_rows);
      if (!outcome.ok) {
        result.ok = false;
        result.error = "source " + rule.source + ": " + outcome.error;
        return result;
      }
      result.deleted += outcome.deleted;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        deleted_total_ += outcome.deleted;
      }
      if (outcome.deleted < settings_.batch_rows || settings_.batch_rows == 0) break;
    }
  }
  return result;
}

void RetentionTask::loop() {
  std::chrono::milliseconds wait = settings_.first_sweep_delay;
  while (wait_for(wait)) {
    const SweepResult result = sweep_once();
    if (report_ && (!result.ok || result.deleted != 0)) report_(result);
    wait = settings_.interval;
  }
}

}  // namespace omni::collector
