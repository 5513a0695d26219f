#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "omni/attribution.hpp"
#include "support/json_support.hpp"

using omni::json::Value;

namespace {

Value parse(const char* text) { return omni::testing::json_of(text); }

std::string classify(const char* page_url, const char* referrer = "") {
  return omni::channel_name(
      omni::classify_channel(omni::campaign_from_url(page_url), referrer, page_url));
}

}  // namespace

TEST_CASE("every channel has a distinct snake_case name that parses back", "[attribution]") {
  std::set<std::string> names;
  for (omni::Channel channel : omni::kAllChannels) {
    const std::string name = omni::channel_name(channel);
    for (char c : name) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
    names.insert(name);
    omni::Channel parsed = omni::Channel::kDirect;
    REQUIRE(omni::parse_channel(name, &parsed));
    CHECK(parsed == channel);
  }
  CHECK(names.size() == std::size(omni::kAllChannels));
  CHECK(std::string(omni::channel_name(omni::Channel::kInStore)) == "in_store");
  omni::Channel unused = omni::Channel::kDirect;
  CHECK_FALSE(omni::parse_channel("Email", &unused));
  CHECK_FALSE(omni::parse_channel("carrier_pigeon", &unused));
}

TEST_CASE("campaign tags and click ids come out of real-world landing URLs as Segment shapes them",
          "[attribution]") {
  struct Case {
    const char* url;
    const char* campaign;
  };
  const Case cases[] = {
      {"https://shop.example.com/", "{}"},
      {"https://shop.example.com/products/boots?color=red&size=9", "{}"},
      {"https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand_uk"
       "&utm_term=leather+boots&utm_content=ad_a&gclid=Cj0KCQjw-tmBhD&gad_source=1",
       R"({"source":"google","medium":"cpc","name":"brand_uk","term":"leather boots",
           "content":"ad_a","gclid":"Cj0KCQjw-tmBhD"})"},
      {"https://shop.example.com/sale?utm_source=Klaviyo&utm_medium=email"
       "&utm_campaign=Abandoned%20Cart%20%231&_kx=Abc123.XyZ",
       R"({"source":"Klaviyo","medium":"email","name":"Abandoned Cart #1","_kx":"Abc123.XyZ"})"},
      {"https://shop.example.com/?utm_source=Newsletter&utm_campaign=5a1b2c&utm_medium=email"
       "&mc_cid=5a1b2c&mc_eid=0f9e8d",
       R"({"source":"Newsletter","name":"5a1b2c","medium":"email","mc_cid":"5a1b2c"})"},
      {"https://shop.example.com/?fbclid=IwAR2xYz_abc", R"({"fbclid":"IwAR2xYz_abc"})"},
      {"https://shop.example.com/p/1?igsh=MzRlODBiNWFlZA==", R"({"igsh":"MzRlODBiNWFlZA=="})"},
      {"https://shop.example.com/?sccid=abc&LI_FAT_ID=def&Epik=ghi",
       R"({"ScCid":"abc","li_fat_id":"def","epik":"ghi"})"},
      {"https://shop.example.com/?msclkid=9f8e&ttclid=E.C.P.x&twclid=2-x&yclid=77&dclid=CJ",
       R"({"msclkid":"9f8e","ttclid":"E.C.P.x","twclid":"2-x","yclid":"77","dclid":"CJ"})"},
      {"https://shop.example.com/?gbraid=0AAAAA&wbraid=CkAB&rdt_cid=12&irclickid=Wd_x"
       "&_hsenc=p2AN&mkt_tok=NzU2&srsltid=AfmBOo",
       R"({"gbraid":"0AAAAA","wbraid":"CkAB","rdt_cid":"12","irclickid":"Wd_x",
           "_hsenc":"p2AN","mkt_tok":"NzU2","srsltid":"AfmBOo"})"},
      {"https://shop.example.com/?UTM_SOURCE=Facebook&Utm_Medium=Paid_Social",
       R"({"source":"Facebook","medium":"Paid_Social"})"},
      {"https://shop.example.com/?utm_id=cmp-42&utm_source_platform=dv360",
       R"({"id":"cmp-42","source_platform":"dv360"})"},
      {"https://shop.example.com/?utm_source=&utm_medium=email&utm_source=mailchimp",
       R"({"medium":"email","source":"mailchimp"})"},
      {"https://shop.example.com/?utm_source=first&utm_source=second", R"({"source":"first"})"},
      {"https://shop.example.com/?utm_=x&utm&gclid=", "{}"},
      {"https://shop.example.com/?utm_campaign=%E2%82%AC10+off", R"({"name":"€10 off"})"},
      {"https://shop.example.com/?utm_campaign=%FFsale", R"({"name":"\ufffdsale"})"},
      {"https://shop.example.com/#utm_source=hash_is_not_query", "{}"},
      {"https://shop.example.com/?utm_source=x#frag&utm_medium=y", R"({"source":"x"})"},
      {"shop.example.com/?utm_source=no_scheme", "{}"},
      {"/relative?utm_source=relative", "{}"},
      {"", "{}"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    const Value campaign = omni::campaign_from_url(c.url);
    CHECK(campaign.dump() == parse(c.campaign).dump());  // the same keys in the same order
  }
}

