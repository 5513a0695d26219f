#include "config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <set>

#include <nlohmann/json.hpp>

#include "http/cors.hpp"
#include "ingest/anonymous_id_cookie.hpp"

namespace omni::collector {
namespace {

using nlohmann::json;

constexpr std::size_t kMinAdminTokenLength = 16;
constexpr unsigned kMaxThreads = 64;
constexpr std::size_t kMaxNameLength = 64;

std::string quote_value(std::string_view text) {
  // Values are echoed in messages so an operator sees what was read; long ones are cut.
  std::string out = "\"";
  out += text.substr(0, 80);
  if (text.size() > 80) out += "...";
  out += '"';
  return out;
}

std::string describe(const json& value) {
  if (value.is_string()) return quote_value(value.get_ref<const std::string&>());
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 80) + "...";
  return text;
}

/// Collects the first error with the key path it belongs to.
class Checker {
 public:
  bool failed() const { return !message_.empty(); }
  const std::string& message() const { return message_; }

  void fail(const std::string& path, const std::string& what) {
    if (!failed()) message_ = path + ": " + what;
  }

  /// Fails on keys of `object` not in `known`.
  void only_keys(const json& object, const std::string& path,
                 std::initializer_list<const char*> known) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      const bool ok = std::any_of(known.begin(), known.end(),
                                  [&](const char* k) { return it.key() == k; });
      if (!ok) fail(join(path, it.key()), "unknown key");
    }
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  const json* object(const json& parent, const char* key, const std::string& path, bool required) {
    auto it = parent.find(key);
    if (it == parent.end()) {
      if (required) fail(join(path, key), "is required");
      return nullptr;
    }
    if (!it->is_object()) {
      fail(join(path, key), "must be an object (got " + describe(*it) + ")");
      return nullptr;
    }
    return &*it;
  }

  bool string(const json& parent, const char* key, const std::string& path, bool required,
              std::string* out) {
    auto it = parent.find(key);
    if (it == parent.end()) {
      if (required) fail(join(path, key), "is required");
      return false;
    }
    if (!it->is_string()) {
      fail(join(path, key), "must be a string (got " + describe(*it) + ")");
      return false;
    }
    *out = it->get_ref<const std::string&>();
    if (out->empty()) {
      fail(join(path, key), "must not be empty");
      return false;
    }
    return true;
  }

  /// Like string(), but a value of the wrong type is not echoed: it may be a secret typed in
  /// the wrong shape, and reload errors are logged.
  bool secret(const json& parent, const char* key, const std::string& path, bool required,
              std::string* out) {
    auto it = parent.find(key);
    if (it != parent.end() && !it->is_string()) {
      fail(join(path, key), "must be a string");
      return false;
    }
    return string(parent, key, path, required, out);
  }

  bool integer(const json& parent, const char* key, const std::string& path, std::int64_t min,
               std::int64_t max, std::int64_t* out) {
    auto it = parent.find(key);
    if (it == parent.end()) return false;
    const std::string where = join(path, key);
    const std::string range =
        "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (!it->is_number_integer()) {
      fail(where, range + " (got " + describe(*it) + ")");
      return false;
    }
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      fail(where, range + " (got " + describe(*it) + ")");
      return false;
    }
    const std::int64_t value = it->get<std::int64_t>();
    if (value < min || value > max) {
      fail(where, range + " (got " + describe(*it) + ")");
      return false;
    }
    *out = value;
    return true;
  }

  bool boolean(const json& parent, const char* key, const std::string& path, bool* out) {
    auto it = parent.find(key);
    if (it == parent.end()) return false;
    if (!it->is_boolean()) {
      fail(join(path, key), "must be true or false (got " + describe(*it) + ")");
      return false;
    }
    *out = it->get<bool>();
    return true;
  }

  bool number(const json& parent, const char* key, const std::string& path, double min_exclusive,
              double max, double* out) {
    auto it = parent.find(key);
    if (it == parent.end()) return false;
    const std::string where = join(path, key);
    if (!it->is_number()) {
      fail(where, "must be a number (got " + describe(*it) + ")");
      return false;
    }
    const double value = it->get<double>();
    if (!(value > min_exclusive) || value > max || !std::isfinite(value)) {
      fail(where, "must be a number above " + std::to_string(static_cast<long long>(min_exclusive)) +
                      " and at most " + std::to_string(static_cast<long long>(max)) + " (got " +
                      describe(*it) + ")");
      return false;
    }
    *out = value;
    return true;
  }

 private:
  std::string message_;
};

