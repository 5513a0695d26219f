// SIGHUP on the real collector: write keys rotate with no lost events, origins and rate limits
// change, new sources appear, a broken file changes nothing, and open connections stay open
// (issue 7).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKeyA = "wk_rotation_old_A_0123456789";
constexpr const char* kKeyB = "wk_rotation_new_B_9876543210";
constexpr const char* kKeyC = "wk_rotation_app_C_5555555555";
constexpr const char* kNewOrigin = "https://new-shop.example";

/// default_config() with the web source on `keys` and idle connections kept for a minute.
json config_with_web_keys(const std::vector<std::string>& keys) {
  json config = default_config();
  config["sources"][0].erase("writeKey");
  config["sources"][0]["writeKeys"] = keys;
  config["limits"]["headerTimeoutMs"] = 60000;
  return config;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

/// Sends SIGHUP and waits until the collector has logged one more reload outcome (reloaded or
/// rejected); returns the log line of that outcome.
std::string reload(CollectorProcess& collector) {
  const auto outcomes = [&] {
    const std::string log = collector.stderr_text();
    return count_of(log, "\"msg\":\"config reloaded\"") +
           count_of(log, "\"msg\":\"config reload rejected");
  };
  const std::size_t before = outcomes();
  collector.send_signal(SIGHUP);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (outcomes() == before) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(10ms);
  }
  const std::string log = collector.stderr_text();
  const std::size_t reloaded = log.rfind("\"msg\":\"config reload");
  const std::size_t start = log.rfind('\n', reloaded) == std::string::npos ? 0 : log.rfind('\n', reloaded) + 1;
  return log.substr(start, log.find('\n', reloaded) - start);
}

unsigned post_with(const CollectorProcess& collector, std::string_view key, std::size_t events = 1,
                   std::vector<Header> headers = {}) {
  HttpClient client(collector.host(), collector.port());
  return post_batch(client, key, product_views(events), std::move(headers)).status;
}

