// The collector's configuration: one JSON file, validated completely before anything starts.
//
// Every key is known: an unknown key anywhere is an error naming its path
// ("sources[0].writekey: unknown key"), so a typo never silently falls back to a default.
// Relative paths (storage.path, staticDir) are resolved against the folder of the config file,
// so a config works the same from any working directory. Comments (// and /* */) are allowed.
// The reference of every key with its default is docs/operations.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "http/client_ip.hpp"
#include "logging/log_format.hpp"
#include "omni/status.hpp"

namespace omni::collector {

using logging::LogLevel;

struct RateLimitConfig {
  double events_per_second = 10000;
  double burst = 50000;
};

struct SourceConfig {
  std::string name;
  /// The first (newest) of write_keys. Code that builds a SourceConfig by hand (tests) may set
  /// only this; the registry then takes it as the one key.
  std::string write_key;
  /// Every key that admits events for this source: "writeKey" gives one, "writeKeys" several,
  /// so a key can be rotated (new and old valid together) without losing events.
  std::vector<std::string> write_keys;
  /// Canonical origins ("https://shop.example", default ports dropped) or "*" for any origin.
  std::vector<std::string> allowed_origins;
  RateLimitConfig rate_limit;
  /// How much of the client IP is stored in context.ip ("ipTruncation": "default" | "none").
  http::IpTruncation ip_truncation = http::IpTruncation::kDefault;
  /// "anonymousIdCookie": {"domain", "maxAgeDays"}: the site whose pages get their anonymous id
  /// cookie refreshed by ingestion responses (ingest/anonymous_id_cookie.hpp). Empty: none.
  std::string cookie_domain;
  std::uint32_t cookie_max_age_days = 365;
  /// "retentionDays": events received more than this many days ago are deleted in the
  /// background (store/retention.hpp). 0: kept forever (the key is absent).
  std::uint32_t retention_days = 0;
};

struct LimitsConfig {
  std::size_t max_connections = 1024;
  std::uint32_t header_timeout_ms = 10000;
  std::uint32_t body_timeout_ms = 30000;
  std::size_t max_body_bytes = 512000;
};

struct ListenConfig {
  std::string host;        // an IP literal, without brackets for IPv6
  std::uint16_t port = 0;  // 0: the kernel picks a free port
};

/// "log": {"level", "requests"}: the lowest level written, and one line per HTTP request.
struct LogConfig {
  LogLevel level = LogLevel::kInfo;
  bool requests = true;
};

struct Config {
  /// The file this config was loaded from (absolute; empty when parsed from text): SIGHUP
  /// re-reads it.
  std::filesystem::path file;
  ListenConfig listen;
  std::string storage_kind = "sqlite";
  std::filesystem::path storage_path;  // absolute after loading
  std::vector<SourceConfig> sources;
  std::string admin_token;
  unsigned threads = 2;
  LimitsConfig limits;
  std::filesystem::path static_dir;    // empty: no static files
  /// A missing extension-less path gets the nearest index.html above it (single-page apps).
  bool static_spa_fallback = false;
  /// Peers whose X-Forwarded-For / Forwarded headers are believed (client_ip.hpp).
  std::vector<http::IpNetwork> trusted_proxies;
  LogConfig log;
};

/// Parses and validates config text. `base_dir` is the folder relative paths are resolved
/// against. Fails with InvalidArgument whose message names the key and value at fault.
/// staticDir must name an existing directory (checked here, so a typo fails at start).
Result<Config> parse_config(std::string_view text, const std::filesystem::path& base_dir);

/// Reads `file` and parses it with its own folder as base. Fails with InvalidArgument (bad
/// content) or NotFound (unreadable file); the message does not repeat the file name.
Result<Config> load_config(const std::filesystem::path& file);

/// "127.0.0.1:8080" / "[::1]:8080" → host and port. Host must be an IPv4 or IPv6 literal.
bool parse_listen_address(std::string_view text, ListenConfig* out, std::string* error);

}  // namespace omni::collector
