#include "http/cors.hpp"

#include <algorithm>
#include <cstdint>

namespace omni::collector::http {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_scheme(std::string_view scheme) {
  if (scheme.empty() || !is_alpha(scheme[0])) return false;
  return std::all_of(scheme.begin(), scheme.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
  });
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    // IPv6 literal: hex digits, colons and dots (an embedded IPv4) between brackets.
    if (host.size() < 3 || host.back() != ']') return false;
    return std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
      return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f') || c == ':' || c == '.';
    });
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

bool canonicalize_origin(std::string_view text, std::string* canonical, std::string* error) {
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    *error = "is not an origin (expected scheme://host[:port])";
    return false;
  }
  std::string scheme(text.substr(0, sep));
  if (!valid_scheme(scheme)) {
    *error = "has an invalid scheme";
    return false;
  }
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), lower);

  std::string_view authority = text.substr(sep + 3);
  if (authority.find_first_of("/?#") != std::string_view::npos) {
    *error = "must not have a path, query or fragment (origins are scheme://host[:port])";
    return false;
  }
  if (authority.find('@') != std::string_view::npos) {
    *error = "must not have user info";
    return false;
  }

  // The port separator is the last ':' outside an IPv6 literal's brackets.
  std::string_view host = authority;
  std::string_view port;
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), is_digit)) {
      *error = "has an invalid port";
      return false;
    }
    std::uint32_t value = 0;
    for (char c : port) value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value == 0 || value > 65535) {
      *error = "has a port out of range";
      return false;
    }
    while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  }
  if (!valid_host(host)) {
    *error = "has an invalid host";
    return false;
  }
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port = {};

  std::string out = std::move(scheme);
  out += "://";
  for (char c : host) out += lower(c);
  if (!port.empty()) {
    out += ':';
    out += port;
  }
  *canonical = std::move(out);
  return true;
}

OriginPolicy::OriginPolicy(std::vector<std::string> origins) {
  for (auto& origin : origins) {
    if (origin == "*") {
      allow_any_ = true;
    } else {
      origins_.push_back(std::move(origin));
    }
  }
}

bool OriginPolicy::allows(std::string_view origin) const {
  if (allow_any_) return true;
  if (origins_.empty()) return false;
  std::string canonical;
  std::string error;
  if (!canonicalize_origin(origin, &canonical, &error)) return false;
  return std::find(origins_.begin(), origins_.end(), canonical) != origins_.end();
}

}  // namespace omni::collector::http
