// Retention, end to end: a source with retentionDays loses its events older than that while the
// collector keeps ingesting; other sources and recent events stay. The old events are made by a
// first collector and aged by rewriting received_at in the file while no collector runs: the
// collector itself has no way to be told another time.
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/sqlite_file.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// Stores `batches` x 100 web events and 20 pos events with a first collector, then ages every
// stored event by `days`. Returns the web events' message ids.
std::vector<std::string> store_aged_events(const json& config, const std::string& database,
                                           int batches, std::int64_t days) {
  std::vector<std::string> web_ids;
  {
    CollectorProcess first(config);
    HttpClient client(first.host(), first.port());
    for (int i = 0; i < batches; ++i) {
      const std::vector<json> events = product_views(100);
      REQUIRE(post_batch(client, kWebWriteKey, events).status == 200);
      for (const std::string& id : message_ids(events)) web_ids.push_back(id);
    }
    REQUIRE(post_batch(client, kPosWriteKey, product_views(20)).status == 200);
    REQUIRE(first.stop().clean());
  }
  sqlite_exec(database,
              "UPDATE events SET received_at = received_at - " + std::to_string(days * kDayMs));
  return web_ids;
}

}  // namespace

TEST_CASE("retentionDays deletes a source's old events in the background while it ingests",
          "[retention]") {
  TempDir dir;
  const std::string database = dir.file("events.db");
  json config = default_config();
  config["storage"]["path"] = database;

  // 1,600 web events and 20 pos events, three days old.
  const std::vector<std::string> old_web = store_aged_events(config, database, 16, 3);

  config["sources"][0]["retentionDays"] = 1;  // web
  config["sources"][1]["retentionDays"] = 7;  // pos: 3 days old is kept
  CollectorProcess collector(config);

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::vector<std::string> anomalies;
  std::thread sender([&] {
    HttpClient client(collector.host(), collector.port(), 30s);
    while (!stop.load()) {
      const std::vector<json> events = product_views(20);
      const HttpResponse response = post_batch(client, kWebWriteKey, events);
      std::lock_guard<std::mutex> lock(mutex);
      if (response.status != 200) {
        anomalies.push_back(response.describe());
        continue;
      }
      for (const std::string& id : message_ids(events)) acknowledged.push_back(id);
    }
  });

  // The first sweep runs about 2 s after start.
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  std::int64_t old_left = -1;
  while (std::chrono::steady_clock::now() < give_up) {
    old_left = sqlite_integer(database, "SELECT count(*) FROM events WHERE source = 'web' AND"
                                        " received_at < " +
                                            std::to_string(sqlite_integer(
                                                database, "SELECT CAST(strftime('%s','now') AS"
                                                          " INTEGER) * 1000") -
                                                           kDayMs));
    if (old_left == 0) break;
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(300ms);  // ingestion continues after the sweep
  stop = true;
  sender.join();
  CHECK(old_left == 0);
  for (const std::string& anomaly : anomalies) FAIL_CHECK(anomaly);

  EventDatabase stored(database);
  const auto web = stored.message_id_counts("web");
  std::size_t old_found = 0;
  for (const std::string& id : old_web) old_found += web.count(id);
  CHECK(old_found == 0);
  CHECK(stored.count("pos") == 20);
  std::size_t new_missing = 0;
  for (const std::string& id : acknowledged) {
    const auto found = web.find(id);
    if (found == web.end() || found->second != 1) ++new_missing;
  }
  INFO("events acknowledged during retention: " << acknowledged.size());
  CHECK(acknowledged.size() >= 20);
  CHECK(new_missing == 0);
  CHECK(stored.count("web") == acknowledged.size());
  // Keys went with the events: the key log has one row per stored event.
  CHECK(sqlite_integer(database, "SELECT count(*) FROM event_key_log WHERE event_id NOT IN"
                                 " (SELECT id FROM events)") == 0);

  // An old messageId is new again; a recent one is still a duplicate.
  HttpClient client(collector.host(), collector.port());
  const HttpResponse old_again = post_batch(client, kWebWriteKey, {product_viewed(old_web[0])});
  CHECK(accepted_of(old_again) == 1);
  const HttpResponse recent_again =
      post_batch(client, kWebWriteKey, {product_viewed(acknowledged.front())});
  CHECK(duplicates_of(recent_again) == 1);
  REQUIRE(collector.stop().clean());
  CHECK_THAT(collector.stderr_text(),
             Catch::Contains(R"("msg":"retention sweep","deleted":1600)"));
}

TEST_CASE("a retentionDays set by a config reload applies without a restart", "[retention]") {
  TempDir dir;
  const std::string database = dir.file("events.db");
  json config = default_config();
  config["storage"]["path"] = database;
  store_aged_events(config, database, 3, 3);

  CollectorProcess collector(config);  // no retention yet
  EventDatabase stored(database);
  std::this_thread::sleep_for(2500ms);  // past the first sweep a retention task would make
  CHECK(stored.count("web") == 300);

  config["sources"][0]["retentionDays"] = 2;
  collector.replace_config(config.dump());
  collector.send_signal(SIGHUP);
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (stored.count("web") != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(100ms);
  }
  CHECK(stored.count("web") == 0);
  CHECK(stored.count("pos") == 20);  // no retention for pos
  REQUIRE(collector.stop().clean());
  CHECK_THAT(collector.stderr_text(), Catch::Contains(R"("msg":"config reloaded")"));
  CHECK_THAT(collector.stderr_text(),
             Catch::Contains(R"("msg":"retention sweep","deleted":300)"));
}
