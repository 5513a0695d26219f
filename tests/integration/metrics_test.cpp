// GET /metrics on the real collector: the admin token guards it, and the counters it exports
// move by exactly what the traffic did.
#include <catch2/catch.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

/// The value of the sample line that starts with exactly `series` (name and labels as the
/// collector writes them), or -1 when there is none.
double sample(const std::string& text, std::string_view series) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + at, end - at);
    at = end + 1;
    if (line.size() > series.size() && line.substr(0, series.size()) == series &&
        line[series.size()] == ' ') {
      const std::string_view number = line.substr(series.size() + 1);
      double value = 0;
      const auto result = std::from_chars(number.data(), number.data() + number.size(), value);
      return result.ec == std::errc() ? value : -1;
    }
  }
  return -1;
}

std::string scrape(HttpClient& client) {
  const HttpResponse response = client.get("/metrics", {bearer(kAdminToken)});
  INFO(response.describe());
  REQUIRE(response.status == 200);
  return response.body;
}

/// A track event over the 32 KB per-event limit.
json oversized_event() {
  json event = product_viewed();
  event["properties"]["padding"] = std::string(40 * 1024, 'x');
  return event;
}

}  // namespace

TEST_CASE("/metrics answers only to the admin token", "[metrics]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const std::vector<Header>& headers :
       {std::vector<Header>{}, std::vector<Header>{bearer("admin-token-integration-wrong")},
        std::vector<Header>{basic_auth(kWebWriteKey)}}) {
    const HttpResponse refused = client.get("/metrics", headers);
    INFO(refused.describe());
    CHECK(refused.status == 401);
    CHECK(refused.error_code() == "unauthorized");
    CHECK(refused.body.find("omni_") == std::string::npos);
  }

  const HttpResponse ok = client.get("/metrics", {bearer(kAdminToken)});
  INFO(ok.describe());
  CHECK(ok.status == 200);
  CHECK(ok.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(ok.body.find("# TYPE omni_events_accepted_total counter\n") != std::string::npos);

  const HttpResponse post = client.post("/metrics", "", {bearer(kAdminToken)});
  CHECK(post.status == 405);
  CHECK(post.header("Allow") == "GET");
}

TEST_CASE("the counters move by exactly the events accepted, rejected and deduplicated",
          "[metrics]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::string before = scrape(client);

  const std::vector<json> good = product_views(3);
  const HttpResponse accepted = post_batch(client, kWebWriteKey, good);
  INFO(accepted.describe());
  REQUIRE(accepted.status == 200);
  REQUIRE(accepted_of(accepted) == 3);

  json missing_name = product_viewed();
  missing_name.erase("event");
  const HttpResponse rejected =
      post_batch(client, kWebWriteKey, {product_viewed(), missing_name, oversized_event()});
  INFO(rejected.describe());
  REQUIRE(rejected.status == 400);

  const HttpResponse duplicate = post_batch(client, kWebWriteKey, good);
  INFO(duplicate.describe());
  REQUIRE(duplicate.status == 200);
  REQUIRE(duplicates_of(duplicate) == 3);

  const std::string after = scrape(client);
  INFO(after);
  const auto moved = [&](std::string_view series) {
    const double was = sample(before, series);
    const double is = sample(after, series);
    INFO(series);
    REQUIRE(was >= 0);  // every checked series exists from the start
    REQUIRE(is >= 0);
    return is - was;
  };
  CHECK(moved("omni_events_accepted_total{source=\"web\"}") == 3);
  CHECK(moved("omni_events_deduplicated_total{source=\"web\"}") == 3);
  CHECK(moved("omni_events_rejected_total{source=\"web\",reason=\"invalid_event\"}") == 1);
  CHECK(moved("omni_events_rejected_total{source=\"web\",reason=\"event_too_large\"}") == 1);
  CHECK(moved("omni_events_accepted_total{source=\"pos\"}") == 0);
  CHECK(moved("omni_rate_limited_requests_total{source=\"web\"}") == 0);
  CHECK(moved("omni_store_commit_events_count") == 2);
  CHECK(moved("omni_store_commit_events_sum") == 6);
  CHECK(moved("omni_store_commit_duration_seconds_count") == 2);
  CHECK(moved("omni_store_commit_failures_total") == 0);
  CHECK(moved("omni_http_request_duration_seconds_count{route=\"batch\"}") == 3);
  // The first batch created these series, so they are read from the second scrape alone.
  CHECK(sample(after, "omni_http_requests_total{route=\"batch\",status=\"200\"}") == 2);
  CHECK(sample(after, "omni_http_requests_total{route=\"batch\",status=\"400\"}") == 1);
  // The first scrape was answered (and counted) before the second was rendered.
  CHECK(sample(after, "omni_http_requests_total{route=\"metrics\",status=\"200\"}") == 1);
  CHECK(sample(after, "omni_http_connections_open") >= 1);  // this client's own connection
}
