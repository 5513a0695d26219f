#include <catch2/catch.hpp>

#include "ingest/anonymous_id_cookie.hpp"

using omni::collector::ingest::AnonymousIdCookie;
using omni::collector::ingest::anonymous_id_set_cookie;
using omni::collector::ingest::valid_cookie_domain;

TEST_CASE("a page of the site gets its anonymous id cookie on the site's domain", "[cookie]") {
  const AnonymousIdCookie config{"shop.example", 365};
  CHECK(anonymous_id_set_cookie(config, "https://www.shop.example", "a1b2-c3") ==
        "omni_aid=a1b2-c3; Path=/; Max-Age=31536000; Domain=shop.example; SameSite=Lax; Secure");
  CHECK(anonymous_id_set_cookie(config, "https://shop.example:8443", "a1").has_value());
  CHECK(anonymous_id_set_cookie(config, "https://WWW.Shop.Example", "a1").has_value());
  CHECK(anonymous_id_set_cookie(config, "http://shop.example", "a1") ==
        "omni_aid=a1; Path=/; Max-Age=31536000; Domain=shop.example; SameSite=Lax");
}

TEST_CASE("no cookie for another site, a server-side client or an id a cookie cannot carry", "[cookie]") {
  const AnonymousIdCookie config{"shop.example", 30};
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://evilshop.example", "a1"));  // not a subdomain
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://shop.example.evil", "a1"));
  CHECK_FALSE(anonymous_id_set_cookie(config, "", "a1"));
  CHECK_FALSE(anonymous_id_set_cookie(config, "null", "a1"));
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://shop.example", ""));
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://shop.example", "a;b"));
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://shop.example", "a b"));
  CHECK_FALSE(anonymous_id_set_cookie(config, "https://shop.example", std::string(257, 'a')));
  CHECK_FALSE(anonymous_id_set_cookie(AnonymousIdCookie{}, "https://shop.example", "a1"));
}

TEST_CASE("an IP or localhost site gets a host-only cookie", "[cookie]") {
  CHECK(anonymous_id_set_cookie({"127.0.0.1", 1}, "http://127.0.0.1:8080", "a1") ==
        "omni_aid=a1; Path=/; Max-Age=86400; SameSite=Lax");
  CHECK(anonymous_id_set_cookie({"localhost", 1}, "http://localhost:8080", "a1") ==
        "omni_aid=a1; Path=/; Max-Age=86400; SameSite=Lax");
  CHECK(anonymous_id_set_cookie({"::1", 1}, "http://[::1]:8080", "a1").has_value());
}

TEST_CASE("cookie domains in the config are host names or IP literals", "[cookie]") {
  CHECK(valid_cookie_domain("shop.example"));
  CHECK(valid_cookie_domain("127.0.0.1"));
  CHECK_FALSE(valid_cookie_domain(""));
  CHECK_FALSE(valid_cookie_domain(".shop.example"));
  CHECK_FALSE(valid_cookie_domain("shop.example:443"));
  CHECK_FALSE(valid_cookie_domain("Shop.Example"));
  CHECK_FALSE(valid_cookie_domain("shop..example"));
}
