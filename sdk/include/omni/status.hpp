// Errors in the Omni core.
//
// The core never throws (it builds with -fno-exceptions so the same code runs as wasm). Every
// fallible function returns a Status, or a Result<T> that holds either a value or a non-ok Status.
// A Status carries a stable machine-readable code and a human-readable message. The codes are
// defined once, here, and exported to JavaScript as data (omni_error_codes), where they become
// OmniError.code. Never renumber or rename a code: clients match on the names.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace omni {

enum class ErrorCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,  // a parameter or config value is out of its domain
  kInvalidJson,      // text that should be JSON does not parse
  kInvalidEvent,     // an event breaks the Segment spec (type, required field, field type)
  kEventTooLarge,    // one event over the per-event limit (32 KB)
  kBatchTooLarge,    // a batch over the per-batch limit (500 KB)
  kQueueFull,        // the outbound queue is at its byte cap and the policy rejects new events
  kStorageFailed,    // the injected storage could not persist or read
  kNotFound,         // a key, batch or record that does not exist
  kCorrupt,          // persisted data that cannot be decoded
  kNotInitialized,   // an object used before it was set up
};

/// Every code, in numeric order, for export as data.
inline constexpr ErrorCode kAllErrorCodes[] = {
    ErrorCode::kOk,           ErrorCode::kInvalidArgument, ErrorCode::kInvalidJson,
    ErrorCode::kInvalidEvent, ErrorCode::kEventTooLarge,   ErrorCode::kBatchTooLarge,
    ErrorCode::kQueueFull,    ErrorCode::kStorageFailed,   ErrorCode::kNotFound,
    ErrorCode::kCorrupt,      ErrorCode::kNotInitialized,
};

/// The stable snake_case name of a code ("invalid_event"), as clients see it.
const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Status InvalidJson(std::string m) { return {ErrorCode::kInvalidJson, std::move(m)}; }
  static Status InvalidEvent(std::string m) { return {ErrorCode::kInvalidEvent, std::move(m)}; }
  static Status EventTooLarge(std::string m) { return {ErrorCode::kEventTooLarge, std::move(m)}; }
  static Status BatchTooLarge(std::string m) { return {ErrorCode::kBatchTooLarge, std::move(m)}; }
  static Status QueueFull(std::string m) { return {ErrorCode::kQueueFull, std::move(m)}; }
  static Status StorageFailed(std::string m) { return {ErrorCode::kStorageFailed, std::move(m)}; }
  static Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
  static Status NotInitialized(std::string m) { return {ErrorCode::kNotInitialized, std::move(m)}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const char* code_name() const { return error_code_name(code_); }
  const std::string& message() const { return message_; }

  /// "invalid_event: track needs a non-empty `event`" (or "ok").
  std::string to_string() const;

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

/// A value or the Status that explains its absence. Construct from a T (ok) or from a non-ok
/// Status; reading value() of a failed Result is a programming error (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace omni
