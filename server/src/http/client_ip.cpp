#include "http/client_ip.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/system/error_code.hpp>

namespace omni::collector::http {
namespace {

using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<IpAddress> parse_address(std::string_view text) {
  boost::system::error_code ec;
  const IpAddress address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return unmap_ipv4(address);
}

/// One hop of a forwarding header: "1.2.3.4", "1.2.3.4:80", "2001:db8::1", "[2001:db8::1]",
/// "[2001:db8::1]:4711". Anything else (obfuscated ids, "unknown") is not an address.
std::optional<IpAddress> parse_node(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !all_digits(rest.substr(1)))) return std::nullopt;
    const std::string_view inner = text.substr(1, close - 1);
    if (inner.find(':') == std::string_view::npos) return std::nullopt;  // brackets hold IPv6
    return parse_address(inner);
  }
  if (std::count(text.begin(), text.end(), ':') == 1) {  // IPv4 with a port
    const std::size_t colon = text.find(':');
    if (!all_digits(text.substr(colon + 1))) return std::nullopt;
    std::optional<IpAddress> address = parse_address(text.substr(0, colon));
    if (address && !address->is_v4()) return std::nullopt;
    return address;
  }
  return parse_address(text);
}

/// Splits `text` at `separator` outside double-quoted strings (RFC 7230 quoted-string, with
/// backslash escapes), calling `each` with every piece.
template <class Each>
void split_unquoted(std::string_view text, char separator, Each each) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == separator) {
      each(text.substr(start, i - start));
      start = i + 1;
    }
  }
  each(text.substr(start));
}

std::string unquote(std::string_view value) {
  value = trim(value);
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
  std::string out;
  for (std::size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out += value[i];
  }
  return out;
}

bool iequals_for(std::string_view name) {
  return name.size() == 3 && (name[0] == 'f' || name[0] == 'F') &&
         (name[1] == 'o' || name[1] == 'O') && (name[2] == 'r' || name[2] == 'R');
}

/// The hops of a Forwarded header, left to right: the `for=` value of each element; an element
/// without one yields "" (not an address, so it stops the walk).
std::vector<std::string> forwarded_hops(std::string_view header) {
  std::vector<std::string> hops;
  split_unquoted(header, ',', [&](std::string_view element) {
    if (trim(element).empty()) return;
    std::string hop;
    split_unquoted(element, ';', [&](std::string_view pair) {
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) return;
      if (iequals_for(trim(pair.substr(0, equals)))) hop = unquote(pair.substr(equals + 1));
    });
    hops.push_back(std::move(hop));
  });
  return hops;
}

std::vector<std::string> x_forwarded_for_hops(std::string_view header) {
  std::vector<std::string> hops;
  split_unquoted(header, ',', [&](std::string_view hop) {
    if (!trim(hop).empty()) hops.emplace_back(trim(hop));
  });
  return hops;
}

}  // namespace

IpAddress unmap_ipv4(const IpAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool parse_ip_network(std::string_view text, IpNetwork* out, std::string* error) {
  const std::size_t slash = text.find('/');
  const std::optional<IpAddress> address = parse_address(text.substr(0, slash));
  if (!address || text.substr(0, slash).find_first_of("[]") != std::string_view::npos) {
    *error = "is not an IP address or CIDR range";
    return false;
  }
  // A v4-mapped entry was unmapped; its prefix then counts IPv4 bits only when given as v4.
  const unsigned max_prefix = address->is_v4() ? 32 : 128;
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (!all_digits(digits) || digits.size() > 3 ||
        std::from_chars(digits.data(), digits.data() + digits.size(), prefix).ec != std::errc() ||
        prefix > max_prefix) {
      *error = "has an invalid prefix length (0-" + std::to_string(max_prefix) + ")";
      return false;
    }
  }
  out->address = *address;
  out->prefix_length = prefix;
  return true;
}

bool network_contains(const IpNetwork& network, const IpAddress& candidate) {
  const IpAddress address = unmap_ipv4(candidate);
  if (address.is_v4() != network.address.is_v4()) return false;
  auto matches = [&](const auto& a, const auto& b) {
    unsigned bits = network.prefix_length;
    for (std::size_t i = 0; i < a.size() && bits > 0; ++i) {
      const unsigned take = std::min(bits, 8u);
      const unsigned mask = (0xFFu << (8 - take)) & 0xFFu;
      if ((a[i] & mask) != (b[i] & mask)) return false;
      bits -= take;
    }
    return true;
  };
  if (address.is_v4()) {
    return matches(address.to_v4().to_bytes(), network.address.to_v4().to_bytes());
  }
  return matches(address.to_v6().to_bytes(), network.address.to_v6().to_bytes());
}

bool TrustedProxies::contains(const IpAddress& address) const {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const IpNetwork& network) { return network_contains(network, address); });
}

IpAddress client_address(const IpAddress& peer, std::string_view forwarded,
                         std::string_view x_forwarded_for, const TrustedProxies& trusted) {
  IpAddress client = unmap_ipv4(peer);
  if (!trusted.contains(client)) return client;  // headers from anyone else may be forged
  const std::vector<std::string> hops = !trim(forwarded).empty()
                                            ? forwarded_hops(forwarded)
                                            : x_forwarded_for_hops(x_forwarded_for);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const std::optional<IpAddress> address = parse_node(*hop);
    if (!address) break;  // nothing left of an unreadable hop can be checked
    client = *address;
    if (!trusted.contains(client)) break;
  }
  return client;
}

std::string format_client_ip(const IpAddress& candidate, IpTruncation truncation) {
  const IpAddress address = unmap_ipv4(candidate);
  const bool truncate = truncation == IpTruncation::kDefault;
  if (address.is_v4()) {
    address_v4::bytes_type bytes = address.to_v4().to_bytes();
    if (truncate) bytes[3] = 0;
    return address_v4(bytes).to_string();
  }
  // Rebuilt from the bytes alone, so a zone ("%eth0") never reaches stored events.
  address_v6::bytes_type bytes = address.to_v6().to_bytes();
  if (truncate) std::fill(bytes.begin() + 6, bytes.end(), static_cast<unsigned char>(0));
  return address_v6(bytes).to_string();
}

}  // namespace omni::collector::http
