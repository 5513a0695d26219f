#include "metrics/metrics_catalog.hpp"

#include <charconv>

namespace omni::collector::metrics {
namespace {

// Request latencies: a loopback health check takes tens of microseconds, a batch waits for an
// fsync (a millisecond or more), an export can stream for seconds.
std::vector<double> request_seconds_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// Commit times: from a cached fsync (sub-millisecond) to a stalled disk.
std::vector<double> commit_seconds_bounds() {
  return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
}

// Events per group commit: 1 (a lone request) up to the store's cap of 10,000 rows.
std::vector<double> commit_events_bounds() {
  return {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
}

// The codes prepare_events names rejected events with.
constexpr std::string_view kRejectionCodes[] = {"invalid_event", "event_too_large"};

}  // namespace

MetricsCatalog::MetricsCatalog(const std::vector<std::string>& source_names)
    : requests_(registry_.counter_family("omni_http_requests_total",
                                         "HTTP requests answered, by route and status code.",
                                         {"route", "status"})),
      request_duration_(registry_.histogram_family(
          "omni_http_request_duration_seconds",
          "Time from a complete request to its answer being ready to send, by route.", {"route"},
          request_seconds_bounds())),
      events_accepted_(registry_.counter_family(
          "omni_events_accepted_total", "Events newly stored (committed), by source.",
          {"source"})),
      events_rejected_(registry_.counter_family(
          "omni_events_rejected_total",
          "Events refused in a 400 invalid_batch answer, by source and rejection code.",
          {"source", "reason"})),
      events_deduplicated_(registry_.counter_family(
          "omni_events_deduplicated_total",
          "Events acknowledged but not stored again because their messageId was already "
          "stored, by source.",
          {"source"})),
      rate_limited_(registry_.counter_family(
          "omni_rate_limited_requests_total",
          "Ingestion requests answered 429 by the source's rate limit, by source.",
          {"source"})),
      commit_duration_(registry_.histogram(
          "omni_store_commit_duration_seconds",
          "Time of one group commit of the event store, from BEGIN to the end of COMMIT.",
          commit_seconds_bounds())),
      commit_events_(registry_.histogram("omni_store_commit_events",
                                         "Events in one successful group commit (duplicates included).",
                                         commit_events_bounds())),
      commit_failures_(registry_.counter(
          "omni_store_commit_failures_total",
          "Group commits that failed and were rolled back (their requests got 503).")),
      connections_open_(
          registry_.gauge("omni_http_connections_open", "HTTP connections currently open.")) {
  for (http::Route route : http::kAllRoutes) request_duration_.with({http::route_name(route)});
  add_sources(source_names);
}

void MetricsCatalog::add_sources(const std::vector<std::string>& source_names) {
  // with() finds an existing series or creates it, so sources already known are untouched.
  for (const std::string& source : source_names) {
    events_accepted_.with({source});
    events_deduplicated_.with({source});
    rate_limited_.with({source});
    for (std::string_view code : kRejectionCodes) events_rejected_.with({source, code});
  }
}

void MetricsCatalog::request_answered(http::Route route, unsigned status, double seconds) {
  request_refused(route, status);
  request_duration_.with({http::route_name(route)}).observe(seconds);
}

void MetricsCatalog::request_refused(http::Route route, unsigned status) {
  char digits[12];
  const auto end = std::to_chars(digits, digits + sizeof digits, status).ptr;
  const std::string_view status_text(digits, static_cast<std::size_t>(end - digits));
  requests_.with({http::route_name(route), status_text}).inc();
}

void MetricsCatalog::events_accepted(std::string_view source, std::uint64_t count) {
  events_accepted_.with({source}).inc(count);
}

void MetricsCatalog::events_deduplicated(std::string_view source, std::uint64_t count) {
  events_deduplicated_.with({source}).inc(count);
}

void MetricsCatalog::event_rejected(std::string_view source, std::string_view reason) {
  events_rejected_.with({source, reason}).inc();
}

void MetricsCatalog::request_rate_limited(std::string_view source) {
  rate_limited_.with({source}).inc();
}

void MetricsCatalog::commit_finished(std::size_t events, std::uint64_t micros, bool ok) {
  commit_duration_.observe(static_cast<double>(micros) / 1e6);
  if (ok) {
    commit_events_.observe(static_cast<double>(events));
  } else {
    commit_failures_.inc();
  }
}

}  // namespace omni::collector::metrics
