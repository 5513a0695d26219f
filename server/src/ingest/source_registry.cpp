#include "ingest/source_registry.hpp"

#include <utility>

#include "http/auth.hpp"

namespace omni::collector::ingest {
namespace {

/// Hand-built configs (tests) may set only write_key.
std::vector<std::string> keys_of(const SourceConfig& config) {
  if (!config.write_keys.empty()) return config.write_keys;
  if (!config.write_key.empty()) return {config.write_key};
  return {};
}

bool same_rate_limit(const RateLimitConfig& a, const RateLimitConfig& b) {
  return a.events_per_second == b.events_per_second && a.burst == b.burst;
}

}  // namespace

Source::Source(const SourceConfig& config, std::shared_ptr<http::RateLimiter> limiter)
    : name(config.name),
      write_keys(keys_of(config)),
      origins(config.allowed_origins),
      rate_limit(config.rate_limit),
      ip_truncation(config.ip_truncation),
      cookie{config.cookie_domain, config.cookie_max_age_days},
      limiter_(std::move(limiter)) {}

SourceSet::SourceSet(const std::vector<SourceConfig>& sources, const SourceSet* previous) {
  sources_.reserve(sources.size());
  for (const SourceConfig& config : sources) {
    std::shared_ptr<http::RateLimiter> limiter;
    if (previous != nullptr) {
      const std::shared_ptr<const Source> before = previous->find_by_name(config.name);
      if (before && same_rate_limit(before->rate_limit, config.rate_limit)) {
        limiter = before->shared_limiter();
      }
    }
    if (!limiter) {
      limiter = std::make_shared<http::RateLimiter>(config.rate_limit.events_per_second,
                                                    config.rate_limit.burst);
    }
    sources_.push_back(std::make_shared<const Source>(config, std::move(limiter)));
  }
}

std::shared_ptr<const Source> SourceSet::find_by_write_key(std::string_view key) const {
  std::shared_ptr<const Source> found;
  for (const auto& source : sources_) {
    // Compare against every key of every source; keys are unique, so at most one matches.
    for (const std::string& candidate : source->write_keys) {
      if (http::constant_time_equal(key, candidate)) found = source;
    }
  }
  return found;
}

std::shared_ptr<const Source> SourceSet::find_by_name(std::string_view name) const {
  for (const auto& source : sources_) {
    if (source->name == name) return source;
  }
  return nullptr;
}

bool SourceSet::any_allows_origin(std::string_view origin) const {
  for (const auto& source : sources_) {
    if (source->origins.allows(origin)) return true;
  }
  return false;
}

std::size_t SourceSet::key_count() const {
  std::size_t count = 0;
  for (const auto& source : sources_) count += source->write_keys.size();
  return count;
}

std::vector<std::string> SourceSet::names() const {
  std::vector<std::string> out;
  out.reserve(sources_.size());
  for (const auto& source : sources_) out.push_back(source->name);
  return out;
}

SourceRegistry::SourceRegistry(const std::vector<SourceConfig>& sources)
    : current_(std::make_shared<const SourceSet>(sources, nullptr)) {}

std::shared_ptr<const SourceSet> SourceRegistry::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

void SourceRegistry::replace(const std::vector<SourceConfig>& sources) {
  std::lock_guard<std::mutex> serial(replace_mutex_);
  // Built outside the snapshot lock: lookups go on while the new set is made.
  auto next = std::make_shared<const SourceSet>(sources, snapshot().get());
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(next);
}

}  // namespace omni::collector::ingest
