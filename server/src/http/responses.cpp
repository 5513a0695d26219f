#include "http/responses.hpp"

namespace omni::collector::http {
namespace {

using beast_http::field;
using beast_http::status;
using nlohmann::json;

constexpr std::string_view kServerName = "omni-collector";

std::string error_body(std::string_view code, std::string_view message) {
  json body = {{"error", {{"code", code}, {"message", message}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

StringResponse no_content(const ReplyContext& ctx) {
  StringResponse res{status::no_content, ctx.version};
  apply_common_headers(res, ctx);
  return res;
}

}  // namespace

void apply_common_fields(beast_http::response_header<>& res, const ReplyContext& ctx) {
  res.set(field::server, kServerName);
  res.set(field::cache_control, "no-store");
  if (ctx.vary_origin) res.set(field::vary, "Origin");
  if (!ctx.cors_origin.empty()) {
    res.set(field::access_control_allow_origin, ctx.cors_origin);
    res.set(field::access_control_allow_credentials, "true");
    res.set(field::access_control_expose_headers, "Retry-After");
  }
}

ReplyContext reply_context(const Request& request) {
  ReplyContext ctx;
  ctx.version = request.version();
  ctx.keep_alive = request.keep_alive();
  return ctx;
}

StringResponse json_response(status code, std::string body, const ReplyContext& ctx) {
  StringResponse res{code, ctx.version};
  apply_common_headers(res, ctx);
  res.set(field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

StringResponse error_response(status code, std::string_view error_code, std::string_view message,
                              const ReplyContext& ctx) {
  return json_response(code, error_body(error_code, message), ctx);
}

StringResponse ingest_accepted(const ReplyContext& ctx, std::size_t accepted,
                               std::size_t duplicates) {
  std::string body = "{\"success\":true,\"accepted\":";
  body += std::to_string(accepted);
  body += ",\"duplicates\":";
  body += std::to_string(duplicates);
  body += '}';
  return json_response(status::ok, std::move(body), ctx);
}

StringResponse preflight_allowed(const ReplyContext& ctx) {
  StringResponse res = no_content(ctx);
  res.set(field::access_control_allow_methods, "POST, OPTIONS");
  res.set(field::access_control_allow_headers, "Content-Type, Authorization");
  res.set(field::access_control_max_age, "86400");
  return res;
}

StringResponse options_allowed(const ReplyContext& ctx, std::string_view allow) {
  StringResponse res = no_content(ctx);
  res.set(field::allow, allow);
  return res;
}

StringResponse bad_request(const ReplyContext& ctx, std::string_view message) {
  return error_response(status::bad_request, "bad_request", message, ctx);
}

StringResponse malformed_json(const ReplyContext& ctx, std::string_view message) {
  return error_response(status::bad_request, "malformed_json", message, ctx);
}

StringResponse invalid_request(const ReplyContext& ctx, std::string_view message) {
  return error_response(status::bad_request, "invalid_request", message, ctx);
}

StringResponse invalid_batch(const ReplyContext& ctx, json rejected, std::size_t total) {
  const std::size_t count = rejected.size();
  std::string message = std::to_string(count) + " of " + std::to_string(total) +
                        (total == 1 ? " event was" : " events were") +
                        " rejected; nothing of this request was stored";
  json body = {{"error",
                {{"code", "invalid_batch"}, {"message", message}, {"rejected", std::move(rejected)}}}};
  return json_response(status::bad_request,
                       body.dump(-1, ' ', false, json::error_handler_t::replace), ctx);
}

StringResponse missing_write_key(const ReplyContext& ctx) {
  return error_response(status::unauthorized, "missing_write_key",
                        "send the write key as the Basic auth user or as \"writeKey\" in the body",
                        ctx);
}

StringResponse invalid_write_key(const ReplyContext& ctx, std::string_view message) {
  return error_response(status::unauthorized, "invalid_write_key", message, ctx);
}

StringResponse unauthorized(const ReplyContext& ctx) {
  StringResponse res = error_response(status::unauthorized, "unauthorized",
                                      "send \"Authorization: Bearer <adminToken>\"", ctx);
  res.set(field::www_authenticate, "Bearer");
  return res;
}

StringResponse origin_not_allowed(const ReplyContext& ctx) {
  return error_response(status::forbidden, "origin_not_allowed",
                        "this Origin is not in the source's allowedOrigins", ctx);
}

StringResponse not_found(const ReplyContext& ctx) {
  return error_response(status::not_found, "not_found", "no such resource", ctx);
}

StringResponse method_not_allowed(const ReplyContext& ctx, std::string_view allow) {
  StringResponse res = error_response(status::method_not_allowed, "method_not_allowed",
                                      "this resource takes " + std::string(allow), ctx);
  res.set(field::allow, allow);
  return res;
}

StringResponse payload_too_large(const ReplyContext& ctx, std::size_t max_body_bytes) {
  return error_response(status::payload_too_large, "payload_too_large",
                        "the body is over the limit of " + std::to_string(max_body_bytes) +
                            " bytes",
                        ctx);
}

StringResponse unsupported_media_type(const ReplyContext& ctx) {
  return error_response(status::unsupported_media_type, "unsupported_media_type",
                        "send Content-Type application/json or text/plain", ctx);
}

StringResponse rate_limited(const ReplyContext& ctx, std::uint32_t retry_after_s) {
  StringResponse res = error_response(status::too_many_requests, "rate_limited",
                                      "the source's event rate limit is exceeded; retry later",
                                      ctx);
  res.set(field::retry_after, std::to_string(retry_after_s));
  return res;
}

StringResponse header_too_large(const ReplyContext& ctx) {
  return error_response(status::request_header_fields_too_large, "header_too_large",
                        "the request line and headers are over 8 KB", ctx);
}

StringResponse internal_error(const ReplyContext& ctx) {
  return error_response(status::internal_server_error, "internal_error",
                        "the collector failed to handle the request", ctx);
}

StringResponse store_unavailable(const ReplyContext& ctx) {
  StringResponse res = error_response(status::service_unavailable, "store_unavailable",
                                      "the event store cannot take writes now; retry later", ctx);
  res.set(field::retry_after, "5");
  return res;
}

StringResponse too_many_connections(const ReplyContext& ctx) {
  StringResponse res = error_response(status::service_unavailable, "too_many_connections",
                                      "the collector is at its connection limit; retry later",
                                      ctx);
  res.set(field::retry_after, "1");
  return res;
}

}  // namespace omni::collector::http