bool valid_source_name(std::string_view name) {
  return name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

bool valid_write_key(std::string_view key) {
  // Visible ASCII without ':' (Basic auth splits user from password at the first ':').
  return std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127 && c != ':'; });
}

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_relative()) p = base_dir / p;
  return p.lexically_normal();
}

/// "writeKey": "k" or "writeKeys": ["new", "old"], exactly one of the two. Keys are never
/// echoed in messages (the config is logged on a failed reload).
void parse_write_keys(Checker& c, const json& item, const std::string& path, SourceConfig* out) {
  const bool has_one = item.contains("writeKey");
  const bool has_many = item.contains("writeKeys");
  if (has_one && has_many) {
    c.fail(path + ".writeKeys", "cannot be used together with writeKey (use one of the two)");
    return;
  }
  if (!has_many) {
    if (c.secret(item, "writeKey", path, true, &out->write_key)) {
      if (!valid_write_key(out->write_key)) {
        c.fail(path + ".writeKey", "must be visible ASCII without spaces or ':'");
        return;
      }
      out->write_keys = {out->write_key};
    }
    return;
  }
  const std::string kpath = path + ".writeKeys";
  const json& keys = *item.find("writeKeys");
  if (!keys.is_array() || keys.empty()) {
    // The value is not echoed: it may hold keys.
    c.fail(kpath, "must be a non-empty array of write keys, the newest first");
    return;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string ipath = kpath + "[" + std::to_string(i) + "]";
    const json& key = keys[i];
    if (!key.is_string() || key.get_ref<const std::string&>().empty()) {
      c.fail(ipath, "must be a non-empty string");
      return;
    }
    const std::string& text = key.get_ref<const std::string&>();
    if (!valid_write_key(text)) {
      c.fail(ipath, "must be visible ASCII without spaces or ':'");
      return;
    }
    if (std::find(out->write_keys.begin(), out->write_keys.end(), text) != out->write_keys.end()) {
      c.fail(ipath, "is listed twice");
      return;
    }
    out->write_keys.push_back(text);
  }
  out->write_key = out->write_keys.front();
}

void parse_log(Checker& c, const json& log, LogConfig* out) {
  c.only_keys(log, "log", {"level", "requests"});
  std::string level;
  if (c.string(log, "level", "log", false, &level) && !logging::parse_level(level, &out->level)) {
    c.fail("log.level", "must be \"debug\", \"info\", \"warn\" or \"error\" (got " +
                            quote_value(level) + ")");
  }
  c.boolean(log, "requests", "log", &out->requests);
}

