#include <catch2/catch.hpp>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "http/connection_registry.hpp"
#include "metrics/metrics_catalog.hpp"
#include "metrics/metrics_text.hpp"
#include "store/sqlite_event_store.hpp"
#include "temp_dir.hpp"

using namespace omni::collector;
using namespace omni::collector::metrics;
using Labels = std::vector<std::pair<std::string, std::string>>;

namespace {

std::vector<Sample> scrape(const MetricsCatalog& catalog) {
  const std::string text = catalog.registry().render();
  std::vector<Sample> samples;
  std::string error;
  INFO(text);
  REQUIRE(parse_exposition(text, &samples, &error));
  return samples;
}

/// The value of the one sample with this name and exactly these labels; -1 when there is none.
double value_of(const std::vector<Sample>& samples, const std::string& name,
                const Labels& labels = {}) {
  double value = -1;
  int matches = 0;
  for (const Sample& s : samples) {
    if (s.name == name && s.labels == labels) {
      value = s.value;
      ++matches;
    }
  }
  REQUIRE(matches <= 1);
  return value;
}

StoredEvent row(const std::string& message_id) {
  StoredEvent r;
  r.source = "web";
  r.message_id = message_id;
  r.type = "track";
  r.event = "Product Viewed";
  r.timestamp = "2026-01-01T00:00:00.000Z";
  r.received_at_ms = 1767225600000;
  r.body = "{}";
  return r;
}

}  // namespace

TEST_CASE("every documented metric is exported with the series known at start at zero",
          "[metrics]") {
  MetricsCatalog catalog({"web", "pos"});
  const std::string text = catalog.registry().render();
  for (const char* type_line : {
           "# TYPE omni_http_requests_total counter\n",
           "# TYPE omni_http_request_duration_seconds histogram\n",
           "# TYPE omni_events_accepted_total counter\n",
           "# TYPE omni_events_rejected_total counter\n",
           "# TYPE omni_events_deduplicated_total counter\n",
           "# TYPE omni_rate_limited_requests_total counter\n",
           "# TYPE omni_store_commit_duration_seconds histogram\n",
           "# TYPE omni_store_commit_events histogram\n",
           "# TYPE omni_store_commit_failures_total counter\n",
           "# TYPE omni_http_connections_open gauge\n",
       }) {
    INFO(type_line);
    CHECK(text.find(type_line) != std::string::npos);
  }
  const auto samples = scrape(catalog);
  for (const char* source : {"web", "pos"}) {
    CHECK(value_of(samples, "omni_events_accepted_total", {{"source", source}}) == 0);
    CHECK(value_of(samples, "omni_events_deduplicated_total", {{"source", source}}) == 0);
    CHECK(value_of(samples, "omni_rate_limited_requests_total", {{"source", source}}) == 0);
    CHECK(value_of(samples, "omni_events_rejected_total",
                   {{"source", source}, {"reason", "invalid_event"}}) == 0);
    CHECK(value_of(samples, "omni_events_rejected_total",
                   {{"source", source}, {"reason", "event_too_large"}}) == 0);
  }
  for (const char* route : {"batch", "single", "healthz", "readyz", "admin_events",
                            "admin_export", "static", "not_found", "metrics"}) {
    CHECK(value_of(samples, "omni_http_request_duration_seconds_count", {{"route", route}}) == 0);
  }
  CHECK(value_of(samples, "omni_store_commit_events_count") == 0);
  CHECK(value_of(samples, "omni_http_connections_open") == 0);
}

