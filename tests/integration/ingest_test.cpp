// Ingestion end to end: what the collector answers 200 to is in its database, once.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

void require_accepted(const HttpResponse& response, long long accepted, long long duplicates) {
  INFO(response.describe());
  REQUIRE(response.status == 200);
  CHECK(value_at(response.json(), "/success") == true);
  CHECK(accepted_of(response) == accepted);
  CHECK(duplicates_of(response) == duplicates);
}

}  // namespace

TEST_CASE("each single-event route stores one event of the route's type", "[ingest]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  for (const char* type : {"track", "page", "screen", "identify", "alias", "group"}) {
    INFO("POST /v1/" << type);
    const std::string id = random_uuid_v4();
    const json event = event_for_route(type, id);
    require_accepted(post_event(client, type, kWebWriteKey, event), 1, 0);

    EventDatabase database(collector.database_path());
    CHECK(database.count("web", id) == 1);
    const auto stored = database.body("web", id);
    REQUIRE(stored);
    CHECK(value_at(*stored, "/type") == type);
    CHECK(value_at(*stored, "/messageId") == id);
    CHECK(value_at(*stored, "/anonymousId") == "anon-routes");
  }
  EventDatabase database(collector.database_path());
  CHECK(database.count() == 6);
}

TEST_CASE("a single-event route keeps the event's fields", "[ingest]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json event = product_viewed();

  require_accepted(post_event(client, "track", kWebWriteKey, event), 1, 0);

  EventDatabase database(collector.database_path());
  const auto stored = database.body("web", event["messageId"].get<std::string>());
  REQUIRE(stored);
  CHECK(value_at(*stored, "/event") == "Product Viewed");
  CHECK(value_at(*stored, "/properties") == event["properties"]);
  CHECK(value_at(*stored, "/context/page/path") == "/p/trail-runner-2");
  CHECK(value_at(*stored, "/timestamp") == "2026-11-22T19:22:42.123Z");
}

TEST_CASE("a batch stores every event it carries", "[ingest]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  std::vector<json> events;
  for (const char* type : {"track", "page", "screen", "identify", "alias", "group"}) {
    json event = event_for_route(type, random_uuid_v4());
    event["type"] = type;
    events.push_back(event);
  }

  require_accepted(post_batch(client, kWebWriteKey, events), 6, 0);

  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 6);
  for (const json& event : events) {
    const auto stored = database.body("web", event["messageId"].get<std::string>());
    REQUIRE(stored);
    CHECK(value_at(*stored, "/type") == event["type"]);
  }
}

TEST_CASE("batch-level context is merged into each event's context", "[ingest]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json with_context = product_viewed();
  const json without_context = track_event("Checkout Started", random_uuid_v4());
  const json extra = {
      {"context", {{"library", {{"name", "omni-integration"}, {"version", "1.0.0"}}},
                   {"locale", "de-DE"}}}};

  const HttpResponse response = client.post(
      "/v1/batch", batch_body({with_context, without_context}, extra), {basic_auth(kWebWriteKey)});
  require_accepted(response, 2, 0);

  EventDatabase database(collector.database_path());
  const auto first = database.body("web", with_context["messageId"].get<std::string>());
  const auto second = database.body("web", without_context["messageId"].get<std::string>());
  REQUIRE(first);
  REQUIRE(second);
  CHECK(value_at(*first, "/context/page/path") == "/p/trail-runner-2");
  CHECK(value_at(*first, "/context/library/name") == "omni-integration");
  CHECK(value_at(*first, "/context/locale") == "de-DE");
  CHECK(value_at(*second, "/context/library/name") == "omni-integration");
  CHECK(value_at(*second, "/context/locale") == "de-DE");
}

