#include "http/router.hpp"

namespace omni::collector::http {
namespace {

using boost::beast::http::verb;

constexpr std::string_view kIngestAllow = "POST, OPTIONS";
constexpr std::string_view kGetAllow = "GET";
constexpr std::string_view kStaticAllow = "GET, HEAD";

struct SingleRoute {
  std::string_view path;
  EventType type;
};

// Segment's documented routes, then the one-letter ones Segment's analytics.js posts to
// (`${apiHost}/${type.charAt(0)}`), so a site can point analytics.js at this collector.
constexpr SingleRoute kSingleRoutes[] = {
    {"/v1/track", EventType::kTrack},       {"/v1/page", EventType::kPage},
    {"/v1/screen", EventType::kScreen},     {"/v1/identify", EventType::kIdentify},
    {"/v1/alias", EventType::kAlias},       {"/v1/group", EventType::kGroup},
    {"/v1/t", EventType::kTrack},           {"/v1/p", EventType::kPage},
    {"/v1/s", EventType::kScreen},          {"/v1/i", EventType::kIdentify},
    {"/v1/a", EventType::kAlias},           {"/v1/g", EventType::kGroup},
};

RouteMatch ingest(Route route, verb method, std::optional<EventType> type) {
  RouteMatch m;
  m.route = route;
  m.allow = kIngestAllow;
  m.event_type = type;
  m.preflight = method == verb::options;
  m.method_allowed = method == verb::post || method == verb::options;
  return m;
}

RouteMatch get_only(Route route, verb method) {
  RouteMatch m;
  m.route = route;
  m.allow = kGetAllow;
  m.method_allowed = method == verb::get;
  return m;
}

}  // namespace

RouteMatch match_route(verb method, std::string_view path, bool static_enabled) {
  // "/v1/b" is where analytics.js's batching delivery posts.
  if (path == "/v1/batch" || path == "/v1/b") return ingest(Route::kIngestBatch, method, std::nullopt);
  for (const auto& single : kSingleRoutes) {
    if (path == single.path) return ingest(Route::kIngestSingle, method, single.type);
  }
  if (path == "/healthz") return get_only(Route::kHealthz, method);
  if (path == "/readyz") return get_only(Route::kReadyz, method);
  if (path == "/v1/admin/events") return get_only(Route::kAdminEvents, method);
  if (path == "/v1/admin/export") return get_only(Route::kAdminExport, method);
  if (path == "/metrics") return get_only(Route::kMetrics, method);

  RouteMatch m;
  if (!static_enabled) return m;  // kNotFound, whatever the method
  m.route = Route::kStatic;
  m.allow = kStaticAllow;
  m.method_allowed = method == verb::get || method == verb::head;
  return m;
}

std::string_view route_name(Route route) {
  switch (route) {
    case Route::kNotFound: return "not_found";
    case Route::kIngestBatch: return "batch";
    case Route::kIngestSingle: return "single";
    case Route::kHealthz: return "healthz";
    case Route::kReadyz: return "readyz";
    case Route::kAdminEvents: return "admin_events";
    case Route::kAdminExport: return "admin_export";
    case Route::kStatic: return "static";
    case Route::kMetrics: return "metrics";
  }
  return "not_found";
}

}  // namespace omni::collector::http
