#include "ingest/event_time.hpp"

namespace omni::collector::ingest {

EventTime corrected_event_time(std::optional<std::int64_t> device_timestamp_ms,
                               std::optional<std::int64_t> sent_at_ms,
                               std::int64_t received_at_ms) {
  if (!device_timestamp_ms) return {received_at_ms, TimeRule::kReceivedAt};
  if (!sent_at_ms) return {*device_timestamp_ms, TimeRule::kAsSentNoSentAt};

  const std::int64_t skew_ms = *sent_at_ms - received_at_ms;
  if (skew_ms > kMaxTrustedClockSkewMs || skew_ms < -kMaxTrustedClockSkewMs) {
    return {*device_timestamp_ms, TimeRule::kAsSentUntrusted};
  }
  // receivedAt − (sentAt − timestamp), written as timestamp − skew so every step stays within
  // the ±10,000-year range of the inputs.
  const std::int64_t corrected_ms = *device_timestamp_ms - skew_ms;
  if (corrected_ms > received_at_ms) return {received_at_ms, TimeRule::kClamped};
  return {corrected_ms, TimeRule::kCorrected};
}

}  // namespace omni::collector::ingest
