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
  // sax_parse with the plain DOM builder instantiates the parser once; json::parse would also
  // instantiate its callback variant (~5 KB of wasm) that nothing here uses.
  nlohmann::json parsed;
  nlohmann::detail::json_sax_dom_parser<nlohmann::json> builder(parsed, false);
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &builder) || builder.is_errored()) {
    return Status::InvalidJson("not valid JSON");
  }
  return parsed;
}

}  // namespace omni
