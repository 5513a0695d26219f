// The data behind channel classification (internal to the sdk): medium aliases, click ids, sites
// (search engines, social networks, video sites, webmail and messaging tools) and the same-site
// rules, with the lookups the classifier makes in them and their Markdown rendering.
//
// Lists inside a table cell are space-separated words ("cpc ppc paid"), so each row reads as one
// line of data and renders to docs/channels.md without a second copy.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "omni/attribution.hpp"

// Documentation text lives beside the rule it describes, so docs/channels.md is rendered from
// the very tables the classifier walks. Only native builds render the docs; the wasm a shopper
// downloads keeps the rules and drops their prose (~1.8 KB raw, measured; docs/wasm.md).
#ifdef __EMSCRIPTEN__
#define OMNI_RULE_DOC(text) ""
#else
#define OMNI_RULE_DOC(text) text
#endif

namespace omni::channel_rules {

/// A read-only view of one table.
template <typename Row>
struct Table {
  const Row* rows;
  std::size_t count;
  const Row* begin() const { return rows; }
  const Row* end() const { return rows + count; }
};

/// How a medium alias turns into a channel.
enum class MediumRule : unsigned char {
  kFixed,    // always the row's channel
  kPaid,     // paid_search, but paid_social for a social source and video for a video source
  kOrganic,  // organic_search, but organic_social for a social source and video for a video source
};

struct MediumAliases {
  Channel channel;
  MediumRule rule;
  std::string_view aliases;  // normalized spellings (see normalize_medium)
};

struct ClickId {
  std::string_view name;  // the query parameter, canonical spelling
  std::string_view platform;
  Channel channel;
};

struct Site {
  std::string_view name;
  Channel channel;           // the channel a visit from this site (or tagged with it) implies
  std::string_view hosts;    // "mail.google.com" (and subdomains) or "google.*" (see find_site_by_host)
  std::string_view sources;  // utm_source names that mean this site, lower-case
};

Table<MediumAliases> medium_aliases();
Table<ClickId> click_ids();  // in precedence order
Table<Site> sites();

/// Lower-cased ASCII, spaces trimmed, "_" and inner spaces turned into "-": "Paid_Social" and
/// "paid social" both become "paid-social".
std::string normalize_medium(std::string_view medium);
const MediumAliases* find_medium(std::string_view normalized_medium);

/// The click id with that name, compared without regard to case; nullptr when none.
const ClickId* find_click_id(std::string_view parameter);

/// The site a host belongs to: the longest domain pattern equal to the host or a parent of it
/// wins; failing that, the first "brand.*" pattern whose brand is the first label of the host's
/// registrable domain. nullptr when none.
const Site* find_site_by_host(std::string_view host);

/// The site a utm_source names: a source name ("fb"), or a host or URL ("m.facebook.com").
const Site* find_site_by_source(std::string_view source);

/// Same host, or same registrable domain (non-empty).
bool same_site(std::string_view host_a, std::string_view host_b);

/// The Markdown sections for the medium, click id, site and same-site tables.
std::string tables_markdown();

// Small text helpers shared by the attribution sources.
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim_spaces(std::string_view s);

/// Calls f(word) for each space-separated word of `list`.
template <typename F>
void for_each_word(std::string_view list, F&& f) {
  while (!list.empty()) {
    const std::size_t space = list.find(' ');
    std::string_view word = list.substr(0, space);
    if (!word.empty()) f(word);
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
}

}  // namespace omni::channel_rules
