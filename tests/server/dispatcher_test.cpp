#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fake_event_store.hpp"
#include "http/dispatcher.hpp"
#include "omni/effects.hpp"
#include "temp_dir.hpp"

using nlohmann::json;
using namespace omni::collector;
namespace bh = boost::beast::http;

namespace {

constexpr const char* kWebOrigin = "https://shop.example";
constexpr const char* kAdminToken = "0123456789abcdef";

struct Harness {
  explicit Harness(bool with_static = false)
      : sources(make_sources()),
        ingest(sources, store, clock, random),
        admin_events(kAdminToken, store, pool),
        probe(store, std::chrono::milliseconds(60000)),
        health(probe),
        static_dir(temp.path()),
        static_files(static_dir),
        dispatcher(sources, ingest, admin_events, health, with_static ? &static_files : nullptr,
                   1000, nullptr, nullptr, &logger) {
    probe.start();
    std::ofstream(static_dir / "index.html") << "<!doctype html><title>shop</title>";
  }
  ~Harness() {
    pool.join();
    probe.stop();
  }

  static std::vector<SourceConfig> make_sources() {
    SourceConfig web;
    web.name = "web";
    web.write_key = "wk_web";
    web.allowed_origins = {kWebOrigin};
    return {web};
  }

  http::Response send(http::Request request) {
    auto promise = std::make_shared<std::promise<http::Response>>();
    auto future = promise->get_future();
    request.prepare_payload();
    dispatcher.handle(std::move(request), http::IpAddress(),
                      [promise](http::Response r) { promise->set_value(std::move(r)); });
    REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    return future.get();
  }

  http::StringResponse send_string(http::Request request) {
    http::Response response = send(std::move(request));
    REQUIRE(std::holds_alternative<http::StringResponse>(response));
    return std::get<http::StringResponse>(std::move(response));
  }

  std::vector<json> logged() {
    std::lock_guard<std::mutex> lock(log_mutex);
    std::vector<json> out;
    for (const std::string& line : log_lines) out.push_back(json::parse(line, nullptr, false));
    return out;
  }