void parse_source(Checker& c, const json& item, const std::string& path, SourceConfig* out) {
  if (!item.is_object()) {
    c.fail(path, "must be an object (got " + describe(item) + ")");
    return;
  }
  c.only_keys(item, path,
              {"name", "writeKey", "writeKeys", "allowedOrigins", "rateLimit", "ipTruncation",
               "anonymousIdCookie", "retentionDays"});
  if (c.string(item, "name", path, true, &out->name) && !valid_source_name(out->name)) {
    c.fail(path + ".name", "must be 1 to 64 characters of A-Z a-z 0-9 - _ . (got " +
                               quote_value(out->name) + ")");
  }
  parse_write_keys(c, item, path, out);
  auto origins = item.find("allowedOrigins");
  if (origins != item.end()) {
    const std::string opath = path + ".allowedOrigins";
    if (!origins->is_array()) {
      c.fail(opath, "must be an array of origins (got " + describe(*origins) + ")");
    } else {
      for (std::size_t i = 0; i < origins->size(); ++i) {
        const json& o = (*origins)[i];
        const std::string ipath = opath + "[" + std::to_string(i) + "]";
        if (!o.is_string()) {
          c.fail(ipath, "must be a string (got " + describe(o) + ")");
          continue;
        }
        const std::string& text = o.get_ref<const std::string&>();
        if (text == "*") {
          out->allowed_origins.push_back(text);
          continue;
        }
        std::string canonical;
        std::string error;
        if (!http::canonicalize_origin(text, &canonical, &error)) {
          c.fail(ipath, quote_value(text) + " " + error);
          continue;
        }
        out->allowed_origins.push_back(std::move(canonical));
      }
    }
  }
  if (const json* rate = c.object(item, "rateLimit", path, false)) {
    const std::string rpath = path + ".rateLimit";
    c.only_keys(*rate, rpath, {"eventsPerSecond", "burst"});
    c.number(*rate, "eventsPerSecond", rpath, 0, 1e9, &out->rate_limit.events_per_second);
    std::int64_t burst = 0;
    if (c.integer(*rate, "burst", rpath, 1, 1000000000, &burst)) {
      out->rate_limit.burst = static_cast<double>(burst);
    }
  }
  std::string truncation;
  if (c.string(item, "ipTruncation", path, false, &truncation)) {
    if (truncation == "default") {
      out->ip_truncation = http::IpTruncation::kDefault;
    } else if (truncation == "none") {
      out->ip_truncation = http::IpTruncation::kNone;
    } else {
      c.fail(path + ".ipTruncation",
             "must be \"default\" or \"none\" (got " + quote_value(truncation) + ")");
    }
  }
  if (const json* cookie = c.object(item, "anonymousIdCookie", path, false)) {
    const std::string cpath = path + ".anonymousIdCookie";
    c.only_keys(*cookie, cpath, {"domain", "maxAgeDays"});
    if (c.string(*cookie, "domain", cpath, true, &out->cookie_domain) &&
        !ingest::valid_cookie_domain(out->cookie_domain)) {
      c.fail(cpath + ".domain", "must be a lower-case host name such as \"shop.example\" (got " +
                                    quote_value(out->cookie_domain) + ")");
    }
    std::int64_t days = 0;
    // Browsers cap a cookie's lifetime at 400 days.
    if (c.integer(*cookie, "maxAgeDays", cpath, 1, 400, &days)) {
      out->cookie_max_age_days = static_cast<std::uint32_t>(days);
    }
  }
  std::int64_t retention_days = 0;
  // Up to a century: absent means forever, so a huge number is never needed to say it.
  if (c.integer(item, "retentionDays", path, 1, 36500, &retention_days)) {
    out->retention_days = static_cast<std::uint32_t>(retention_days);
  }
}

void parse_trusted_proxies(Checker& c, const json& root, std::vector<http::IpNetwork>* out) {
  auto proxies = root.find("trustedProxies");
  if (proxies == root.end()) return;
  if (!proxies->is_array()) {
    c.fail("trustedProxies",
           "must be an array of IP addresses or CIDR ranges (got " + describe(*proxies) + ")");
    return;
  }
  for (std::size_t i = 0; i < proxies->size(); ++i) {
    const json& item = (*proxies)[i];
    const std::string path = "trustedProxies[" + std::to_string(i) + "]";
    if (!item.is_string()) {
      c.fail(path, "must be a string (got " + describe(item) + ")");
      continue;
    }
    const std::string& text = item.get_ref<const std::string&>();
    http::IpNetwork network;
    std::string error;
    if (!http::parse_ip_network(text, &network, &error)) {
      c.fail(path, quote_value(text) + " " + error);
      continue;
    }
    out->push_back(network);
  }
}

void parse_limits(Checker& c, const json& limits, LimitsConfig* out) {
  const std::string path = "limits";
  c.only_keys(limits, path, {"maxConnections", "headerTimeoutMs", "bodyTimeoutMs", "maxBodyBytes"});
  std::int64_t v = 0;
  if (c.integer(limits, "maxConnections", path, 1, 1000000, &v)) {
    out->max_connections = static_cast<std::size_t>(v);
  }
  if (c.integer(limits, "headerTimeoutMs", path, 1, 3600000, &v)) {
    out->header_timeout_ms = static_cast<std::uint32_t>(v);
  }
  if (c.integer(limits, "bodyTimeoutMs", path, 1, 3600000, &v)) {
    out->body_timeout_ms = static_cast<std::uint32_t>(v);
  }
  if (c.integer(limits, "maxBodyBytes", path, 1, 64 * 1024 * 1024, &v)) {
    out->max_body_bytes = static_cast<std::size_t>(v);
  }
}

}  // namespace

bool parse_listen_address(std::string_view text, ListenConfig* out, std::string* error) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *error = "must be [ipv6]:port";
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr addr6{};
    if (!inet_pton(AF_INET6, std::string(host).c_str(), &addr6)) {
      *error = "has an invalid IPv6 address";
      return false;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      *error = "must be host:port (IPv6 as [addr]:port)";
      return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    in_addr addr4{};
    if (!inet_pton(AF_INET, std::string(host).c_str(), &addr4)) {
      *error = "must have an IPv4 address or a bracketed IPv6 address as host";
      return false;
    }
  }
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    *error = "has an invalid port";
    return false;
  }
  unsigned long value = std::stoul(std::string(port));
  if (value > 65535) {
    *error = "has a port above 65535";
    return false;
  }
  out->host = std::string(host);
  out->port = static_cast<std::uint16_t>(value);
  return true;
}

