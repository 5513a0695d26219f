// ISO-8601 timestamps without <iostream>/<sstream> or locale (they cost ~40 KB in wasm).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace omni {

/// "2026-11-22T19:22:42.123Z" for milliseconds since the Unix epoch (UTC).
std::string format_iso8601(std::int64_t unix_ms);

/// Parses an ISO-8601 / RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS", optional fraction (any
/// number of digits, kept to milliseconds), and "Z" or "±HH:MM" (also "±HHMM"). A date alone
/// ("YYYY-MM-DD") is midnight UTC. False for anything else, including out-of-range fields.
bool parse_iso8601(std::string_view text, std::int64_t* unix_ms);

}  // namespace omni
