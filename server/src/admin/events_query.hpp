// The query string of GET /v1/admin/events → an EventQuery. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/event_store.hpp"

namespace omni::collector::admin {

inline constexpr std::size_t kDefaultEventsLimit = 50;
inline constexpr std::size_t kMaxEventsLimit = 1000;

/// Reads limit (integer 1..1000, default 50), after (a cursor from a previous page's "next"),
/// userId, anonymousId and event (exact-match filters; empty means any). False with a message
/// for a bad limit or cursor, a malformed escape, a repeated or an unknown parameter (a typo
/// such as "userid" must not silently match all).
bool parse_events_query(std::string_view query, EventQuery* out, std::string* error);

/// A page cursor as clients see it: opaque to them, the decimal id of the last event of the
/// page here. parse_cursor takes only what format_cursor makes (a positive decimal id).
std::string format_cursor(std::int64_t id);
bool parse_cursor(std::string_view text, std::int64_t* id);

}  // namespace omni::collector::admin
