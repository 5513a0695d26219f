#include "admin/export_query.hpp"

#include <set>
#include <utility>
#include <vector>

#include "admin/events_query.hpp"
#include "http/url.hpp"
#include "omni/timestamp.hpp"

namespace omni::collector::admin {

bool parse_export_query(std::string_view query, ExportQuery* out, std::string* error) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!http::parse_query(query, &params)) {
    *error = "the query string has a malformed %-escape";
    return false;
  }
  *out = ExportQuery{};
  out->limit = kExportPageRows;
  std::set<std::string> seen;
  for (auto& [key, value] : params) {
    if (!seen.insert(key).second) {
      *error = "`" + key.substr(0, 40) + "` is given more than once";
      return false;
    }
    if (key == "since" || key == "until") {
      std::int64_t ms = 0;
      if (!parse_iso8601(value, &ms)) {
        *error = "`" + key + "` must be an ISO-8601 time such as 2026-11-18T11:06:40.123Z";
        return false;
      }
      (key == "since" ? out->since_ms : out->until_ms) = ms;
    } else if (key == "after") {
      if (!parse_cursor(value, &out->after_id)) {
        *error = "`after` is not a cursor from a previous export or page";
        return false;
      }
    } else {
      *error = "unknown parameter `" + key.substr(0, 40) + "` (known: since, until, after)";
      return false;
    }
  }
  if (out->until_ms <= out->since_ms) {
    *error = "`until` must be later than `since`";
    return false;
  }
  return true;
}

}  // namespace omni::collector::admin
