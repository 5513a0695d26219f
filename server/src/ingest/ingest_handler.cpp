#include "ingest/ingest_handler.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "http/auth.hpp"
#include "ingest/batch_parser.hpp"
#include "ingest/content_type.hpp"

namespace omni::collector::ingest {

using http::beast_http::field;
using nlohmann::json;

namespace {

std::int64_t monotonic_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

/// Every value of header `name`, joined with ", " (a proxy may add its own line).
std::string joined_header(const http::Request& request, std::string_view name) {
  std::string out;
  auto range = request.equal_range(boost::beast::string_view(name.data(), name.size()));
  for (auto it = range.first; it != range.second; ++it) {
    if (!out.empty()) out += ", ";
    out.append(it->value().data(), it->value().size());
  }
  return out;
}

json rejections_to_json(const std::vector<Rejection>& rejected) {
  json out = json::array();
  for (const auto& r : rejected) {
    json item = {{"index", r.index}};
    if (!r.message_id.empty()) item["messageId"] = r.message_id;
    item["code"] = r.code;
    item["message"] = r.message;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

IngestHandler::IngestHandler(SourceRegistry& sources, EventStore& store, Clock& clock,
                             Random& random, http::TrustedProxies trusted_proxies,
                             metrics::MetricsCatalog* metrics)
    : sources_(sources),
      store_(store),
      clock_(clock),
      random_(random),
      trusted_proxies_(std::move(trusted_proxies)),
      metrics_(metrics) {}

void IngestHandler::handle(http::Request&& request, std::optional<EventType> single_type,
                           http::ReplyContext ctx, http::Respond respond,
                           const http::IpAddress& peer, logging::RequestFacts* facts) {
  const std::int64_t received_at_ms = clock_.now_ms();

  if (!accepts_content_type(request[field::content_type])) {
    respond(http::unsupported_media_type(ctx));
    return;
  }

  // Held until the answer: a reload meanwhile does not take the source away from this request.
  std::shared_ptr<const Source> source;
  std::string header_key;
  switch (http::parse_basic_auth(request[field::authorization], &header_key)) {
    case http::BasicAuth::kMalformed:
      respond(http::invalid_write_key(ctx, "the Authorization header is not valid Basic credentials"));
      return;
    case http::BasicAuth::kPresent:
      source = sources_.find_by_write_key(header_key);
      if (source == nullptr) {
        respond(http::invalid_write_key(ctx, "no source has this write key"));
        return;
      }
      break;
    case http::BasicAuth::kAbsent:
      break;
  }

  IngestBody body;
  BodyError body_error;
  const bool parsed = parse_ingest_body(request.body(), single_type, &body, &body_error);
  request.body() = std::string();  // the text is no longer needed; free it before storing
  if (facts != nullptr && parsed) facts->events = body.events.size();
  if (facts != nullptr && source) facts->source = source->name;
  if (!parsed) {
    respond(body_error.kind == BodyErrorKind::kMalformedJson
                ? http::malformed_json(ctx, body_error.message)
                : http::invalid_request(ctx, body_error.message));
    return;
  }

  if (source == nullptr) {
    // The Basic key wins when both are sent; the body's key is used by sendBeacon clients.
    if (!body.write_key || body.write_key->empty()) {
      respond(http::missing_write_key(ctx));
      return;
    }
    source = sources_.find_by_write_key(*body.write_key);
    if (source == nullptr) {
      respond(http::invalid_write_key(ctx, "no source has this write key"));
      return;
    }
    if (facts != nullptr) facts->source = source->name;
  }

  const std::string_view origin = request[field::origin];
  if (!origin.empty()) {
    if (!source->origins.allows(origin)) {
      respond(http::origin_not_allowed(ctx));
      return;
    }
    ctx.cors_origin = std::string(origin);
  }

  // Never logged: a client IP is personal data.
  const std::string client_ip = http::format_client_ip(
      http::client_address(peer, joined_header(request, "Forwarded"),
                           joined_header(request, "X-Forwarded-For"), trusted_proxies_),
      source->ip_truncation);

  const std::size_t total = body.events.size();
  PreparedEvents prepared = prepare_events(std::move(body), single_type, source->name,
                                           received_at_ms, random_, client_ip);
  if (!prepared.rejected.empty()) {
    if (metrics_ != nullptr) {
      for (const Rejection& r : prepared.rejected) metrics_->event_rejected(source->name, r.code);
    }
    respond(http::invalid_batch(ctx, rejections_to_json(prepared.rejected), total));
    return;
  }

  std::uint32_t retry_after_s = 0;
  if (!source->limiter().try_acquire(prepared.rows.size(), monotonic_us(), &retry_after_s)) {
    if (metrics_ != nullptr) metrics_->request_rate_limited(source->name);
    respond(http::rate_limited(ctx, retry_after_s));
    return;
  }

  if (prepared.rows.empty()) {  // an empty batch: nothing to commit
    respond(http::ingest_accepted(ctx, 0, 0));
    return;
  }

  // The page's anonymous id as of its latest event (after a reset, the new one).
  std::optional<std::string> cookie =
      anonymous_id_set_cookie(source->cookie, origin, prepared.rows.back().anonymous_id);
  store_.submit(std::move(prepared.rows),
                [this, source, ctx = std::move(ctx), cookie = std::move(cookie),
                 respond = std::move(respond)](CommitOutcome outcome) {
                  // Runs on the store's writer thread: build the answer and hand it over.
                  if (outcome.ok) {
                    if (metrics_ != nullptr) {
                      metrics_->events_accepted(source->name, outcome.inserted);
                      metrics_->events_deduplicated(source->name, outcome.duplicates);
                    }
                    http::StringResponse res =
                        http::ingest_accepted(ctx, outcome.inserted, outcome.duplicates);
                    if (cookie) res.set(field::set_cookie, *cookie);
                    respond(std::move(res));
                    return;
                  }
                  store_errors_.log("store commit failed: " + outcome.error, clock_.now_ms());
                  respond(http::store_unavailable(ctx));
                });
}

}  // namespace omni::collector::ingest
