#include "admin/readiness_probe.hpp"

namespace omni::collector::admin {

ReadinessProbe::ReadinessProbe(EventStore& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval) {}

ReadinessProbe::~ReadinessProbe() { stop(); }

void ReadinessProbe::start() {
  ready_.store(store_.writable(), std::memory_order_release);
  thread_ = std::thread([this] { loop(); });
}

void ReadinessProbe::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadinessProbe::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    const bool writable = store_.writable();  // may take up to ~2 s; never under the lock
    ready_.store(writable, std::memory_order_release);
    lock.lock();
  }
}

}  // namespace omni::collector::admin
