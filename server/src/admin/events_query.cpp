#include "admin/events_query.hpp"

#include <charconv>
#include <set>
#include <utility>
#include <vector>

#include "http/url.hpp"

namespace omni::collector::admin {

std::string format_cursor(std::int64_t id) { return std::to_string(id); }

bool parse_cursor(std::string_view text, std::int64_t* id) {
  if (text.empty() || text.front() == '0') return false;  // one spelling per id
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) return false;
  *id = value;
  return true;
}

bool parse_events_query(std::string_view query, EventQuery* out, std::string* error) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!http::parse_query(query, &params)) {
    *error = "the query string has a malformed %-escape";
    return false;
  }
  *out = EventQuery{};
  out->limit = kDefaultEventsLimit;
  std::set<std::string> seen;
  for (auto& [key, value] : params) {
    if (!seen.insert(key).second) {
      *error = "`" + key.substr(0, 40) + "` is given more than once";
      return false;
    }
    if (key == "limit") {
      std::size_t limit = 0;
      const char* end = value.data() + value.size();
      auto [ptr, ec] = std::from_chars(value.data(), end, limit);
      if (value.empty() || ec != std::errc() || ptr != end || limit < 1 ||
          limit > kMaxEventsLimit) {
        *error = "`limit` must be an integer from 1 to " + std::to_string(kMaxEventsLimit);
        return false;
      }
      out->limit = limit;
    } else if (key == "after") {
      if (!parse_cursor(value, &out->before_id)) {
        *error = "`after` is not a cursor from a previous page's `next`";
        return false;
      }
    } else if (key == "userId") {
      out->user_id = std::move(value);
    } else if (key == "anonymousId") {
      out->anonymous_id = std::move(value);
    } else if (key == "event") {
      out->event = std::move(value);
    } else {
      *error = "unknown parameter `" + key.substr(0, 40) +
               "` (known: limit, after, userId, anonymousId, event)";
      return false;
    }
  }
  return true;
}

}  // namespace omni::collector::admin