TEST_CASE("an event's own context keys win over the batch's", "[ingest]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  json event = product_viewed();
  event["context"]["locale"] = "fr-FR";
  const json extra = {{"context", {{"locale", "de-DE"}, {"timezone", "Europe/Berlin"}}}};

  require_accepted(
      client.post("/v1/batch", batch_body({event}, extra), {basic_auth(kWebWriteKey)}), 1, 0);

  EventDatabase database(collector.database_path());
  const auto stored = database.body("web", event["messageId"].get<std::string>());
  REQUIRE(stored);
  CHECK(value_at(*stored, "/context/locale") == "fr-FR");
  CHECK(value_at(*stored, "/context/timezone") == "Europe/Berlin");
}

TEST_CASE("a retried batch is stored once", "[ingest][dedup]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = product_views(3);

  require_accepted(post_batch(client, kWebWriteKey, events), 3, 0);
  // The retry comes on a fresh connection, as after a lost answer.
  HttpClient retry(collector.host(), collector.port());
  require_accepted(post_batch(retry, kWebWriteKey, events), 0, 3);

  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 3);
  for (const std::string& id : message_ids(events)) CHECK(database.count("web", id) == 1);
}

TEST_CASE("a batch that partly repeats an earlier one stores only the new events",
          "[ingest][dedup]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> first = product_views(4);
  std::vector<json> second = {first[1], first[3]};
  for (const json& event : product_views(2)) second.push_back(event);

  require_accepted(post_batch(client, kWebWriteKey, first), 4, 0);
  require_accepted(post_batch(client, kWebWriteKey, second), 2, 2);

  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 6);
}

TEST_CASE("a duplicate inside one batch is stored once", "[ingest][dedup]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json repeated = product_viewed();
  const json other = product_viewed();

  require_accepted(post_batch(client, kWebWriteKey, {repeated, other, repeated}), 2, 1);

  EventDatabase database(collector.database_path());
  CHECK(database.count("web", repeated["messageId"].get<std::string>()) == 1);
  CHECK(database.count("web") == 2);
}

TEST_CASE("the same messageId in two sources is stored once in each", "[ingest][dedup]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json event = product_viewed();

  require_accepted(post_batch(client, kWebWriteKey, {event}), 1, 0);
  require_accepted(post_batch(client, kPosWriteKey, {event}), 1, 0);
  require_accepted(post_batch(client, kPosWriteKey, {event}), 0, 1);

  EventDatabase database(collector.database_path());
  CHECK(database.sources_of(event["messageId"].get<std::string>()) ==
        std::vector<std::string>{"pos", "web"});
}

TEST_CASE("concurrent clients all get their events stored exactly once", "[ingest]") {
  CollectorProcess collector;
  constexpr int kClients = 4;
  constexpr int kBatchesPerClient = 25;
  constexpr std::size_t kBatchSize = 20;
  std::vector<std::vector<std::string>> acknowledged(kClients);
  std::vector<std::string> failures(kClients);

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(collector.host(), collector.port());
      for (int b = 0; b < kBatchesPerClient; ++b) {
        const std::vector<json> events = product_views(kBatchSize);
        HttpResponse response;
        std::string error;
        HttpRequest request{"POST", "/v1/batch",
                            {basic_auth(kWebWriteKey), {"Content-Type", "application/json"}},
                            batch_body(events)};
        if (!client.try_send(request, &response, &error)) {
          failures[static_cast<std::size_t>(c)] = error;
          return;
        }
        if (response.status != 200 || accepted_of(response) != static_cast<long long>(kBatchSize)) {
          failures[static_cast<std::size_t>(c)] = response.describe();
          return;
        }
        for (std::string& id : message_ids(events)) {
          acknowledged[static_cast<std::size_t>(c)].push_back(std::move(id));
        }
      }
    });
  }
  for (std::thread& thread : clients) thread.join();

  for (const std::string& failure : failures) CHECK(failure.empty());
  EventDatabase database(collector.database_path());
  const auto counts = database.message_id_counts("web");
  std::size_t total = 0;
  for (const auto& ids : acknowledged) {
    for (const std::string& id : ids) {
      const auto found = counts.find(id);
      REQUIRE(found != counts.end());
      CHECK(found->second == 1);
      ++total;
    }
  }
  CHECK(total == kClients * kBatchesPerClient * kBatchSize);
  CHECK(database.count("web") == total);
}
