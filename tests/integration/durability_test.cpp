// "Nothing acknowledged is lost": clients send batches as fast as they can, the collector is
// killed with SIGKILL mid-load (no shutdown, no flush), restarted on the same database, and every
// batch that was answered 200 must be stored exactly once. Batches that got no answer may be
// stored or not, but never in part.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kBatchSize = 100;
constexpr int kClients = 4;

/// What one client thread saw: batches answered 200 and batches whose fate it does not know.
struct ClientRecord {
  std::vector<std::vector<std::string>> acknowledged;
  std::vector<std::vector<std::string>> unanswered;
  std::vector<std::string> anomalies;  // answers that break the contract, e.g. a wrong count
};

/// Sends batches of random-UUIDv4 events until the collector stops answering or `stop` is set.
void send_until_gone(const CollectorProcess& collector, const std::atomic<bool>& stop,
                     std::atomic<std::size_t>& acknowledged_batches, ClientRecord& record) {
  HttpClient client(collector.host(), collector.port(), 30s);
  while (!stop.load()) {
    const std::vector<json> events = product_views(kBatchSize);
    std::vector<std::string> ids = message_ids(events);
    const HttpRequest request{"POST", "/v1/batch",
                              {basic_auth(kWebWriteKey), {"Content-Type", "application/json"}},
                              batch_body(events)};
    HttpResponse response;
    std::string error;
    if (!client.try_send(request, &response, &error)) {
      record.unanswered.push_back(std::move(ids));
      return;  // killed: every later attempt would be refused
    }
    if (response.status != 200) {
      record.unanswered.push_back(std::move(ids));
      record.anomalies.push_back("non-200 answer under load: " + response.describe());
      continue;
    }
    const long long counted = accepted_of(response) + duplicates_of(response);
    if (counted != static_cast<long long>(kBatchSize)) {
      record.anomalies.push_back("200 counting " + std::to_string(counted) + " of " +
                                 std::to_string(kBatchSize) + " events: " + response.describe());
    }
    record.acknowledged.push_back(std::move(ids));
    acknowledged_batches.fetch_add(1);
  }
}

/// Runs the clients until at least `min_batches` were acknowledged and `min_load` passed, then
/// kills the collector while they are still sending.
std::vector<ClientRecord> load_then_kill(CollectorProcess& collector, std::size_t min_batches,
                                         std::chrono::milliseconds min_load) {
  std::vector<ClientRecord> records(kClients);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> acknowledged{0};
  std::vector<std::thread> clients;
  for (ClientRecord& record : records) {
    clients.emplace_back(
        [&collector, &stop, &acknowledged, &record] {
          send_until_gone(collector, stop, acknowledged, record);
        });
  }
  const auto started = std::chrono::steady_clock::now();
  const auto give_up = started + 30s;
  while ((acknowledged.load() < min_batches || std::chrono::steady_clock::now() - started < min_load) &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  collector.kill_hard();
  stop.store(true);
  for (std::thread& client : clients) client.join();
  return records;
}

}  // namespace

TEST_CASE("every batch acknowledged before kill -9 is stored exactly once after restart",
          "[durability]") {
  CollectorProcess collector;
  std::vector<std::vector<std::string>> acknowledged;
  std::vector<std::vector<std::string>> unanswered;
  std::vector<std::string> anomalies;

  // Two rounds: the second kill hits a database that was itself recovered from a kill.
  for (int round = 1; round <= 2; ++round) {
    INFO("round " << round);
    std::vector<ClientRecord> records = load_then_kill(collector, 20, 1500ms);
    for (ClientRecord& record : records) {
      for (auto& ids : record.acknowledged) acknowledged.push_back(std::move(ids));
      for (auto& ids : record.unanswered) unanswered.push_back(std::move(ids));
      for (auto& anomaly : record.anomalies) anomalies.push_back(std::move(anomaly));
    }
    collector.start();  // same config, same database
  }

  INFO("acknowledged batches: " << acknowledged.size()
                                << ", unanswered batches: " << unanswered.size());
  REQUIRE(acknowledged.size() >= 40);
  for (const std::string& anomaly : anomalies) FAIL_CHECK(anomaly);

  EventDatabase database(collector.database_path());
  const std::unordered_map<std::string, std::size_t> stored = database.message_id_counts("web");
  const auto count_of = [&](const std::string& id) -> std::size_t {
    const auto found = stored.find(id);
    return found == stored.end() ? 0 : found->second;
  };

  std::size_t lost = 0;
  std::size_t duplicated = 0;
  std::size_t expected_rows = 0;
  std::string first_lost;
  for (const auto& batch : acknowledged) {
    for (const std::string& id : batch) {
      const std::size_t n = count_of(id);
      if (n == 0 && lost++ == 0) first_lost = id;
      if (n > 1) ++duplicated;
    }
    expected_rows += batch.size();
  }
  INFO("first lost messageId: " << first_lost);
  CHECK(lost == 0);
  CHECK(duplicated == 0);

  std::size_t torn_batches = 0;
  std::size_t stored_unanswered = 0;
  for (const auto& batch : unanswered) {
    std::size_t present = 0;
    for (const std::string& id : batch) {
      const std::size_t n = count_of(id);
      if (n > 1) ++duplicated;
      if (n > 0) ++present;
    }
    if (present != 0 && present != batch.size()) ++torn_batches;
    if (present == batch.size()) ++stored_unanswered;
    expected_rows += present;
  }
  INFO("unanswered batches found stored whole: " << stored_unanswered);
  CHECK(torn_batches == 0);
  CHECK(duplicated == 0);
  // Nothing else is in the table: every row belongs to a batch some client sent.
  CHECK(database.count() == expected_rows);

  // The recovered collector still deduplicates and still stores.
  HttpClient client(collector.host(), collector.port());
  std::vector<json> resent;
  for (const std::string& id : acknowledged.front()) resent.push_back(product_viewed(id));
  const HttpResponse retried = post_batch(client, kWebWriteKey, resent);
  INFO(retried.describe());
  CHECK(retried.status == 200);
  CHECK(duplicates_of(retried) == static_cast<long long>(kBatchSize));
  const HttpResponse fresh = post_batch(client, kWebWriteKey, product_views(kBatchSize));
  CHECK(fresh.status == 200);
  CHECK(accepted_of(fresh) == static_cast<long long>(kBatchSize));
}
