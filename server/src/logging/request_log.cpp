#include "logging/request_log.hpp"

#include <array>

namespace omni::collector::logging {

LogLevel request_level(http::Route route) {
  switch (route) {
    case http::Route::kHealthz:
    case http::Route::kReadyz:
    case http::Route::kStatic:
      return LogLevel::kDebug;
    case http::Route::kNotFound:
    case http::Route::kIngestBatch:
    case http::Route::kIngestSingle:
    case http::Route::kAdminEvents:
    case http::Route::kAdminExport:
    case http::Route::kMetrics:
      return LogLevel::kInfo;
  }
  return LogLevel::kInfo;
}

void log_request(const Logger& logger, http::Route route, unsigned status, double seconds,
                 const RequestFacts* facts) {
  const LogLevel level = request_level(route);
  if (!logger.requests() || !logger.enabled(level)) return;
  // Members that do not apply are left out rather than written as null, so a query on a field
  // never meets two types.
  std::array<LogField, 5> fields{LogField("route", http::route_name(route)),
                                 LogField("status", status), LogField("", ""), LogField("", ""),
                                 LogField("", "")};
  std::size_t count = 2;
  if (seconds >= 0) fields[count++] = LogField::millis("durationMs", seconds * 1000.0);
  if (facts != nullptr && facts->events) fields[count++] = LogField("events", *facts->events);
  if (facts != nullptr && !facts->source.empty()) {
    fields[count++] = LogField("source", facts->source);
  }
  logger.log(level, "request", fields.data(), count);
}

}  // namespace omni::collector::logging
