#include "metrics/metrics_handler.hpp"

#include "http/auth.hpp"

namespace omni::collector::metrics {

MetricsHandler::MetricsHandler(std::string admin_token, const Registry& registry)
    : admin_token_(std::move(admin_token)), registry_(registry) {}

http::StringResponse MetricsHandler::handle(const http::Request& request,
                                            const http::ReplyContext& ctx) const {
  if (!http::bearer_token_matches(request[http::beast_http::field::authorization],
                                  admin_token_)) {
    return http::unauthorized(ctx);
  }
  http::StringResponse res{http::beast_http::status::ok, ctx.version};
  http::apply_common_headers(res, ctx);
  res.set(http::beast_http::field::content_type, kExpositionContentType);
  res.body() = registry_.render();
  res.prepare_payload();
  return res;
}

}  // namespace omni::collector::metrics
