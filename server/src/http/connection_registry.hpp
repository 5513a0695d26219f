// The open connections: how many there are (for limits.maxConnections) and a way to reach each
// one at shutdown.
//
// Thread-safe. Sessions add themselves when they start and remove themselves when destroyed.
// for_each copies the weak pointers under the lock and calls out with the lock released, so a
// callback may take its time (or a session may finish) without blocking accepts.
// An optional gauge follows the number of connections (omni_http_connections_open).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "metrics/metrics_scalar.hpp"

namespace omni::collector::http {

class HttpSession;

class ConnectionRegistry {
 public:
  using Id = std::uint64_t;

  /// `open_connections` (may be null) is raised by add() and lowered by remove(); it must
  /// outlive the registry.
  explicit ConnectionRegistry(metrics::Gauge* open_connections = nullptr)
      : open_connections_(open_connections) {}

  Id add(const std::shared_ptr<HttpSession>& session);
  void remove(Id id);
  std::size_t size() const;

  /// Calls `fn` for every session still alive.
  void for_each(const std::function<void(const std::shared_ptr<HttpSession>&)>& fn) const;

  /// Waits until no session is left or `timeout_ms` passes; true when none is left.
  bool wait_until_empty(std::int64_t timeout_ms) const;

  /// From now on sessions close after their current request, including sessions accepted
  /// after this call that for_each could not reach.
  void begin_shutdown() { shutting_down_.store(true, std::memory_order_release); }
  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable emptied_;
  Id next_id_ = 1;
  std::unordered_map<Id, std::weak_ptr<HttpSession>> sessions_;
  std::atomic<bool> shutting_down_{false};
  metrics::Gauge* const open_connections_;
};

}  // namespace omni::collector::http
