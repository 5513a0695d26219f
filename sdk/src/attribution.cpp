#include "omni/attribution.hpp"

#include <charconv>
#include <utility>

#include "channel_rules.hpp"
#include "omni/url.hpp"

namespace omni {
namespace {

using json::Value;
namespace rules = channel_rules;

// Everything the classifier looks at, read once.
struct Signals {
  const Value* campaign = nullptr;  // an object, or nullptr when there is none
  std::string medium;              // normalized (rules::normalize_medium)
  std::string source;              // as tagged
  const Url* referrer = nullptr;   // nullptr when absent or malformed
  const Url* page = nullptr;
};

std::string campaign_text(const Value* campaign, const char* key) {
  if (campaign == nullptr) return {};
  const Value* field = campaign->find(key);
  if (field == nullptr || !field->is_string()) return {};
  return std::string(rules::trim_spaces(*field->as_string()));
}

bool has_value(const Value& value) {
  if (value.is_string()) return !value.as_string()->empty();
  return !value.is_null();
}

// Social and video sources turn a paid or organic medium into their own channel.
Channel by_source_kind(const Signals& s, Channel social, Channel video, Channel otherwise) {
  const rules::Site* site = rules::find_site_by_source(s.source);
  if (site != nullptr && site->channel == Channel::kOrganicSocial) return social;
  if (site != nullptr && site->channel == Channel::kVideo) return video;
  return otherwise;
}

bool decide_by_medium(const Signals& s, Channel* out) {
  const rules::MediumAliases* row = rules::find_medium(s.medium);
  if (row == nullptr) return false;
  switch (row->rule) {
    case rules::MediumRule::kFixed:
      *out = row->channel;
      break;
    case rules::MediumRule::kPaid:
      *out = by_source_kind(s, Channel::kPaidSocial, Channel::kVideo, row->channel);
      break;
    case rules::MediumRule::kOrganic:
      *out = by_source_kind(s, Channel::kOrganicSocial, Channel::kVideo, row->channel);
      break;
  }
  return true;
}

bool decide_by_click_id(const Signals& s, Channel* out) {
  if (s.campaign == nullptr) return false;
  for (const auto& id : rules::click_ids()) {
    for (const json::Member& member : s.campaign->members()) {
      if (rules::iequals(member.key, id.name) && has_value(member.value)) {
        *out = id.channel;
        return true;
      }
    }
  }
  return false;
}

bool decide_by_source(const Signals& s, Channel* out) {
  const rules::Site* site = rules::find_site_by_source(s.source);
  // A sign-in or payment page is internal only as the referrer of a round trip; a link tagged
  // with it came from outside.
  if (site == nullptr || site->channel == Channel::kInternal) return false;
  *out = site->channel;
  return true;
}

bool decide_by_referrer(const Signals& s, Channel* out) {
  if (s.referrer == nullptr) return false;
  if (s.page != nullptr && rules::same_site(s.referrer->host, s.page->host)) {
    *out = Channel::kInternal;
  } else if (const rules::Site* site = rules::find_site_by_host(s.referrer->host)) {
    *out = site->channel;
  } else {
    *out = Channel::kReferral;
  }
  return true;
}

bool decide_by_unrecognised_tags(const Signals& s, Channel* out) {
  if (s.source.empty() && s.medium.empty()) return false;
  *out = Channel::kReferral;
  return true;
}

bool decide_direct(const Signals&, Channel* out) {
  *out = Channel::kDirect;
  return true;
}

struct Step {
  std::string_view title;
  std::string_view rule;  // rendered into docs/channels.md
  bool (*decide)(const Signals&, Channel*);
};

// The precedence. classify() walks this array and the documentation is rendered from it, so the
// order written down is the order applied.
constexpr Step kSteps[] = {
    {OMNI_RULE_DOC("Campaign medium"),
     OMNI_RULE_DOC("`campaign.medium` (from `utm_medium`) is one of the medium aliases below: "
                   "that row's channel. An explicit medium outranks every other signal."),
     decide_by_medium},
    {OMNI_RULE_DOC("Click id"),
     OMNI_RULE_DOC("The campaign holds a click id with a non-empty value: the channel of the "
                   "first such click id in table order."),
     decide_by_click_id},
    {OMNI_RULE_DOC("Campaign source"),
     OMNI_RULE_DOC("`campaign.source` (from `utm_source`) names a site, by source name or by "
                   "host: that site's channel, unless the site's channel is `internal`."),
     decide_by_source},
    {OMNI_RULE_DOC("Referrer"),
     OMNI_RULE_DOC("The referrer is an http(s) URL: `internal` when it is on the same site as "
                   "the page; otherwise the channel of the site its host matches; otherwise "
                   "`referral`."),
     decide_by_referrer},
    {OMNI_RULE_DOC("Unrecognised tags"),
     OMNI_RULE_DOC("The campaign has a source or medium that no step above recognised: "
                   "`referral`, since a tagged link came from somewhere."),
     decide_by_unrecognised_tags},
    {OMNI_RULE_DOC("Nothing else"), OMNI_RULE_DOC("`direct`."), decide_direct},
};

Channel classify(const Value* campaign, const Url* referrer, const Url* page) {
  Signals s;
  s.campaign = campaign != nullptr && campaign->is_object() ? campaign : nullptr;
  s.medium = rules::normalize_medium(campaign_text(s.campaign, "medium"));
  s.source = campaign_text(s.campaign, "source");
  s.referrer = referrer;
  s.page = page;
  Channel channel = Channel::kDirect;
  for (const auto& step : kSteps) {
    if (step.decide(s, &channel)) return channel;
  }
  return channel;
}

// The page URL as an event reports it: no user info (it can hold credentials) and no fragment
// (Segment's page.url leaves the hash out too).
std::string url_for_event(const Url& url) {
  std::string out = url.scheme;
  out += "://";
  out += url.host;
  if (url.port >= 0) {
    char digits[8];
    const auto result = std::to_chars(digits, digits + sizeof digits, url.port);
    out += ':';
    out.append(digits, result.ptr);
  }
  out += url.path;
  if (!url.query.empty()) {
    out += '?';
    out += url.query;
  }
  return out;  // a json::Value repairs any invalid UTF-8 the URL's text holds
}

// Adds each key of `from` that `into` lacks.
void add_missing(Value* into, Value from) {
  for (json::Member& member : from.take_members()) {
    if (!into->contains(member.key)) into->set(member.key, std::move(member.value));
  }
}

}  // namespace

const char* channel_name(Channel channel) {
  switch (channel) {
    case Channel::kDirect: return "direct";
    case Channel::kOrganicSearch: return "organic_search";
    case Channel::kPaidSearch: return "paid_search";
    case Channel::kOrganicSocial: return "organic_social";
    case Channel::kPaidSocial: return "paid_social";
    case Channel::kEmail: return "email";
    case Channel::kSms: return "sms";
    case Channel::kReferral: return "referral";
    case Channel::kDisplay: return "display";
    case Channel::kAffiliate: return "affiliate";
    case Channel::kVideo: return "video";
    case Channel::kInStore: return "in_store";
    case Channel::kPush: return "push";
    case Channel::kInternal: return "internal";
  }
  return "direct";
}

bool parse_channel(std::string_view name, Channel* channel) {
  for (Channel c : kAllChannels) {
    if (name == channel_name(c)) {
      *channel = c;
      return true;
    }
  }
  return false;
}

Value campaign_from_url(std::string_view page_url) {
  Value campaign = Value::object();
  Url url;
  if (!parse_url(page_url, &url)) return campaign;
  for (auto& param : parse_query(url.query)) {
    if (param.second.empty()) continue;
    std::string key = rules::ascii_lower(param.first);
    if (key.size() > 4 && key.compare(0, 4, "utm_") == 0) {
      key.erase(0, 4);
      if (key == "campaign") key = "name";
    } else if (const rules::ClickId* id = rules::find_click_id(param.first)) {
      key = std::string(id->name);
    } else {
      continue;
    }
    if (!campaign.contains(key)) campaign.set(key, std::move(param.second));
  }
  return campaign;
}

Channel classify_channel(const Value& campaign, std::string_view referrer_url,
                         std::string_view page_url) {
  Url referrer;
  Url page;
  const bool has_referrer = parse_url(referrer_url, &referrer);
  const bool has_page = parse_url(page_url, &page);
  return classify(&campaign, has_referrer ? &referrer : nullptr, has_page ? &page : nullptr);
}

void enrich_context(const PageContext& page, Value* context) {
  if (context == nullptr) return;
  if (context->is_null()) *context = Value::object();
  if (!context->is_object()) return;

  Url page_url;
  Url referrer;
  const bool has_page = parse_url(page.url, &page_url);
  const bool has_referrer = parse_url(page.referrer, &referrer);

  // Strings from the page go in as they are: a json::Value replaces invalid UTF-8 with U+FFFD.
  Value page_fields = Value::object();
  if (has_page) {
    page_fields.set("url", url_for_event(page_url));
    page_fields.set("path", page_url.path);
    page_fields.set("search", page_url.query.empty() ? std::string() : "?" + page_url.query);
  }
  if (has_referrer) page_fields.set("referrer", url_for_event(referrer));
  if (!page.title.empty()) page_fields.set("title", page.title);
  if (Value* existing = context->find("page")) {
    if (existing->is_object()) add_missing(existing, std::move(page_fields));
  } else if (!page_fields.empty()) {
    context->set("page", std::move(page_fields));
  }

  Value url_campaign = has_page ? campaign_from_url(page.url) : Value::object();
  if (Value* existing = context->find("campaign")) {
    if (existing->is_object()) add_missing(existing, std::move(url_campaign));
  } else if (!url_campaign.empty()) {
    context->set("campaign", std::move(url_campaign));
  }

  if (!context->contains("channel")) {
    // Classify from the campaign the event will carry: the caller's keys and the URL's. (When
    // url_campaign was moved above, the context carries it and it is not read here.)
    const Value* carried = context->find("campaign");
    const Value* campaign = carried != nullptr && carried->is_object() ? carried : &url_campaign;
    const Channel channel = classify(campaign, has_referrer ? &referrer : nullptr,
                                     has_page ? &page_url : nullptr);
    context->set("channel", channel_name(channel));
  }
}

std::string channel_rules_markdown() {
  std::string out =
      "## Precedence\n"
      "\n"
      "The first step that decides gives the channel. A page or referrer that is not an absolute "
      "http(s) URL counts as absent; a campaign field that is not a string is ignored.\n"
      "\n";
  int number = 0;
  for (const auto& step : kSteps) {
    char digits[4];
    const auto result = std::to_chars(digits, digits + sizeof digits, ++number);
    out.append(digits, result.ptr);
    out += ". **";
    out += step.title;
    out += ".** ";
    out += step.rule;
    out += '\n';
  }
  out +=
      "\n"
      "## Campaign fields\n"
      "\n"
      "`context.campaign` comes from the page URL's query string, shaped as Segment shapes it: "
      "`utm_campaign` becomes `name` and every other `utm_<key>` becomes `<key>` (`source`, "
      "`medium`, `term`, `content`, `id`, ...); each click id below keeps its own name. Parameter "
      "names match without regard to case, values are percent-decoded with `+` as a space, empty "
      "values are skipped, and the first non-empty value of a repeated parameter wins.\n"
      "\n";
  out += rules::tables_markdown();
  return out;
}

}  // namespace omni
