#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "http/client_ip.hpp"

using namespace omni::collector::http;

namespace {

IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

IpNetwork network(const char* text) {
  IpNetwork out;
  std::string error;
  INFO(text);
  REQUIRE(parse_ip_network(text, &out, &error));
  return out;
}

TrustedProxies trusted(std::vector<const char*> texts) {
  std::vector<IpNetwork> networks;
  for (const char* text : texts) networks.push_back(network(text));
  return TrustedProxies(std::move(networks));
}

std::string chosen(const char* peer, const char* forwarded, const char* x_forwarded_for,
                   const TrustedProxies& proxies) {
  return client_address(ip(peer), forwarded, x_forwarded_for, proxies).to_string();
}

}  // namespace

TEST_CASE("addresses and CIDR ranges of both families parse; anything else is refused",
          "[client_ip]") {
  CHECK(network("10.1.2.3").prefix_length == 32);
  CHECK(network("10.0.0.0/8").prefix_length == 8);
  CHECK(network("2001:db8::1").prefix_length == 128);
  CHECK(network("2001:db8::/32").prefix_length == 32);
  CHECK(network("0.0.0.0/0").prefix_length == 0);

  for (const char* bad : {"", "10.0.0", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x",
                          "example.com", "[::1]", "10.0.0.0/8/8", "10.0.0.0/-1"}) {
    IpNetwork out;
    std::string error;
    INFO(bad);
    CHECK_FALSE(parse_ip_network(bad, &out, &error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("a range contains exactly the addresses that share its prefix", "[client_ip]") {
  CHECK(network_contains(network("10.0.0.0/8"), ip("10.255.1.2")));
  CHECK_FALSE(network_contains(network("10.0.0.0/8"), ip("11.0.0.1")));
  CHECK(network_contains(network("192.168.1.0/25"), ip("192.168.1.127")));
  CHECK_FALSE(network_contains(network("192.168.1.0/25"), ip("192.168.1.128")));
  CHECK(network_contains(network("2001:db8::/32"), ip("2001:db8:ffff::1")));
  CHECK_FALSE(network_contains(network("2001:db8::/32"), ip("2001:db9::1")));
  CHECK(network_contains(network("0.0.0.0/0"), ip("8.8.8.8")));
  SECTION("families never match each other, but a v4-mapped address is IPv4") {
    CHECK_FALSE(network_contains(network("::/0"), ip("8.8.8.8")));
    CHECK_FALSE(network_contains(network("0.0.0.0/0"), ip("2001:db8::1")));
    CHECK(network_contains(network("127.0.0.1"), ip("::ffff:127.0.0.1")));
  }
}

TEST_CASE("without a trusted peer the forwarding headers are ignored", "[client_ip]") {
  CHECK(chosen("203.0.113.7", "for=198.51.100.1", "198.51.100.2", TrustedProxies()) ==
        "203.0.113.7");
  CHECK(chosen("203.0.113.7", "for=198.51.100.1", "198.51.100.2", trusted({"10.0.0.0/8"})) ==
        "203.0.113.7");
}

TEST_CASE("behind trusted proxies the right-most untrusted X-Forwarded-For hop is the client",
          "[client_ip]") {
  const TrustedProxies proxies = trusted({"10.0.0.0/8"});
  CHECK(chosen("10.0.0.1", "", "198.51.100.9", proxies) == "198.51.100.9");
  // The left-most entry is whatever the client wrote: a spoof there is skipped.
  CHECK(chosen("10.0.0.1", "", "1.2.3.4, 198.51.100.9, 10.0.0.2", proxies) == "198.51.100.9");
  CHECK(chosen("10.0.0.1", "", "10.0.0.3,10.0.0.2", proxies) == "10.0.0.3");
  CHECK(chosen("10.0.0.1", "", "", proxies) == "10.0.0.1");
  CHECK(chosen("10.0.0.1", "", "198.51.100.9:5555", proxies) == "198.51.100.9");
  CHECK(chosen("10.0.0.1", "", "2001:db8::7", proxies) == "2001:db8::7");
  SECTION("an unreadable hop stops the walk at the last address believed") {
    CHECK(chosen("10.0.0.1", "", "1.2.3.4, garbage", proxies) == "10.0.0.1");
    CHECK(chosen("10.0.0.1", "", "1.2.3.4, unknown, 10.0.0.2", proxies) == "10.0.0.2");
  }
}

TEST_CASE("Forwarded for= values are read, quoted IPv6 with a port included", "[client_ip]") {
  const TrustedProxies proxies = trusted({"10.0.0.0/8", "2001:db8:ffff::/48"});
  CHECK(chosen("10.0.0.1", "for=198.51.100.9;proto=https", "", proxies) == "198.51.100.9");
  CHECK(chosen("10.0.0.1", "For=\"[2001:db8::1]:4711\"", "", proxies) == "2001:db8::1");
  CHECK(chosen("10.0.0.1", "for=1.2.3.4, for=198.51.100.9;by=10.0.0.1, for=10.0.0.2", "",
               proxies) == "198.51.100.9");
  CHECK(chosen("2001:db8:ffff::5", "proto=http;for=\"198.51.100.9:80\"", "", proxies) ==
        "198.51.100.9");
  SECTION("Forwarded wins over X-Forwarded-For") {
    CHECK(chosen("10.0.0.1", "for=198.51.100.9", "192.0.2.1", proxies) == "198.51.100.9");
  }
  SECTION("an obfuscated or missing for= stops the walk") {
    CHECK(chosen("10.0.0.1", "for=_hidden", "", proxies) == "10.0.0.1");
    CHECK(chosen("10.0.0.1", "proto=https", "", proxies) == "10.0.0.1");
  }
}

TEST_CASE("a v4-mapped peer is treated as IPv4", "[client_ip]") {
  CHECK(chosen("::ffff:10.0.0.1", "", "198.51.100.9", trusted({"10.0.0.1"})) == "198.51.100.9");
  CHECK(chosen("::ffff:203.0.113.7", "", "", TrustedProxies()) == "203.0.113.7");
  CHECK(format_client_ip(ip("::ffff:203.0.113.7"), IpTruncation::kDefault) == "203.0.113.0");
}

TEST_CASE("by default IPv4 keeps three octets and IPv6 48 bits, in canonical form",
          "[client_ip]") {
  CHECK(format_client_ip(ip("203.0.113.7"), IpTruncation::kDefault) == "203.0.113.0");
  CHECK(format_client_ip(ip("127.0.0.1"), IpTruncation::kDefault) == "127.0.0.0");
  CHECK(format_client_ip(ip("2001:DB8:AbCd:1234:5678::1"), IpTruncation::kDefault) ==
        "2001:db8:abcd::");
  CHECK(format_client_ip(ip("::1"), IpTruncation::kDefault) == "::");
}

TEST_CASE("truncation none keeps the full address", "[client_ip]") {
  CHECK(format_client_ip(ip("203.0.113.7"), IpTruncation::kNone) == "203.0.113.7");
  CHECK(format_client_ip(ip("2001:0db8:0000:0000:0000:0000:0000:0001"), IpTruncation::kNone) ==
        "2001:db8::1");
}
