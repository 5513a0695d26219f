#include "ingest/source_registry.hpp"

#include "http/auth.hpp"

namespace omni::collector::ingest {

SourceRegistry::SourceRegistry(const std::vector<SourceConfig>& sources) {
  sources_.reserve(sources.size());
  for (const auto& config : sources) sources_.push_back(std::make_unique<Source>(config));
}

Source* SourceRegistry::find_by_write_key(std::string_view key) const {
  Source* found = nullptr;
  for (const auto& source : sources_) {
    // Compare against every source; keys are unique, so at most one matches.
    if (http::constant_time_equal(key, source->write_key)) found = source.get();
  }
  return found;
}

bool SourceRegistry::any_allows_origin(std::string_view origin) const {
  for (const auto& source : sources_) {
    if (source->origins.allows(origin)) return true;
  }
  return false;
}

}  // namespace omni::collector::ingest
