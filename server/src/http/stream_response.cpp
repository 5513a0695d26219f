#include "http/stream_response.hpp"

#include <utility>

namespace omni::collector::http {

StreamResponse stream_response(beast_http::status status, std::string_view content_type,
                               Page first, std::shared_ptr<PageSource> source,
                               const ReplyContext& ctx) {
  StreamResponse response{std::piecewise_construct,
                          std::make_tuple(std::move(first), std::move(source)),
                          std::make_tuple(status, ctx.version)};
  apply_common_headers(response, ctx);
  response.set(beast_http::field::content_type, content_type);
  if (ctx.version >= 11) {
    response.chunked(true);
  } else {
    response.keep_alive(false);  // the end of the body is the end of the connection
  }
  return response;
}

}  // namespace omni::collector::http
