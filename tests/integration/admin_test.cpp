// The operator's view of stored events: GET /v1/admin/events behind the admin token.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

/// Stores each event with its own request, so insertion order is the order given.
void store_one_by_one(HttpClient& client, const std::vector<json>& events) {
  for (const json& event : events) {
    const HttpResponse response = post_batch(client, kWebWriteKey, {event});
    INFO(response.describe());
    REQUIRE(response.status == 200);
  }
}

/// The "events" array of an admin answer (REQUIREs a 200 with that shape).
json listed_events(const HttpResponse& response) {
  INFO(response.describe());
  REQUIRE(response.status == 200);
  const json events = value_at(response.json(), "/events");
  REQUIRE(events.is_array());
  return events;
}

std::vector<std::string> listed_ids(const HttpResponse& response) {
  std::vector<std::string> ids;
  for (const json& entry : listed_events(response)) {
    const json id = value_at(entry, "/messageId");
    ids.push_back(id.is_string() ? id.get<std::string>() : std::string("<missing>"));
  }
  return ids;
}

json event_with(std::string_view name, const char* user_id, const char* anonymous_id) {
  json event = track_event(name, random_uuid_v4(), anonymous_id);
  if (user_id != nullptr) event["userId"] = user_id;
  return event;
}

}  // namespace

TEST_CASE("the admin API requires the admin token as a Bearer token", "[admin]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  store_one_by_one(client, {product_viewed()});

  const std::vector<std::vector<Header>> refused = {
      {},
      {bearer("admin-token-integration-wrong")},
      {bearer(std::string(kAdminToken) + "x")},
      {bearer(std::string(kAdminToken).substr(0, 16))},
      {{"Authorization", std::string("Basic ") + kAdminToken}},
      {basic_auth(kWebWriteKey)},
  };
  for (const auto& headers : refused) {
    INFO((headers.empty() ? std::string("no Authorization") : headers[0].value));
    const HttpResponse response = client.get("/v1/admin/events", headers);
    INFO(response.describe());
    CHECK(response.status == 401);
    CHECK_FALSE(response.error_code().empty());
    CHECK(response.body.find("Product Viewed") == std::string::npos);
  }
  CHECK(admin_events(client).status == 200);
}

TEST_CASE("stored events are listed newest first with their envelope", "[admin]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = {track_event("First", random_uuid_v4()),
                                    track_event("Second", random_uuid_v4()),
                                    track_event("Third", random_uuid_v4())};
  store_one_by_one(client, events);

  const HttpResponse response = admin_events(client);
  const json listed = listed_events(response);

  REQUIRE(listed.size() == 3);
  const std::vector<std::string> expected = {events[2]["messageId"].get<std::string>(),
                                             events[1]["messageId"].get<std::string>(),
                                             events[0]["messageId"].get<std::string>()};
  CHECK(listed_ids(response) == expected);
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const json& entry = listed[i];
    INFO(entry.dump());
    CHECK(value_at(entry, "/source") == "web");
    CHECK(value_at(entry, "/id").is_number_integer());
    CHECK_FALSE(value_at(entry, "/receivedAt").is_null());
    CHECK(value_at(entry, "/event/messageId") == expected[i]);
    CHECK(value_at(entry, "/event/type") == "track");
  }
  CHECK(value_at(listed, "/0/event/event") == "Third");
  CHECK(value_at(listed, "/2/event/event") == "First");
  CHECK(value_at(listed, "/0/id").get<long long>() > value_at(listed, "/1/id").get<long long>());
  CHECK(value_at(listed, "/1/id").get<long long>() > value_at(listed, "/2/id").get<long long>());
}

TEST_CASE("the admin API filters by userId, anonymousId and event name", "[admin]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const json ada_viewed = event_with("Product Viewed", "user-ada", "anon-1");
  const json ada_ordered = event_with("Order Completed", "user-ada", "anon-1");
  const json bob_viewed = event_with("Product Viewed", "user-bob", "anon-2");
  const json guest_viewed = event_with("Product Viewed", nullptr, "anon-3");
  store_one_by_one(client, {ada_viewed, ada_ordered, bob_viewed, guest_viewed});
  const auto id = [](const json& event) { return event["messageId"].get<std::string>(); };

  CHECK(listed_ids(admin_events(client, "userId=user-ada")) ==
        std::vector<std::string>{id(ada_ordered), id(ada_viewed)});
  CHECK(listed_ids(admin_events(client, "anonymousId=anon-2")) ==
        std::vector<std::string>{id(bob_viewed)});
  CHECK(listed_ids(admin_events(client, "event=" + url_encode("Product Viewed"))) ==
        std::vector<std::string>{id(guest_viewed), id(bob_viewed), id(ada_viewed)});
  CHECK(listed_ids(admin_events(client, "userId=user-ada&event=" +
                                            url_encode("Order Completed"))) ==
        std::vector<std::string>{id(ada_ordered)});
  CHECK(listed_ids(admin_events(client, "userId=nobody")).empty());
}

TEST_CASE("the admin API limit defaults to 50 and takes 1 to 1000", "[admin]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<json> events = product_views(60);
  const HttpResponse stored = post_batch(client, kWebWriteKey, events);
  REQUIRE(stored.status == 200);

  CHECK(listed_events(admin_events(client)).size() == 50);
  CHECK(listed_events(admin_events(client, "limit=1")).size() == 1);
  CHECK(listed_events(admin_events(client, "limit=2")).size() == 2);
  CHECK(listed_events(admin_events(client, "limit=1000")).size() == 60);

  for (const char* query : {"limit=0", "limit=1001", "limit=-5", "limit=ten", "limit="}) {
    INFO(query);
    const HttpResponse response = admin_events(client, query);
    INFO(response.describe());
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_request");
  }
}
