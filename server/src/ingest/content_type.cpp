#include "ingest/content_type.hpp"

#include <boost/beast/core/string.hpp>

namespace omni::collector::ingest {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool accepts_content_type(std::string_view content_type) {
  const std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (media.empty()) return trim(content_type).empty();
  return boost::beast::iequals(media, "application/json") || boost::beast::iequals(media, "text/plain");
}

}  // namespace omni::collector::ingest
