// GET/HEAD of files below staticDir (the demo storefront). Paths are resolved by
// resolve_static_path (no traversal, no hidden files); only regular files are served, streamed
// from disk. Opening a small local file is the one blocking call made on an io thread; the
// static directory is meant for demos and local development, not for a CDN's traffic.
#pragma once

#include <filesystem>
#include <string_view>

#include "http/message.hpp"
#include "http/responses.hpp"

namespace omni::collector::http {

class StaticFileHandler {
 public:
  explicit StaticFileHandler(std::filesystem::path root) : root_(std::move(root)) {}

  /// `path` is the request path without its query string.
  Response serve(const Request& request, std::string_view path, const ReplyContext& ctx) const;

  /// True when `path` names a file that serve() would send (for 405 versus 404).
  bool exists(std::string_view path) const;

 private:
  const std::filesystem::path root_;
};

}  // namespace omni::collector::http