  // Request lines, captured (the store answers on its own thread, so under a lock).
  std::mutex log_mutex;
  std::vector<std::string> log_lines;
  Logger logger{[this](std::string_view line) {
                  std::lock_guard<std::mutex> lock(log_mutex);
                  log_lines.emplace_back(line);
                },
                [] { return std::int64_t{1795000000123}; }};
  testing::FakeEventStore store;
  omni::ManualClock clock{1795000000123};
  omni::SeededRandom random{1};
  boost::asio::thread_pool pool{1};
  ingest::SourceRegistry sources;
  ingest::IngestHandler ingest;
  admin::AdminEventsHandler admin_events;
  admin::ReadinessProbe probe;
  admin::HealthHandler health;
  testing::TempDir temp;  // before static_dir, which is initialised from it
  std::filesystem::path static_dir;
  http::StaticFileHandler static_files;
  http::Dispatcher dispatcher;
};

http::Request request(bh::verb method, const std::string& target, const std::string& body = "") {
  http::Request r{method, target, 11};
  r.body() = body;
  return r;
}

std::string error_code_of(const http::StringResponse& res) {
  json body = json::parse(res.body(), nullptr, false);
  REQUIRE(body.is_object());
  return body["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("unknown paths are 404 not_found", "[dispatcher]") {
  Harness h;
  auto res = h.send_string(request(bh::verb::get, "/nope"));
  CHECK(res.result_int() == 404);
  CHECK(error_code_of(res) == "not_found");
  CHECK(h.send_string(request(bh::verb::get, "/")).result_int() == 404);
}

TEST_CASE("a known path with the wrong method is 405 with Allow", "[dispatcher]") {
  Harness h;
  auto res = h.send_string(request(bh::verb::get, "/v1/batch"));
  CHECK(res.result_int() == 405);
  CHECK(error_code_of(res) == "method_not_allowed");
  CHECK(res[bh::field::allow] == "POST, OPTIONS");
  CHECK(h.send_string(request(bh::verb::post, "/healthz"))[bh::field::allow] == "GET");
}

TEST_CASE("healthz answers ok and readyz follows the store", "[dispatcher]") {
  Harness h;
  auto health = h.send_string(request(bh::verb::get, "/healthz"));
  CHECK(health.result_int() == 200);
  CHECK(health.body() == R"({"status":"ok"})");
  auto ready = h.send_string(request(bh::verb::get, "/readyz"));
  CHECK(ready.result_int() == 200);
  CHECK(ready.body() == R"({"status":"ready"})");
}

TEST_CASE("readyz is 503 store_unavailable when the store is not writable", "[dispatcher]") {
  testing::FakeEventStore store;
  store.is_writable = false;
  admin::ReadinessProbe probe(store, std::chrono::milliseconds(60000));
  probe.start();
  admin::HealthHandler health(probe);
  auto res = health.readyz(http::ReplyContext{});
  CHECK(res.result_int() == 503);
  CHECK(error_code_of(res) == "store_unavailable");
  CHECK(res[bh::field::retry_after] == "5");
}

TEST_CASE("a preflight from an admitted origin is allowed for a day", "[dispatcher][cors]") {
  Harness h;
  auto preflight = request(bh::verb::options, "/v1/batch");
  preflight.set(bh::field::origin, kWebOrigin);
  preflight.set(bh::field::access_control_request_method, "POST");
  auto res = h.send_string(std::move(preflight));
  CHECK(res.result_int() == 204);
  CHECK(res[bh::field::access_control_allow_origin] == kWebOrigin);
  CHECK(res[bh::field::access_control_allow_methods] == "POST, OPTIONS");
  CHECK(res[bh::field::access_control_allow_headers] == "Content-Type, Authorization");
  CHECK(res[bh::field::access_control_max_age] == "86400");
  CHECK(res[bh::field::vary] == "Origin");
}

TEST_CASE("a preflight from an unknown origin is 403", "[dispatcher][cors]") {
  Harness h;
  auto preflight = request(bh::verb::options, "/v1/track");
  preflight.set(bh::field::origin, "https://evil.example");
  auto res = h.send_string(std::move(preflight));
  CHECK(res.result_int() == 403);
  CHECK(error_code_of(res) == "origin_not_allowed");
  CHECK(res.count(bh::field::access_control_allow_origin) == 0);
}

TEST_CASE("a plain OPTIONS without Origin lists the methods", "[dispatcher][cors]") {
  Harness h;
  auto res = h.send_string(request(bh::verb::options, "/v1/batch"));
  CHECK(res.result_int() == 204);
  CHECK(res[bh::field::allow] == "POST, OPTIONS");
}

TEST_CASE("errors before the key is known still carry CORS for admitted origins",
          "[dispatcher][cors]") {
  Harness h;
  auto post = request(bh::verb::post, "/v1/batch", R"({"batch":[]})");
  post.set(bh::field::origin, kWebOrigin);
  auto res = h.send_string(std::move(post));
  CHECK(res.result_int() == 401);
  CHECK(res[bh::field::access_control_allow_origin] == kWebOrigin);
}

TEST_CASE("ingestion routes reach the ingest handler", "[dispatcher]") {
  Harness h;
  auto post = request(bh::verb::post, "/v1/identify", R"({"userId":"u1","traits":{"plan":"pro"}})");
  post.set(bh::field::authorization, "Basic d2tfd2ViOg==");
  auto res = h.send_string(std::move(post));
  CHECK(res.result_int() == 200);
  REQUIRE(h.store.stored().size() == 1);
  CHECK(h.store.stored()[0].type == "identify");
}

TEST_CASE("the admin API needs the bearer token", "[dispatcher][admin]") {
  Harness h;
  auto res = h.send_string(request(bh::verb::get, "/v1/admin/events"));
  CHECK(res.result_int() == 401);
  CHECK(error_code_of(res) == "unauthorized");
  auto wrong = request(bh::verb::get, "/v1/admin/events");
  wrong.set(bh::field::authorization, "Bearer 0123456789abcdeX");
  CHECK(h.send_string(std::move(wrong)).result_int() == 401);
}

TEST_CASE("the admin API lists stored events newest first with filters", "[dispatcher][admin]") {
  Harness h;
  auto post = request(bh::verb::post, "/v1/batch", R"({"batch":[
      {"type":"track","event":"A","userId":"u1","messageId":"m1"},
      {"type":"track","event":"B","userId":"u2","messageId":"m2"},
      {"type":"track","event":"A","userId":"u2","messageId":"m3"}]})");
  post.set(bh::field::authorization, "Basic d2tfd2ViOg==");
  REQUIRE(h.send_string(std::move(post)).result_int() == 200);

