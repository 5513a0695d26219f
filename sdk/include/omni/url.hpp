// Absolute http(s) URLs, query strings and percent-decoding, without <regex> or locale.
//
// The core reads page and referrer URLs to find campaign tags and classify channels. Those URLs
// come from browsers (already normalized) and from server callers (anything at all), so every
// function here accepts arbitrary bytes: malformed input yields `false` or an empty result, never
// a crash and never an abort. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omni {

/// The parts of an absolute URL, still percent-encoded as they appeared.
struct Url {
  std::string scheme;    // "http" or "https", lower-cased
  std::string host;      // lower-cased (ASCII); an IPv6 literal keeps its brackets: "[::1]"
  std::string path;      // starts with "/"; "/" when the URL names no path
  std::string query;     // without the leading "?"; empty when absent
  std::string fragment;  // without the leading "#"; empty when absent
  int port = -1;         // -1 when the URL names no port
};

/// Parses an absolute http or https URL ("https://user@Shop.example:8443/a/b?q=1#top").
///
/// Like a browser, it first drops leading and trailing spaces and control characters and every
/// tab and newline inside. It then requires the scheme http or https (any case) followed by "//",
/// a non-empty host of letters, digits, "-", "_", "." or non-ASCII bytes (no empty labels) or a
/// bracketed IPv6 literal, and an optional decimal port up to 65535. User info before "@" is
/// dropped. Returns false, leaving `*out` unspecified, for anything else, including relative URLs
/// and other schemes (mailto:, android-app:, data:).
bool parse_url(std::string_view text, Url* out);

/// Decodes "%XX" escapes (either case of hex digit). An escape that is not two hex digits is kept
/// as it is ("100%" stays "100%"). With `plus_is_space`, "+" becomes a space (form encoding, as
/// in query strings). The result is raw bytes: it may hold NUL or invalid UTF-8 (utf8_lossy()
/// makes it valid).
std::string percent_decode(std::string_view s, bool plus_is_space);

/// Replaces every ill-formed UTF-8 sequence (overlong forms, surrogates, code points past
/// U+10FFFF, truncated or stray bytes) with U+FFFD, one per maximal ill-formed subpart, as a
/// browser's UTF-8 decoder does (json::Value applies the same rule to text it is given).
/// Well-formed input comes back unchanged.
std::string utf8_lossy(std::string_view bytes);

/// Query parameters in order, as a browser's URLSearchParams sees them: one leading "?" is
/// ignored, parameters are separated by "&", empty parameters are skipped, the name ends at the
/// first "=" (no "=" means an empty value), and names and values are percent-decoded with "+" as
/// space and then made valid UTF-8 (utf8_lossy). Repeated names are all kept.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace omni