TEST_CASE("real-world visits classify into the expected channel", "[attribution]") {
  struct Case {
    const char* page;
    const char* referrer;
    const char* channel;
  };
  const Case cases[] = {
      // Nothing known.
      {"https://shop.example.com/", "", "direct"},
      {"", "", "direct"},
      // Explicit mediums.
      {"https://shop.example.com/?utm_source=google&utm_medium=cpc&gclid=x",
       "https://www.google.com/", "paid_search"},
      {"https://shop.example.com/?utm_source=bing&utm_medium=ppc", "", "paid_search"},
      {"https://shop.example.com/?utm_source=adwords&utm_medium=paid-search", "", "paid_search"},
      {"https://shop.example.com/?utm_source=google&utm_medium=SEM", "", "paid_search"},
      {"https://shop.example.com/?utm_source=facebook&utm_medium=paid&fbclid=IwAR",
       "https://l.facebook.com/", "paid_social"},
      {"https://shop.example.com/?utm_source=m.facebook.com&utm_medium=cpc", "", "paid_social"},
      {"https://shop.example.com/?utm_source=ig&utm_medium=cpc", "", "paid_social"},
      {"https://shop.example.com/?utm_source=tiktok&utm_medium=paid", "", "paid_social"},
      {"https://shop.example.com/?utm_source=youtube&utm_medium=cpc", "", "video"},
      {"https://shop.example.com/?utm_source=Facebook&utm_medium=Paid_Social", "",
       "paid_social"},
      {"https://shop.example.com/?utm_source=meta&utm_medium=paid+social", "", "paid_social"},
      {"https://shop.example.com/?utm_source=pinterest&utm_medium=paidsocial", "", "paid_social"},
      {"https://shop.example.com/?utm_source=google&utm_medium=display", "", "display"},
      {"https://shop.example.com/?utm_source=criteo&utm_medium=banner", "", "display"},
      {"https://shop.example.com/?utm_source=ttd&utm_medium=programmatic", "", "display"},
      {"https://shop.example.com/?utm_source=klaviyo&utm_medium=email&_kx=abc", "", "email"},
      {"https://shop.example.com/?utm_source=mc&utm_medium=E-Mail", "", "email"},
      {"https://shop.example.com/?utm_source=weekly&utm_medium=newsletter", "", "email"},
      {"https://shop.example.com/?utm_source=attentive&utm_medium=sms", "", "sms"},
      {"https://shop.example.com/?utm_source=postscript&utm_medium=text", "", "sms"},
      {"https://shop.example.com/?utm_source=instagram&utm_medium=social", "", "organic_social"},
      {"https://shop.example.com/?utm_source=linkedin&utm_medium=social-media", "",
       "organic_social"},
      {"https://shop.example.com/?utm_source=x&utm_medium=organic_social", "", "organic_social"},
      {"https://shop.example.com/?utm_source=rakuten&utm_medium=affiliate", "", "affiliate"},
      {"https://shop.example.com/?utm_source=creator_jane&utm_medium=partner", "", "affiliate"},
      {"https://shop.example.com/?utm_source=store_window&utm_medium=QR", "", "in_store"},
      {"https://shop.example.com/?utm_source=receipt&utm_medium=in_store", "", "in_store"},
      {"https://shop.example.com/?utm_source=catalog&utm_medium=print", "", "in_store"},
      {"https://shop.example.com/?utm_source=onesignal&utm_medium=web_push", "", "push"},
      {"https://shop.example.com/?utm_source=app&utm_medium=push", "", "push"},
      {"https://shop.example.com/?utm_source=brand_channel&utm_medium=video", "", "video"},
      {"https://shop.example.com/?utm_source=blog&utm_medium=referral", "", "referral"},
      {"https://shop.example.com/?utm_source=google&utm_medium=organic", "", "organic_search"},
      {"https://shop.example.com/?utm_source=instagram&utm_medium=organic", "", "organic_social"},
      {"https://shop.example.com/?utm_source=youtube.com&utm_medium=organic", "", "video"},
      // An explicit medium wins over click ids and referrers.
      {"https://shop.example.com/?utm_medium=email&gclid=x", "https://www.google.com/", "email"},
      {"https://shop.example.com/?utm_medium=referral", "https://shop.example.com/", "referral"},
      // Click ids, in table order.
      {"https://shop.example.com/?gclid=Cj0KCQjw", "", "paid_search"},
      {"https://shop.example.com/?gclid=Cj0KCQjw", "https://www.google.com/", "paid_search"},
      {"https://shop.example.com/?gbraid=0AAAAA", "", "paid_search"},
      {"https://shop.example.com/?wbraid=CkAB", "", "paid_search"},
      {"https://shop.example.com/?msclkid=9f8e", "https://www.bing.com/", "paid_search"},
      {"https://shop.example.com/?yclid=77", "https://yandex.ru/", "paid_search"},
      {"https://shop.example.com/?dclid=CJ", "", "display"},
      {"https://shop.example.com/?ttclid=E.C.P", "", "paid_social"},
      {"https://shop.example.com/?twclid=2-x", "https://t.co/abc", "paid_social"},
      {"https://shop.example.com/?li_fat_id=abc", "https://www.linkedin.com/", "paid_social"},
      {"https://shop.example.com/?ScCid=abc", "", "paid_social"},
      {"https://shop.example.com/?epik=dj0y", "https://www.pinterest.com/", "paid_social"},
      {"https://shop.example.com/?rdt_cid=12", "", "paid_social"},
      {"https://shop.example.com/?irclickid=Wd", "", "affiliate"},
      {"https://shop.example.com/?mc_cid=5a1b&mc_eid=0f", "", "email"},
      {"https://shop.example.com/?_kx=abc", "", "email"},
      {"https://shop.example.com/?_hsenc=p2AN", "", "email"},
      {"https://shop.example.com/?mkt_tok=NzU2", "", "email"},
      {"https://shop.example.com/?srsltid=AfmBOo", "https://www.google.com/", "organic_search"},
      {"https://shop.example.com/?fbclid=IwAR", "", "organic_social"},
      {"https://shop.example.com/?fbclid=IwAR", "https://l.facebook.com/", "organic_social"},
      {"https://shop.example.com/?igshid=MzRl", "", "organic_social"},
      {"https://shop.example.com/?fbclid=IwAR&gclid=Cj0", "", "paid_search"},
      {"https://shop.example.com/?fbclid=IwAR&ttclid=E.C", "", "paid_social"},
      // Campaign source alone.
      {"https://shop.example.com/?utm_source=facebook", "", "organic_social"},
      {"https://shop.example.com/?utm_source=google", "", "organic_search"},
      {"https://shop.example.com/?utm_source=newsletter", "", "email"},
      {"https://shop.example.com/?utm_source=attentive", "", "sms"},
      {"https://shop.example.com/?utm_source=youtube&utm_medium=story", "", "video"},
      {"https://shop.example.com/?utm_source=https://www.reddit.com/r/boots", "", "organic_social"},
      // Referrers: search engines, including country domains and subdomains.
      {"https://shop.example.com/", "https://www.google.com/", "organic_search"},
      {"https://shop.example.com/", "https://www.google.co.uk/", "organic_search"},
      {"https://shop.example.com/", "https://www.google.com.au/search?q=boots", "organic_search"},
      {"https://shop.example.com/", "https://www.google.de/", "organic_search"},
      {"https://shop.example.com/", "https://news.google.com/", "organic_search"},
      {"https://shop.example.com/", "https://WWW.GOOGLE.FR./", "organic_search"},
      {"https://shop.example.com/", "https://www.bing.com/search?q=boots", "organic_search"},
      {"https://shop.example.com/", "https://cn.bing.com/", "organic_search"},
      {"https://shop.example.com/", "https://duckduckgo.com/", "organic_search"},
      {"https://shop.example.com/", "https://search.yahoo.com/", "organic_search"},
      {"https://shop.example.com/", "https://search.yahoo.co.jp/", "organic_search"},
      {"https://shop.example.com/", "https://yandex.ru/", "organic_search"},
      {"https://shop.example.com/", "https://yandex.com.tr/", "organic_search"},
      {"https://shop.example.com/", "https://ya.ru/", "organic_search"},
      {"https://shop.example.com/", "https://www.baidu.com/link?url=x", "organic_search"},
      {"https://shop.example.com/", "https://www.ecosia.org/", "organic_search"},
      {"https://shop.example.com/", "https://search.brave.com/", "organic_search"},
      {"https://shop.example.com/", "https://search.naver.com/", "organic_search"},
      // Social networks and video sites.
      {"https://shop.example.com/", "https://l.facebook.com/", "organic_social"},
      {"https://shop.example.com/", "https://m.facebook.com/", "organic_social"},
      {"https://shop.example.com/", "https://l.instagram.com/", "organic_social"},
      {"https://shop.example.com/", "https://t.co/AbCdEf", "organic_social"},
      {"https://shop.example.com/", "https://x.com/", "organic_social"},
      {"https://shop.example.com/", "https://www.linkedin.com/", "organic_social"},
      {"https://shop.example.com/", "https://lnkd.in/abc", "organic_social"},
      {"https://shop.example.com/", "https://www.pinterest.co.uk/", "organic_social"},
      {"https://shop.example.com/", "https://pin.it/xyz", "organic_social"},
      {"https://shop.example.com/", "https://old.reddit.com/", "organic_social"},
      {"https://shop.example.com/", "https://www.tiktok.com/", "organic_social"},
      {"https://shop.example.com/", "https://www.threads.net/", "organic_social"},
      {"https://shop.example.com/", "https://www.youtube.com/", "video"},
      {"https://shop.example.com/", "https://m.youtube.com/", "video"},
      {"https://shop.example.com/", "https://youtu.be/dQw4w9WgXcQ", "video"},
      {"https://shop.example.com/", "https://vimeo.com/", "video"},
      // Webmail outranks the search engine of the same brand.
      {"https://shop.example.com/", "https://mail.google.com/", "email"},
      {"https://shop.example.com/", "https://outlook.live.com/", "email"},
      {"https://shop.example.com/", "https://outlook.office.com/mail/", "email"},
      {"https://shop.example.com/", "https://mail.yahoo.com/", "email"},
      {"https://shop.example.com/", "https://mail.yandex.ru/", "email"},
      // Same site.
      {"https://shop.example.com/cart", "https://shop.example.com/products/boots", "internal"},
      {"https://shop.example.com/cart", "https://www.shop.example.com/", "internal"},
      {"https://www.example.com/", "https://blog.example.com/post", "internal"},
      {"https://example.com/", "http://www.example.com:8080/", "internal"},
      {"https://www.shop.co.uk/", "https://shop.co.uk/", "internal"},
      {"https://www.shop.com.au/", "https://checkout.shop.com.au/", "internal"},
      {"https://store.google.com/", "https://mail.google.com/", "internal"},
      {"http://localhost:3000/", "http://localhost:3000/cart", "internal"},
      {"https://a-shop.myshopify.com/", "https://a-shop.myshopify.com/cart", "internal"},
      // Sign-in and payment round trips belong to the site's own flow.
      {"https://shop.example.com/thanks", "https://www.paypal.com/checkoutnow?token=x", "internal"},
      {"https://shop.example.com/account", "https://accounts.google.com/", "internal"},
      {"https://shop.example.com/thanks", "https://checkout.stripe.com/c/pay", "internal"},
      // Anything else is a referral.
      {"https://shop.example.com/", "https://blog.example.org/best-boots", "referral"},
      {"https://www.shop.co.uk/", "https://www.other.co.uk/", "referral"},
      {"https://a-shop.myshopify.com/", "https://b-shop.myshopify.com/", "referral"},
      {"https://shop.example.com/", "https://google.example.net/", "referral"},
      {"https://shop.example.com/", "https://www.google.com.evil.example/", "referral"},
      {"https://shop.example.com/", "https://chatgpt.com/", "referral"},
      {"https://shop.example.com/", "http://192.168.1.10/", "referral"},
      // Tags nothing recognises still mark a link that came from somewhere.
      {"https://shop.example.com/?utm_source=partner_blog", "", "referral"},
      {"https://shop.example.com/?utm_medium=carrier-pigeon", "", "referral"},
      {"https://shop.example.com/?utm_source=paypal.com", "", "referral"},
      {"https://shop.example.com/?utm_source=x1&utm_medium=story", "https://www.google.com/",
       "organic_search"},
      {"https://shop.example.com/?utm_campaign=only_a_name", "", "direct"},
      // Malformed or non-web URLs count as absent.
      {"https://shop.example.com/", "android-app://com.google.android.gm/", "direct"},
      {"https://shop.example.com/", "not a url", "direct"},
      {"https://shop.example.com/", "https://exa mple.com/", "direct"},
      {"not a page", "https://www.google.com/", "organic_search"},
      {"not a page", "https://shop.example.com/", "referral"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.page, c.referrer);
    CHECK(classify(c.page, c.referrer) == c.channel);
  }
}

