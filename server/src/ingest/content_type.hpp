// Which request bodies the ingestion routes read as JSON. Pure.
#pragma once

#include <string_view>

namespace omni::collector::ingest {

/// True for an absent or empty Content-Type, "application/json" and "text/plain" (what
/// navigator.sendBeacon sends without a CORS preflight), case-insensitive, with any parameters
/// ("; charset=UTF-8"). Bodies are read as UTF-8 whatever the charset says.
bool accepts_content_type(std::string_view content_type);

}  // namespace omni::collector::ingest
