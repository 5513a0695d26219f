#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <optional>

#include "ingest/event_time.hpp"
#include "omni/timestamp.hpp"

using namespace omni::collector::ingest;

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kHour = 3600 * kSecond;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kReceivedMs = 1795000000123;  // 2026-11-18T11:06:40.123Z

std::int64_t ms(const char* iso) {
  std::int64_t out = 0;
  REQUIRE(omni::parse_iso8601(iso, &out));
  return out;
}

}  // namespace

TEST_CASE("an event without a timestamp happened when it was received", "[event-time]") {
  for (std::optional<std::int64_t> sent_at : {std::optional<std::int64_t>(),
                                              std::optional<std::int64_t>(kReceivedMs - kHour)}) {
    const EventTime time = corrected_event_time(std::nullopt, sent_at, kReceivedMs);
    CHECK(time.timestamp_ms == kReceivedMs);
    CHECK(time.rule == TimeRule::kReceivedAt);
  }
}

TEST_CASE("a timestamp without sentAt is kept as sent, even in the future", "[event-time]") {
  for (std::int64_t device : {kReceivedMs - 3 * kDay, kReceivedMs + 5 * kHour}) {
    const EventTime time = corrected_event_time(device, std::nullopt, kReceivedMs);
    CHECK(time.timestamp_ms == device);
    CHECK(time.rule == TimeRule::kAsSentNoSentAt);
  }
}

TEST_CASE("a device clock 2 hours behind is corrected forward", "[event-time]") {
  // Happened 30 s before it was sent; the device thinks it is 2 h earlier than it is.
  const std::int64_t sent_at = kReceivedMs - 2 * kHour;
  const EventTime time = corrected_event_time(sent_at - 30 * kSecond, sent_at, kReceivedMs);
  CHECK(time.timestamp_ms == kReceivedMs - 30 * kSecond);
  CHECK(time.rule == TimeRule::kCorrected);
}

TEST_CASE("a device clock 2 hours ahead is corrected backward", "[event-time]") {
  const std::int64_t sent_at = kReceivedMs + 2 * kHour;
  const EventTime time = corrected_event_time(sent_at - 45 * kSecond, sent_at, kReceivedMs);
  CHECK(time.timestamp_ms == kReceivedMs - 45 * kSecond);
  CHECK(time.rule == TimeRule::kCorrected);
}

TEST_CASE("a correct device clock leaves the timestamp unchanged", "[event-time]") {
  const std::int64_t device = ms("2026-11-18T11:00:00.500Z");
  const EventTime time = corrected_event_time(device, kReceivedMs, kReceivedMs);
  CHECK(time.timestamp_ms == device);
  CHECK(time.rule == TimeRule::kCorrected);
}

TEST_CASE("the interval is kept to the millisecond", "[event-time]") {
  // Fractions beyond milliseconds are truncated by parse_iso8601, before the arithmetic.
  const std::int64_t device = ms("2026-11-18T09:00:00.1239Z");
  const std::int64_t sent_at = ms("2026-11-18T09:00:07.0011Z");
  const EventTime time = corrected_event_time(device, sent_at, kReceivedMs);
  CHECK(time.timestamp_ms == kReceivedMs - 6878);
  CHECK(omni::format_iso8601(time.timestamp_ms) == "2026-11-18T11:06:33.245Z");
}

TEST_CASE("a sentAt more than a year from receivedAt leaves the timestamp as sent",
          "[event-time]") {
  const std::int64_t device = ms("1970-01-01T00:05:00.000Z");  // an unset clock
  const EventTime behind = corrected_event_time(device, ms("1970-01-01T00:05:02.000Z"),
                                                kReceivedMs);
  CHECK(behind.timestamp_ms == device);
  CHECK(behind.rule == TimeRule::kAsSentUntrusted);

  const std::int64_t ahead_sent = kReceivedMs + kMaxTrustedClockSkewMs + 1;
  const EventTime ahead = corrected_event_time(ahead_sent - kSecond, ahead_sent, kReceivedMs);
  CHECK(ahead.timestamp_ms == ahead_sent - kSecond);
  CHECK(ahead.rule == TimeRule::kAsSentUntrusted);
}

TEST_CASE("a sentAt exactly a year from receivedAt is still trusted", "[event-time]") {
  for (std::int64_t skew : {kMaxTrustedClockSkewMs, -kMaxTrustedClockSkewMs}) {
    const std::int64_t sent_at = kReceivedMs + skew;
    const EventTime time = corrected_event_time(sent_at - kSecond, sent_at, kReceivedMs);
    CHECK(time.timestamp_ms == kReceivedMs - kSecond);
    CHECK(time.rule == TimeRule::kCorrected);
  }
  CHECK(kMaxTrustedClockSkewMs == 365 * kDay);
}

TEST_CASE("an event sent before it happened is clamped to receivedAt", "[event-time]") {
  const std::int64_t sent_at = kReceivedMs - kHour;
  const EventTime time = corrected_event_time(sent_at + kSecond, sent_at, kReceivedMs);
  CHECK(time.timestamp_ms == kReceivedMs);
  CHECK(time.rule == TimeRule::kClamped);

  // Sent the very millisecond it happened: exactly receivedAt, a correction, not a clamp.
  const EventTime same = corrected_event_time(sent_at, sent_at, kReceivedMs);
  CHECK(same.timestamp_ms == kReceivedMs);
  CHECK(same.rule == TimeRule::kCorrected);
}

TEST_CASE("an event queued for centuries is corrected without overflow", "[event-time]") {
  const std::int64_t device = ms("0000-01-01T00:00:00.000Z");
  const std::int64_t sent_at = kReceivedMs - kHour;
  const EventTime time = corrected_event_time(device, sent_at, kReceivedMs);
  CHECK(time.timestamp_ms == device + kHour);
  CHECK(time.rule == TimeRule::kCorrected);
}

TEST_CASE("a trusted correction keeps the device's interval and never passes receivedAt",
          "[event-time]") {
  rc::prop("corrected times", [] {
    const std::int64_t received = *rc::gen::inRange<std::int64_t>(0, 253402300799999);
    const std::int64_t skew =
        *rc::gen::inRange<std::int64_t>(-kMaxTrustedClockSkewMs, kMaxTrustedClockSkewMs + 1);
    const std::int64_t delay = *rc::gen::inRange<std::int64_t>(-kDay, 30 * kDay);
    const std::int64_t sent_at = received + skew;
    const EventTime time = corrected_event_time(sent_at - delay, sent_at, received);
    RC_ASSERT(time.timestamp_ms <= received);
    if (delay >= 0) {
      RC_ASSERT(time.rule == TimeRule::kCorrected);
      RC_ASSERT(received - time.timestamp_ms == delay);
    } else {
      RC_ASSERT(time.rule == TimeRule::kClamped);
      RC_ASSERT(time.timestamp_ms == received);
    }
  });
}