  auto list = request(bh::verb::get, "/v1/admin/events?limit=2&userId=u2");
  list.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  auto res = h.send_string(std::move(list));
  CHECK(res.result_int() == 200);
  json body = json::parse(res.body(), nullptr, false);
  REQUIRE(body["events"].size() == 2);
  CHECK(body["events"][0]["messageId"] == "m3");
  CHECK(body["events"][1]["messageId"] == "m2");
  CHECK(body["events"][0]["source"] == "web");
  CHECK(body["events"][0]["receivedAt"] == "2026-11-18T11:06:40.123Z");
  CHECK(body["events"][0]["event"]["event"] == "A");
  CHECK(h.store.last_query.limit == 3);  // one more than asked: is there an older page?
  CHECK(h.store.last_query.user_id == "u2");
  CHECK_FALSE(body.contains("next"));

  auto first = request(bh::verb::get, "/v1/admin/events?limit=1&userId=u2");
  first.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  json first_page = json::parse(h.send_string(std::move(first)).body(), nullptr, false);
  REQUIRE(first_page["next"].is_string());
  auto second = request(bh::verb::get, "/v1/admin/events?limit=1&userId=u2&after=" +
                                           first_page["next"].get<std::string>());
  second.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  json second_page = json::parse(h.send_string(std::move(second)).body(), nullptr, false);
  REQUIRE(second_page["events"].size() == 1);
  CHECK(second_page["events"][0]["messageId"] == "m2");
  CHECK_FALSE(second_page.contains("next"));

  auto bad = request(bh::verb::get, "/v1/admin/events?limit=0");
  bad.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  auto refused = h.send_string(std::move(bad));
  CHECK(refused.result_int() == 400);
  CHECK(error_code_of(refused) == "invalid_request");
}

TEST_CASE("the admin export answers NDJSON, oldest first", "[dispatcher][admin]") {
  Harness h;
  auto post = request(bh::verb::post, "/v1/batch", R"({"batch":[
      {"type":"track","event":"A","userId":"u1","messageId":"m1"},
      {"type":"track","event":"B","userId":"u2","messageId":"m2"}]})");
  post.set(bh::field::authorization, "Basic d2tfd2ViOg==");
  REQUIRE(h.send_string(std::move(post)).result_int() == 200);

  auto unauthorized = request(bh::verb::get, "/v1/admin/export");
  CHECK(h.send_string(std::move(unauthorized)).result_int() == 401);
  auto bad = request(bh::verb::get, "/v1/admin/export?since=never");
  bad.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  CHECK(error_code_of(h.send_string(std::move(bad))) == "invalid_request");

  auto get = request(bh::verb::get, "/v1/admin/export");
  get.set(bh::field::authorization, std::string("Bearer ") + kAdminToken);
  auto res = h.send(std::move(get));
  REQUIRE(std::holds_alternative<http::StreamResponse>(res));
  auto& streamed = std::get<http::StreamResponse>(res);
  CHECK(streamed.result_int() == 200);
  CHECK(streamed[bh::field::content_type] == "application/x-ndjson");
  CHECK(streamed.chunked());
  CHECK(streamed.body().last());  // two events fit in the first page
  const std::string& text = streamed.body().page();
  const std::size_t newline = text.find('\n');
  REQUIRE(newline != std::string::npos);
  CHECK(json::parse(text.substr(0, newline), nullptr, false)["messageId"] == "m1");
  CHECK(json::parse(text.substr(newline + 1), nullptr, false)["messageId"] == "m2");
}

