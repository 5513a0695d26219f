// Every response the collector sends, from small named helpers that build it complete: status,
// JSON body, Content-Type, keep-alive, Cache-Control and the CORS headers the request earned.
//
// Errors always have the body {"error":{"code":"<code>","message":"<text>"}}; the codes and
// their statuses are listed in docs/protocol.md. Messages never echo secrets or event bodies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace omni::collector::http {

/// What every response to one request shares.
struct ReplyContext {
  unsigned version = 11;
  bool keep_alive = true;
  /// Non-empty: the request's Origin, admitted, so the CORS response headers are added.
  std::string cors_origin;
  /// Responses of the ingestion routes vary by Origin (caches must key on it).
  bool vary_origin = false;
};

/// version and keep-alive from the request; no CORS.
ReplyContext reply_context(const Request& request);

/// Server, Cache-Control: no-store, Vary and the CORS headers of `ctx`.
void apply_common_fields(beast_http::response_header<>& res, const ReplyContext& ctx);

/// The common fields and keep-alive. Every helper below applies them; handlers that build other
/// bodies (static files) call it directly.
template <class Body>
void apply_common_headers(beast_http::response<Body>& res, const ReplyContext& ctx) {
  apply_common_fields(res, ctx);
  res.keep_alive(ctx.keep_alive);
}

StringResponse json_response(beast_http::status status, std::string body, const ReplyContext& ctx);
StringResponse error_response(beast_http::status status, std::string_view code,
                              std::string_view message, const ReplyContext& ctx);

// 200 {"success":true,"accepted":N,"duplicates":M}
StringResponse ingest_accepted(const ReplyContext& ctx, std::size_t accepted, std::size_t duplicates);
// 204 answer to a CORS preflight from an admitted origin (ctx.cors_origin set).
StringResponse preflight_allowed(const ReplyContext& ctx);
// 204 answer to a plain OPTIONS (no Origin), with Allow.
StringResponse options_allowed(const ReplyContext& ctx, std::string_view allow);

// 400
StringResponse bad_request(const ReplyContext& ctx, std::string_view message);
StringResponse malformed_json(const ReplyContext& ctx, std::string_view message);
StringResponse invalid_request(const ReplyContext& ctx, std::string_view message);
/// `rejected` is the array of {"index","messageId"?,"code","message"} naming each event.
StringResponse invalid_batch(const ReplyContext& ctx, nlohmann::json rejected, std::size_t total);
// 401
StringResponse missing_write_key(const ReplyContext& ctx);
StringResponse invalid_write_key(const ReplyContext& ctx, std::string_view message);
StringResponse unauthorized(const ReplyContext& ctx);
// 403
StringResponse origin_not_allowed(const ReplyContext& ctx);
// 404
StringResponse not_found(const ReplyContext& ctx);
// 405, with Allow
StringResponse method_not_allowed(const ReplyContext& ctx, std::string_view allow);
// 413
StringResponse payload_too_large(const ReplyContext& ctx, std::size_t max_body_bytes);
// 415
StringResponse unsupported_media_type(const ReplyContext& ctx);
// 429, with Retry-After
StringResponse rate_limited(const ReplyContext& ctx, std::uint32_t retry_after_s);
// 431
StringResponse header_too_large(const ReplyContext& ctx);
// 500
StringResponse internal_error(const ReplyContext& ctx);
// 503, with Retry-After: 5
StringResponse store_unavailable(const ReplyContext& ctx);
// 503, with Retry-After: 1 (sent when the connection limit is reached; the connection closes)
StringResponse too_many_connections(const ReplyContext& ctx);

}  // namespace omni::collector::http
