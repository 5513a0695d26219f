// Reading nested JSON in assertions without throwing: every target compiles nlohmann with
// JSON_NOEXCEPTION, where at() or get<T>() on the wrong type aborts the test binary instead of
// failing one assertion.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace omni::integration {

/// The value at a slash-separated path ("/error/rejected/0/index"; array steps are decimal
/// indexes, no "~" escapes), or null when any step is missing or of the wrong type.
nlohmann::json value_at(const nlohmann::json& document, std::string_view path);

}  // namespace omni::integration
