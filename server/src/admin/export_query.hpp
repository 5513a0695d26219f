// The query string of GET /v1/admin/export → an ExportQuery. Pure.
#pragma once

#include <string>
#include <string_view>

#include "store/event_store.hpp"

namespace omni::collector::admin {

/// Rows per store read while exporting: bounds the memory one export holds at a time.
inline constexpr std::size_t kExportPageRows = 1000;

/// Reads since and until (ISO-8601 receivedAt; since inclusive, until exclusive; both optional)
/// and after (a cursor: resume after that event). False with a message for a bad time or
/// cursor, until not after since, a malformed escape, a repeated or an unknown parameter.
bool parse_export_query(std::string_view query, ExportQuery* out, std::string* error);

}  // namespace omni::collector::admin
