#include "http/dispatcher.hpp"

#include <chrono>
#include <variant>

#include "http/url.hpp"
#include "logging/request_log.hpp"

namespace omni::collector::http {

using beast_http::field;

Dispatcher::Dispatcher(const ingest::SourceRegistry& sources, ingest::IngestHandler& ingest,
                       admin::AdminEventsHandler& admin_events,
                       const admin::HealthHandler& health, const StaticFileHandler* static_files,
                       std::size_t max_body_bytes, const metrics::MetricsHandler* metrics_handler,
                       metrics::MetricsCatalog* metrics, const Logger* log)
    : sources_(sources),
      ingest_(ingest),
      admin_events_(admin_events),
      health_(health),
      static_files_(static_files),
      max_body_bytes_(max_body_bytes),
      metrics_handler_(metrics_handler),
      metrics_(metrics),
      log_(log) {}

namespace {

// Ingestion, and the static files: a shop on www.shop.example loads omni.js (with an SRI
// integrity, so in CORS mode) and fetches omni.wasm from collect.shop.example.
bool answers_cors(Route route) { return is_ingest_route(route) || route == Route::kStatic; }

}  // namespace

ReplyContext Dispatcher::context_for(const Request& header, bool cors_route) const {
  ReplyContext ctx = reply_context(header);
  if (cors_route) {
    ctx.vary_origin = true;
    const std::string_view origin = header[field::origin];
    if (!origin.empty() && sources_.any_allows_origin(origin)) ctx.cors_origin = std::string(origin);
  }
  return ctx;
}

StringResponse Dispatcher::body_too_large(const Request& header) {
  std::string_view path;
  std::string_view query;
  split_target(header.target(), &path, &query);
  const RouteMatch match = match_route(header.method(), path, static_files_ != nullptr);
  ReplyContext ctx = context_for(header, answers_cors(match.route));
  ctx.keep_alive = false;
  StringResponse res = payload_too_large(ctx, max_body_bytes_);
  if (metrics_ != nullptr) metrics_->request_refused(match.route, res.result_int());
  if (log_ != nullptr) logging::log_request(*log_, match.route, res.result_int(), -1, nullptr);
  return res;
}

void Dispatcher::handle(Request&& request, const IpAddress& peer, Respond respond) {
  std::string_view path;
  std::string_view query;
  split_target(request.target(), &path, &query);
  const RouteMatch match = match_route(request.method(), path, static_files_ != nullptr);
  // The handler fills these in before it answers; the wrapper below reads them then.
  std::shared_ptr<logging::RequestFacts> facts;
  if (metrics_ != nullptr || log_ != nullptr) {
    if (log_ != nullptr) facts = std::make_shared<logging::RequestFacts>();
    // Counted and logged when the answer is handed over, whichever thread that happens on.
    respond = [inner = std::move(respond), metrics = metrics_, log = log_, facts,
               answered_route = match.route,
               start = std::chrono::steady_clock::now()](Response response) {
      const unsigned status = std::visit([](const auto& m) { return m.result_int(); }, response);
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      if (metrics != nullptr) metrics->request_answered(answered_route, status, elapsed.count());
      if (log != nullptr) {
        logging::log_request(*log, answered_route, status, elapsed.count(), facts.get());
      }
      inner(std::move(response));
    };
  }
  dispatch(std::move(request), match, path, query, peer, std::move(respond), facts.get());
}

void Dispatcher::dispatch(Request&& request, const RouteMatch& match, std::string_view path,
                          std::string_view query, const IpAddress& peer, Respond respond,
                          logging::RequestFacts* facts) {
  ReplyContext ctx = context_for(request, answers_cors(match.route));

  if (match.route == Route::kNotFound) {
    respond(not_found(ctx));
    return;
  }
  if (!match.method_allowed) {
    // Under a static directory every path is a potential file: only an existing one is a
    // resource that merely has the wrong method.
    if (match.route == Route::kStatic && !static_files_->exists(path)) {
      respond(not_found(ctx));
    } else {
      respond(method_not_allowed(ctx, match.allow));
    }
    return;
  }

  switch (match.route) {
    case Route::kIngestBatch:
    case Route::kIngestSingle:
      if (match.preflight) {
        // A preflight carries no key, so any source admitting the Origin is enough.
        if (request[field::origin].empty()) {
          respond(options_allowed(ctx, match.allow));
        } else if (ctx.cors_origin.empty()) {
          respond(origin_not_allowed(ctx));
        } else {
          respond(preflight_allowed(ctx));
        }
        return;
      }
      ingest_.handle(std::move(request), match.event_type, std::move(ctx), std::move(respond),
                    peer, facts);
      return;
    case Route::kHealthz:
      respond(health_.healthz(ctx));
      return;
    case Route::kReadyz:
      respond(health_.readyz(ctx));
      return;
    case Route::kAdminEvents:
      admin_events_.handle(request, query, std::move(ctx), std::move(respond));
      return;
    case Route::kAdminExport:
      admin_events_.handle_export(request, query, std::move(ctx), std::move(respond));
      return;
    case Route::kStatic:
      respond(static_files_->serve(request, path, ctx));
      return;
    case Route::kMetrics:
      if (metrics_handler_ == nullptr) break;  // not served: 404 below
      respond(metrics_handler_->handle(request, ctx));
      return;
    case Route::kNotFound:
      break;
  }
  respond(not_found(ctx));
}

}  // namespace omni::collector::http
