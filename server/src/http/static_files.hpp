// Mapping request paths to files below the static directory, and file names to media types.
// Pure: no file system access (the handler in static_file_handler.* opens the file).
//
// Refused, so that no request reaches outside the directory or into hidden files: any segment
// that is "..", "." or starts with "." (after percent-decoding, so "%2e%2e" is refused too), a
// backslash, a NUL, a malformed escape, a path that does not start with "/". Symbolic links
// inside the directory are the operator's and are followed by the handler.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace omni::collector::http {

/// "/" → "index.html", "/js/app.js" → "js/app.js", "/docs/" → "docs/index.html";
/// nullopt when the path is refused (see above). `path` excludes the query string.
std::optional<std::string> resolve_static_path(std::string_view path);

/// The Content-Type for a file name by its extension (case-insensitive); text types carry
/// "; charset=utf-8". Unknown extensions are "application/octet-stream".
std::string_view content_type_for(std::string_view file_name);

}  // namespace omni::collector::http
