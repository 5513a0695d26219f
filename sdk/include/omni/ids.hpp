// Identifiers: time-ordered UUIDv7 message ids and random UUIDv4 anonymous ids.
#pragma once

#include <cstdint>
#include <string>

#include "omni/effects.hpp"

namespace omni {

/// RFC 9562 UUIDv7: 48-bit Unix milliseconds, then random bits; lower-case hyphenated text.
/// Ids made later sort later, which keeps the collector's dedup index writes local.
std::string uuid_v7(std::int64_t unix_ms, Random& random);

/// RFC 9562 UUIDv4 (122 random bits), lower-case hyphenated text. Used for anonymous ids.
std::string uuid_v4(Random& random);

}  // namespace omni
