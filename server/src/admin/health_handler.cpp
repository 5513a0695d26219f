#include "admin/health_handler.hpp"

namespace omni::collector::admin {

http::StringResponse HealthHandler::healthz(const http::ReplyContext& ctx) const {
  return http::json_response(http::beast_http::status::ok, R"({"status":"ok"})", ctx);
}

http::StringResponse HealthHandler::readyz(const http::ReplyContext& ctx) const {
  if (!probe_.ready()) return http::store_unavailable(ctx);
  return http::json_response(http::beast_http::status::ok, R"({"status":"ready"})", ctx);
}

}  // namespace omni::collector::admin
