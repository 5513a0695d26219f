// Cross-origin rules for browser requests: which origins a source admits.
//
// Origins are compared in canonical form: scheme and host lower-cased, the scheme's default
// port dropped (browsers never send ":443" for https), so "HTTPS://Shop.Example:443" in a config
// matches the browser's "https://shop.example". Pure functions; thread-safe once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace omni::collector::http {

/// Canonicalizes "scheme://host[:port]". False (with a reason in `error`) for anything else:
/// a path (even a lone "/"), a query, user info, an empty host or a bad port. "null" (the
/// origin of sandboxed frames and file: pages) is not accepted here; only "*" admits it.
bool canonicalize_origin(std::string_view text, std::string* canonical, std::string* error);

/// The origins one source admits. "*" admits every origin, including "null".
class OriginPolicy {
 public:
  OriginPolicy() = default;
  /// `origins` are canonical (see canonicalize_origin) or "*".
  explicit OriginPolicy(std::vector<std::string> origins);

  /// True when the Origin header value `origin` is admitted. An Origin that is not a
  /// well-formed origin is admitted only by "*".
  bool allows(std::string_view origin) const;

 private:
  bool allow_any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace omni::collector::http