TEST_CASE("the classifier reads a campaign the caller built, case-insensitively",
          "[attribution]") {
  const auto channel = [](const char* campaign_json, const char* referrer = "") {
    return std::string(omni::channel_name(
        omni::classify_channel(parse(campaign_json), referrer, "https://shop.example.com/")));
  };
  CHECK(channel(R"({"medium":" CPC ","source":"Instagram"})") == "paid_social");
  CHECK(channel(R"({"medium":"Email"})") == "email");
  CHECK(channel(R"({"sccid":"abc"})") == "paid_social");
  CHECK(channel(R"({"GCLID":"abc"})") == "paid_search");
  CHECK(channel(R"({"gclid":""})") == "direct");
  CHECK(channel(R"({"gclid":null})") == "direct");
  CHECK(channel(R"({"gclid":12345})") == "paid_search");
  CHECK(channel(R"({"medium":42,"source":["google"]})") == "direct");
  CHECK(channel(R"({"medium":""})", "https://www.bing.com/") == "organic_search");
  CHECK(channel(R"("not an object")", "https://www.bing.com/") == "organic_search");
  CHECK(channel("null") == "direct");
  CHECK(channel(R"(["gclid"])") == "direct");
}

TEST_CASE("registrable domains keep two labels, or three under short country second levels",
          "[attribution]") {
  struct Case {
    const char* host;
    const char* domain;
  };
  const Case cases[] = {
      {"example.com", "example.com"},
      {"www.example.com", "example.com"},
      {"a.b.c.example.com", "example.com"},
      {"WWW.Example.COM.", "example.com"},
      {"shop.co.uk", "shop.co.uk"},
      {"www.shop.co.uk", "shop.co.uk"},
      {"www.google.com.au", "google.com.au"},
      {"www.tokyo.ac.jp", "tokyo.ac.jp"},
      {"example.co", "example.co"},
      {"www.example.co", "example.co"},
      {"t.co", "t.co"},
      {"a.shop.example.org", "example.org"},
      {"www.example.com.br", "example.com.br"},
      {"news.bbc.co.uk", "bbc.co.uk"},
      {"a-shop.myshopify.com", "a-shop.myshopify.com"},
      {"checkout.a-shop.myshopify.com", "a-shop.myshopify.com"},
      {"myshopify.com", "myshopify.com"},
      {"user.github.io", "user.github.io"},
      {"localhost", "localhost"},
      {"192.168.1.10", "192.168.1.10"},
      {"[::1]", "[::1]"},
      {"", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.host);
    CHECK(omni::registrable_domain(c.host) == c.domain);
  }
}

