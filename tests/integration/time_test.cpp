// Event time end to end: a device whose clock is off sends events, and the collector stores
// them at the time they really happened (receivedAt − (sentAt − timestamp)), keeping the
// device's own stamp as originalTimestamp. Read back through the admin API.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kHour = 3600 * kSecond;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// "YYYY-MM-DDTHH:MM:SS.mmmZ", as a device's SDK writes it.
std::string iso(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / kSecond);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];  // room for any int fields, which keeps -Wformat-truncation quiet
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_ms % kSecond));
  return text;
}

/// The collector's own format only (24 characters, UTC, milliseconds); -1 for anything else,
/// so an unnormalized timestamp fails the comparisons that use it.
std::int64_t parse_stored_time(const json& value) {
  if (!value.is_string()) return -1;
  const std::string& text = value.get_ref<const std::string&>();
  std::tm utc{};
  int millis = 0;
  char zone = 0;
  if (text.size() != 24 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis, &zone) != 8 ||
      zone != 'Z') {
    return -1;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&utc)) * kSecond + millis;
}

/// The stored events of an admin answer by messageId (REQUIREs a 200 with that shape).
std::map<std::string, json> stored_by_id(const HttpResponse& response) {
  INFO(response.describe());
  REQUIRE(response.status == 200);
  const json events = value_at(response.json(), "/events");
  REQUIRE(events.is_array());
  std::map<std::string, json> out;
  for (const json& entry : events) {
    const json id = value_at(entry, "/messageId");
    REQUIRE(id.is_string());
    out[id.get<std::string>()] = entry;
  }
  return out;
}

/// A track event the device stamped at `device_ms` by its own clock (track_event's fixed
/// timestamp is replaced).
json stamped_event(std::string_view name, std::int64_t device_ms) {
  json event = track_event(name, random_uuid_v4(), "anon-skewed-device");
  event["type"] = "track";
  event["timestamp"] = iso(device_ms);
  return event;
}

/// Checks the stored entry of `event`: originalTimestamp is what the device sent, timestamp is
/// `happened_ms` by the real clock (within a second: the request's transit and the clock reads
/// around it), and not after receivedAt.
void check_corrected(const std::map<std::string, json>& stored, const json& event,
                     std::int64_t happened_ms) {
  const auto found = stored.find(event["messageId"].get<std::string>());
  REQUIRE(found != stored.end());
  const json& entry = found->second;
  INFO(entry.dump());
  CHECK(value_at(entry, "/event/originalTimestamp") == event["timestamp"]);
  const std::int64_t timestamp = parse_stored_time(value_at(entry, "/event/timestamp"));
  CHECK(timestamp >= happened_ms - kSecond);
  CHECK(timestamp <= happened_ms + kSecond);
  CHECK(timestamp <= parse_stored_time(value_at(entry, "/receivedAt")));
}

}  // namespace

TEST_CASE("a device clock 2 hours behind is corrected to the real time", "[time]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  const std::int64_t sent = now_ms();
  const std::int64_t device_now = sent - 2 * kHour;
  const json at_send = stamped_event("Checkout Started", device_now);
  const json earlier = stamped_event("Product Viewed", device_now - 90 * kSecond);
  json unstamped = track_event("Cart Viewed", random_uuid_v4(), "anon-skewed-device");
  unstamped["type"] = "track";
  unstamped.erase("timestamp");
  const HttpResponse response =
      client.post("/v1/batch",
                  batch_body({at_send, earlier, unstamped}, {{"sentAt", iso(device_now)}}),
                  {basic_auth(kWebWriteKey)});
  INFO(response.describe());
  REQUIRE(response.status == 200);

  const auto stored = stored_by_id(admin_events(client));
  check_corrected(stored, at_send, sent);
  check_corrected(stored, earlier, sent - 90 * kSecond);

  // No device timestamp: the event happened when it was received, and there is no original.
  const auto found = stored.find(unstamped["messageId"].get<std::string>());
  REQUIRE(found != stored.end());
  INFO(found->second.dump());
  CHECK_FALSE(value_at(found->second, "/event").contains("originalTimestamp"));
  CHECK(value_at(found->second, "/event/timestamp") == value_at(found->second, "/receivedAt"));
}

TEST_CASE("a device clock 2 hours ahead is corrected to the real time", "[time]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());

  // Each event carries its own sentAt, which wins over a batch sentAt a day off.
  const std::int64_t sent = now_ms();
  const std::int64_t device_now = sent + 2 * kHour;
  json at_send = stamped_event("Checkout Started", device_now);
  at_send["sentAt"] = iso(device_now);
  json earlier = stamped_event("Product Viewed", device_now - 5 * 60 * kSecond);
  earlier["sentAt"] = iso(device_now);
  const HttpResponse response = client.post(
      "/v1/batch", batch_body({at_send, earlier}, {{"sentAt", iso(device_now - 24 * kHour)}}),
      {basic_auth(kWebWriteKey)});
  INFO(response.describe());
  REQUIRE(response.status == 200);

  // A single-event route corrects with the event's sentAt too.
  json single = stamped_event("Order Completed", device_now - 10 * kSecond);
  single["sentAt"] = iso(device_now);
  single.erase("type");
  const HttpResponse single_response = post_event(client, "track", kWebWriteKey, single);
  INFO(single_response.describe());
  REQUIRE(single_response.status == 200);

  const auto stored = stored_by_id(admin_events(client));
  check_corrected(stored, at_send, sent);
  check_corrected(stored, earlier, sent - 5 * 60 * kSecond);
  check_corrected(stored, single, sent - 10 * kSecond);
}
