// GET /healthz (the process answers) and GET /readyz (the store takes writes). Neither touches
// the store: readiness comes from the ReadinessProbe's flag.
#pragma once

#include "admin/readiness_probe.hpp"
#include "http/responses.hpp"

namespace omni::collector::admin {

class HealthHandler {
 public:
  explicit HealthHandler(const ReadinessProbe& probe) : probe_(probe) {}

  /// 200 {"status":"ok"}
  http::StringResponse healthz(const http::ReplyContext& ctx) const;
  /// 200 {"status":"ready"}, or 503 store_unavailable with Retry-After.
  http::StringResponse readyz(const http::ReplyContext& ctx) const;

 private:
  const ReadinessProbe& probe_;
};

}  // namespace omni::collector::admin