Result<Config> parse_config(std::string_view text, const std::filesystem::path& base_dir) {
  const json root = json::parse(text.begin(), text.end(), nullptr, false, true);
  if (root.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!root.is_object()) return Status::InvalidArgument("the config must be a JSON object");

  Config config;
  Checker c;
  c.only_keys(root, "",
              {"listen", "storage", "sources", "adminToken", "threads", "limits", "staticDir",
               "staticSpaFallback",
               "trustedProxies", "log"});

  std::string listen;
  if (c.string(root, "listen", "", true, &listen)) {
    std::string error;
    if (!parse_listen_address(listen, &config.listen, &error)) {
      c.fail("listen", quote_value(listen) + " " + error);
    }
  }

  if (const json* storage = c.object(root, "storage", "", true)) {
    c.only_keys(*storage, "storage", {"kind", "path"});
    if (c.string(*storage, "kind", "storage", true, &config.storage_kind) &&
        config.storage_kind != "sqlite") {
      c.fail("storage.kind", "must be \"sqlite\" (got " + quote_value(config.storage_kind) + ")");
    }
    std::string path;
    if (c.string(*storage, "path", "storage", true, &path)) {
      config.storage_path = resolve(base_dir, path);
    }
  }

  auto sources = root.find("sources");
  if (sources == root.end()) {
    c.fail("sources", "is required");
  } else if (!sources->is_array() || sources->empty()) {
    c.fail("sources", "must be a non-empty array of sources");
  } else {
    std::set<std::string> names;
    std::set<std::string> keys;
    for (std::size_t i = 0; i < sources->size(); ++i) {
      const std::string path = "sources[" + std::to_string(i) + "]";
      SourceConfig source;
      parse_source(c, (*sources)[i], path, &source);
      if (c.failed()) break;
      if (!names.insert(source.name).second) {
        c.fail(path + ".name", quote_value(source.name) + " is used by an earlier source");
      }
      for (std::size_t k = 0; k < source.write_keys.size(); ++k) {
        if (keys.insert(source.write_keys[k]).second) continue;
        const std::string kpath = source.write_keys.size() == 1 && (*sources)[i].contains("writeKey")
                                      ? path + ".writeKey"
                                      : path + ".writeKeys[" + std::to_string(k) + "]";
        c.fail(kpath, "is used by an earlier source (write keys must be unique)");
      }
      config.sources.push_back(std::move(source));
    }
  }

  if (c.secret(root, "adminToken", "", true, &config.admin_token) &&
      config.admin_token.size() < kMinAdminTokenLength) {
    c.fail("adminToken", "must be at least 16 characters");
  }

  std::int64_t threads = 0;
  if (c.integer(root, "threads", "", 1, kMaxThreads, &threads)) {
    config.threads = static_cast<unsigned>(threads);
  }

  if (const json* limits = c.object(root, "limits", "", false)) parse_limits(c, *limits, &config.limits);

  parse_trusted_proxies(c, root, &config.trusted_proxies);

  if (const json* log = c.object(root, "log", "", false)) parse_log(c, *log, &config.log);

  std::string static_dir;
  if (c.string(root, "staticDir", "", false, &static_dir)) {
    config.static_dir = resolve(base_dir, static_dir);
    std::error_code ec;
    if (!std::filesystem::is_directory(config.static_dir, ec)) {
      c.fail("staticDir", quote_value(static_dir) + " is not a directory (resolved to " +
                              config.static_dir.string() + ")");
    }
  }
  c.boolean(root, "staticSpaFallback", "", &config.static_spa_fallback);
  if (config.static_spa_fallback && config.static_dir.empty()) {
    c.fail("staticSpaFallback", "needs staticDir");
  }

  if (c.failed()) return Status::InvalidArgument(c.message());
  return config;
}

Result<Config> load_config(const std::filesystem::path& file) {
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (in == nullptr) return Status::NotFound("cannot read the file");
  std::string text;
  char chunk[8192];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, in)) > 0) text.append(chunk, got);
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) return Status::NotFound("cannot read the file");
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) absolute = file;
  Result<Config> config = parse_config(text, absolute.parent_path());
  if (config.ok()) config.value().file = absolute;
  return config;
}

}  // namespace omni::collector
