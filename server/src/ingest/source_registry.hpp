// The configured sources, looked up by write key, each with its origin policy and rate limiter.
//
// A SourceSet is one immutable snapshot of the sources, built from a config. SourceRegistry
// holds the current snapshot and swaps it whole on a config reload (SIGHUP): a request takes
// the snapshot (or the Source) it starts with and keeps it, through a shared_ptr, until it is
// answered, so an ingestion in flight never sees half of an old config and half of a new one,
// and a source removed by a reload lives until its last request is done.
//
// Rate limits survive a reload: a source whose name stays and whose rateLimit is unchanged
// keeps its very bucket (the new snapshot shares it), so reloading never hands a client a fresh
// burst. A changed rateLimit takes effect at once with a new bucket, which starts full at the
// new burst.
//
// Write keys are compared in constant time against every key of every source (no early exit),
// so response timing does not reveal a key or which source nearly matched. Config validation
// guarantees each key belongs to one source only.
//
// Thread-safety: lookups may run on any thread while replace() runs on another; a short mutex
// guards only the copy of the current snapshot pointer. A source's rate limiter has its own lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "http/cors.hpp"
#include "http/rate_limiter.hpp"
#include "ingest/anonymous_id_cookie.hpp"

namespace omni::collector::ingest {

struct Source {
  /// `limiter` must have been made for config.rate_limit.
  Source(const SourceConfig& config, std::shared_ptr<http::RateLimiter> limiter);

  /// The bucket every snapshot holding this source (by name) shares.
  http::RateLimiter& limiter() const { return *limiter_; }
  const std::shared_ptr<http::RateLimiter>& shared_limiter() const { return limiter_; }

  const std::string name;
  const std::vector<std::string> write_keys;
  const http::OriginPolicy origins;
  const RateLimitConfig rate_limit;
  const http::IpTruncation ip_truncation;
  const AnonymousIdCookie cookie;

 private:
  const std::shared_ptr<http::RateLimiter> limiter_;
};

class SourceSet {
 public:
  /// Builds the sources of `sources`, taking over from `previous` (may be null) the rate
  /// limiter of each source whose name and rateLimit are unchanged.
  SourceSet(const std::vector<SourceConfig>& sources, const SourceSet* previous);

  /// The source with this write key, or null.
  std::shared_ptr<const Source> find_by_write_key(std::string_view key) const;
  /// The source with this name, or null.
  std::shared_ptr<const Source> find_by_name(std::string_view name) const;
  /// True when some source admits `origin` (used for CORS preflights, which carry no key).
  bool any_allows_origin(std::string_view origin) const;

  std::size_t size() const { return sources_.size(); }
  /// Write keys over all sources (for the reload log line; never the keys themselves).
  std::size_t key_count() const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<const Source>> sources_;
};

class SourceRegistry {
 public:
  explicit SourceRegistry(const std::vector<SourceConfig>& sources);

  /// The current snapshot; stays valid (and unchanged) however many reloads follow.
  std::shared_ptr<const SourceSet> snapshot() const;

  /// Makes a snapshot of `sources` current (rate limiters carried over as SourceSet says).
  /// Requests that already hold the old snapshot or one of its sources keep them. `sources`
  /// must be a validated config (parse_config): unique names and keys.
  void replace(const std::vector<SourceConfig>& sources);

  /// Shorthands on the current snapshot.
  std::shared_ptr<const Source> find_by_write_key(std::string_view key) const {
    return snapshot()->find_by_write_key(key);
  }
  bool any_allows_origin(std::string_view origin) const {
    return snapshot()->any_allows_origin(origin);
  }
  std::size_t size() const { return snapshot()->size(); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const SourceSet> current_;
  // Serializes replace() calls, so two reloads cannot both start from the same previous set.
  std::mutex replace_mutex_;
};

}  // namespace omni::collector::ingest
