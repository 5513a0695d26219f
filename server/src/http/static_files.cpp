#include "http/static_files.hpp"

#include "http/url.hpp"

#include <boost/beast/core/string.hpp>

namespace omni::collector::http {
namespace {

struct MediaType {
  std::string_view extension;
  std::string_view type;
};

constexpr MediaType kMediaTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"wasm", "application/wasm"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"ico", "image/x-icon"},
    {"webp", "image/webp"},
    {"txt", "text/plain; charset=utf-8"},
};

}  // namespace

std::optional<std::string> resolve_static_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string decoded;
  if (!percent_decode(path, false, &decoded)) return std::nullopt;
  if (decoded.find('\\') != std::string::npos) return std::nullopt;

  std::string out;
  std::string_view rest(decoded);
  bool ends_with_slash = true;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty()) {
      ends_with_slash = true;
      continue;
    }
    // Covers ".", ".." and hidden files such as ".env" or ".git".
    if (segment.front() == '.') return std::nullopt;
    if (!out.empty()) out += '/';
    out += segment;
    ends_with_slash = slash != std::string_view::npos && rest.empty();
  }
  if (out.empty()) return std::string("index.html");
  if (ends_with_slash) out += "/index.html";
  return out;
}

std::string_view content_type_for(std::string_view file_name) {
  const std::size_t slash = file_name.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string_view ext = base.substr(dot + 1);
    for (const auto& media : kMediaTypes) {
      if (boost::beast::iequals(ext, media.extension)) return media.type;
    }
  }
  return "application/octet-stream";
}

}  // namespace omni::collector::http
