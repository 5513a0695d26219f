// When an event happened, by the collector's clock: Segment's correction for device clock skew.
//
// A device stamps `timestamp` when the event happens and `sentAt` when the request leaves, both
// by its own clock. That clock may be hours off, but the interval between the two stamps is
// still right, so the collector re-bases the interval on its own receive time:
//
//     timestamp = receivedAt − (sentAt − originalTimestamp)
//
// Network transit is counted as zero, so the corrected time is late by at most one request's
// transit. The edge cases, in the order they are decided:
//   - no device timestamp          → receivedAt (the collector's time is all there is);
//   - no sentAt                    → the device timestamp, uncorrected (nothing to measure the
//                                    skew with);
//   - |sentAt − receivedAt| > kMaxTrustedClockSkewMs
//                                  → the device timestamp, uncorrected: a clock that far off
//                                    (unset RTC, year 1970 or 2099) cannot be trusted to
//                                    measure an interval either;
//   - correction later than receivedAt (the event claims it was sent before it happened)
//                                  → receivedAt: nothing received can have happened later;
//   - otherwise                    → the correction.
// Unparseable stamps never reach this rule: validate_event rejects the event.
//
// Pure and thread-safe. All times are Unix milliseconds (UTC), so the result is already at the
// millisecond precision omni::format_iso8601 writes.
#pragma once

#include <cstdint>
#include <optional>

namespace omni::collector::ingest {

/// Beyond this distance between the device's sentAt and the collector's receivedAt, the device
/// clock is not used to correct anything. One year: far more than any real skew (time zones
/// mistaken for UTC are at most 14 h, a drifting RTC minutes), far less than an unset clock.
inline constexpr std::int64_t kMaxTrustedClockSkewMs = 365LL * 24 * 60 * 60 * 1000;

/// Which rule above decided the event's time.
enum class TimeRule {
  kReceivedAt,        // no device timestamp
  kAsSentNoSentAt,    // no sentAt
  kAsSentUntrusted,   // sentAt too far from receivedAt
  kClamped,           // the correction fell after receivedAt
  kCorrected,         // receivedAt − (sentAt − originalTimestamp)
};

struct EventTime {
  std::int64_t timestamp_ms = 0;  // the event's `timestamp` to store
  TimeRule rule = TimeRule::kReceivedAt;
};

/// The stored time of an event whose device stamps are `device_timestamp_ms` and `sent_at_ms`
/// (nullopt when absent), received at `received_at_ms`. Never overflows for times that
/// omni::parse_iso8601 produces (years 0000..9999).
EventTime corrected_event_time(std::optional<std::int64_t> device_timestamp_ms,
                               std::optional<std::int64_t> sent_at_ms,
                               std::int64_t received_at_ms);

}  // namespace omni::collector::ingest
