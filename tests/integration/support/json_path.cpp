#include "support/json_path.hpp"

#include <charconv>
#include <string>

namespace omni::integration {

nlohmann::json value_at(const nlohmann::json& document, std::string_view path) {
  const nlohmann::json* current = &document;
  while (!path.empty()) {
    if (path.front() != '/') return nullptr;
    path.remove_prefix(1);
    const std::size_t end = path.find('/');
    const std::string_view step = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
    if (current->is_object()) {
      const auto found = current->find(std::string(step));
      if (found == current->end()) return nullptr;
      current = &*found;
    } else if (current->is_array()) {
      std::size_t index = 0;
      const auto parsed = std::from_chars(step.data(), step.data() + step.size(), index);
      if (parsed.ec != std::errc() || parsed.ptr != step.data() + step.size() ||
          index >= current->size()) {
        return nullptr;
      }
      current = &(*current)[index];
    } else {
      return nullptr;
    }
  }
  return *current;
}

}  // namespace omni::integration
