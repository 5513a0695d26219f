// Attribution: which channel brought a visitor, from the page URL, its campaign tags and the
// referrer.
//
// The classifier is table-driven. Data tables (medium aliases, click ids, search engines, social
// networks, video sites, webmail hosts, same-site rules) are walked in a fixed precedence; the
// same tables render docs/channels.md through channel_rules_markdown(), and a test keeps the two
// equal, so the documentation cannot drift from the code.
//
// Every function is pure and thread-safe, needs no clock or I/O, and accepts arbitrary input:
// a malformed URL yields no campaign and counts as absent; it never crashes or aborts. Text
// decoded from a URL that is not valid UTF-8 holds U+FFFD in place of the bad bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "omni/json.hpp"

namespace omni {

/// The marketing channel of a touchpoint, carried as `context.channel` (its name).
enum class Channel : std::uint8_t {
  kDirect,
  kOrganicSearch,
  kPaidSearch,
  kOrganicSocial,
  kPaidSocial,
  kEmail,
  kSms,
  kReferral,
  kDisplay,
  kAffiliate,
  kVideo,
  kInStore,
  kPush,
  kInternal,
};

/// Every channel, in enum order.
inline constexpr Channel kAllChannels[] = {
    Channel::kDirect,    Channel::kOrganicSearch, Channel::kPaidSearch, Channel::kOrganicSocial,
    Channel::kPaidSocial, Channel::kEmail,        Channel::kSms,        Channel::kReferral,
    Channel::kDisplay,   Channel::kAffiliate,     Channel::kVideo,      Channel::kInStore,
    Channel::kPush,      Channel::kInternal,
};

/// The stable snake_case name: "direct", "organic_search", "paid_search", "organic_social",
/// "paid_social", "email", "sms", "referral", "display", "affiliate", "video", "in_store",
/// "push", "internal". Never rename one: stored events and reports match on them.
const char* channel_name(Channel channel);

/// The channel with that exact name; false when there is none (for example a server caller's
/// `context.channel` that Omni does not know).
bool parse_channel(std::string_view name, Channel* channel);

/// What the page knows about itself. Empty strings mean unknown.
struct PageContext {
  std::string url;       // the page URL (location.href, or the canonical URL)
  std::string referrer;  // document.referrer, or the deep-link source on a webview
  std::string title;     // document.title
};

/// `context.campaign` as Segment shapes it, from the page URL's query string: every `utm_<key>`
/// parameter becomes `<key>` (`utm_campaign` becomes `name`, so name, source, medium, term,
/// content, id, ...), and every click id of the table in docs/channels.md (gclid, msclkid,
/// fbclid, ttclid, ScCid, mc_cid, _kx, ...) is kept under its own name. Parameter names match
/// without regard to case; keys come out lower-case (click ids in their canonical spelling, "ScCid").
/// Values are decoded ("+" is a space); empty values are skipped and, when a parameter repeats,
/// the first non-empty value wins. An empty object when there is none or the URL does not parse.
json::Value campaign_from_url(std::string_view page_url);

/// The channel of a touchpoint, from its campaign (an object shaped like campaign_from_url's
/// result; anything else counts as no campaign), the referrer URL and the page URL (either may be
/// empty or malformed, which counts as absent). The precedence and every table are documented in
/// docs/channels.md (rendered by channel_rules_markdown()).
Channel classify_channel(const json::Value& campaign, std::string_view referrer_url,
                         std::string_view page_url);

/// Fills `*context` for an event from the page, never overwriting a key the caller already set:
///  * `context.page`: `url` (the page URL without its fragment), `path` and `search` ("?q=1", or
///    "" without a query) when the page URL parses; `referrer` when it parses; `title` when it
///    is not empty. Left alone when `context.page` exists but is not an object.
///  * `context.campaign`: campaign_from_url(page.url) when not empty. When the caller already set
///    a campaign object, only the keys it lacks are added.
///  * `context.channel`: the channel name, classified from the resulting campaign, page.referrer
///    and page.url.
/// A null `*context` becomes an object; a null `context` pointer, or a context that is neither
/// null nor an object, is left unchanged.
void enrich_context(const PageContext& page, json::Value* context);

/// The site a host belongs to, for same-site (internal) comparison: the host lower-cased, without
/// a trailing dot, cut to its last two labels, or its last three when the last two are a shared
/// hosting suffix (myshopify.com, github.io, ...) or a short second-level label (co, com, org,
/// ...) under a two-letter country code. IP addresses and single-label hosts come back whole.
/// A deliberate approximation of the public suffix list, with no list to download or ship.
std::string registrable_domain(std::string_view host);

/// docs/channels.md's generated part: the precedence, medium aliases, click ids, site hosts and
/// same-site rules, rendered as Markdown from the very tables classify_channel() walks.
std::string channel_rules_markdown();

}  // namespace omni
