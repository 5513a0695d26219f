// The configured sources, looked up by write key, each with its origin policy and rate limiter.
//
// Built once from the config and never changed, so lookups need no lock; a source's rate
// limiter has its own. Write keys are compared in constant time against every source (no
// early exit), so response timing does not reveal a key or which source nearly matched.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "http/cors.hpp"
#include "http/rate_limiter.hpp"
#include "ingest/anonymous_id_cookie.hpp"

namespace omni::collector::ingest {

struct Source {
  explicit Source(const SourceConfig& config)
      : name(config.name),
        write_key(config.write_key),
        origins(config.allowed_origins),
        limiter(config.rate_limit.events_per_second, config.rate_limit.burst),
        ip_truncation(config.ip_truncation),
        cookie{config.cookie_domain, config.cookie_max_age_days} {}

  const std::string name;
  const std::string write_key;
  const http::OriginPolicy origins;
  http::RateLimiter limiter;
  const http::IpTruncation ip_truncation;
  const AnonymousIdCookie cookie;
};

class SourceRegistry {
 public:
  explicit SourceRegistry(const std::vector<SourceConfig>& sources);

  /// The source with this write key, or nullptr.
  Source* find_by_write_key(std::string_view key) const;

  /// True when some source admits `origin` (used for CORS preflights, which carry no key).
  bool any_allows_origin(std::string_view origin) const;

  std::size_t size() const { return sources_.size(); }

 private:
  std::vector<std::unique_ptr<Source>> sources_;
};

}  // namespace omni::collector::ingest
