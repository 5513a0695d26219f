#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config.hpp"
#include "temp_dir.hpp"

using omni::collector::Config;
using omni::collector::ListenConfig;
using omni::collector::load_config;
using omni::collector::parse_config;
using omni::collector::parse_listen_address;

namespace {

const std::filesystem::path kBase = "/srv/omni/etc";

// A complete minimal config with one placeholder, @, spliced in at the top level.
std::string config_with(const std::string& extra, const std::string& source_extra = "") {
  return R"({"listen":"127.0.0.1:8080","storage":{"kind":"sqlite","path":"data/omni.db"},)"
         R"("sources":[{"name":"storefront","writeKey":"wk_store_1")" +
         source_extra + R"(}],"adminToken":"0123456789abcdef")" + extra + "}";
}

std::string error_of(const std::string& text) {
  auto result = parse_config(text, kBase);
  REQUIRE_FALSE(result.ok());
  return result.status().message();
}

}  // namespace

TEST_CASE("a minimal config gets the documented defaults", "[config]") {
  auto result = parse_config(config_with(""), kBase);
  REQUIRE(result.ok());
  const Config& c = result.value();
  CHECK(c.listen.host == "127.0.0.1");
  CHECK(c.listen.port == 8080);
  CHECK(c.storage_kind == "sqlite");
  CHECK(c.storage_path == "/srv/omni/etc/data/omni.db");
  REQUIRE(c.sources.size() == 1);
  CHECK(c.sources[0].name == "storefront");
  CHECK(c.sources[0].write_key == "wk_store_1");
  CHECK(c.sources[0].allowed_origins.empty());
  CHECK(c.sources[0].rate_limit.events_per_second == 10000);
  CHECK(c.sources[0].rate_limit.burst == 50000);
  CHECK(c.admin_token == "0123456789abcdef");
  CHECK(c.threads == 2);
  CHECK(c.limits.max_connections == 1024);
  CHECK(c.limits.header_timeout_ms == 10000);
  CHECK(c.limits.body_timeout_ms == 30000);
  CHECK(c.limits.max_body_bytes == 512000);
  CHECK(c.static_dir.empty());
}

TEST_CASE("every optional key is read", "[config]") {
  const std::string text = config_with(
      R"(,"threads":4,"limits":{"maxConnections":10,"headerTimeoutMs":500,"bodyTimeoutMs":700,)"
      R"("maxBodyBytes":1000},"staticDir":")" OMNI_SOURCE_DIR R"(/server")",
      R"(,"allowedOrigins":["https://Shop.Example:443","*"],)"
      R"("rateLimit":{"eventsPerSecond":2.5,"burst":7})");
  auto result = parse_config(text, kBase);
  REQUIRE(result.ok());
  const Config& c = result.value();
  CHECK(c.threads == 4);
  CHECK(c.limits.max_connections == 10);
  CHECK(c.limits.header_timeout_ms == 500);
  CHECK(c.limits.body_timeout_ms == 700);
  CHECK(c.limits.max_body_bytes == 1000);
  CHECK(c.static_dir == std::filesystem::path(OMNI_SOURCE_DIR "/server"));
  CHECK(c.sources[0].allowed_origins == std::vector<std::string>{"https://shop.example", "*"});
  CHECK(c.sources[0].rate_limit.events_per_second == 2.5);
  CHECK(c.sources[0].rate_limit.burst == 7);
}

TEST_CASE("an absolute storage path is kept and a relative one is normalized", "[config]") {
  std::string text = config_with("");
  auto pos = text.find("data/omni.db");
  auto absolute = text;
  absolute.replace(pos, 12, "/var/lib/omni/omni.db");
  REQUIRE(parse_config(absolute, kBase).value().storage_path == "/var/lib/omni/omni.db");
  auto dotted = text;
  dotted.replace(pos, 12, "../data/./omni.db");
  REQUIRE(parse_config(dotted, kBase).value().storage_path == "/srv/omni/data/omni.db");
}

TEST_CASE("comments are allowed in the config", "[config]") {
  const std::string text = "// collector for the demo\n" + config_with(" /* defaults */ ");
  CHECK(parse_config(text, kBase).ok());
}

