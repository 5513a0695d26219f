// JSON numbers as text (internal to the core's JSON module): the grammar and the integer
// readings, without floating point.
#pragma once

#include <cstdint>
#include <string_view>

namespace omni::json::number {

/// Scans the number that starts at `p` by RFC 8259's grammar:
///   -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
/// Returns the end of the longest such number; nullptr when none starts there, with *fail_at
/// set to the byte where a digit was expected.
const char* scan(const char* p, const char* end, const char** fail_at);

/// True when `text` is exactly one number.
bool is_number(std::string_view text);

/// The value of a valid number `text` as an int64: exact (false when it has a fractional part)
/// or, with `truncate`, its integer part toward zero. False when out of int64's range.
bool to_int64(std::string_view text, bool truncate, std::int64_t* out);

}  // namespace omni::json::number
