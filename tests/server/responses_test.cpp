#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "http/responses.hpp"

using nlohmann::json;
using namespace omni::collector::http;
namespace bh = boost::beast::http;

namespace {

json body_of(const StringResponse& res) {
  json out = json::parse(res.body(), nullptr, false);
  REQUIRE(out.is_object());
  return out;
}

void check_error(const StringResponse& res, unsigned status, const char* code) {
  CHECK(res.result_int() == status);
  CHECK(res[bh::field::content_type] == "application/json");
  const json body = body_of(res);
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"].is_string());
  CHECK_FALSE(body["error"]["message"].get<std::string>().empty());
  CHECK(res[bh::field::content_length] == std::to_string(res.body().size()));
}

}  // namespace

TEST_CASE("every error helper builds the documented status and code", "[responses]") {
  ReplyContext ctx;
  check_error(bad_request(ctx, "x"), 400, "bad_request");
  check_error(malformed_json(ctx, "x"), 400, "malformed_json");
  check_error(invalid_request(ctx, "x"), 400, "invalid_request");
  check_error(invalid_batch(ctx, json::array(), 0), 400, "invalid_batch");
  check_error(missing_write_key(ctx), 401, "missing_write_key");
  check_error(invalid_write_key(ctx, "x"), 401, "invalid_write_key");
  check_error(unauthorized(ctx), 401, "unauthorized");
  check_error(origin_not_allowed(ctx), 403, "origin_not_allowed");
  check_error(not_found(ctx), 404, "not_found");
  check_error(method_not_allowed(ctx, "GET"), 405, "method_not_allowed");
  check_error(payload_too_large(ctx, 10), 413, "payload_too_large");
  check_error(unsupported_media_type(ctx), 415, "unsupported_media_type");
  check_error(rate_limited(ctx, 3), 429, "rate_limited");
  check_error(header_too_large(ctx), 431, "header_too_large");
  check_error(internal_error(ctx), 500, "internal_error");
  check_error(store_unavailable(ctx), 503, "store_unavailable");
  check_error(too_many_connections(ctx), 503, "too_many_connections");
}

TEST_CASE("retry and allow headers go with the errors that need them", "[responses]") {
  ReplyContext ctx;
  CHECK(rate_limited(ctx, 7)[bh::field::retry_after] == "7");
  CHECK(store_unavailable(ctx)[bh::field::retry_after] == "5");
  CHECK(too_many_connections(ctx)[bh::field::retry_after] == "1");
  CHECK(method_not_allowed(ctx, "POST, OPTIONS")[bh::field::allow] == "POST, OPTIONS");
  CHECK(unauthorized(ctx)[bh::field::www_authenticate] == "Bearer");
}

TEST_CASE("an admitted origin gets the CORS headers and others get none", "[responses]") {
  ReplyContext ctx;
  ctx.cors_origin = "https://shop.example";
  ctx.vary_origin = true;
  auto res = ingest_accepted(ctx, 3, 1);
  CHECK(res[bh::field::access_control_allow_origin] == "https://shop.example");
  CHECK(res[bh::field::access_control_allow_credentials] == "true");
  CHECK(res[bh::field::access_control_expose_headers] == "Retry-After");
  CHECK(res[bh::field::vary] == "Origin");

  ReplyContext plain;
  auto other = not_found(plain);
  CHECK(other.count(bh::field::access_control_allow_origin) == 0);
  CHECK(other.count(bh::field::vary) == 0);
}

TEST_CASE("a successful ingest reports accepted and duplicates", "[responses]") {
  auto res = ingest_accepted(ReplyContext{}, 98, 2);
  CHECK(res.result_int() == 200);
  CHECK(res.body() == R"({"success":true,"accepted":98,"duplicates":2})");
}

TEST_CASE("a preflight answer allows POST with the ingestion headers for a day", "[responses]") {
  ReplyContext ctx;
  ctx.cors_origin = "https://shop.example";
  auto res = preflight_allowed(ctx);
  CHECK(res.result_int() == 204);
  CHECK(res[bh::field::access_control_allow_methods] == "POST, OPTIONS");
  CHECK(res[bh::field::access_control_allow_headers] == "Content-Type, Authorization");
  CHECK(res[bh::field::access_control_max_age] == "86400");
  CHECK(res[bh::field::access_control_allow_origin] == "https://shop.example");
}

TEST_CASE("keep-alive and the HTTP version follow the request", "[responses]") {
  Request request{bh::verb::get, "/healthz", 10};
  ReplyContext ctx = reply_context(request);
  CHECK(ctx.version == 10);
  CHECK_FALSE(ctx.keep_alive);
  auto res = not_found(ctx);
  CHECK(res.version() == 10);
  CHECK_FALSE(res.keep_alive());

  Request kept{bh::verb::get, "/healthz", 11};
  auto kept_res = not_found(reply_context(kept));
  CHECK(kept_res.keep_alive());
  Request closing{bh::verb::get, "/healthz", 11};
  closing.set(bh::field::connection, "close");
  CHECK_FALSE(reply_context(closing).keep_alive);
}

TEST_CASE("an invalid batch lists the rejected events and says nothing was stored",
          "[responses]") {
  json rejected = json::array({{{"index", 2}, {"code", "invalid_event"}, {"message", "m"}}});
  auto res = invalid_batch(ReplyContext{}, rejected, 5);
  const json body = body_of(res);
  CHECK(body["error"]["rejected"] == rejected);
  CHECK(body["error"]["message"] == "1 of 5 events were rejected; nothing of this request was stored");
}