TEST_CASE("enrich_context fills page, campaign and channel like Segment's page defaults",
          "[attribution]") {
  omni::PageContext page;
  page.url = "https://user:pw@Shop.Example.com/products/boots?utm_source=google&utm_medium=cpc"
             "&gclid=Cj0#reviews";
  page.referrer = "https://www.google.com/";
  page.title = "Leather boots | Shop";
  Value context = Value::object();
  omni::enrich_context(page, &context);
  CHECK(context.dump() ==  // the same text: key order follows Segment's page defaults
        parse(R"({
          "page": {
            "url": "https://shop.example.com/products/boots?utm_source=google&utm_medium=cpc&gclid=Cj0",
            "path": "/products/boots",
            "search": "?utm_source=google&utm_medium=cpc&gclid=Cj0",
            "referrer": "https://www.google.com/",
            "title": "Leather boots | Shop"
          },
          "campaign": {"source": "google", "medium": "cpc", "gclid": "Cj0"},
          "channel": "paid_search"
        })").dump());
}

TEST_CASE("enrich_context never overwrites what the caller set", "[attribution]") {
  omni::PageContext page;
  page.url = "https://shop.example.com:8443/?utm_source=facebook&utm_content=carousel";
  page.referrer = "https://l.facebook.com/";
  Value context = parse(R"({
    "page": {"url": "https://canonical.example.com/boots", "title": "Set by caller"},
    "campaign": {"medium": "paid_social", "source": "meta"},
    "locale": "en-GB"
  })");
  omni::enrich_context(page, &context);
  CHECK(context.dump() == parse(R"({
    "page": {"url": "https://canonical.example.com/boots", "title": "Set by caller",
             "path": "/", "search": "?utm_source=facebook&utm_content=carousel",
             "referrer": "https://l.facebook.com/"},
    "campaign": {"medium": "paid_social", "source": "meta", "content": "carousel"},
    "locale": "en-GB",
    "channel": "paid_social"
  })").dump());

  Value in_store = parse(R"({"channel": "in_store", "page": "kiosk-7", "campaign": 3})");
  const Value before = in_store;
  omni::enrich_context(page, &in_store);
  CHECK(in_store == before);
}

