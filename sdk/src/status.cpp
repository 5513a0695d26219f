#include "omni/status.hpp"

namespace omni {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kInvalidJson: return "invalid_json";
    case ErrorCode::kInvalidEvent: return "invalid_event";
    case ErrorCode::kEventTooLarge: return "event_too_large";
    case ErrorCode::kBatchTooLarge: return "batch_too_large";
    case ErrorCode::kQueueFull: return "queue_full";
    case ErrorCode::kStorageFailed: return "storage_failed";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kNotInitialized: return "not_initialized";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out = code_name();
  out += ": ";
  out += message_;
  return out;
}

}  // namespace omni
