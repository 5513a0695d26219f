// The anonymous id cookie a collector serving the same site sets on its ingestion responses.
//
// Safari keeps a cookie written by a page's script for at most 7 days, so a shopper who returns
// after a week would get a new anonymous id. A cookie set by an HTTP response of the site's own
// server is kept for its full lifetime: when a source names its site's domain, every accepted
// batch from a page of that site is answered with Set-Cookie for the anonymous id the page uses
// (the browser SDK sends its batches with credentials, and the collector's CORS responses allow
// them). Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace omni::collector::ingest {

struct AnonymousIdCookie {
  /// The registrable domain of the site ("shop.example"); empty: no cookie is ever set.
  std::string domain;
  std::uint32_t max_age_days = 365;
};

inline constexpr std::string_view kAnonymousIdCookieName = "omni_aid";

/// A valid cookie domain for the config: a lower-case host name (letters, digits, '-', '.';
/// no leading or trailing '.', no port), or an IP literal for local testing.
bool valid_cookie_domain(std::string_view domain);

/// The Set-Cookie value for `anonymous_id`, or nullopt when none is due: no domain configured,
/// no Origin (a server-side client), an Origin whose host is neither the domain nor below it
/// (another site: its cookie would be a third-party one), or an id that is empty, over 256
/// characters, or holds characters a cookie value cannot carry. The cookie is readable by the
/// page's script (the SDK reads it), SameSite=Lax, Secure when the page is https, and host-only
/// when the domain is an IP address or "localhost" (browsers refuse a Domain attribute there).
std::optional<std::string> anonymous_id_set_cookie(const AnonymousIdCookie& config,
                                                   std::string_view origin,
                                                   std::string_view anonymous_id);

}  // namespace omni::collector::ingest
