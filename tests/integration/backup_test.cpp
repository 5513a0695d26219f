// Online backups, end to end: `omni-collector backup` copies the store of a collector that is
// ingesting without pause; the copy must be complete up to the moment the backup began, open as
// a store at the current schema version, and serve a second collector.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"
#include "support/sqlite_file.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kBatchSize = 50;

/// Batches acknowledged by the collector, each with the moment its 200 arrived.
struct Acknowledged {
  std::mutex mutex;
  std::vector<std::pair<Clock::time_point, std::vector<std::string>>> batches;
  std::vector<std::string> anomalies;
};

/// Sends batches without pause until `stop`, recording what was acknowledged and when.
void send_continuously(const CollectorProcess& collector, const std::atomic<bool>& stop,
                       Acknowledged& acknowledged) {
  HttpClient client(collector.host(), collector.port(), 30s);
  while (!stop.load()) {
    const std::vector<json> events = product_views(kBatchSize);
    HttpResponse response;
    std::string error;
    const HttpRequest request{"POST", "/v1/batch",
                              {basic_auth(kWebWriteKey), {"Content-Type", "application/json"}},
                              batch_body(events)};
    const bool answered = client.try_send(request, &response, &error);
    const Clock::time_point at = Clock::now();
    std::lock_guard<std::mutex> lock(acknowledged.mutex);
    if (!answered || response.status != 200) {
      acknowledged.anomalies.push_back(answered ? response.describe() : error);
      continue;
    }
    acknowledged.batches.emplace_back(at, message_ids(events));
  }
}

}  // namespace

TEST_CASE("a backup taken under load holds every event acknowledged before it began",
          "[backup]") {
  CollectorProcess collector;
  const std::string config = collector.directory() + "/collector.json";
  TempDir out;
  const std::string copy = out.file("omni-backup.db");

  std::atomic<bool> stop{false};
  Acknowledged acknowledged;
  std::thread sender([&] { send_continuously(collector, stop, acknowledged); });
  // Let the store grow while the load keeps going.
  const auto warm_until = Clock::now() + 20s;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(acknowledged.mutex);
      if (acknowledged.batches.size() >= 100 || Clock::now() > warm_until) break;
    }
    std::this_thread::sleep_for(20ms);
  }

  const Clock::time_point backup_started = Clock::now();
  const RunResult backup =
      run_collector_to_exit({"backup", "--config", config, "--to", copy}, {}, 60s);
  const Clock::time_point backup_ended = Clock::now();
  std::this_thread::sleep_for(200ms);  // ingestion goes on after the backup too
  stop = true;
  sender.join();

  INFO("backup stderr: " << backup.err);
  REQUIRE(backup.status.exited);
  REQUIRE(backup.status.code == 0);
  CHECK_THAT(backup.out, Catch::Contains("written to " + copy));
  CHECK_THAT(backup.out, Catch::Contains("schema version 2"));
  for (const std::string& anomaly : acknowledged.anomalies) FAIL_CHECK(anomaly);

  CHECK(sqlite_text(copy, "PRAGMA integrity_check") == "ok");
  CHECK(sqlite_integer(copy, "PRAGMA user_version") == 2);
  CHECK(sqlite_text(copy, "PRAGMA journal_mode") == "delete");
  CHECK_FALSE(std::filesystem::exists(copy + ".tmp"));

  EventDatabase copied(copy);
  const auto stored = copied.message_id_counts("web");
  std::size_t before = 0;
  std::size_t missing = 0;
  std::size_t during_or_after = 0;
  for (const auto& [at, ids] : acknowledged.batches) {
    if (at >= backup_started) {
      ++during_or_after;
      continue;
    }
    ++before;
    for (const std::string& id : ids) {
      const auto found = stored.find(id);
      if (found == stored.end() || found->second != 1) ++missing;
    }
  }
  INFO("batches acknowledged before the backup: " << before << ", during or after: "
                                                   << during_or_after << ", backup took "
                                                   << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                          backup_ended - backup_started)
                                                          .count()
                                                   << " ms");
  CHECK(before >= 50);
  CHECK(during_or_after >= 1);  // the collector kept acknowledging while the copy was made
  CHECK(missing == 0);
  // Whole batches only: every stored batch is complete.
  CHECK(copied.count() % kBatchSize == 0);

  // Restoring is opening the copy: a second collector serves it and deduplicates its events.
  json restored_config = default_config();
  restored_config["storage"]["path"] = copy;
  CollectorProcess restored(restored_config);
  HttpClient client(restored.host(), restored.port());
  const std::string known = acknowledged.batches.front().second.front();
  const HttpResponse listed = admin_events(client, "limit=1");
  INFO(listed.describe());
  REQUIRE(listed.status == 200);
  CHECK(value_at(listed.json(), "/events").size() == 1);
  const HttpResponse retried =
      post_batch(client, kWebWriteKey, {product_viewed(known)});
  CHECK(duplicates_of(retried) == 1);
  REQUIRE(restored.stop().clean());
}

TEST_CASE("backup refuses an existing file unless --force and explains its arguments",
          "[backup]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  REQUIRE(post_batch(client, kWebWriteKey, product_views(5)).status == 200);
  const std::string config = collector.directory() + "/collector.json";
  TempDir out;
  const std::string copy = out.file("copy.db");
  out.write("copy.db", "not to be overwritten");

  const RunResult refused = run_collector_to_exit({"backup", "--config", config, "--to", copy}, {});
  CHECK(refused.status.code == 1);
  CHECK_THAT(refused.err, Catch::Contains("already exists") && Catch::Contains("--force"));
  CHECK(file_bytes(copy) == "not to be overwritten");

  const RunResult forced =
      run_collector_to_exit({"backup", "--config", config, "--to", copy, "--force"}, {});
  INFO(forced.err);
  CHECK(forced.status.code == 0);
  CHECK(sqlite_integer(copy, "SELECT count(*) FROM events") == 5);

  const RunResult no_target = run_collector_to_exit({"backup", "--config", config}, {});
  CHECK(no_target.status.code == 2);
  CHECK_THAT(no_target.err, Catch::Contains("--to PATH is required"));
  CHECK_THAT(no_target.err, Catch::Contains("usage:"));
  const RunResult bad_config =
      run_collector_to_exit({"backup", "--config", "missing.json", "--to", copy}, {});
  CHECK(bad_config.status.code == 2);
}
