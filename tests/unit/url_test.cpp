#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "omni/url.hpp"

namespace {

// An independent check of well-formed UTF-8 (RFC 3629), written plainly rather than by the
// decoder's bounds tables, so the two can disagree when one is wrong.
bool is_valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      length = 2;
      cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      cp = b & 0x07u;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string encode_utf8(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

const std::string kFffd = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("absolute http and https URLs split into their parts", "[url]") {
  struct Case {
    const char* text;
    const char* scheme;
    const char* host;
    int port;
    const char* path;
    const char* query;
    const char* fragment;
  };
  const Case cases[] = {
      {"https://shop.example.com/products/boots?color=red#reviews", "https", "shop.example.com",
       -1, "/products/boots", "color=red", "reviews"},
      {"http://Shop.Example.COM", "http", "shop.example.com", -1, "/", "", ""},
      {"HTTPS://www.google.co.uk/", "https", "www.google.co.uk", -1, "/", "", ""},
      {"https://shop.example.com:8443/cart", "https", "shop.example.com", 8443, "/cart", "", ""},
      {"https://shop.example.com:/cart", "https", "shop.example.com", -1, "/cart", "", ""},
      {"http://127.0.0.1:8080/", "http", "127.0.0.1", 8080, "/", "", ""},
      {"http://[::1]:3000/health", "http", "[::1]", 3000, "/health", "", ""},
      {"http://[2001:DB8::1]/", "http", "[2001:db8::1]", -1, "/", "", ""},
      {"https://user:secret@shop.example.com/account", "https", "shop.example.com", -1,
       "/account", "", ""},
      {"https://shop.example.com?utm_source=x", "https", "shop.example.com", -1, "/",
       "utm_source=x", ""},
      {"https://shop.example.com#top", "https", "shop.example.com", -1, "/", "", "top"},
      {"https://shop.example.com/a?b=c?d#e#f", "https", "shop.example.com", -1, "/a", "b=c?d",
       "e#f"},
      {"https://shop.example.com/search?q=a/b#x?y", "https", "shop.example.com", -1, "/search",
       "q=a/b", "x?y"},
      {"  https://shop.example.com/\n", "https", "shop.example.com", -1, "/", "", ""},
      {"https://shop.exa\nmple.com/pa\tth", "https", "shop.example.com", -1, "/path", "", ""},
      {"https://www.google.com./", "https", "www.google.com.", -1, "/", "", ""},
      {"https://my_host.internal/", "https", "my_host.internal", -1, "/", "", ""},
      {"https://localhost/", "https", "localhost", -1, "/", "", ""},
      {"https://shop.example.com/caf%C3%A9?q=%20", "https", "shop.example.com", -1,
       "/caf%C3%A9", "q=%20", ""},
      {"https://shop.example.com:00443/", "https", "shop.example.com", 443, "/", "", ""},
      {"https:\\\\shop.example.com\\a\\b?x=\\", "https", "shop.example.com", -1, "/a/b", "x=\\",
       ""},
      {"https://evil.example\\@shop.example/", "https", "evil.example", -1, "/@shop.example/",
       "", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    omni::Url url;
    REQUIRE(omni::parse_url(c.text, &url));
    CHECK(url.scheme == c.scheme);
    CHECK(url.host == c.host);
    CHECK(url.port == c.port);
    CHECK(url.path == c.path);
    CHECK(url.query == c.query);
    CHECK(url.fragment == c.fragment);
  }
}

TEST_CASE("anything but an absolute http(s) URL with a valid host is refused", "[url]") {
  const char* const cases[] = {
      "",
      "   ",
      "shop.example.com/products",
      "/products/boots?utm_source=x",
      "//shop.example.com/",
      "mailto:someone@example.com",
      "android-app://com.google.android.gm/",
      "ftp://files.example.com/",
      "data:text/html,hello",
      "javascript:alert(1)",
      "https:",
      "https:/shop.example.com",
      "https://",
      "https:///path",
      "https://?q=1",
      "https://#x",
      "https://user@/",
      "https://shop example.com/",
      "https://shop.example.com:port/",
      "https://shop.example.com:65536/",
      "https://shop.example.com:99999999999999999999/",
      "https://shop.example.com:-1/",
      "https://.example.com/",
      "https://shop..example.com/",
      "https://shop.exa%6Dple.com/",
      "https://<script>/",
      "https://[::1/",
      "https://[not-ipv6]/",
      "https://[::1]x/",
      "1https://shop.example.com/",
      "ht tp://shop.example.com/",
  };
  for (const char* text : cases) {
    CAPTURE(text);
    omni::Url url;
    CHECK_FALSE(omni::parse_url(text, &url));
  }
}

TEST_CASE("percent-decoding turns escapes into bytes and keeps broken escapes as written",
          "[url]") {
  struct Case {
    const char* in;
    bool plus_is_space;
    std::string out;
  };
  const Case cases[] = {
      {"spring%20sale", false, "spring sale"},
      {"spring+sale", true, "spring sale"},
      {"spring+sale", false, "spring+sale"},
      {"a%2Bb", true, "a+b"},
      {"%e2%82%ac", false, "\xE2\x82\xAC"},
      {"%E2%82%AC", false, "\xE2\x82\xAC"},
      {"100%", false, "100%"},
      {"100%2", false, "100%2"},
      {"%zz%4", false, "%zz%4"},
      {"%%41", false, "%A"},
      {"%00", false, std::string(1, '\0')},
      {"%FF", false, "\xFF"},
      {"", true, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in, c.plus_is_space);
    CHECK(omni::percent_decode(c.in, c.plus_is_space) == c.out);
  }
}

TEST_CASE("percent-encoding any bytes and decoding them gives the bytes back", "[url]") {
  rc::prop("decode(encode(bytes)) == bytes", [](const std::string& bytes) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (char ch : bytes) {
      const auto b = static_cast<unsigned char>(ch);
      encoded += '%';
      encoded += kHex[b >> 4];
      encoded += kHex[b & 15];
    }
    RC_ASSERT(omni::percent_decode(encoded, true) == bytes);
  });
}

TEST_CASE("ill-formed UTF-8 becomes U+FFFD once per maximal ill-formed subpart", "[url]") {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"\xF0\x9F\x91\xA2 boots", "\xF0\x9F\x91\xA2 boots"},
      {"\xFF", kFffd},
      {"a\x80" "b", "a" + kFffd + "b"},
      {"\xC0\xAF", kFffd + kFffd},                        // overlong "/"
      {"\xE0\x80\xAF", kFffd + kFffd + kFffd},            // overlong, three bytes
      {"\xED\xA0\x80", kFffd + kFffd + kFffd},            // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // past U+10FFFF
      {"\xE2\x82", kFffd},                                // truncated at the end
      {"\xE2\x82" "A", kFffd + "A"},                      // truncated before ASCII
      {"\xF0\x9F\x91", kFffd},
      {"\xF0\x9F\x91\xF0\x9F\x91\xA2", kFffd + "\xF0\x9F\x91\xA2"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(omni::utf8_lossy(c.in) == c.out);
  }
}

TEST_CASE("utf8_lossy always returns well-formed UTF-8 and keeps well-formed text unchanged",
          "[url]") {
  rc::prop("output is well-formed and a fixed point", [](const std::string& bytes) {
    const std::string repaired = omni::utf8_lossy(bytes);
    RC_ASSERT(is_valid_utf8(repaired));
    RC_ASSERT(omni::utf8_lossy(repaired) == repaired);
  });
  rc::prop("well-formed text is unchanged", [](const std::vector<std::uint32_t>& raw) {
    std::string text;
    for (std::uint32_t r : raw) {
      std::uint32_t cp = r % 0x110000;
      if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
      text += encode_utf8(cp);
    }
    RC_ASSERT(omni::utf8_lossy(text) == text);
  });
}

TEST_CASE("query strings split like URLSearchParams, keeping order and repeats", "[url]") {
  using Params = std::vector<std::pair<std::string, std::string>>;
  struct Case {
    const char* query;
    Params params;
  };
  const Case cases[] = {
      {"", {}},
      {"?", {}},
      {"utm_source=google&utm_medium=cpc",
       {{"utm_source", "google"}, {"utm_medium", "cpc"}}},
      {"?utm_source=google", {{"utm_source", "google"}}},
      {"a=1&a=2&b", {{"a", "1"}, {"a", "2"}, {"b", ""}}},
      {"&&a=1&&", {{"a", "1"}}},
      {"=x", {{"", "x"}}},
      {"q=a=b", {{"q", "a=b"}}},
      {"utm_campaign=spring+sale%21&x%5B%5D=1", {{"utm_campaign", "spring sale!"}, {"x[]", "1"}}},
      {"name=caf%C3%A9", {{"name", "caf\xC3\xA9"}}},
      {"bad=%FF%FE", {{"bad", kFffd + kFffd}}},
      {"pct=100%", {{"pct", "100%"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.query);
    CHECK(omni::parse_query(c.query) == c.params);
  }
}

TEST_CASE("arbitrary bytes never crash the parsers and what parses is well-shaped", "[url]") {
  rc::prop("parse_url accepts or refuses, and a parsed URL is consistent",
           [](const std::string& tail) {
             for (const std::string& text : {tail, "https://" + tail, "http://shop.example/" + tail}) {
               omni::Url url;
               if (!omni::parse_url(text, &url)) continue;
               RC_ASSERT(!url.host.empty());
               RC_ASSERT(!url.path.empty());
               RC_ASSERT(url.path.front() == '/');
               RC_ASSERT(url.port >= -1);
               RC_ASSERT(url.port <= 65535);
               for (char c : url.host) RC_ASSERT(!(c >= 'A' && c <= 'Z'));
               RC_ASSERT(url.query.find('#') == std::string::npos);
               for (const auto& param : omni::parse_query(url.query)) {
                 RC_ASSERT(is_valid_utf8(param.first));
                 RC_ASSERT(is_valid_utf8(param.second));
               }
             }
           });
}