TEST_CASE("unknown keys are errors naming their path", "[config]") {
  CHECK(error_of(config_with(R"(,"colour":"blue")")) == "colour: unknown key");
  CHECK(error_of(config_with("", R"(,"writekey":"x")")) == "sources[0].writekey: unknown key");
  CHECK(error_of(config_with(R"(,"limits":{"maxBody":1})")) == "limits.maxBody: unknown key");
  CHECK(error_of(config_with("", R"(,"rateLimit":{"perSecond":1})")) ==
        "sources[0].rateLimit.perSecond: unknown key");
  std::string storage = config_with("");
  storage.replace(storage.find(R"("kind")"), 6, R"("driver":"x","kind")");
  CHECK(error_of(storage) == "storage.driver: unknown key");
}

TEST_CASE("required keys are named when missing", "[config]") {
  CHECK(error_of(R"({"storage":{"kind":"sqlite","path":"x"},"sources":[{"name":"a","writeKey":"k"}],"adminToken":"0123456789abcdef"})") ==
        "listen: is required");
  CHECK(error_of(R"({"listen":"127.0.0.1:1","sources":[{"name":"a","writeKey":"k"}],"adminToken":"0123456789abcdef"})") ==
        "storage: is required");
  CHECK(error_of(R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"adminToken":"0123456789abcdef"})") ==
        "sources: is required");
  CHECK(error_of(R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"sources":[{"name":"a","writeKey":"k"}]})") ==
        "adminToken: is required");
  CHECK(error_of(R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite"},"sources":[{"name":"a","writeKey":"k"}],"adminToken":"0123456789abcdef"})") ==
        "storage.path: is required");
  CHECK(error_of(R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"sources":[{"writeKey":"k"}],"adminToken":"0123456789abcdef"})") ==
        "sources[0].name: is required");
}

TEST_CASE("values of the wrong type or out of range are refused with the value", "[config]") {
  CHECK(error_of(config_with(R"(,"threads":0)")) ==
        "threads: must be an integer from 1 to 64 (got 0)");
  CHECK(error_of(config_with(R"(,"threads":2.5)")) ==
        "threads: must be an integer from 1 to 64 (got 2.5)");
  CHECK(error_of(config_with(R"(,"threads":"2")")) ==
        "threads: must be an integer from 1 to 64 (got \"2\")");
  CHECK(error_of(config_with(R"(,"limits":{"maxConnections":-1})")) ==
        "limits.maxConnections: must be an integer from 1 to 1000000 (got -1)");
  CHECK(error_of(config_with(R"(,"limits":{"headerTimeoutMs":18446744073709551615})")) ==
        "limits.headerTimeoutMs: must be an integer from 1 to 3600000 (got 18446744073709551615)");
  CHECK(error_of(config_with(R"(,"limits":[])")) == "limits: must be an object (got [])");
  CHECK(error_of(config_with("", R"(,"rateLimit":{"eventsPerSecond":0})")).rfind(
            "sources[0].rateLimit.eventsPerSecond: must be a number above 0", 0) == 0);
  CHECK(error_of(config_with("", R"(,"rateLimit":{"burst":0})")) ==
        "sources[0].rateLimit.burst: must be an integer from 1 to 1000000000 (got 0)");
  std::string kind = config_with("");
  kind.replace(kind.find(R"("sqlite")"), 8, R"("postgres")");
  CHECK(error_of(kind) == "storage.kind: must be \"sqlite\" (got \"postgres\")");
}

TEST_CASE("the admin token must be at least 16 characters", "[config]") {
  std::string text = config_with("");
  text.replace(text.find("0123456789abcdef"), 16, "short-token");
  CHECK(error_of(text) == "adminToken: must be at least 16 characters");
}

TEST_CASE("source names and write keys must be unique and well formed", "[config]") {
  const std::string base =
      R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"adminToken":"0123456789abcdef","sources":)";
  CHECK(error_of(base + R"([{"name":"a","writeKey":"k1"},{"name":"a","writeKey":"k2"}]})") ==
        "sources[1].name: \"a\" is used by an earlier source");
  CHECK(error_of(base + R"([{"name":"a","writeKey":"k1"},{"name":"b","writeKey":"k1"}]})") ==
        "sources[1].writeKey: is used by an earlier source (write keys must be unique)");
  CHECK(error_of(base + R"([{"name":"","writeKey":"k1"}]})") == "sources[0].name: must not be empty");
  CHECK(error_of(base + R"([{"name":"a b","writeKey":"k1"}]})").rfind("sources[0].name: must be 1 to 64", 0) == 0);
  CHECK(error_of(base + R"([{"name":"a","writeKey":"key:1"}]})") ==
        "sources[0].writeKey: must be visible ASCII without spaces or ':'");
  CHECK(error_of(base + R"([]})") == "sources: must be a non-empty array of sources");
  CHECK(error_of(base + R"([7]})") == "sources[0]: must be an object (got 7)");
}

