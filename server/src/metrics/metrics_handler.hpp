// GET /metrics: the catalog's registry as Prometheus text (version 0.0.4), behind the admin
// token like the other operator routes: "Authorization: Bearer <adminToken>", else 401
// unauthorized (always 401 when no adminToken is configured).
//
// Rendering reads atomics only and takes no lock an update takes, so a scrape never slows
// ingestion. Thread-safe; the registry must outlive the handler.
#pragma once

#include <string>

#include "http/message.hpp"
#include "http/responses.hpp"
#include "metrics/metrics_registry.hpp"

namespace omni::collector::metrics {

/// The Content-Type of the text exposition format.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

class MetricsHandler {
 public:
  MetricsHandler(std::string admin_token, const Registry& registry);

  http::StringResponse handle(const http::Request& request, const http::ReplyContext& ctx) const;

 private:
  const std::string admin_token_;
  const Registry& registry_;
};

}  // namespace omni::collector::metrics
