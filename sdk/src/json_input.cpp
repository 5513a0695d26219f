#include "omni/json_input.hpp"

#include <string>

namespace omni {

bool json_depth_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

Result<nlohmann::json> parse_json_input(std::string_view text, std::size_t max_depth) {
  if (!json_depth_within(text, max_depth)) {
    return Status::InvalidJson("JSON nests deeper than " + std::to_string(max_depth) + " levels");
  }
  auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (parsed.is_discarded()) return Status::InvalidJson("not valid JSON");
  return parsed;
}

}  // namespace omni
