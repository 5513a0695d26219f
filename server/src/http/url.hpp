// Request-target helpers: split path from query, percent-decode, read query parameters.
// Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omni::collector::http {

/// "/v1/admin/events?limit=5#x" → path "/v1/admin/events", query "limit=5" (fragment dropped).
void split_target(std::string_view target, std::string_view* path, std::string_view* query);

/// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings). False on
/// a malformed escape ("%4", "%zz") or an escaped NUL byte.
bool percent_decode(std::string_view text, bool plus_is_space, std::string* out);

/// "a=1&b=x%20y&c" → {{"a","1"},{"b","x y"},{"c",""}}. Empty pieces ("a=1&&b=2") are skipped.
/// False on a malformed escape.
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out);

}  // namespace omni::collector::http
