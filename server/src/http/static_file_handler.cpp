#include "http/static_file_handler.hpp"

#include <system_error>

#include <boost/beast/core/file_base.hpp>

#include "http/static_files.hpp"

namespace omni::collector::http {

namespace beast = boost::beast;
using beast_http::field;
using beast_http::status;

bool StaticFileHandler::exists(std::string_view path) const {
  const std::optional<std::string> relative = resolve_static_path(path);
  std::error_code ec;
  return relative && std::filesystem::is_regular_file(root_ / *relative, ec);
}

Response StaticFileHandler::serve(const Request& request, std::string_view path,
                                  const ReplyContext& ctx) const {
  const std::optional<std::string> relative = resolve_static_path(path);
  if (!relative) return not_found(ctx);
  const std::filesystem::path file = root_ / *relative;
  std::error_code fs_ec;
  if (!std::filesystem::is_regular_file(file, fs_ec)) return not_found(ctx);

  beast_http::file_body::value_type body;
  beast::error_code ec;
  body.open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) return not_found(ctx);
  const std::uint64_t size = body.size();
  const std::string_view type = content_type_for(*relative);

  auto set_headers = [&](auto& res) {
    apply_common_headers(res, ctx);
    res.set(field::content_type, type);
    // Demo files change while one develops; revalidating each time keeps the page current.
    res.set(field::cache_control, "no-cache");
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
