#include "ingest/anonymous_id_cookie.hpp"

namespace omni::collector::ingest {
namespace {

constexpr std::size_t kMaxIdLength = 256;

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// RFC 6265 cookie-octet: visible ASCII except '"', ',', ';' and '\'.
bool cookie_octet(char c) {
  return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

// IPv4 (digits and dots) or IPv6 (hex digits, ':' and dots, with at least one ':').
bool is_ip_literal(std::string_view host) {
  bool v4 = !host.empty();
  bool v6 = host.find(':') != std::string_view::npos;
  for (char c : host) {
    const bool digit = c >= '0' && c <= '9';
    const bool hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    v4 = v4 && (digit || c == '.');
    v6 = v6 && (hex || c == ':' || c == '.');
  }
  return v4 || v6;
}

// "https://www.shop.example:8443" -> scheme "https", host "www.shop.example". IPv6 origins
// ("http://[::1]:8080") keep their brackets off.
bool split_origin(std::string_view origin, std::string_view* scheme, std::string_view* host) {
  const std::size_t sep = origin.find("://");
  if (sep == std::string_view::npos) return false;
  *scheme = origin.substr(0, sep);
  std::string_view rest = origin.substr(sep + 3);
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return false;
    *host = rest.substr(1, close - 1);
    return true;
  }
  *host = rest.substr(0, rest.find(':'));
  return !host->empty();
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool within_domain(std::string_view host, std::string_view domain) {
  if (equals_ignoring_case(host, domain)) return true;
  return host.size() > domain.size() + 1 && host[host.size() - domain.size() - 1] == '.' &&
         equals_ignoring_case(host.substr(host.size() - domain.size()), domain);
}

}  // namespace

bool valid_cookie_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  if (is_ip_literal(domain)) return true;
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    if (!host_char(c)) return false;
  }
  return true;
}

std::optional<std::string> anonymous_id_set_cookie(const AnonymousIdCookie& config,
                                                   std::string_view origin,
                                                   std::string_view anonymous_id) {
  if (config.domain.empty() || anonymous_id.empty() || anonymous_id.size() > kMaxIdLength) {
    return std::nullopt;
  }
  for (char c : anonymous_id) {
    if (!cookie_octet(c)) return std::nullopt;
  }
  std::string_view scheme;
  std::string_view host;
  if (!split_origin(origin, &scheme, &host) || !within_domain(host, config.domain)) {
    return std::nullopt;
  }
  std::string cookie(kAnonymousIdCookieName);
  cookie += '=';
  cookie += anonymous_id;
  cookie += "; Path=/; Max-Age=" + std::to_string(std::uint64_t{config.max_age_days} * 86400);
  if (!is_ip_literal(config.domain) && config.domain != "localhost") {
    cookie += "; Domain=" + config.domain;
  }
  cookie += "; SameSite=Lax";
  if (scheme == "https") cookie += "; Secure";
  return cookie;
}

}  // namespace omni::collector::ingest