/// Posts batches on one kept-alive connection until stopped, with whatever key `key` holds
/// (the client's side of a rotation), and records what was acknowledged.
class Sender {
 public:
  Sender(const CollectorProcess& collector, std::string key)
      : client_(collector.host(), collector.port()), key_(std::move(key)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Sender() { stop(); }

  void use_key(std::string key) {
    std::lock_guard<std::mutex> lock(mutex_);
    key_ = std::move(key);
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<std::string> acknowledged() const { return acknowledged_; }
  std::vector<std::string> failures() const { return failures_; }

 private:
  void run() {
    while (!stopping_) {
      std::string key;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        key = key_;
      }
      const std::vector<json> events = product_views(2);
      HttpResponse response;
      std::string error;
      const HttpRequest request{"POST", "/v1/batch",
                                {basic_auth(key), {"Content-Type", "application/json"}},
                                batch_body(events)};
      if (!client_.try_send(request, &response, &error)) {
        failures_.push_back("no answer: " + error);
      } else if (response.status / 100 == 2) {
        for (const std::string& id : message_ids(events)) acknowledged_.push_back(id);
      } else {
        failures_.push_back(response.describe());
      }
    }
  }

  HttpClient client_;
  std::mutex mutex_;
  std::string key_;
  std::atomic<bool> stopping_{false};
  std::vector<std::string> acknowledged_;
  std::vector<std::string> failures_;
  std::thread thread_;
};

/// One request on a raw kept-alive socket; true when a 200 came back and the socket stayed open.
bool healthz_on(RawConnection& connection, std::size_t answers_before) {
  if (!connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")) return false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (count_of(connection.received(), "HTTP/1.1 200") <= answers_before) {
    if (connection.closed_by_peer(50ms)) return false;
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a write key rotates through SIGHUP with no lost events and no dropped connection",
          "[reload]") {
  CollectorProcess collector(config_with_web_keys({kKeyA}));
  RawConnection kept(collector.host(), collector.port());
  REQUIRE(healthz_on(kept, 0));

  Sender sender(collector, kKeyA);
  std::this_thread::sleep_for(200ms);

  // Step 1: both keys are valid.
  collector.replace_config(config_with_web_keys({kKeyB, kKeyA}).dump(2));
  const std::string first = reload(collector);
  INFO(first);
  CHECK(first.find("\"sources\":\"web,pos\"") != std::string::npos);
  CHECK(first.find("\"writeKeys\":3") != std::string::npos);
  CHECK(post_with(collector, kKeyB) == 200);
  CHECK(post_with(collector, kKeyA) == 200);
  sender.use_key(kKeyB);  // the client moves to the new key
  std::this_thread::sleep_for(200ms);

  // Step 2: the old key is retired.
  collector.replace_config(config_with_web_keys({kKeyB}).dump(2));
  const std::string second = reload(collector);
  INFO(second);
  CHECK(second.find("\"msg\":\"config reloaded\"") != std::string::npos);
  CHECK(post_with(collector, kKeyA) == 401);
  CHECK(post_with(collector, kKeyB) == 200);
  std::this_thread::sleep_for(200ms);
  sender.stop();

  CHECK(healthz_on(kept, 1));
  const std::vector<std::string> failures = sender.failures();
  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  const std::vector<std::string> acknowledged = sender.acknowledged();
  CHECK(acknowledged.size() > 10);
  EventDatabase database(collector.database_path());
  std::size_t missing = 0;
  for (const std::string& id : acknowledged) missing += database.count("web", id) == 1 ? 0 : 1;
  CHECK(missing == 0);

  const std::string log = collector.stderr_text();
  for (const char* key : {kKeyA, kKeyB}) CHECK(log.find(key) == std::string::npos);
}

TEST_CASE("a broken config is rejected with its reason and the running config stays",
          "[reload]") {
  CollectorProcess collector(config_with_web_keys({kKeyB}));

  collector.replace_config("{ \"listen\": \"127.0.0.1:0\", ");
  const std::string syntax = reload(collector);
  INFO(syntax);
  CHECK(syntax.find("\"level\":\"error\"") != std::string::npos);
  CHECK(syntax.find("not valid JSON") != std::string::npos);
  CHECK(post_with(collector, kKeyB) == 200);

  json duplicate = config_with_web_keys({kKeyB});
  duplicate["sources"][1]["writeKey"] = kKeyB;
  collector.replace_config(duplicate.dump(2));
  const std::string twice = reload(collector);
  INFO(twice);
  CHECK(twice.find("sources[1].writeKey: is used by an earlier source") != std::string::npos);
  CHECK(post_with(collector, kKeyB) == 200);
  CHECK(post_with(collector, kPosWriteKey) == 200);

  collector.replace_config(config_with_web_keys({kKeyA}).dump(2));
  CHECK(reload(collector).find("\"msg\":\"config reloaded\"") != std::string::npos);
  CHECK(post_with(collector, kKeyA) == 200);
  CHECK(post_with(collector, kKeyB) == 401);
  CHECK(collector.stderr_text().find(kKeyB) == std::string::npos);
}

TEST_CASE("origins, rate limits and new sources change on reload", "[reload]") {
  CollectorProcess collector(config_with_web_keys({kKeyA}));
  HttpClient client(collector.host(), collector.port());
  const HttpRequest preflight{"OPTIONS", "/v1/batch",
                              {{"Origin", kNewOrigin},
                               {"Access-Control-Request-Method", "POST"},
                               {"Access-Control-Request-Headers", "content-type"}},
                              ""};
  REQUIRE(client.send(preflight).status == 403);
  REQUIRE(post_with(collector, kPosWriteKey, 3) == 200);
  REQUIRE(post_with(collector, kKeyC) == 401);

  json next = config_with_web_keys({kKeyA});
  next["sources"][0]["allowedOrigins"].push_back(kNewOrigin);
  next["sources"][1]["rateLimit"] = {{"eventsPerSecond", 0.001}, {"burst", 2}};
  next["sources"].push_back({{"name", "app"}, {"writeKey", kKeyC}});
  next["threads"] = 3;  // needs a restart: named in a warning, the rest applies
  collector.replace_config(next.dump(2));
  const std::string outcome = reload(collector);
  INFO(outcome);
  CHECK(outcome.find("\"sources\":\"web,pos,app\"") != std::string::npos);
  CHECK(collector.stderr_text().find("\"keys\":\"threads\"") != std::string::npos);

  const HttpResponse allowed = client.send(preflight);
  INFO(allowed.describe());
  CHECK(allowed.status == 204);
  CHECK(allowed.header("Access-Control-Allow-Origin") == kNewOrigin);
  CHECK(post_with(collector, kKeyA, 1, {{"Origin", kNewOrigin}}) == 200);

  CHECK(post_with(collector, kPosWriteKey, 2) == 200);
  CHECK(post_with(collector, kPosWriteKey, 1) == 429);

  CHECK(post_with(collector, kKeyC, 2) == 200);
  const HttpResponse metrics = client.get("/metrics", {bearer(kAdminToken)});
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("omni_events_accepted_total{source=\"app\"} 2") != std::string::npos);
  CHECK(metrics.body.find("omni_rate_limited_requests_total{source=\"app\"} 0") !=
        std::string::npos);
}

TEST_CASE("a reload with the same rate limit keeps the bucket's state", "[reload]") {
  json config = config_with_web_keys({kKeyA});
  config["sources"][1]["rateLimit"] = {{"eventsPerSecond", 0.001}, {"burst", 2}};
  CollectorProcess collector(config);
  REQUIRE(post_with(collector, kPosWriteKey, 2) == 200);
  REQUIRE(post_with(collector, kPosWriteKey, 1) == 429);

  config["sources"][1]["allowedOrigins"] = json::array({kNewOrigin});  // something else changes
  collector.replace_config(config.dump(2));
  CHECK(reload(collector).find("\"msg\":\"config reloaded\"") != std::string::npos);
  CHECK(post_with(collector, kPosWriteKey, 1) == 429);
}
