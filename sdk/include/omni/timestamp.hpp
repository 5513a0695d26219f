// ISO-8601 timestamps without <iostream>/<sstream> or locale (they cost ~40 KB in wasm).
//
// Both functions are pure and thread-safe. Dates are proleptic Gregorian, UTC, no leap seconds
// (Unix time), matching JavaScript's Date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace omni {

/// "2026-11-22T19:22:42.123Z" for milliseconds since the Unix epoch (UTC). Always 24 characters:
/// times before 0000-01-01 or after 9999-12-31T23:59:59.999Z are clamped to those ends, so the
/// result always parses back.
std::string format_iso8601(std::int64_t unix_ms);

/// Parses an ISO-8601 / RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS", optional fraction (any
/// number of digits, kept to milliseconds), and "Z" or "±HH:MM" (also "±HHMM"). A date alone
/// ("YYYY-MM-DD") is midnight UTC. False for anything else, including out-of-range fields.
/// As RFC 3339 allows, "t" and "z" may be lower case. The fraction is truncated, not rounded;
/// hour 24 and second 60 are out of range; the offset is applied (result is UTC). Leaves
/// *unix_ms untouched on failure.
bool parse_iso8601(std::string_view text, std::int64_t* unix_ms);

}  // namespace omni
