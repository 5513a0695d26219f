#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "omni/effects.hpp"
#include "omni/ids.hpp"

namespace {

// Every byte it hands out is the same, so the bits that are not random show through exactly.
class ConstantRandom final : public omni::Random {
 public:
  explicit ConstantRandom(std::uint8_t byte) : byte_(byte) {}
  void fill(std::uint8_t* out, std::size_t n) override { std::memset(out, byte_, n); }

 private:
  std::uint8_t byte_;
};

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

void check_layout(const std::string& id, char version) {
  INFO(id);
  REQUIRE(id.size() == 36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      CHECK(id[i] == '-');
    } else {
      CHECK(is_lower_hex(id[i]));
    }
  }
  CHECK(id[14] == version);
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);  // variant 0b10
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// The 128 bits of an id, most significant first.
std::string bits_of(const std::string& id) {
  std::string bits;
  for (char c : id) {
    if (c == '-') continue;
    for (int shift = 3; shift >= 0; --shift) bits += ((hex_value(c) >> shift) & 1) ? '1' : '0';
  }
  return bits;
}

}  // namespace

TEST_CASE("uuid_v7 is 36 lower-case hex characters with version 7 and variant 10", "[ids]") {
  omni::SeededRandom random(1);
  for (int i = 0; i < 200; ++i) check_layout(omni::uuid_v7(1700000000123 + i, random), '7');
}

TEST_CASE("uuid_v7 starts with the 48-bit big-endian milliseconds", "[ids]") {
  omni::SeededRandom random(2);
  // 1700000000123 = 0x018bcfe5687b
  CHECK(omni::uuid_v7(1700000000123, random).substr(0, 13) == "018bcfe5-687b");
  CHECK(omni::uuid_v7(0, random).substr(0, 13) == "00000000-0000");
}

TEST_CASE("uuid_v7 sets only version and variant bits over its random bytes", "[ids]") {
  ConstantRandom zeros(0x00);
  ConstantRandom ones(0xff);
  CHECK(omni::uuid_v7(0x0123456789ab, zeros) == "01234567-89ab-7000-8000-000000000000");
  CHECK(omni::uuid_v7(0x0123456789ab, ones) == "01234567-89ab-7fff-bfff-ffffffffffff");
}

TEST_CASE("uuid_v7 clamps times outside the 48-bit field instead of wrapping", "[ids]") {
  ConstantRandom zeros(0x00);
  CHECK(omni::uuid_v7(-5, zeros).substr(0, 13) == "00000000-0000");
  CHECK(omni::uuid_v7(std::int64_t{1} << 48, zeros).substr(0, 13) == "ffffffff-ffff");
  CHECK(omni::uuid_v7(INT64_MAX, zeros).substr(0, 13) == "ffffffff-ffff");
}

TEST_CASE("uuid_v7 ids made at increasing milliseconds sort increasing as strings", "[ids]") {
  rc::prop("for any two times within the 48-bit range", [](std::uint64_t seed) {
    const auto earlier = *rc::gen::inRange<std::int64_t>(0, (std::int64_t{1} << 48) - 1);
    const auto later = *rc::gen::inRange<std::int64_t>(earlier + 1, std::int64_t{1} << 48);
    omni::SeededRandom random(seed);
    RC_ASSERT(omni::uuid_v7(earlier, random) < omni::uuid_v7(later, random));
  });
}

TEST_CASE("each of uuid_v7's 74 random bits takes both values", "[ids]") {
  // Fixed time, so bits 0..47 are constant; version (48..51) and variant (64..65) are fixed;
  // every other bit must vary, otherwise randomness is being dropped somewhere.
  omni::SeededRandom random(3);
  std::string seen_one(128, '0');
  std::string seen_zero(128, '0');
  for (int i = 0; i < 2000; ++i) {
    const std::string bits = bits_of(omni::uuid_v7(1700000000123, random));
    for (std::size_t b = 0; b < 128; ++b) (bits[b] == '1' ? seen_one : seen_zero)[b] = '1';
  }
  int varying = 0;
  for (std::size_t b = 0; b < 128; ++b) {
    const bool varies = seen_one[b] == '1' && seen_zero[b] == '1';
    const bool fixed_by_layout = b < 52 || b == 64 || b == 65;
    INFO("bit " << b);
    CHECK(varies != fixed_by_layout);
    varying += varies ? 1 : 0;
  }
  CHECK(varying == 74);
}

TEST_CASE("10,000 uuid_v7 ids made in the same millisecond are distinct", "[ids]") {
  omni::SeededRandom random(4);
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(omni::uuid_v7(1700000000123, random));
  CHECK(ids.size() == 10000);
}

TEST_CASE("uuid_v4 is 36 lower-case hex characters with version 4 and variant 10", "[ids]") {
  omni::SeededRandom random(5);
  for (int i = 0; i < 200; ++i) check_layout(omni::uuid_v4(random), '4');
  ConstantRandom zeros(0x00);
  ConstantRandom ones(0xff);
  CHECK(omni::uuid_v4(zeros) == "00000000-0000-4000-8000-000000000000");
  CHECK(omni::uuid_v4(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST_CASE("10,000 uuid_v4 ids are distinct", "[ids]") {
  omni::SeededRandom random(6);
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(omni::uuid_v4(random));
  CHECK(ids.size() == 10000);
}

TEST_CASE("ids depend only on the injected randomness", "[ids]") {
  omni::SeededRandom a(7);
  omni::SeededRandom b(7);
  CHECK(omni::uuid_v4(a) == omni::uuid_v4(b));
  CHECK(omni::uuid_v7(1700000000123, a) == omni::uuid_v7(1700000000123, b));
}