TEST_CASE("allowed origins must be origins without a path", "[config]") {
  CHECK(error_of(config_with("", R"(,"allowedOrigins":["https://a.example","https://b.example/"])")) ==
        "sources[0].allowedOrigins[1]: \"https://b.example/\" must not have a path, query or "
        "fragment (origins are scheme://host[:port])");
  CHECK(error_of(config_with("", R"(,"allowedOrigins":["shop.example"])")) ==
        "sources[0].allowedOrigins[0]: \"shop.example\" is not an origin (expected "
        "scheme://host[:port])");
  CHECK(error_of(config_with("", R"(,"allowedOrigins":"*")")) ==
        "sources[0].allowedOrigins: must be an array of origins (got \"*\")");
  CHECK(error_of(config_with("", R"(,"allowedOrigins":[1])")) ==
        "sources[0].allowedOrigins[0]: must be a string (got 1)");
}

TEST_CASE("listen takes IPv4 and bracketed IPv6 literals with a port", "[config]") {
  ListenConfig listen;
  std::string error;
  REQUIRE(parse_listen_address("[::1]:0", &listen, &error));
  CHECK(listen.host == "::1");
  CHECK(listen.port == 0);
  REQUIRE(parse_listen_address("0.0.0.0:65535", &listen, &error));
  CHECK(listen.host == "0.0.0.0");
  CHECK(listen.port == 65535);
  CHECK_FALSE(parse_listen_address("localhost:80", &listen, &error));
  CHECK_FALSE(parse_listen_address("127.0.0.1", &listen, &error));
  CHECK_FALSE(parse_listen_address("127.0.0.1:", &listen, &error));
  CHECK_FALSE(parse_listen_address("127.0.0.1:65536", &listen, &error));
  CHECK_FALSE(parse_listen_address("127.0.0.1:8o", &listen, &error));
  CHECK_FALSE(parse_listen_address("::1:80", &listen, &error));
  CHECK_FALSE(parse_listen_address("[::1]80", &listen, &error));
  CHECK_FALSE(parse_listen_address("[nope]:80", &listen, &error));
  std::string text = config_with("");
  text.replace(text.find("127.0.0.1:8080"), 14, "127.0.0.1:99999");
  CHECK(error_of(text) == "listen: \"127.0.0.1:99999\" has a port above 65535");
}

TEST_CASE("staticDir must be an existing directory", "[config]") {
  const std::string message = error_of(config_with(R"(,"staticDir":"no/such/dir")"));
  CHECK(message.rfind("staticDir: \"no/such/dir\" is not a directory", 0) == 0);
}

TEST_CASE("text that is not a JSON object is refused", "[config]") {
  CHECK(error_of("{\"listen\":") == "not valid JSON");
  CHECK(error_of("[1,2]") == "the config must be a JSON object");
}

TEST_CASE("a config file resolves relative paths against its own folder", "[config]") {
  omni::collector::testing::TempDir temp;
  const auto dir = temp.path();
  std::filesystem::create_directories(dir / "site");
  const auto file = dir / "collector.json";
  {
    std::ofstream out(file);
    out << config_with(R"(,"staticDir":"site")");
  }
  auto result = load_config(file);
  REQUIRE(result.ok());
  CHECK(result.value().storage_path == (dir / "data/omni.db").lexically_normal());
  CHECK(result.value().static_dir == (dir / "site").lexically_normal());

  auto missing = load_config(dir / "absent.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == omni::ErrorCode::kNotFound);
}

TEST_CASE("trustedProxies defaults to none and takes IPv4 and IPv6 addresses and ranges",
          "[config]") {
  auto plain = parse_config(config_with(""), kBase);
  REQUIRE(plain.ok());
  CHECK(plain.value().trusted_proxies.empty());

  auto result = parse_config(
      config_with(R"(,"trustedProxies":["127.0.0.1","10.0.0.0/8","::1","2001:db8::/32"])"),
      kBase);
  INFO((result.ok() ? std::string() : result.status().message()));
  REQUIRE(result.ok());
  const auto& proxies = result.value().trusted_proxies;
  REQUIRE(proxies.size() == 4);
  CHECK(proxies[0].address.to_string() == "127.0.0.1");
  CHECK(proxies[0].prefix_length == 32);
  CHECK(proxies[1].prefix_length == 8);
  CHECK(proxies[2].prefix_length == 128);
  CHECK(proxies[3].address.to_string() == "2001:db8::");
  CHECK(proxies[3].prefix_length == 32);
}

TEST_CASE("a bad trustedProxies value is refused naming the entry at fault", "[config]") {
  CHECK(error_of(config_with(R"(,"trustedProxies":"127.0.0.1")"))
            .rfind("trustedProxies: must be an array", 0) == 0);
  CHECK(error_of(config_with(R"(,"trustedProxies":["127.0.0.1",7])")) ==
        "trustedProxies[1]: must be a string (got 7)");
  CHECK(error_of(config_with(R"(,"trustedProxies":["10.0.0.0/8","proxy.local"])")) ==
        "trustedProxies[1]: \"proxy.local\" is not an IP address or CIDR range");
  CHECK(error_of(config_with(R"(,"trustedProxies":["10.0.0.0/40"])")) ==
        "trustedProxies[0]: \"10.0.0.0/40\" has an invalid prefix length (0-32)");
}

TEST_CASE("sources[].ipTruncation is default unless set to none", "[config]") {
  using omni::collector::http::IpTruncation;
  auto plain = parse_config(config_with(""), kBase);
  REQUIRE(plain.ok());
  CHECK(plain.value().sources[0].ip_truncation == IpTruncation::kDefault);

  auto none = parse_config(config_with("", R"(,"ipTruncation":"none")"), kBase);
  REQUIRE(none.ok());
  CHECK(none.value().sources[0].ip_truncation == IpTruncation::kNone);

  auto explicit_default = parse_config(config_with("", R"(,"ipTruncation":"default")"), kBase);
  REQUIRE(explicit_default.ok());
  CHECK(explicit_default.value().sources[0].ip_truncation == IpTruncation::kDefault);

  CHECK(error_of(config_with("", R"(,"ipTruncation":"full")")) ==
        "sources[0].ipTruncation: must be \"default\" or \"none\" (got \"full\")");
  CHECK(error_of(config_with("", R"(,"ipTruncation":false)")) ==
        "sources[0].ipTruncation: must be a string (got false)");
}

TEST_CASE("sources[].anonymousIdCookie names the site's domain and a lifetime", "[config]") {
  auto plain = parse_config(config_with(""), kBase);
  REQUIRE(plain.ok());
  CHECK(plain.value().sources[0].cookie_domain.empty());

  auto cookie = parse_config(
      config_with("", R"(,"anonymousIdCookie":{"domain":"shop.example","maxAgeDays":30})"), kBase);
  REQUIRE(cookie.ok());
  CHECK(cookie.value().sources[0].cookie_domain == "shop.example");
  CHECK(cookie.value().sources[0].cookie_max_age_days == 30);

  CHECK(error_of(config_with("", R"(,"anonymousIdCookie":{"maxAgeDays":30})")) ==
        "sources[0].anonymousIdCookie.domain: is required");
  CHECK(error_of(config_with("", R"(,"anonymousIdCookie":{"domain":".shop.example"})")) ==
        "sources[0].anonymousIdCookie.domain: must be a lower-case host name such as "
        "\"shop.example\" (got \".shop.example\")");
  CHECK(error_of(config_with("", R"(,"anonymousIdCookie":{"domain":"shop.example","maxAgeDays":500})")) ==
        "sources[0].anonymousIdCookie.maxAgeDays: must be an integer from 1 to 400 (got 500)");
}

TEST_CASE("a source may hold several write keys, the newest first", "[config][writeKeys]") {
  const std::string base =
      R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"adminToken":"0123456789abcdef","sources":)";
  auto result = parse_config(
      base + R"([{"name":"a","writeKeys":["k_new","k_old"]},{"name":"b","writeKey":"k_b"}]})", kBase);
  REQUIRE(result.ok());
  const Config& c = result.value();
  CHECK(c.sources[0].write_keys == std::vector<std::string>{"k_new", "k_old"});
  CHECK(c.sources[0].write_key == "k_new");
  CHECK(c.sources[1].write_keys == std::vector<std::string>{"k_b"});
  CHECK(c.sources[1].write_key == "k_b");
}

TEST_CASE("writeKeys errors name the path and never echo a key", "[config][writeKeys]") {
  const std::string base =
      R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"adminToken":"0123456789abcdef","sources":)";
  CHECK(error_of(base + R"([{"name":"a","writeKey":"k1","writeKeys":["k2"]}]})") ==
        "sources[0].writeKeys: cannot be used together with writeKey (use one of the two)");
  CHECK(error_of(base + R"([{"name":"a"}]})") == "sources[0].writeKey: is required");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":[]}]})") ==
        "sources[0].writeKeys: must be a non-empty array of write keys, the newest first");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":"secret_k1"}]})") ==
        "sources[0].writeKeys: must be a non-empty array of write keys, the newest first");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1",7]}]})") ==
        "sources[0].writeKeys[1]: must be a non-empty string");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1",""]}]})") ==
        "sources[0].writeKeys[1]: must be a non-empty string");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1","k:2"]}]})") ==
        "sources[0].writeKeys[1]: must be visible ASCII without spaces or ':'");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1","k1"]}]})") ==
        "sources[0].writeKeys[1]: is listed twice");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1","k2"]},{"name":"b","writeKeys":["k3","k2"]}]})") ==
        "sources[1].writeKeys[1]: is used by an earlier source (write keys must be unique)");
  CHECK(error_of(base + R"([{"name":"a","writeKeys":["k1","k2"]},{"name":"b","writeKey":"k2"}]})") ==
        "sources[1].writeKey: is used by an earlier source (write keys must be unique)");
  CHECK(error_of(base + R"([{"name":"a","writeKey":["secret_k1"]}]})") ==
        "sources[0].writeKey: must be a string");
}

