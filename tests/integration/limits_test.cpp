// Slow, greedy and oversized clients: none of them may tie up the collector.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

/// Header and body timeouts of 500 ms keep these tests fast.
json short_timeouts_config() {
  json config = default_config();
  config["limits"]["headerTimeoutMs"] = 500;
  config["limits"]["bodyTimeoutMs"] = 500;
  return config;
}

std::string batch_request_head(std::size_t content_length) {
  return "POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Authorization: " +
         basic_auth(kWebWriteKey).value + "\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n\r\n";
}

/// A body of about `bytes` bytes that is a valid batch.
std::string batch_of_about(std::size_t bytes) {
  std::vector<json> events;
  std::string body = batch_body(events);
  while (body.size() < bytes) {
    for (int i = 0; i < 50; ++i) events.push_back(product_viewed());
    body = batch_body(events);
  }
  return body;
}

bool is_success_answer(const std::string& received) {
  return received.rfind("HTTP/1.1 2", 0) == 0 || received.rfind("HTTP/1.0 2", 0) == 0;
}

void require_still_serving(const CollectorProcess& collector) {
  HttpClient client(collector.host(), collector.port());
  const HttpResponse response = post_batch(client, kWebWriteKey, {product_viewed()});
  INFO(response.describe());
  REQUIRE(response.status == 200);
}

}  // namespace

TEST_CASE("a client that sends its headers byte by byte slower than the header timeout is "
          "disconnected",
          "[limits][timeouts]") {
  CollectorProcess collector(short_timeouts_config());
  RawConnection slow(collector.host(), collector.port());
  const std::string head = batch_request_head(2);
  const auto started = SteadyClock::now();

  // One byte every 50 ms: the whole head would take several seconds, well past 500 ms.
  bool cut_off = false;
  for (const char byte : head) {
    if (!slow.send(std::string(1, byte))) {
      cut_off = true;
      break;
    }
    if (SteadyClock::now() - started > 5s) break;
    std::this_thread::sleep_for(50ms);
  }
  if (!cut_off) cut_off = slow.closed_by_peer(2s);
  const auto after = SteadyClock::now() - started;

  INFO("received: " << slow.received());
  CHECK(cut_off);
  CHECK(after >= 400ms);
  CHECK(after < 3s);
  CHECK_FALSE(is_success_answer(slow.received()));
  require_still_serving(collector);
}

TEST_CASE("a connection that never sends a request is closed after the header timeout",
          "[limits][timeouts]") {
  CollectorProcess collector(short_timeouts_config());
  RawConnection silent(collector.host(), collector.port());
  const auto started = SteadyClock::now();

  const bool closed = silent.closed_by_peer(3s);

  CHECK(closed);
  CHECK(SteadyClock::now() - started >= 400ms);
  require_still_serving(collector);
}

TEST_CASE("a client that stops sending its body is disconnected after the body timeout",
          "[limits][timeouts]") {
  CollectorProcess collector(short_timeouts_config());
  const std::string body = batch_body(product_views(5));
  RawConnection stalled(collector.host(), collector.port());
  REQUIRE(stalled.send(batch_request_head(body.size()) + body.substr(0, body.size() / 2)));
  const auto started = SteadyClock::now();

  const bool closed = stalled.closed_by_peer(3s);

  INFO("received: " << stalled.received());
  CHECK(closed);
  CHECK(SteadyClock::now() - started >= 400ms);
  CHECK_FALSE(is_success_answer(stalled.received()));
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
  require_still_serving(collector);
}

TEST_CASE("connections above maxConnections are refused until one closes", "[limits]") {
  json config = default_config();
  config["limits"]["maxConnections"] = 4;
  config["limits"]["headerTimeoutMs"] = 10000;  // the held connections must stay open meanwhile
  CollectorProcess collector(config);

  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<HttpClient>(collector.host(), collector.port()));
    const HttpResponse response = held.back()->get("/healthz");
    INFO("connection " << i << ": " << response.describe());
    REQUIRE(response.status == 200);
    REQUIRE(held.back()->connected());
  }

  {
    RawConnection extra(collector.host(), collector.port());
    extra.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const bool closed = extra.closed_by_peer(3s);
    INFO("received: " << extra.received());
    CHECK(closed);
    if (!extra.received().empty()) CHECK(extra.received().rfind("HTTP/1.1 503", 0) == 0);
  }
  CHECK_THAT(collector.stderr_text(),
             Catch::Contains("connection refused: over limits.maxConnections"));

  held.front()->close();
  const auto deadline = SteadyClock::now() + 3s;
  unsigned status = 0;
  while (SteadyClock::now() < deadline) {
    HttpClient fresh(collector.host(), collector.port());
    HttpResponse response;
    std::string error;
    if (fresh.try_send({"GET", "/healthz", {}, {}}, &response, &error)) {
      status = response.status;
      if (status == 200) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  CHECK(status == 200);
}

TEST_CASE("a 600 KB body gets 413 payload_too_large", "[limits]") {
  CollectorProcess collector;  // maxBodyBytes 512000, the default
  HttpClient client(collector.host(), collector.port());
  const std::string body = batch_of_about(600 * 1024);

  const HttpResponse response = client.post("/v1/batch", body, {basic_auth(kWebWriteKey)});

  INFO(response.status << " " << response.body.substr(0, 300));
  CHECK(response.status == 413);
  CHECK(response.error_code() == "payload_too_large");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
  require_still_serving(collector);
}

TEST_CASE("a 600 KB chunked body gets 413 payload_too_large", "[limits]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  HttpRequest request{"POST",
                      "/v1/batch",
                      {basic_auth(kWebWriteKey), {"Content-Type", "application/json"}},
                      batch_of_about(600 * 1024),
                      true};

  const HttpResponse response = client.send(request);

  INFO(response.status << " " << response.body.substr(0, 300));
  CHECK(response.status == 413);
  CHECK(response.error_code() == "payload_too_large");
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 0);
}

TEST_CASE("a body just under maxBodyBytes is accepted whole", "[limits]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  // {"batch":[e1,e2,...]}: 12 bytes of frame, each event's bytes and a comma between two.
  std::vector<json> events;
  std::size_t size = 12;
  for (;;) {
    json event = product_viewed();
    const std::size_t grown = size + event.dump().size() + (events.empty() ? 0 : 1);
    if (grown > 500 * 1024) break;
    size = grown;
    events.push_back(std::move(event));
  }
  const std::string body = batch_body(events);
  REQUIRE(body.size() <= 500 * 1024);
  REQUIRE(body.size() > 490 * 1024);

  const HttpResponse response = client.post("/v1/batch", body, {basic_auth(kWebWriteKey)});

  INFO(response.status << " " << response.body.substr(0, 300));
  CHECK(response.status == 200);
  CHECK(accepted_of(response) == static_cast<long long>(events.size()));
  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == events.size());
}
