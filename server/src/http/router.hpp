// Which handler a request goes to, from its method and path alone. Pure.
//
// API paths match exactly (no trailing slash, no decoding). With static files enabled every
// other path is a static file path (GET/HEAD); without, it is not found. A known path with a
// method it does not take is "method not allowed", with the methods it does take for the
// Allow header.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/beast/http/verb.hpp>

#include "omni/event.hpp"

namespace omni::collector::http {

enum class Route : std::uint8_t {
  kNotFound,
  kIngestBatch,   // POST /v1/batch
  kIngestSingle,  // POST /v1/track, /v1/page, /v1/screen, /v1/identify, /v1/alias, /v1/group
  kHealthz,       // GET /healthz
  kReadyz,        // GET /readyz
  kAdminEvents,   // GET /v1/admin/events
  kAdminExport,   // GET /v1/admin/export
  kStatic,        // GET/HEAD any other path, when static files are served
  kMetrics,       // GET /metrics (Prometheus text, admin token)
};

/// Every route, for tables kept per route (metrics).
inline constexpr Route kAllRoutes[] = {
    Route::kNotFound,    Route::kIngestBatch, Route::kIngestSingle,
    Route::kHealthz,     Route::kReadyz,      Route::kAdminEvents,
    Route::kAdminExport, Route::kStatic,      Route::kMetrics,
};

struct RouteMatch {
  Route route = Route::kNotFound;
  /// False: the path is known but not with this method (answer 405 with `allow`).
  bool method_allowed = true;
  /// Methods the path takes, for the Allow header ("POST, OPTIONS").
  std::string_view allow;
  /// kIngestSingle: the event type the route implies.
  std::optional<EventType> event_type;
  /// An OPTIONS request to an ingestion path (a CORS preflight, or a plain OPTIONS).
  bool preflight = false;
};

/// `path` is the request target without its query string.
RouteMatch match_route(boost::beast::http::verb method, std::string_view path, bool static_enabled);

/// The route's name in snake case ("batch", "admin_events", "not_found"), as metrics label it.
std::string_view route_name(Route route);

/// True for routes that take browser events (they carry CORS headers).
inline bool is_ingest_route(Route route) {
  return route == Route::kIngestBatch || route == Route::kIngestSingle;
}

}  // namespace omni::collector::http
