#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_event_store.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"
#include "metrics/metrics_handler.hpp"
#include "metrics/metrics_text.hpp"
#include "omni/effects.hpp"

using nlohmann::json;
using namespace omni::collector;
namespace bh = boost::beast::http;
using Labels = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr const char* kAdminToken = "0123456789abcdef";
constexpr const char* kWebAuth = "Basic d2tfd2ViOg==";  // wk_web
constexpr const char* kPosAuth = "Basic d2tfcG9zOg==";  // wk_pos

/// The collector's request path with metrics wired as Collector::run wires them.
struct Harness {
  Harness()
      : sources(make_sources()),
        catalog({"web", "pos"}),
        ingest(sources, store, clock, random, {}, &catalog),
        admin_events(kAdminToken, store, pool),
        probe(store, std::chrono::milliseconds(60000)),
        health(probe),
        metrics_handler(kAdminToken, catalog.registry()),
        dispatcher(sources, ingest, admin_events, health, nullptr, 1000, &metrics_handler,
                   &catalog) {}
  ~Harness() { pool.join(); }

  static std::vector<SourceConfig> make_sources() {
    SourceConfig web;
    web.name = "web";
    web.write_key = "wk_web";
    SourceConfig pos;
    pos.name = "pos";
    pos.write_key = "wk_pos";
    pos.rate_limit.events_per_second = 1;
    pos.rate_limit.burst = 1;
    return {web, pos};
  }

  http::StringResponse send(http::Request request) {
    auto promise = std::make_shared<std::promise<http::Response>>();
    auto future = promise->get_future();
    request.prepare_payload();
    dispatcher.handle(std::move(request), http::IpAddress(),
                      [promise](http::Response r) { promise->set_value(std::move(r)); });
    REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    http::Response response = future.get();
    REQUIRE(std::holds_alternative<http::StringResponse>(response));
    return std::get<http::StringResponse>(std::move(response));
  }

  http::StringResponse post_batch(const char* auth, const json& events) {
    http::Request request{bh::verb::post, "/v1/batch", 11};
    request.set(bh::field::content_type, "application/json");
    request.set(bh::field::authorization, auth);
    request.body() = json{{"batch", events}}.dump();
    return send(std::move(request));
  }

  http::StringResponse get_metrics(const char* authorization) {
    http::Request request{bh::verb::get, "/metrics", 11};
    if (authorization != nullptr) request.set(bh::field::authorization, authorization);
    return send(std::move(request));
  }

  std::vector<metrics::Sample> scrape() {
    const http::StringResponse res = get_metrics("Bearer 0123456789abcdef");
    REQUIRE(res.result_int() == 200);
    std::vector<metrics::Sample> samples;
    std::string error;
    INFO(res.body());
    REQUIRE(metrics::parse_exposition(res.body(), &samples, &error));
    return samples;
  }

  testing::FakeEventStore store;
  omni::ManualClock clock{1795000000123};
  omni::SeededRandom random{1};
  boost::asio::thread_pool pool{1};
  ingest::SourceRegistry sources;
  metrics::MetricsCatalog catalog;
  ingest::IngestHandler ingest;
  admin::AdminEventsHandler admin_events;
  admin::ReadinessProbe probe;
  admin::HealthHandler health;
  metrics::MetricsHandler metrics_handler;
  http::Dispatcher dispatcher;
};

double value_of(const std::vector<metrics::Sample>& samples, const std::string& name,
                const Labels& labels = {}) {
  for (const auto& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return 0;  // a series not created yet counts as zero
}

json track(const std::string& message_id) {
  return {{"type", "track"}, {"event", "Product Viewed"}, {"messageId", message_id},
          {"anonymousId", "anon-1"}};
}

}  // namespace

TEST_CASE("/metrics takes GET only and is a route of its own", "[metrics][router]") {
  const http::RouteMatch get = http::match_route(bh::verb::get, "/metrics", false);
  CHECK(get.route == http::Route::kMetrics);
  CHECK(get.method_allowed);
  const http::RouteMatch post = http::match_route(bh::verb::post, "/metrics", true);
  CHECK(post.route == http::Route::kMetrics);
  CHECK_FALSE(post.method_allowed);
  CHECK(post.allow == "GET");
  CHECK(http::match_route(bh::verb::get, "/metrics/", false).route == http::Route::kNotFound);
  CHECK(http::route_name(http::Route::kMetrics) == "metrics");
  CHECK(http::route_name(http::Route::kIngestBatch) == "batch");
  CHECK(http::route_name(http::Route::kAdminExport) == "admin_export");
}

