// Every metric the collector exports, named and documented in one place (docs/operations.md
// lists them for operators), with one method per thing that happens.
//
// Series whose label values are known at start (every route, every configured source, the two
// event rejection codes) are created in the constructor, so they render from 0 and a rate()
// over them starts at the first scrape; the rest (a route with a status not seen yet) appear
// on first use. Every method is thread-safe and lock-free once its series exists.
//
// Ownership: the catalog owns its Registry; it must outlive every component it was handed to
// (the collector declares it before them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "metrics/metrics_registry.hpp"

namespace omni::collector::metrics {

class MetricsCatalog {
 public:
  /// `source_names`: the configured sources, whose per-source series start at 0.
  explicit MetricsCatalog(const std::vector<std::string>& source_names = {});
  MetricsCatalog(const MetricsCatalog&) = delete;
  MetricsCatalog& operator=(const MetricsCatalog&) = delete;

  const Registry& registry() const { return registry_; }

  /// Creates the per-source series of sources added by a config reload, so they render from 0
  /// like those configured at start. Series of sources already present, or since removed, stay
  /// (a counter never disappears while the process lives).
  void add_sources(const std::vector<std::string>& source_names);

  /// A request was answered with `status` after `seconds` (from the complete request to the
  /// answer being ready to write).
  void request_answered(http::Route route, unsigned status, double seconds);
  /// A request refused 413 before its body was read: counted, but not timed (no handler ran).
  void request_refused(http::Route route, unsigned status);

  void events_accepted(std::string_view source, std::uint64_t count);
  void events_deduplicated(std::string_view source, std::uint64_t count);
  /// One event named in a 400 invalid_batch answer; `reason` is its code there.
  void event_rejected(std::string_view source, std::string_view reason);
  /// A request answered 429 by the source's rate limit.
  void request_rate_limited(std::string_view source);

  /// A group commit that held `events` rows, duplicates included (submissions only, not a
  /// probe-only transaction), took `micros`; `ok` false when it failed and was rolled back.
  void commit_finished(std::size_t events, std::uint64_t micros, bool ok);

  /// The open connections, kept by the ConnectionRegistry.
  Gauge& connections_open() { return connections_open_; }

 private:
  Registry registry_;  // declared first: every reference below points into it
  Family<Counter>& requests_;
  Family<Histogram>& request_duration_;
  Family<Counter>& events_accepted_;
  Family<Counter>& events_rejected_;
  Family<Counter>& events_deduplicated_;
  Family<Counter>& rate_limited_;
  Histogram& commit_duration_;
  Histogram& commit_events_;
  Counter& commit_failures_;
  Gauge& connections_open_;
};

}  // namespace omni::collector::metrics