TEST_CASE("an admin token of the wrong type is not echoed", "[config]") {
  const std::string text =
      R"({"listen":"127.0.0.1:1","storage":{"kind":"sqlite","path":"x"},"sources":[{"name":"a","writeKey":"k"}],"adminToken":["secret-admin-token-123"]})";
  CHECK(error_of(text) == "adminToken: must be a string");
}

TEST_CASE("log level and request lines are read, with info and on by default", "[config][log]") {
  auto defaults = parse_config(config_with(""), kBase);
  REQUIRE(defaults.ok());
  CHECK(defaults.value().log.level == omni::collector::LogLevel::kInfo);
  CHECK(defaults.value().log.requests);

  auto set = parse_config(config_with(R"(,"log":{"level":"warn","requests":false})"), kBase);
  REQUIRE(set.ok());
  CHECK(set.value().log.level == omni::collector::LogLevel::kWarn);
  CHECK_FALSE(set.value().log.requests);

  CHECK(error_of(config_with(R"(,"log":{"level":"verbose"})")) ==
        "log.level: must be \"debug\", \"info\", \"warn\" or \"error\" (got \"verbose\")");
  CHECK(error_of(config_with(R"(,"log":{"requests":"yes"})")) ==
        "log.requests: must be true or false (got \"yes\")");
  CHECK(error_of(config_with(R"(,"log":{"format":"text"})")) == "log.format: unknown key");
  CHECK(error_of(config_with(R"(,"log":"debug")")) == "log: must be an object (got \"debug\")");
}