TEST_CASE("/metrics answers the text format to the admin token and 401 otherwise",
          "[metrics][admin]") {
  Harness h;
  for (const char* refused : {static_cast<const char*>(nullptr), "Bearer wrong-token-123456",
                              "Bearer 0123456789abcde", "Basic d2tfd2ViOg=="}) {
    INFO((refused == nullptr ? "no Authorization" : refused));
    const http::StringResponse res = h.get_metrics(refused);
    CHECK(res.result_int() == 401);
    CHECK(json::parse(res.body(), nullptr, false)["error"]["code"] == "unauthorized");
    CHECK(res[bh::field::www_authenticate] == "Bearer");
    CHECK(res.body().find("omni_") == std::string::npos);
  }
  const http::StringResponse ok = h.get_metrics("Bearer 0123456789abcdef");
  CHECK(ok.result_int() == 200);
  CHECK(ok[bh::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(ok[bh::field::cache_control] == "no-store");
  CHECK(ok.body().find("# TYPE omni_http_requests_total counter\n") != std::string::npos);

  http::Request post{bh::verb::post, "/metrics", 11};
  const http::StringResponse wrong_method = h.send(std::move(post));
  CHECK(wrong_method.result_int() == 405);
  CHECK(wrong_method[bh::field::allow] == "GET");
}

TEST_CASE("/metrics is always 401 when no admin token is configured", "[metrics][admin]") {
  metrics::MetricsCatalog catalog;
  metrics::MetricsHandler handler("", catalog.registry());
  http::Request request{bh::verb::get, "/metrics", 11};
  request.set(bh::field::authorization, "Bearer ");
  CHECK(handler.handle(request, http::reply_context(request)).result_int() == 401);
}

TEST_CASE("requests and events are counted by route, status, source and reason",
          "[metrics][ingest]") {
  Harness h;
  const json good = json::array({track("m-1"), track("m-2")});
  REQUIRE(h.post_batch(kWebAuth, good).result_int() == 200);
  REQUIRE(h.post_batch(kWebAuth, good).result_int() == 200);  // both are duplicates now
  json bad = json::array({track("m-3"), {{"type", "track"}, {"messageId", "m-4"}},
                          {{"type", "nonsense"}, {"messageId", "m-5"}}});
  REQUIRE(h.post_batch(kWebAuth, bad).result_int() == 400);
  REQUIRE(h.post_batch(kPosAuth, json::array({track("p-1")})).result_int() == 200);
  REQUIRE(h.post_batch(kPosAuth, json::array({track("p-2")})).result_int() == 429);
  http::Request health{bh::verb::get, "/healthz", 11};
  REQUIRE(h.send(std::move(health)).result_int() == 200);
  http::Request unknown{bh::verb::get, "/nowhere", 11};
  REQUIRE(h.send(std::move(unknown)).result_int() == 404);

  const auto s = h.scrape();
  CHECK(value_of(s, "omni_events_accepted_total", {{"source", "web"}}) == 2);
  CHECK(value_of(s, "omni_events_deduplicated_total", {{"source", "web"}}) == 2);
  CHECK(value_of(s, "omni_events_rejected_total",
                 {{"source", "web"}, {"reason", "invalid_event"}}) == 2);
  CHECK(value_of(s, "omni_events_accepted_total", {{"source", "pos"}}) == 1);
  CHECK(value_of(s, "omni_rate_limited_requests_total", {{"source", "pos"}}) == 1);
  CHECK(value_of(s, "omni_rate_limited_requests_total", {{"source", "web"}}) == 0);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "200"}}) == 3);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "400"}}) == 1);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "429"}}) == 1);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "healthz"}, {"status", "200"}}) == 1);
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "not_found"}, {"status", "404"}}) ==
        1);
  CHECK(value_of(s, "omni_http_request_duration_seconds_count", {{"route", "batch"}}) == 5);
  // The scrape itself is counted once its answer is handed over, after the text was rendered.
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "metrics"}, {"status", "200"}}) == 0);
  CHECK(value_of(h.scrape(), "omni_http_requests_total",
                 {{"route", "metrics"}, {"status", "200"}}) == 1);
}

TEST_CASE("a body over the limit is counted as a 413 of its route", "[metrics]") {
  Harness h;
  http::Request header{bh::verb::post, "/v1/batch", 11};
  CHECK(h.dispatcher.body_too_large(header).result_int() == 413);
  const auto s = h.scrape();
  CHECK(value_of(s, "omni_http_requests_total", {{"route", "batch"}, {"status", "413"}}) == 1);
  CHECK(value_of(s, "omni_http_request_duration_seconds_count", {{"route", "batch"}}) == 0);
}