TEST_CASE("each event of the collector moves exactly its own series", "[metrics]") {
  MetricsCatalog catalog({"web"});
  catalog.request_answered(http::Route::kIngestBatch, 200, 0.002);
  catalog.request_answered(http::Route::kIngestBatch, 200, 0.004);
  catalog.request_answered(http::Route::kIngestBatch, 400, 0.0001);
  catalog.request_refused(http::Route::kIngestSingle, 413);
  catalog.events_accepted("web", 5);
  catalog.events_deduplicated("web", 2);
  catalog.event_rejected("web", "invalid_event");
  catalog.event_rejected("web", "invalid_event");
  catalog.request_rate_limited("web");
  catalog.commit_finished(7, 1500, true);
  catalog.commit_finished(3, 250000, false);
  catalog.connections_open().add(2);

  const auto s = scrape(catalog);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "200"}}) == 2);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "400"}}) == 1);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "single"}, {"status", "413"}}) == 1);
  CHECK(value_of(s, "omni_http_request_duration_seconds_count", {{"route", "batch"}}) == 3);
  CHECK(value_of(s, "omni_http_request_duration_seconds_sum", {{"route", "batch"}}) ==
        Approx(0.0061));
  CHECK(value_of(s, "omni_http_request_duration_seconds_bucket",
                 {{"route", "batch"}, {"le", "0.0025"}}) == 2);
  CHECK(value_of(s, "omni_http_request_duration_seconds_count", {{"route", "single"}}) == 0);
  CHECK(value_of(s, "omni_events_accepted_total", {{"source", "web"}}) == 5);
  CHECK(value_of(s, "omni_events_deduplicated_total", {{"source", "web"}}) == 2);
  CHECK(value_of(s, "omni_events_rejected_total",
                 {{"source", "web"}, {"reason", "invalid_event"}}) == 2);
  CHECK(value_of(s, "omni_rate_limited_requests_total", {{"source", "web"}}) == 1);
  CHECK(value_of(s, "omni_store_commit_duration_seconds_count") == 2);
  CHECK(value_of(s, "omni_store_commit_duration_seconds_sum") == Approx(0.2515));
  CHECK(value_of(s, "omni_store_commit_events_count") == 1);  // failed commits are not sized
  CHECK(value_of(s, "omni_store_commit_events_sum") == 7);
  CHECK(value_of(s, "omni_store_commit_events_bucket", {{"le", "5"}}) == 0);
  CHECK(value_of(s, "omni_store_commit_events_bucket", {{"le", "10"}}) == 1);
  CHECK(value_of(s, "omni_store_commit_failures_total") == 1);
  CHECK(value_of(s, "omni_http_connections_open") == 2);
}

TEST_CASE("the connection registry keeps the open-connections gauge", "[metrics][connections]") {
  MetricsCatalog catalog;
  http::ConnectionRegistry registry(&catalog.connections_open());
  const auto a = registry.add(nullptr);
  const auto b = registry.add(nullptr);
  CHECK(catalog.connections_open().value() == 2);
  registry.remove(a);
  registry.remove(a);  // a second remove of the same id must not count twice
  CHECK(catalog.connections_open().value() == 1);
  registry.remove(b);
  CHECK(catalog.connections_open().value() == 0);
}

TEST_CASE("the SQLite store reports each group commit with its rows and time", "[metrics][store]") {
  testing::TempDir dir;
  MetricsCatalog catalog({"web"});
  SqliteOptions options;
  options.path = dir.file("events.db");
  options.on_commit = [&catalog](std::size_t rows, std::uint64_t micros, bool ok) {
    catalog.commit_finished(rows, micros, ok);
  };
  std::string error;
  auto store = SqliteEventStore::open(options, &error);
  REQUIRE(store);
  const auto submit = [&](std::vector<StoredEvent> rows) {
    std::promise<CommitOutcome> done;
    auto answered = done.get_future();
    store->submit(std::move(rows), [&done](CommitOutcome o) { done.set_value(std::move(o)); });
    return answered.get();
  };
  CHECK(submit({row("a"), row("b"), row("c")}).inserted == 3);
  CHECK(submit({row("a")}).duplicates == 1);
  CHECK(store->writable());  // a probe-only transaction is not a commit of events
  store->close();

  const auto s = scrape(catalog);
  CHECK(value_of(s, "omni_store_commit_events_count") == 2);
  CHECK(value_of(s, "omni_store_commit_events_sum") == 4);  // duplicates are rows of the group
  CHECK(value_of(s, "omni_store_commit_duration_seconds_count") == 2);
  CHECK(value_of(s, "omni_store_commit_duration_seconds_sum") > 0);
  CHECK(value_of(s, "omni_store_commit_failures_total") == 0);
}
