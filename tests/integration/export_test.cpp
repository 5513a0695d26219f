// Paging through and exporting every stored event: GET /v1/admin/events with `after` cursors,
// and GET /v1/admin/export as NDJSON.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

constexpr std::size_t kEventCount = 2500;

/// Stores kEventCount events in batches of 100; returns their messageIds in sending order.
std::vector<std::string> store_many(HttpClient& client) {
  std::vector<std::string> ids;
  for (std::size_t sent = 0; sent < kEventCount; sent += 100) {
    const std::vector<json> events = product_views(100);
    const HttpResponse response = post_batch(client, kWebWriteKey, events);
    INFO(response.describe());
    REQUIRE(response.status == 200);
    for (const std::string& id : message_ids(events)) ids.push_back(id);
  }
  return ids;
}

HttpResponse admin_export(HttpClient& client, std::string_view query = {}) {
  std::string target = "/v1/admin/export";
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  return client.get(std::move(target), {bearer(kAdminToken)});
}

/// Every line of an NDJSON answer, parsed (REQUIREs each to be a JSON object).
std::vector<json> ndjson_lines(const HttpResponse& response) {
  INFO(response.describe().substr(0, 400));
  REQUIRE(response.status == 200);
  REQUIRE(response.header("Content-Type") == "application/x-ndjson");
  std::vector<json> lines;
  std::size_t start = 0;
  while (start < response.body.size()) {
    const std::size_t end = response.body.find('\n', start);
    REQUIRE(end != std::string::npos);
    json line = json::parse(response.body.substr(start, end - start), nullptr, false);
    REQUIRE(line.is_object());
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string string_at(const json& value, std::string_view pointer) {
  const json found = value_at(value, pointer);
  return found.is_string() ? found.get<std::string>() : std::string("<missing>");
}

}  // namespace

TEST_CASE("paging with after= lists every event exactly once, even while events arrive",
          "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_many(client);

  std::vector<std::string> listed;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const HttpResponse response =
        admin_events(client, cursor.empty() ? "limit=1000" : "limit=1000&after=" + cursor);
    INFO(response.describe().substr(0, 400));
    REQUIRE(response.status == 200);
    const json body = response.json();
    for (const json& entry : value_at(body, "/events")) {
      listed.push_back(string_at(entry, "/messageId"));
    }
    // Newer events must not shift the pages still to come.
    REQUIRE(post_batch(client, kWebWriteKey, product_views(10)).status == 200);
    if (!body.contains("next")) break;
    REQUIRE(body["next"].is_string());
    cursor = body["next"].get<std::string>();
  }
  REQUIRE(listed.size() == kEventCount);
  CHECK(std::set<std::string>(listed.begin(), listed.end()).size() == kEventCount);
  std::vector<std::string> newest_first(sent.rbegin(), sent.rend());
  CHECK(listed == newest_first);
}

TEST_CASE("a malformed cursor is refused", "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  for (const char* query : {"after=abc", "after=0", "after=-1"}) {
    INFO(query);
    const HttpResponse events = admin_events(client, query);
    CHECK(events.status == 400);
    CHECK(events.error_code() == "invalid_request");
    const HttpResponse exported = admin_export(client, query);
    CHECK(exported.status == 400);
    CHECK(exported.error_code() == "invalid_request");
  }
  CHECK(admin_export(client, "since=yesterday").error_code() == "invalid_request");
  CHECK(client.get("/v1/admin/export").status == 401);
}

TEST_CASE("the export streams every event oldest first as NDJSON, filtered by since",
          "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_many(client);

  const std::vector<json> lines = ndjson_lines(admin_export(client));
  REQUIRE(lines.size() == kEventCount);
  std::vector<std::string> exported;
  for (const json& line : lines) exported.push_back(string_at(line, "/messageId"));
  CHECK(exported == sent);

  // Each line is the item the events route lists for the same event.
  const json newest = value_at(admin_events(client, "limit=1").json(), "/events/0");
  CHECK(lines.back() == newest);

  // since= keeps the events received at or after a time, in the same order.
  const std::string since = string_at(lines[kEventCount / 2], "/receivedAt");
  std::vector<std::string> expected;
  for (const json& line : lines) {
    if (string_at(line, "/receivedAt") >= since) expected.push_back(string_at(line, "/messageId"));
  }
  const std::vector<json> recent = ndjson_lines(admin_export(client, "since=" + url_encode(since)));
  std::vector<std::string> recent_ids;
  for (const json& line : recent) recent_ids.push_back(string_at(line, "/messageId"));
  CHECK(recent_ids == expected);
  CHECK(recent_ids.size() < kEventCount);

  // after= resumes an interrupted export where it stopped.
  const json cut = value_at(lines[999], "/id");
  REQUIRE(cut.is_number_integer());
  const std::vector<json> rest =
      ndjson_lines(admin_export(client, "after=" + std::to_string(cut.get<long long>())));
  REQUIRE(rest.size() == kEventCount - 1000);
  CHECK(string_at(rest.front(), "/messageId") == sent[1000]);
}
