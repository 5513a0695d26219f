#include "http/auth.hpp"

#include <cstdint>

namespace omni::collector::http {
namespace {

bool starts_with_scheme(std::string_view header, std::string_view scheme, std::string_view* rest) {
  if (header.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  if (header[scheme.size()] != ' ') return false;
  std::string_view value = header.substr(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  *rest = value;
  return true;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  // Every byte position up to the longer length is visited; a missing byte reads as 0 and the
  // length difference is folded in, so no early exit depends on the content.
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

bool decode_base64(std::string_view text, std::string* out) {
  out->clear();
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (text.size() + padding) % 4 != 0) return false;
  if (text.size() % 4 == 1) return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFFu));
    }
  }
  // Leftover bits must be zero in canonical encodings; tolerate them as other servers do.
  return true;
}

BasicAuth parse_basic_auth(std::string_view authorization, std::string* user) {
  std::string_view encoded;
  if (!starts_with_scheme(authorization, "basic", &encoded)) return BasicAuth::kAbsent;
  std::string decoded;
  if (encoded.empty() || !decode_base64(encoded, &decoded)) return BasicAuth::kMalformed;
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) return BasicAuth::kMalformed;
  if (colon == 0) return BasicAuth::kAbsent;
  *user = decoded.substr(0, colon);
  return BasicAuth::kPresent;
}

bool bearer_token_matches(std::string_view authorization, std::string_view expected) {
  if (expected.empty()) return false;
  std::string_view token;
  if (!starts_with_scheme(authorization, "bearer", &token)) return false;
  return constant_time_equal(token, expected);
}

}  // namespace omni::collector::http
