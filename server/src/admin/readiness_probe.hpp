// Keeps "is the store writable?" fresh for /readyz without ever blocking an io thread.
//
// A background thread asks EventStore::writable() about once per interval (the store answers
// within ~2 s) and keeps the answer in an atomic flag that ready() reads. The first probe runs
// in start(), so the flag is right before the collector takes traffic.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/event_store.hpp"

namespace omni::collector::admin {

class ReadinessProbe {
 public:
  ReadinessProbe(EventStore& store, std::chrono::milliseconds interval);
  ~ReadinessProbe();

  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  /// Probes once now, then starts the background thread.
  void start();
  /// Stops and joins the thread; idempotent. Call before the store closes.
  void stop();

  /// The last answer. Thread-safe, never blocks.
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  void loop();

  EventStore& store_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> ready_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace omni::collector::admin
