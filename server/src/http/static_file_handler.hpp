// GET/HEAD of files below staticDir (the demo storefront). Paths are resolved by
// resolve_static_path (no traversal, no hidden files); only regular files are served, streamed
// from disk. With the single-page-app fallback, a path whose last segment has no '.' and that
// names no file is answered with the nearest index.html at or above it ("/webview" and
// "/webview/p/3" -> webview/index.html, "/c/shoes" -> index.html), so an app's deep links and reloads work.
// Caching: a content-hashed name ("omni.3f2a9c81d0b4.js": a dot, 12 hex digits, a dot) never
// changes, so it is cached for a year as immutable; every other file is revalidated. Opening a small local file is the one blocking call made on an io thread; the
// static directory is meant for demos and local development, not for a CDN's traffic.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "http/message.hpp"
#include "http/responses.hpp"

namespace omni::collector::http {

class StaticFileHandler {
 public:
  explicit StaticFileHandler(std::filesystem::path root, bool spa_fallback = false)
      : root_(std::move(root)), spa_fallback_(spa_fallback) {}

  /// `path` is the request path without its query string.
  Response serve(const Request& request, std::string_view path, const ReplyContext& ctx) const;

  /// True when `path` names a file that serve() would send (for 405 versus 404).
  bool exists(std::string_view path) const;

 private:
  /// The file serve() sends for `path`, or nullopt (404).
  std::optional<std::filesystem::path> file_for(std::string_view path) const;

  const std::filesystem::path root_;
  const bool spa_fallback_;
};

/// True for "name.<12 lower-case hex digits>.ext" file names (the SDK build's hashed copies).
bool is_content_hashed(std::string_view file_name);

}  // namespace omni::collector::http
