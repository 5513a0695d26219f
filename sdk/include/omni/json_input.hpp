// Parsing JSON that comes from outside (a browser call, a collector request body).
//
// nlohmann's parser is iterative, but destroying or serializing a document recurses once per
// nesting level: a body of 500,000 '[' would overflow the stack (64 KB in wasm) long after it
// parsed. So input is checked for depth before it is parsed, and deeper input is refused.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "omni/status.hpp"

namespace omni {

/// Deep enough for any real event (Segment payloads nest 4-6 levels), shallow enough that the
/// recursion stays far from a 64 KB stack.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// True when no array or object in `text` nests deeper than `max_depth` (brackets inside
/// strings are ignored). Linear, no allocation; does not check that `text` is valid JSON.
bool json_depth_within(std::string_view text, std::size_t max_depth);

/// Parses `text`. InvalidJson when it is not JSON or nests deeper than `max_depth`. Every
/// parse in the core goes through here (one parser instantiation in the wasm).
Result<nlohmann::json> parse_json_input(std::string_view text,
                                        std::size_t max_depth = kMaxJsonDepth);

}  // namespace omni
