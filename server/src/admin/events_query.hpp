// The query string of GET /v1/admin/events → an EventQuery. Pure.
#pragma once

#include <string>
#include <string_view>

#include "store/event_store.hpp"

namespace omni::collector::admin {

inline constexpr std::size_t kDefaultEventsLimit = 50;
inline constexpr std::size_t kMaxEventsLimit = 1000;

/// Reads limit (integer 1..1000, default 50), userId, anonymousId and event (exact-match
/// filters; empty means any). False with a message for a bad limit, a malformed escape, a
/// repeated or an unknown parameter (a typo such as "userid" must not silently match all).
bool parse_events_query(std::string_view query, EventQuery* out, std::string* error);

}  // namespace omni::collector::admin
