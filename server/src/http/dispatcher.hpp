// Routes each request to its handler and applies what every route shares: 404/405 answers,
// CORS for the ingestion routes (including preflights), keep-alive, and the per-route request
// metrics (every answer that goes through handle() is counted and timed; a 413 only counted)
// and the request log line (logging/request_log.hpp: route, status, duration, and for
// ingestion the event count and source name; never a path, query, header or IP).
//
// CORS before the source is known (preflights, and errors found before the write key is read)
// follows the rule for preflights: the Origin is echoed when any source admits it, so a browser
// can read why its request failed. Once the source is known, its own allowedOrigins decide.
#pragma once

#include <memory>

#include "admin/admin_events_handler.hpp"
#include "admin/health_handler.hpp"
#include "http/request_handler.hpp"
#include "http/router.hpp"
#include "http/static_file_handler.hpp"
#include "ingest/ingest_handler.hpp"
#include "ingest/source_registry.hpp"
#include "log.hpp"
#include "logging/request_log.hpp"
#include "metrics/metrics_catalog.hpp"
#include "metrics/metrics_handler.hpp"

namespace omni::collector::http {

class Dispatcher final : public RequestHandler {
 public:
  /// `static_files` may be null (no staticDir). `metrics_handler` may be null (/metrics is then
  /// not found); `metrics` may be null (nothing is counted); `log` may be null (no request
  /// lines). All must outlive the dispatcher.
  Dispatcher(const ingest::SourceRegistry& sources, ingest::IngestHandler& ingest,
             admin::AdminEventsHandler& admin_events, const admin::HealthHandler& health,
             const StaticFileHandler* static_files, std::size_t max_body_bytes,
             const metrics::MetricsHandler* metrics_handler = nullptr,
             metrics::MetricsCatalog* metrics = nullptr, const Logger* log = nullptr);

  /// A request with no known peer (tests that call the dispatcher directly): events get the
  /// unspecified address 0.0.0.0 as their client IP.
  void handle(Request&& request, const IpAddress& peer, Respond respond) override;
  StringResponse body_too_large(const Request& header) override;

 private:
  /// The reply context for a request, with CORS when the route answers other origins (ingestion,
  /// static files) and some source admits the Origin.
  ReplyContext context_for(const Request& header, bool cors_route) const;
  /// Answers a routed request (no metrics or logging here: handle() wraps `respond`); `facts`
  /// (may be null) goes to the ingest handler.
  void dispatch(Request&& request, const RouteMatch& match, std::string_view path,
                std::string_view query, const IpAddress& peer, Respond respond,
                logging::RequestFacts* facts);

  const ingest::SourceRegistry& sources_;
  ingest::IngestHandler& ingest_;
  admin::AdminEventsHandler& admin_events_;
  const admin::HealthHandler& health_;
  const StaticFileHandler* static_files_;
  const std::size_t max_body_bytes_;
  const metrics::MetricsHandler* metrics_handler_;
  metrics::MetricsCatalog* metrics_;
  const Logger* log_;
};

}  // namespace omni::collector::http
