#include "http/connection_registry.hpp"

#include <chrono>
#include <vector>

namespace omni::collector::http {

ConnectionRegistry::Id ConnectionRegistry::add(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Id id = next_id_++;
  sessions_.emplace(id, session);
  if (open_connections_ != nullptr) open_connections_->add(1);
  return id;
}

void ConnectionRegistry::remove(Id id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sessions_.erase(id) != 0 && open_connections_ != nullptr) open_connections_->sub(1);
  if (sessions_.empty()) emptied_.notify_all();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

void ConnectionRegistry::for_each(
    const std::function<void(const std::shared_ptr<HttpSession>&)>& fn) const {
  std::vector<std::weak_ptr<HttpSession>> copy;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    copy.reserve(sessions_.size());
    for (const auto& entry : sessions_) copy.push_back(entry.second);
  }
  for (const auto& weak : copy) {
    if (auto session = weak.lock()) fn(session);
  }
}

bool ConnectionRegistry::wait_until_empty(std::int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return emptied_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return sessions_.empty(); });
}

}  // namespace omni::collector::http