TEST_CASE("enrich_context classifies from the campaign the event carries", "[attribution]") {
  omni::PageContext page;
  page.url = "https://shop.example.com/?fbclid=IwAR";
  Value context = parse(R"({"campaign": {"gclid": "from-server"}})");
  omni::enrich_context(page, &context);
  CHECK(context["campaign"].dump() == parse(R"({"gclid":"from-server","fbclid":"IwAR"})").dump());
  CHECK(context["channel"] == "paid_search");

  Value odd = parse(R"({"campaign": "not an object"})");
  omni::enrich_context(page, &odd);
  CHECK(odd["campaign"] == "not an object");
  CHECK(odd["channel"] == "organic_social");
}

TEST_CASE("enrich_context adds only what it knows", "[attribution]") {
  Value empty = Value::object();
  omni::enrich_context(omni::PageContext{}, &empty);
  CHECK(empty.dump() == R"({"channel":"direct"})");

  omni::PageContext malformed;
  malformed.url = "myapp://home?utm_source=push";
  malformed.referrer = "android-app://com.google.android.gm/";
  Value context = Value::object();
  omni::enrich_context(malformed, &context);
  CHECK(context.dump() == R"({"channel":"direct"})");

  omni::PageContext plain;
  plain.url = "https://shop.example.com/?";
  Value no_query = Value::object();
  omni::enrich_context(plain, &no_query);
  CHECK(no_query.dump() ==
        R"({"page":{"url":"https://shop.example.com/","path":"/","search":""},"channel":"direct"})");
}

TEST_CASE("enrich_context turns null into an object and leaves non-objects alone",
          "[attribution]") {
  omni::PageContext page;
  page.url = "https://shop.example.com/";
  Value null_context;
  omni::enrich_context(page, &null_context);
  REQUIRE(null_context.is_object());
  CHECK(null_context["channel"] == "direct");

  Value array = parse("[1,2]");
  omni::enrich_context(page, &array);
  CHECK(array == parse("[1,2]"));

  omni::enrich_context(page, nullptr);  // must not crash
}

TEST_CASE("enrich_context output always serializes, whatever bytes the page holds",
          "[attribution]") {
  omni::PageContext page;
  page.url = "https://shop.example.com/caf\xC3\xA9/\xFF?utm_campaign=%C3%28&gclid=\xFE";
  page.referrer = "https://blog.example.org/\x80";
  page.title = std::string("Boots \xE2\x82 \0 sale", 15);
  Value context = Value::object();
  omni::enrich_context(page, &context);
  CHECK(context["page"]["title"] == std::string("Boots \xEF\xBF\xBD \0 sale", 16));
  CHECK(context["campaign"]["name"] == "\xEF\xBF\xBD(");
  CHECK(context["page"]["path"] == "/caf\xC3\xA9/\xEF\xBF\xBD");
  CHECK(context["channel"] == "paid_search");
  CHECK(omni::json::parse(context.dump()).value() == context);

  rc::prop("any page, referrer and title give a context that serializes and parses back",
           [](const std::string& url_tail, const std::string& referrer_tail,
              const std::string& title) {
             omni::PageContext random_page;
             random_page.url = "https://shop.example.com/" + url_tail;
             random_page.referrer = *rc::gen::element(std::string("https://"),
                                                      std::string("http://x.example/?"),
                                                      std::string()) +
                                    referrer_tail;
             random_page.title = title;
             Value out = Value::object();
             omni::enrich_context(random_page, &out);
             RC_ASSERT(out.contains("channel"));
             omni::Channel parsed = omni::Channel::kDirect;
             RC_ASSERT(omni::parse_channel(out["channel"].string_or(""), &parsed));
             auto reparsed = omni::json::parse(out.dump());
             RC_ASSERT(reparsed.ok());
             RC_ASSERT(reparsed.value() == out);
           });
}

TEST_CASE("docs/channels.md holds exactly the rules the classifier uses", "[attribution][docs]") {
  std::ifstream file(OMNI_SOURCE_DIR "/docs/channels.md", std::ios::binary);
  REQUIRE(file.good());
  const std::string doc((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::string begin_marker = "<!-- BEGIN channel_rules_markdown() -->\n";
  const std::string end_marker = "<!-- END channel_rules_markdown() -->\n";
  const std::size_t begin = doc.find(begin_marker);
  const std::size_t end = doc.find(end_marker);
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  REQUIRE(begin < end);
  const std::size_t body = begin + begin_marker.size();

  const std::string rules = omni::channel_rules_markdown();
  if (doc.compare(body, end - body, "\n" + rules + "\n") != 0) {
    // Leave the expected text next to the test binary, so fixing the doc is a copy, not a hunt.
    std::ofstream("channels.generated.md", std::ios::binary) << rules;
    FAIL("docs/channels.md differs from omni::channel_rules_markdown(); the expected text is in "
         "channels.generated.md in the test's working directory");
  }
  for (omni::Channel channel : omni::kAllChannels) {
    CHECK(rules.find(std::string("`") + omni::channel_name(channel) + "`") != std::string::npos);
  }
}