TEST_CASE("a loaded config remembers its file for reloads", "[config]") {
  omni::collector::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "collector.json";
  std::ofstream(file) << config_with("");
  auto loaded = load_config(file);
  REQUIRE(loaded.ok());
  CHECK(loaded.value().file == file);
  CHECK(parse_config(config_with(""), kBase).value().file.empty());
}

TEST_CASE("sources[].retentionDays is a positive number of days, absent meaning forever",
          "[config][retention]") {
  auto plain = parse_config(config_with(""), kBase);
  REQUIRE(plain.ok());
  CHECK(plain.value().sources[0].retention_days == 0);

  auto thirty = parse_config(config_with("", R"(,"retentionDays":30)"), kBase);
  REQUIRE(thirty.ok());
  CHECK(thirty.value().sources[0].retention_days == 30);

  CHECK(error_of(config_with("", R"(,"retentionDays":0)")) ==
        "sources[0].retentionDays: must be an integer from 1 to 36500 (got 0)");
  CHECK(error_of(config_with("", R"(,"retentionDays":-1)")) ==
        "sources[0].retentionDays: must be an integer from 1 to 36500 (got -1)");
  CHECK(error_of(config_with("", R"(,"retentionDays":1.5)")) ==
        "sources[0].retentionDays: must be an integer from 1 to 36500 (got 1.5)");
  CHECK(error_of(config_with("", R"(,"retentionDays":"30")")) ==
        "sources[0].retentionDays: must be an integer from 1 to 36500 (got \"30\")");
}
