// Identifiers: time-ordered UUIDv7 message ids and random UUIDv4 anonymous ids.
//
// Both are pure apart from the bytes drawn from `random` (thread-safe as far as `random` is).
// Text is always 36 characters, lower-case hex, hyphenated 8-4-4-4-12.
#pragma once

#include <cstdint>
#include <string>

#include "omni/effects.hpp"

namespace omni {

/// RFC 9562 UUIDv7: 48-bit Unix milliseconds, then random bits; lower-case hyphenated text.
/// Ids made later sort later, which keeps the collector's dedup index writes local.
/// Layout: 48-bit big-endian ms, version 7, 12 random bits, variant 0b10, 62 random bits (74
/// random bits, 10 bytes drawn from `random`). `unix_ms` outside [0, 2^48) is clamped to it.
/// Ids made within the same millisecond are in random order: there is no hidden counter.
std::string uuid_v7(std::int64_t unix_ms, Random& random);

/// RFC 9562 UUIDv4 (122 random bits), lower-case hyphenated text. Used for anonymous ids.
std::string uuid_v4(Random& random);

}  // namespace omni
