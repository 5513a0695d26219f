// Credentials carried by requests: the write key (HTTP Basic user, as Segment's clients send it)
// and the operator's admin token (Bearer). Pure functions, no state.
//
// Secrets are compared with constant_time_equal so that the time an answer takes does not tell
// an attacker how many leading bytes of a guess were right.
#pragma once

#include <string>
#include <string_view>

namespace omni::collector::http {

/// True when a == b. Runs in time that depends only on the longer length, never on where the
/// first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

enum class BasicAuth {
  kAbsent,     // no Authorization header, another scheme, or an empty user name
  kMalformed,  // "Basic" with text that is not base64 of "user:password"
  kPresent,    // `user` holds the user name (the write key); the password is ignored
};

/// Reads "Basic base64(user:password)" (scheme case-insensitive). Segment's clients put the
/// write key in the user and leave the password empty; the password is not checked.
BasicAuth parse_basic_auth(std::string_view authorization, std::string* user);

/// True when `authorization` is "Bearer <token>" (scheme case-insensitive) with exactly
/// `expected` as token, compared in constant time. False when `expected` is empty.
bool bearer_token_matches(std::string_view authorization, std::string_view expected);

/// Standard base64 (RFC 4648, with padding; unpadded input accepted). False on bad input.
bool decode_base64(std::string_view text, std::string* out);

}  // namespace omni::collector::http