TEST_CASE("with a static directory, files are served and others are 404", "[dispatcher][static]") {
  Harness h(true);
  auto res = h.send(request(bh::verb::get, "/"));
  REQUIRE(std::holds_alternative<http::FileResponse>(res));
  auto& file = std::get<http::FileResponse>(res);
  CHECK(file.result_int() == 200);
  CHECK(file[bh::field::content_type] == "text/html; charset=utf-8");
  CHECK(file[bh::field::content_length] == "34");

  auto head = h.send(request(bh::verb::head, "/index.html"));
  REQUIRE(std::holds_alternative<http::HeadResponse>(head));
  CHECK(std::get<http::HeadResponse>(head)[bh::field::content_length] == "34");

  CHECK(h.send_string(request(bh::verb::get, "/missing.js")).result_int() == 404);
  CHECK(h.send_string(request(bh::verb::get, "/%2e%2e/etc/passwd")).result_int() == 404);
  CHECK(h.send_string(request(bh::verb::get, "/../etc/passwd")).result_int() == 404);
  CHECK(h.send_string(request(bh::verb::post, "/index.html")).result_int() == 405);
  CHECK(h.send_string(request(bh::verb::post, "/v1/unknown")).result_int() == 404);
}

TEST_CASE("static files carry CORS for admitted origins, so a shop elsewhere loads the SDK",
          "[dispatcher][static][cors]") {
  Harness h(true);
  auto admitted = request(bh::verb::get, "/index.html");
  admitted.set(bh::field::origin, kWebOrigin);
  auto res = h.send(std::move(admitted));
  REQUIRE(std::holds_alternative<http::FileResponse>(res));
  CHECK(std::get<http::FileResponse>(res)[bh::field::access_control_allow_origin] == kWebOrigin);
  CHECK(std::get<http::FileResponse>(res)[bh::field::vary] == "Origin");

  auto unknown = request(bh::verb::get, "/index.html");
  unknown.set(bh::field::origin, "https://elsewhere.example");
  auto other = h.send(std::move(unknown));
  REQUIRE(std::holds_alternative<http::FileResponse>(other));
  CHECK(std::get<http::FileResponse>(other)[bh::field::access_control_allow_origin].empty());
}

TEST_CASE("an oversized body is answered 413 with CORS for admitted origins",
          "[dispatcher]") {
  Harness h;
  auto post = request(bh::verb::post, "/v1/batch");
  post.set(bh::field::origin, kWebOrigin);
  auto res = h.dispatcher.body_too_large(post);
  CHECK(res.result_int() == 413);
  CHECK(error_code_of(res) == "payload_too_large");
  CHECK_FALSE(res.keep_alive());
  CHECK(res[bh::field::access_control_allow_origin] == kWebOrigin);
}

TEST_CASE("each answered request is logged once with its route, status, events and source",
          "[dispatcher][log]") {
  Harness h;
  auto batch = request(bh::verb::post, "/v1/batch?token=secret-query",
                       R"({"batch":[{"type":"track","event":"Secret Event","anonymousId":"a1"},)"
                       R"({"type":"track","event":"Other","anonymousId":"a1"}]})");
  batch.set(bh::field::content_type, "application/json");
  batch.set(bh::field::authorization, "Basic d2tfd2ViOg==");  // "wk_web:"
  REQUIRE(h.send_string(std::move(batch)).result_int() == 200);
  REQUIRE(h.send_string(request(bh::verb::get, "/nope")).result_int() == 404);
  REQUIRE(h.send_string(request(bh::verb::get, "/healthz")).result_int() == 200);  // debug

  const std::vector<json> lines = h.logged();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["msg"] == "request");
  CHECK(lines[0]["route"] == "batch");
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[0]["events"] == 2);
  CHECK(lines[0]["source"] == "web");
  CHECK(lines[0]["durationMs"].is_number());
  CHECK(lines[1]["route"] == "not_found");
  CHECK(lines[1]["status"] == 404);
  CHECK_FALSE(lines[1].contains("source"));
  for (const std::string& line : h.log_lines) {
    CHECK(line.find("secret") == std::string::npos);
    CHECK(line.find("Secret") == std::string::npos);
    CHECK(line.find("wk_web") == std::string::npos);
  }
}

TEST_CASE("a request with an unknown key is logged without a source", "[dispatcher][log]") {
  Harness h;
  auto batch = request(bh::verb::post, "/v1/batch",
                       R"({"writeKey":"wk_nobody","batch":[{"type":"track","event":"E","anonymousId":"a"}]})");
  batch.set(bh::field::content_type, "application/json");
  REQUIRE(h.send_string(std::move(batch)).result_int() == 401);
  const std::vector<json> lines = h.logged();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == 401);
  CHECK(lines[0]["events"] == 1);
  CHECK_FALSE(lines[0].contains("source"));
}
