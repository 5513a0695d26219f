#include "ingest/content_type.hpp"

namespace omni::collector::ingest {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool accepts_content_type(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (media.empty()) return trim(content_type).empty();
  return iequals(media, "application/json") || iequals(media, "text/plain");
}

}  // namespace omni::collector::ingest
