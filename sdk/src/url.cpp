#include "omni/url.hpp"

#include <cstddef>
#include <utility>

#include "utf8.hpp"

namespace omni {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// What a browser removes before parsing: C0 controls and spaces at either end, and tabs and
// newlines anywhere (so a URL wrapped across lines still parses).
std::string strip_like_a_browser(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= 0x20) --end;
  std::string out;
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

bool valid_reg_name(std::string_view host) {
  if (host.empty() || host.front() == '.') return false;
  char previous = '\0';
  for (char c : host) {
    const bool allowed =
        is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || is_non_ascii(c);
    if (!allowed) return false;
    if (c == '.' && previous == '.') return false;  // an empty label
    previous = c;
  }
  return true;
}

bool valid_ipv6_literal(std::string_view inside_brackets) {
  if (inside_brackets.find(':') == std::string_view::npos) return false;
  for (char c : inside_brackets) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return true;
}

// An empty port is allowed ("host:"), as browsers allow it; it means no port.
bool parse_port(std::string_view digits, int* port) {
  if (digits.empty()) {
    *port = -1;
    return true;
  }
  int value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
    if (value > 65535) return false;
  }
  *port = value;
  return true;
}

bool parse_authority(std::string_view authority, Url* out) {
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);

  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    if (!valid_ipv6_literal(authority.substr(1, close - 1))) return false;
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (!valid_reg_name(host)) return false;
  }
  if (!parse_port(port_text, &out->port)) return false;

  out->host.clear();
  out->host.reserve(host.size());
  for (char c : host) out->host.push_back(lower(c));
  return true;
}

}  // namespace

bool parse_url(std::string_view text, Url* out) {
  std::string url = strip_like_a_browser(text);

  const std::size_t colon = url.find(':');
  if (colon == std::string::npos || colon == 0 || !is_alpha(url[0])) return false;
  std::string scheme;
  for (std::size_t i = 0; i < colon; ++i) scheme.push_back(lower(url[i]));
  if (scheme != "http" && scheme != "https") return false;

  // For http(s) a browser reads "\" as "/" before the query; doing the same keeps
  // "https://evil.example\@shop.example" from naming a different host here than in the browser.
  const std::size_t query_or_fragment = url.find_first_of("?#", colon);
  const std::size_t slashes_end = query_or_fragment == std::string::npos ? url.size() : query_or_fragment;
  for (std::size_t i = colon; i < slashes_end; ++i) {
    if (url[i] == '\\') url[i] = '/';
  }

  std::string_view rest(url);
  rest.remove_prefix(colon + 1);
  if (rest.size() < 2 || rest[0] != '/' || rest[1] != '/') return false;
  rest.remove_prefix(2);

  const std::size_t authority_end = rest.find_first_of("/?#");
  if (!parse_authority(rest.substr(0, authority_end), out)) return false;
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  const std::size_t hash = rest.find('#');
  std::string_view before_fragment = rest.substr(0, hash);
  out->fragment = hash == std::string_view::npos ? std::string() : std::string(rest.substr(hash + 1));

  const std::size_t question = before_fragment.find('?');
  std::string_view path = before_fragment.substr(0, question);
  out->query = question == std::string_view::npos ? std::string()
                                                  : std::string(before_fragment.substr(question + 1));
  out->path = path.empty() ? std::string("/") : std::string(path);
  out->scheme = std::move(scheme);
  return true;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  utf8::append_lossy(out, bytes);
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    params.emplace_back(utf8_lossy(percent_decode(name, true)),
                        utf8_lossy(percent_decode(value, true)));
  }
  return params;
}

}  // namespace omni
