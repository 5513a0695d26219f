// POST /v1/batch and /v1/track|page|screen|identify|alias|group: from request to durable rows.
//
// Order of checks (each failure answers at once and stores nothing):
//   Content-Type (415) → Basic auth write key if sent (401) → body JSON and shape (400) →
//   body writeKey if no Basic key (401) → Origin against the source (403) → every event
//   (400 invalid_batch naming each fault) → the source's rate limit (429) → the store.
// The answer 200 {"success":true,"accepted":N,"duplicates":M} is sent only from the store's
// done(), after the commit; a failed commit answers 503 store_unavailable. Rate-limit tokens
// are taken only by requests that would be stored, so a refused request costs the client none.
// Every stored event gets context.ip, the client address decided from the connection's peer and,
// behind trusted proxies only, the forwarding headers (client_ip.hpp); it is never logged.
#pragma once

#include <optional>

#include "http/client_ip.hpp"
#include "http/message.hpp"
#include "http/responses.hpp"
#include "ingest/source_registry.hpp"
#include "log.hpp"
#include "logging/request_log.hpp"
#include "metrics/metrics_catalog.hpp"
#include "omni/effects.hpp"
#include "omni/event.hpp"
#include "store/event_store.hpp"

namespace omni::collector::ingest {

class IngestHandler {
 public:
  /// `clock` stamps receivedAt; `random` makes messageIds for events without one. Both must be
  /// safe to call from several io threads at once (SystemClock and SystemRandom are).
  /// `trusted_proxies`: the peers whose forwarding headers name the client (client_ip.hpp).
  /// `metrics` (may be null) counts accepted, deduplicated and rejected events and rate-limited
  /// requests per source; it must outlive the handler.
  IngestHandler(SourceRegistry& sources, EventStore& store, Clock& clock, Random& random,
                http::TrustedProxies trusted_proxies = {},
                metrics::MetricsCatalog* metrics = nullptr);

  /// `single_type`: the route's event type, nullopt for /v1/batch. `ctx` carries the CORS
  /// headers allowed before the source is known (origin admitted by any source). `peer`: the
  /// connection's TCP peer, the start of the client IP stored as context.ip. `facts` (may be
  /// null) receives the event count and source name for the request log line; it is written
  /// only before `respond` is called and must live until then.
  void handle(http::Request&& request, std::optional<EventType> single_type,
              http::ReplyContext ctx, http::Respond respond,
              const http::IpAddress& peer = http::IpAddress(),
              logging::RequestFacts* facts = nullptr);

 private:
  SourceRegistry& sources_;
  EventStore& store_;
  Clock& clock_;
  Random& random_;
  const http::TrustedProxies trusted_proxies_;
  metrics::MetricsCatalog* const metrics_;
  ThrottledLog store_errors_{10000};
};

}  // namespace omni::collector::ingest
