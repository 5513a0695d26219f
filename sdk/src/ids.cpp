#include "omni/ids.hpp"

#include <cstddef>

namespace omni {
namespace {

constexpr std::int64_t kMaxUnixMs48 = (std::int64_t{1} << 48) - 1;

// 8-4-4-4-12 lower-case hex of 16 bytes.
std::string to_hyphenated_hex(const std::uint8_t (&bytes)[16]) {
  constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text[pos++] = '-';
    text[pos++] = kHex[bytes[i] >> 4];
    text[pos++] = kHex[bytes[i] & 0x0f];
  }
  return std::string(text, sizeof text);
}

// Overwrites the version nibble (byte 6, high half) and the RFC 9562 variant bits "10"
// (byte 8, top two bits), leaving every other bit as given.
void stamp_version_and_variant(std::uint8_t (&bytes)[16], std::uint8_t version) {
  bytes[6] = static_cast<std::uint8_t>((version << 4) | (bytes[6] & 0x0f));
  bytes[8] = static_cast<std::uint8_t>(0x80 | (bytes[8] & 0x3f));
}

}  // namespace

std::string uuid_v7(std::int64_t unix_ms, Random& random) {
  // The field is an unsigned 48-bit count (good until year 10889); clamp rather than wrap, so
  // an out-of-range time can never sort before a valid one.
  if (unix_ms < 0) unix_ms = 0;
  if (unix_ms > kMaxUnixMs48) unix_ms = kMaxUnixMs48;
  const auto ms = static_cast<std::uint64_t>(unix_ms);

  std::uint8_t bytes[16];
  for (std::size_t i = 0; i < 6; ++i) {
    bytes[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));  // big-endian, so text sorts by time
  }
  // rand_a (12 bits) and rand_b (62 bits): 74 random bits once version and variant are set.
  random.fill(bytes + 6, 10);
  stamp_version_and_variant(bytes, 7);
  return to_hyphenated_hex(bytes);
}

std::string uuid_v4(Random& random) {
  std::uint8_t bytes[16];
  random.fill(bytes, sizeof bytes);
  stamp_version_and_variant(bytes, 4);
  return to_hyphenated_hex(bytes);
}

}  // namespace omni
