#include <catch2/catch.hpp>

#include "http/router.hpp"

using boost::beast::http::verb;
using omni::EventType;
using omni::collector::http::match_route;
using omni::collector::http::Route;

TEST_CASE("the batch route takes POST and OPTIONS", "[router]") {
  auto post = match_route(verb::post, "/v1/batch", false);
  CHECK(post.route == Route::kIngestBatch);
  CHECK(post.method_allowed);
  CHECK_FALSE(post.preflight);
  CHECK_FALSE(post.event_type.has_value());

  auto options = match_route(verb::options, "/v1/batch", false);
  CHECK(options.method_allowed);
  CHECK(options.preflight);

  auto get = match_route(verb::get, "/v1/batch", true);
  CHECK(get.route == Route::kIngestBatch);
  CHECK_FALSE(get.method_allowed);
  CHECK(get.allow == "POST, OPTIONS");
}

TEST_CASE("each single-event route implies its event type", "[router]") {
  const std::pair<const char*, EventType> routes[] = {
      {"/v1/track", EventType::kTrack},       {"/v1/page", EventType::kPage},
      {"/v1/screen", EventType::kScreen},     {"/v1/identify", EventType::kIdentify},
      {"/v1/alias", EventType::kAlias},       {"/v1/group", EventType::kGroup}};
  for (const auto& [path, type] : routes) {
    auto m = match_route(verb::post, path, false);
    CHECK(m.route == Route::kIngestSingle);
    REQUIRE(m.event_type.has_value());
    CHECK(*m.event_type == type);
  }
}

TEST_CASE("analytics.js's one-letter routes and /v1/b reach the same ingestion", "[router]") {
  const std::pair<const char*, EventType> routes[] = {
      {"/v1/t", EventType::kTrack},    {"/v1/p", EventType::kPage},  {"/v1/s", EventType::kScreen},
      {"/v1/i", EventType::kIdentify}, {"/v1/a", EventType::kAlias}, {"/v1/g", EventType::kGroup}};
  for (const auto& [path, type] : routes) {
    auto m = match_route(verb::post, path, false);
    CHECK(m.route == Route::kIngestSingle);
    REQUIRE(m.event_type.has_value());
    CHECK(*m.event_type == type);
  }
  CHECK(match_route(verb::post, "/v1/b", false).route == Route::kIngestBatch);
  CHECK(match_route(verb::options, "/v1/t", false).preflight);
  CHECK(match_route(verb::post, "/v1/x", false).route == Route::kNotFound);
}

TEST_CASE("health, readiness and admin routes take GET only", "[router]") {
  CHECK(match_route(verb::get, "/healthz", false).route == Route::kHealthz);
  CHECK(match_route(verb::get, "/readyz", false).route == Route::kReadyz);
  CHECK(match_route(verb::get, "/v1/admin/events", false).route == Route::kAdminEvents);
  CHECK(match_route(verb::get, "/v1/admin/export", false).route == Route::kAdminExport);
  CHECK_FALSE(match_route(verb::post, "/v1/admin/export", true).method_allowed);
  auto post = match_route(verb::post, "/healthz", true);
  CHECK(post.route == Route::kHealthz);
  CHECK_FALSE(post.method_allowed);
  CHECK(post.allow == "GET");
  CHECK_FALSE(match_route(verb::delete_, "/v1/admin/events", false).method_allowed);
}

TEST_CASE("without static files, unknown paths are not found whatever the method", "[router]") {
  CHECK(match_route(verb::get, "/", false).route == Route::kNotFound);
  CHECK(match_route(verb::post, "/v1/unknown", false).route == Route::kNotFound);
  CHECK(match_route(verb::post, "/v1/batch/", false).route == Route::kNotFound);
  CHECK(match_route(verb::post, "/V1/BATCH", false).route == Route::kNotFound);
}

TEST_CASE("with static files, other paths are files for GET and HEAD", "[router]") {
  auto get = match_route(verb::get, "/index.html", true);
  CHECK(get.route == Route::kStatic);
  CHECK(get.method_allowed);
  CHECK(match_route(verb::head, "/", true).method_allowed);
  auto post = match_route(verb::post, "/index.html", true);
  CHECK(post.route == Route::kStatic);
  CHECK_FALSE(post.method_allowed);
  CHECK(post.allow == "GET, HEAD");
}
