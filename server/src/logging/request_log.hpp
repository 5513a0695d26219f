// The one log line per answered HTTP request:
//   {"time":…,"level":"info","msg":"request","route":"batch","status":200,"durationMs":1.234,
//    "events":3,"source":"web"}
//
// Only what the collector itself decided goes in: the route's name (never the path, which
// could carry a query string with a token), the status, the time to answer, and for ingestion
// the number of events in the body and the name of the source its write key belongs to. No
// method, path, query string, header, User-Agent or IP.
//
// Level: health probes (/healthz, /readyz) and static files are debug, so a load balancer's
// probes and page assets do not flood the log at the default level; every other route is info.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "http/router.hpp"
#include "log.hpp"

namespace omni::collector::logging {

/// What a handler learned about a request that the route alone does not tell. Written by the
/// handler before it answers, read when the answer is logged (the answer is handed over after
/// the writes, through the store's queue or on the same thread, so no lock is needed).
struct RequestFacts {
  /// The source whose write key admitted the request; empty when none did.
  std::string source;
  /// Events in the request body, once it parsed.
  std::optional<std::size_t> events;
};

/// The level of a request line on `route`.
LogLevel request_level(http::Route route);

/// Writes the request line when `logger` has request lines on and the route's level enabled.
/// `seconds` < 0: not timed (a 413 answered before the body was read); durationMs is left out.
void log_request(const Logger& logger, http::Route route, unsigned status, double seconds,
                 const RequestFacts* facts);

}  // namespace omni::collector::logging
