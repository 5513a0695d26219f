#include <cstring>

#include "omni/effects.hpp"

namespace omni {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t Random::uniform(std::uint64_t bound) {
  // Rejection sampling: drop the top sliver of the range that would bias the modulo.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
  std::uint64_t v;
  do {
    v = next_u64();
  } while (v >= limit);
  return v % bound;
}

SeededRandom::SeededRandom(const std::uint8_t* seed, std::size_t n) {
  std::uint64_t mix = 0x6a09e667f3bcc908ULL ^ n;
  for (std::size_t i = 0; i < n; ++i) mix = rotl(mix, 8) ^ seed[i] ^ (mix * 31);
  std::uint64_t state = mix;
  for (auto& word : s_) word = splitmix64(state);
  // Fold the raw seed bytes in directly as well, so distinct 32-byte seeds give distinct states.
  for (std::size_t i = 0; i < n && i < 32; ++i) {
    s_[i / 8] ^= static_cast<std::uint64_t>(seed[i]) << (8 * (i % 8));
  }
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
}

SeededRandom::SeededRandom(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t SeededRandom::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void SeededRandom::fill(std::uint8_t* out, std::size_t n) {
  while (n > 0) {
    std::uint64_t v = next();
    std::size_t take = n < 8 ? n : 8;
    std::memcpy(out, &v, take);
    out += take;
    n -= take;
  }
}

}  // namespace omni
