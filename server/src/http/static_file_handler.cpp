#include "http/static_file_handler.hpp"

#include <system_error>

#include <boost/beast/core/file_base.hpp>

#include "http/static_files.hpp"

namespace omni::collector::http {

namespace beast = boost::beast;
using beast_http::field;
using beast_http::status;

namespace {

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_file(const std::filesystem::path& file) {
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec);
}

}  // namespace

bool is_content_hashed(std::string_view file_name) {
  constexpr std::size_t kHashDigits = 12;
  const std::size_t first_dot = file_name.find('.');
  if (first_dot == std::string_view::npos) return false;
  const std::string_view rest = file_name.substr(first_dot + 1);
  if (rest.size() <= kHashDigits + 1 || rest[kHashDigits] != '.') return false;
  for (std::size_t i = 0; i < kHashDigits; ++i) {
    if (!is_hex_digit(rest[i])) return false;
  }
  return true;
}

std::optional<std::filesystem::path> StaticFileHandler::file_for(std::string_view path) const {
  const std::optional<std::string> relative = resolve_static_path(path);
  if (!relative) return std::nullopt;
  std::filesystem::path file = root_ / *relative;
  if (is_file(file)) return file;
  const std::size_t last_slash = path.rfind('/');
  const bool page_path = path.find('.', last_slash) == std::string_view::npos;
  if (!spa_fallback_ || !page_path) return std::nullopt;
  // Starting from the path itself serves "/webview" (no slash) with webview/index.html.
  for (std::filesystem::path dir = std::filesystem::path(*relative);; dir = dir.parent_path()) {
    std::filesystem::path index = root_ / dir / "index.html";
    if (is_file(index)) return index;
    if (dir.empty()) return std::nullopt;
  }
}

bool StaticFileHandler::exists(std::string_view path) const { return file_for(path).has_value(); }

Response StaticFileHandler::serve(const Request& request, std::string_view path,
                                  const ReplyContext& ctx) const {
  const std::optional<std::filesystem::path> found = file_for(path);
  if (!found) return not_found(ctx);
  const std::filesystem::path& file = *found;

  beast_http::file_body::value_type body;
  beast::error_code ec;
  body.open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) return not_found(ctx);
  const std::uint64_t size = body.size();
  const std::string file_name = file.filename().string();
  const std::string_view type = content_type_for(file_name);

  auto set_headers = [&](auto& res) {
    apply_common_headers(res, ctx);
    res.set(field::content_type, type);
    // A hashed name is a promise that the bytes never change; anything else may change while
    // one develops, and revalidating keeps the page current.
    res.set(field::cache_control, is_content_hashed(file_name)
                                      ? "public, max-age=31536000, immutable"
                                      : "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
  };

  if (request.method() == beast_http::verb::head) {
    HeadResponse res{status::ok, ctx.version};
    set_headers(res);
    res.content_length(size);
    return res;
  }
  FileResponse res{std::piecewise_construct, std::make_tuple(std::move(body)),
                   std::make_tuple(status::ok, ctx.version)};
  set_headers(res);
  res.content_length(size);
  return res;
}

}  // namespace omni::collector::http
