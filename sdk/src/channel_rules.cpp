#include "channel_rules.hpp"

namespace omni::channel_rules {
namespace {

// Spellings are normalized (normalize_medium): lower-case, "-" for "_" and spaces.
constexpr MediumAliases kMediumAliases[] = {
    {Channel::kPaidSearch, MediumRule::kPaid, "cpc ppc paid paidsearch paid-search sem"},
    {Channel::kDisplay, MediumRule::kFixed, "display banner cpm programmatic"},
    {Channel::kPaidSocial, MediumRule::kFixed, "paid-social paidsocial social-paid"},
    {Channel::kOrganicSocial, MediumRule::kFixed,
     "social social-network social-media sm organic-social"},
    {Channel::kEmail, MediumRule::kFixed, "email e-mail newsletter"},
    {Channel::kSms, MediumRule::kFixed, "sms text mms"},
    {Channel::kAffiliate, MediumRule::kFixed, "affiliate affiliates partner partners"},
    {Channel::kInStore, MediumRule::kFixed, "qr qr-code qrcode in-store instore pos print offline"},
    {Channel::kPush, MediumRule::kFixed, "push web-push webpush app-push push-notification"},
    {Channel::kVideo, MediumRule::kFixed, "video youtube"},
    {Channel::kReferral, MediumRule::kFixed, "referral"},
    {Channel::kOrganicSearch, MediumRule::kOrganic, "organic"},
};

// Order is precedence: the paid platforms' ids first, because an ad click can carry a share id
// too; fbclid and igshid last, because Meta appends them to organic shares as well as to ads.
constexpr ClickId kClickIds[] = {
    {"gclid", OMNI_RULE_DOC("Google Ads"), Channel::kPaidSearch},
    {"gbraid", OMNI_RULE_DOC("Google Ads (iOS)"), Channel::kPaidSearch},
    {"wbraid", OMNI_RULE_DOC("Google Ads (iOS)"), Channel::kPaidSearch},
    {"msclkid", OMNI_RULE_DOC("Microsoft Advertising"), Channel::kPaidSearch},
    {"yclid", OMNI_RULE_DOC("Yandex Direct"), Channel::kPaidSearch},
    {"dclid", OMNI_RULE_DOC("Google Display & Video 360, Campaign Manager 360"), Channel::kDisplay},
    {"ttclid", OMNI_RULE_DOC("TikTok Ads"), Channel::kPaidSocial},
    {"twclid", OMNI_RULE_DOC("X Ads"), Channel::kPaidSocial},
    {"li_fat_id", OMNI_RULE_DOC("LinkedIn Ads"), Channel::kPaidSocial},
    {"ScCid", OMNI_RULE_DOC("Snapchat Ads"), Channel::kPaidSocial},
    {"epik", OMNI_RULE_DOC("Pinterest Ads"), Channel::kPaidSocial},
    {"rdt_cid", OMNI_RULE_DOC("Reddit Ads"), Channel::kPaidSocial},
    {"irclickid", OMNI_RULE_DOC("Impact (affiliate network)"), Channel::kAffiliate},
    {"mc_cid", OMNI_RULE_DOC("Mailchimp"), Channel::kEmail},
    {"_kx", OMNI_RULE_DOC("Klaviyo"), Channel::kEmail},
    {"_hsenc", OMNI_RULE_DOC("HubSpot email"), Channel::kEmail},
    {"mkt_tok", OMNI_RULE_DOC("Marketo email"), Channel::kEmail},
    {"srsltid", OMNI_RULE_DOC("Google Merchant Center free listings"), Channel::kOrganicSearch},
    {"fbclid", OMNI_RULE_DOC("Meta (ads and organic shares)"), Channel::kOrganicSocial},
    {"igshid", OMNI_RULE_DOC("Instagram share link"), Channel::kOrganicSocial},
    {"igsh", OMNI_RULE_DOC("Instagram share link"), Channel::kOrganicSocial},
};

// Webmail rows name exact mail hosts, which outrank the search engines' "brand.*" patterns, so
// mail.google.com is email while www.google.co.uk is search. The sign-in and payment rows are
// pages a shopper leaves the site for and comes back from in the same visit (a login, a PayPal
// approval): their referrer is the site's own flow, not a new source.
constexpr Site kSites[] = {
    {OMNI_RULE_DOC("Google"), Channel::kOrganicSearch, "google.*", "google"},
    {OMNI_RULE_DOC("Bing"), Channel::kOrganicSearch, "bing.com", "bing"},
    {OMNI_RULE_DOC("Yahoo"), Channel::kOrganicSearch, "yahoo.*", "yahoo"},
    {OMNI_RULE_DOC("DuckDuckGo"), Channel::kOrganicSearch, "duckduckgo.com", "duckduckgo ddg"},
    {OMNI_RULE_DOC("Yandex"), Channel::kOrganicSearch, "yandex.* ya.ru", "yandex"},
    {OMNI_RULE_DOC("Baidu"), Channel::kOrganicSearch, "baidu.com", "baidu"},
    {OMNI_RULE_DOC("Ecosia"), Channel::kOrganicSearch, "ecosia.org", "ecosia"},
    {OMNI_RULE_DOC("Brave Search"), Channel::kOrganicSearch, "search.brave.com", "brave"},
    {OMNI_RULE_DOC("Startpage"), Channel::kOrganicSearch, "startpage.com", "startpage"},
    {OMNI_RULE_DOC("Qwant"), Channel::kOrganicSearch, "qwant.com", "qwant"},
    {OMNI_RULE_DOC("Naver"), Channel::kOrganicSearch, "naver.com", "naver"},
    {OMNI_RULE_DOC("Seznam"), Channel::kOrganicSearch, "seznam.cz", "seznam"},
    {OMNI_RULE_DOC("Sogou"), Channel::kOrganicSearch, "sogou.com", "sogou"},
    {OMNI_RULE_DOC("Ask"), Channel::kOrganicSearch, "ask.com", "ask"},
    {OMNI_RULE_DOC("AOL Search"), Channel::kOrganicSearch, "search.aol.com", "aol"},
    {OMNI_RULE_DOC("Facebook"), Channel::kOrganicSocial, "facebook.com fb.com fb.me messenger.com",
     "facebook fb meta"},
    {OMNI_RULE_DOC("Instagram"), Channel::kOrganicSocial, "instagram.com", "instagram ig"},
    {OMNI_RULE_DOC("X (Twitter)"), Channel::kOrganicSocial, "x.com twitter.com t.co", "x twitter"},
    {OMNI_RULE_DOC("LinkedIn"), Channel::kOrganicSocial, "linkedin.com lnkd.in", "linkedin"},
    {OMNI_RULE_DOC("Pinterest"), Channel::kOrganicSocial, "pinterest.* pin.it", "pinterest"},
    {OMNI_RULE_DOC("Reddit"), Channel::kOrganicSocial, "reddit.com redd.it", "reddit"},
    {OMNI_RULE_DOC("TikTok"), Channel::kOrganicSocial, "tiktok.com", "tiktok"},
    {OMNI_RULE_DOC("Snapchat"), Channel::kOrganicSocial, "snapchat.com", "snapchat"},
    {OMNI_RULE_DOC("Threads"), Channel::kOrganicSocial, "threads.net threads.com", "threads"},
    {OMNI_RULE_DOC("Bluesky"), Channel::kOrganicSocial, "bsky.app", "bluesky bsky"},
    {OMNI_RULE_DOC("Mastodon"), Channel::kOrganicSocial, "mastodon.social", "mastodon"},
    {OMNI_RULE_DOC("Tumblr"), Channel::kOrganicSocial, "tumblr.com", "tumblr"},
    {OMNI_RULE_DOC("Quora"), Channel::kOrganicSocial, "quora.com", "quora"},
    {OMNI_RULE_DOC("VK"), Channel::kOrganicSocial, "vk.com", "vk"},
    {OMNI_RULE_DOC("Weibo"), Channel::kOrganicSocial, "weibo.com", "weibo"},
    {OMNI_RULE_DOC("WhatsApp"), Channel::kOrganicSocial, "whatsapp.com wa.me", "whatsapp"},
    {OMNI_RULE_DOC("Telegram"), Channel::kOrganicSocial, "telegram.org t.me", "telegram"},
    {OMNI_RULE_DOC("Discord"), Channel::kOrganicSocial, "discord.com discord.gg", "discord"},
    {OMNI_RULE_DOC("Nextdoor"), Channel::kOrganicSocial, "nextdoor.com", "nextdoor"},
    {OMNI_RULE_DOC("YouTube"), Channel::kVideo, "youtube.com youtu.be", "youtube yt"},
    {OMNI_RULE_DOC("Vimeo"), Channel::kVideo, "vimeo.com", "vimeo"},
    {OMNI_RULE_DOC("Twitch"), Channel::kVideo, "twitch.tv", "twitch"},
    {OMNI_RULE_DOC("Dailymotion"), Channel::kVideo, "dailymotion.com", "dailymotion"},
    {OMNI_RULE_DOC("Gmail"), Channel::kEmail, "mail.google.com", "gmail"},
    {OMNI_RULE_DOC("Outlook"), Channel::kEmail,
     "outlook.live.com outlook.office.com outlook.office365.com",
     "outlook"},
    {OMNI_RULE_DOC("Yahoo Mail"), Channel::kEmail, "mail.yahoo.com", ""},
    {OMNI_RULE_DOC("AOL Mail"), Channel::kEmail, "mail.aol.com", ""},
    {OMNI_RULE_DOC("Proton Mail"), Channel::kEmail, "mail.proton.me", ""},
    {OMNI_RULE_DOC("Zoho Mail"), Channel::kEmail, "mail.zoho.com", ""},
    {OMNI_RULE_DOC("Yandex Mail"), Channel::kEmail, "mail.yandex.ru", ""},
    {OMNI_RULE_DOC("Mail.ru"), Channel::kEmail, "e.mail.ru", ""},
    {OMNI_RULE_DOC("Email service providers"), Channel::kEmail, "",
     "email newsletter mailchimp klaviyo sendgrid braze iterable omnisend"},
    {OMNI_RULE_DOC("SMS service providers"), Channel::kSms, "", "sms text attentive postscript"},
    {OMNI_RULE_DOC("Sign-in and payment pages"), Channel::kInternal,
     "accounts.google.com appleid.apple.com login.live.com login.microsoftonline.com "
     "paypal.com checkout.stripe.com hooks.stripe.com checkout.shopify.com",
     ""},
};

// Same-site data (see registrable_domain): second-level labels that sit under a two-letter
// country code (co.uk, com.au, ac.jp, ...), and shared hosting suffixes under which every
// subdomain is a different owner's site.
constexpr std::string_view kShortSecondLevels = "ac co com edu go gob gov ne net or org";
constexpr std::string_view kSharedHostingSuffixes =
    "myshopify.com github.io blogspot.com wixsite.com squarespace.com netlify.app vercel.app "
    "pages.dev web.app firebaseapp.com herokuapp.com appspot.com azurewebsites.net "
    "cloudfront.net";

template <typename Row, std::size_t N>
Table<Row> table_of(const Row (&rows)[N]) {
  return {rows, N};
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool list_contains(std::string_view list, std::string_view word) {
  bool found = false;
  for_each_word(list, [&](std::string_view w) { found = found || w == word; });
  return found;
}

bool is_wildcard(std::string_view pattern) { return ends_with(pattern, ".*"); }

// `host` equals `domain` or is a subdomain of it.
bool within_domain(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && ends_with(host, domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

std::string normalize_host(std::string_view host) {
  std::string h = ascii_lower(trim_spaces(host));
  if (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool is_ip_address(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;
  for (char c : host) {
    if (c != '.' && (c < '0' || c > '9')) return false;
  }
  return !host.empty();
}

// Where the last `n` labels of `host` begin; 0 when it has no more than `n`.
std::size_t start_of_last_labels(std::string_view host, std::size_t n) {
  std::size_t end = host.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (end == 0) return 0;
    const std::size_t dot = host.rfind('.', end - 1);
    if (dot == std::string_view::npos) return 0;
    end = dot;
  }
  return end + 1;
}

std::size_t label_count(std::string_view host) {
  std::size_t n = 1;
  for (char c : host) n += c == '.' ? 1 : 0;
  return n;
}

void append_code_list(std::string* out, std::string_view list) {
  bool first = true;
  for_each_word(list, [&](std::string_view word) {
    if (!first) *out += ", ";
    first = false;
    *out += '`';
    *out += word;
    *out += '`';
  });
}

std::string_view medium_rule_text(const MediumAliases& row) {
  switch (row.rule) {
    case MediumRule::kFixed: return "";
    case MediumRule::kPaid:
      return "; `paid_social` when the source is a social network; `video` when the source is a "
             "video site";
    case MediumRule::kOrganic:
      return "; `organic_social` when the source is a social network; `video` when the source "
             "is a video site";
  }
  return "";
}

}  // namespace

Table<MediumAliases> medium_aliases() { return table_of(kMediumAliases); }
Table<ClickId> click_ids() { return table_of(kClickIds); }
Table<Site> sites() { return table_of(kSites); }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string normalize_medium(std::string_view medium) {
  std::string out = ascii_lower(trim_spaces(medium));
  for (char& c : out) {
    if (c == '_' || c == ' ') c = '-';
  }
  return out;
}

const MediumAliases* find_medium(std::string_view normalized_medium) {
  if (normalized_medium.empty()) return nullptr;
  for (const auto& row : kMediumAliases) {
    if (list_contains(row.aliases, normalized_medium)) return &row;
  }
  return nullptr;
}

const ClickId* find_click_id(std::string_view parameter) {
  for (const auto& id : kClickIds) {
    if (iequals(id.name, parameter)) return &id;
  }
  return nullptr;
}

const Site* find_site_by_host(std::string_view raw_host) {
  const std::string host = normalize_host(raw_host);
  if (host.empty()) return nullptr;

  const Site* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& site : kSites) {
    for_each_word(site.hosts, [&](std::string_view pattern) {
      if (!is_wildcard(pattern) && pattern.size() > best_length && within_domain(host, pattern)) {
        best = &site;
        best_length = pattern.size();
      }
    });
  }
  if (best != nullptr) return best;

  const std::string site_domain = registrable_domain(host);
  const std::size_t dot = site_domain.find('.');
  if (dot == std::string::npos || is_ip_address(site_domain)) return nullptr;
  const std::string_view brand = std::string_view(site_domain).substr(0, dot);
  for (const auto& site : kSites) {
    bool match = false;
    for_each_word(site.hosts, [&](std::string_view pattern) {
      match = match || (is_wildcard(pattern) && pattern.substr(0, pattern.size() - 2) == brand);
    });
    if (match) return &site;
  }
  return nullptr;
}

const Site* find_site_by_source(std::string_view raw_source) {
  const std::string source = ascii_lower(trim_spaces(raw_source));
  if (source.empty()) return nullptr;

  const std::size_t scheme_end = source.find("://");
  if (scheme_end != std::string::npos || source.find('.') != std::string::npos) {
    std::string_view host(source);
    if (scheme_end != std::string::npos) host.remove_prefix(scheme_end + 3);
    host = host.substr(0, host.find_first_of("/?#:"));
    return find_site_by_host(host);
  }
  for (const auto& site : kSites) {
    if (list_contains(site.sources, source)) return &site;
  }
  return nullptr;
}

bool same_site(std::string_view host_a, std::string_view host_b) {
  const std::string a = normalize_host(host_a);
  const std::string b = normalize_host(host_b);
  if (a.empty() || b.empty()) return false;
  return a == b || registrable_domain(a) == registrable_domain(b);
}

std::string tables_markdown() {
  std::string out;
  out +=
      "## Medium aliases\n"
      "\n"
      "A campaign medium is compared after lower-casing, trimming spaces and turning `_` and "
      "spaces into `-`, so `Paid_Social` and `paid social` both read as `paid-social`.\n"
      "\n"
      "| Medium | Channel |\n"
      "|---|---|\n";
  for (const auto& row : kMediumAliases) {
    out += "| ";
    append_code_list(&out, row.aliases);
    out += " | `";
    out += channel_name(row.channel);
    out += '`';
    out += medium_rule_text(row);
    out += " |\n";
  }

  out +=
      "\n"
      "## Click ids\n"
      "\n"
      "Parameter names match without regard to case. When several are present, the first in this "
      "order decides.\n"
      "\n"
      "| Parameter | Platform | Channel |\n"
      "|---|---|---|\n";
  for (const auto& id : kClickIds) {
    out += "| `";
    out += id.name;
    out += "` | ";
    out += id.platform;
    out += " | `";
    out += channel_name(id.channel);
    out += "` |\n";
  }

  out +=
      "\n"
      "## Sites\n"
      "\n"
      "A host pattern naming a domain (`mail.google.com`) matches that host and its subdomains; "
      "when several match, the longest wins. A pattern `brand.*` matches a host whose registrable "
      "domain (see Same site) starts with the label `brand`, so `google.*` matches "
      "`www.google.co.uk` and `news.google.com` but not `google.example.com`. Domain patterns are "
      "tried before `brand.*` patterns, so `mail.google.com` is email, not search. A campaign "
      "source matches a site when it is one of the site's source names, or when it contains "
      "`.` or `://` and its host matches the site's hosts. Names and hosts are compared in lower "
      "case.\n"
      "\n"
      "| Site | Channel | Hosts | Source names |\n"
      "|---|---|---|---|\n";
  for (const auto& site : kSites) {
    out += "| ";
    out += site.name;
    out += " | `";
    out += channel_name(site.channel);
    out += "` | ";
    if (site.hosts.empty()) {
      out += "-";
    } else {
      append_code_list(&out, site.hosts);
    }
    out += " | ";
    if (site.sources.empty()) {
      out += "-";
    } else {
      append_code_list(&out, site.sources);
    }
    out += " |\n";
  }

  out +=
      "\n"
      "## Same site\n"
      "\n"
      "A referrer is on the same site as the page when both hosts are equal, or when their "
      "registrable domains are equal. The registrable domain is the host, lower-cased and without "
      "a trailing `.`, cut to its last two labels; to its last three when the last two are a "
      "shared hosting suffix or a short second-level label under a two-letter country code "
      "(`shop.co.uk`, `shop.com.au`). IP addresses and single-label hosts (`localhost`) are "
      "compared whole. Ports and schemes are ignored. This approximates the public suffix list "
      "without shipping it: two owners' sites under a suffix missing here read as one site.\n"
      "\n"
      "Short second-level labels: ";
  append_code_list(&out, kShortSecondLevels);
  out += ".\n\nShared hosting suffixes: ";
  append_code_list(&out, kSharedHostingSuffixes);
  out += ".\n";
  return out;
}

}  // namespace omni::channel_rules

namespace omni {

std::string registrable_domain(std::string_view raw_host) {
  using namespace channel_rules;
  const std::string host = normalize_host(raw_host);
  if (is_ip_address(host) || label_count(host) <= 2) return host;

  const std::string_view h(host);
  const std::string_view last_two = h.substr(start_of_last_labels(h, 2));
  const std::string_view top = last_two.substr(last_two.find('.') + 1);
  const std::string_view second = last_two.substr(0, last_two.find('.'));
  const bool keep_three = list_contains(kSharedHostingSuffixes, last_two) ||
                          (top.size() == 2 && list_contains(kShortSecondLevels, second));
  return std::string(keep_three ? h.substr(start_of_last_labels(h, 3)) : last_two);
}

}  // namespace omni
