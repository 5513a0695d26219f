#include "config_reload.hpp"

namespace omni::collector {
namespace {

bool same_networks(const std::vector<http::IpNetwork>& a, const std::vector<http::IpNetwork>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].address != b[i].address || a[i].prefix_length != b[i].prefix_length) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> restart_only_changes(const Config& running, const Config& next) {
  std::vector<std::string> changed;
  const auto check = [&changed](bool differs, const char* path) {
    if (differs) changed.emplace_back(path);
  };
  check(running.listen.host != next.listen.host || running.listen.port != next.listen.port,
        "listen");
  check(running.storage_kind != next.storage_kind, "storage.kind");
  check(running.storage_path != next.storage_path, "storage.path");
  check(running.admin_token != next.admin_token, "adminToken");
  check(running.threads != next.threads, "threads");
  check(running.limits.max_connections != next.limits.max_connections, "limits.maxConnections");
  check(running.limits.header_timeout_ms != next.limits.header_timeout_ms,
        "limits.headerTimeoutMs");
  check(running.limits.body_timeout_ms != next.limits.body_timeout_ms, "limits.bodyTimeoutMs");
  check(running.limits.max_body_bytes != next.limits.max_body_bytes, "limits.maxBodyBytes");
  check(running.static_dir != next.static_dir, "staticDir");
  check(running.static_spa_fallback != next.static_spa_fallback, "staticSpaFallback");
  check(!same_networks(running.trusted_proxies, next.trusted_proxies), "trustedProxies");
  return changed;
}

Config apply_reloadable(const Config& running, const Config& next) {
  Config applied = running;
  applied.sources = next.sources;
  applied.log = next.log;
  return applied;
}

}  // namespace omni::collector
