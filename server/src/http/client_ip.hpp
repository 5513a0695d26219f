// The client IP the collector stores with every event (context.ip): which address to believe,
// and how much of it to keep.
//
// Which address: the TCP peer of the connection. Only when that peer is a configured trusted
// proxy are the forwarding headers read, because anyone else can write them: `Forwarded`
// (RFC 7239, its `for=` parameters) when present, else `X-Forwarded-For`. Proxies append, so the
// list is walked from the right, skipping addresses that are themselves trusted proxies; the
// first one that is not is the client. When every entry is trusted, the left-most is used. An
// entry that is not an address ("unknown", an obfuscated "_id", garbage) stops the walk: nothing
// to its left can be checked, so the last address believed is used.
//
// How much: by default an IPv4 address keeps its first three octets and an IPv6 address its first
// 48 bits (the rest set to zero), enough for coarse geolocation without identifying a household.
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack socket reports for an IPv4
// client) are treated as the IPv4 address everywhere.
//
// Pure functions and an immutable TrustedProxies: safe to share between io threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace omni::collector::http {

using IpAddress = boost::asio::ip::address;

/// An address range: `address` with only its first `prefix_length` bits significant.
struct IpNetwork {
  IpAddress address;
  unsigned prefix_length = 0;
};

/// ::ffff:a.b.c.d → a.b.c.d; any other address unchanged.
IpAddress unmap_ipv4(const IpAddress& address);

/// Parses an address ("10.0.0.1", "2001:db8::1") or a CIDR range ("10.0.0.0/8",
/// "2001:db8::/32"); a plain address is a range of one. False with a reason in `error` (which
/// does not repeat the text) when it is neither, or the prefix is longer than the address.
bool parse_ip_network(std::string_view text, IpNetwork* out, std::string* error);

/// True when `address` (unmapped first) lies in `network`. An IPv4 range never matches an IPv6
/// address, nor the reverse.
bool network_contains(const IpNetwork& network, const IpAddress& address);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<IpNetwork> networks) : networks_(std::move(networks)) {}

  bool empty() const { return networks_.empty(); }
  bool contains(const IpAddress& address) const;

 private:
  std::vector<IpNetwork> networks_;
};

/// The client's address for a request from `peer` carrying these header values (each the
/// comma-joined value of all lines of that header, empty when absent). Always unmapped.
IpAddress client_address(const IpAddress& peer, std::string_view forwarded,
                         std::string_view x_forwarded_for, const TrustedProxies& trusted);

enum class IpTruncation { kDefault, kNone };

/// `address` unmapped, truncated as `truncation` says, in canonical text form (RFC 5952 for
/// IPv6: lower case, longest zero run compressed).
std::string format_client_ip(const IpAddress& address, IpTruncation truncation);

}  // namespace omni::collector::http
