#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "http/static_file_handler.hpp"
#include "temp_dir.hpp"

using namespace omni::collector::http;
namespace bh = boost::beast::http;

namespace {

struct Site {
  // The secret file sits beside the served root, where a path that escapes the root would land.
  Site() : root(dir.path() / "site") {
    std::filesystem::create_directories(root / "js");
    std::filesystem::create_directories(root / "docs");
    std::ofstream(root / "index.html") << "<h1>home</h1>";
    std::ofstream(root / "js" / "app.mjs") << "export {};";
    std::ofstream(root / "omni.wasm") << std::string("\0asm", 4);
    std::ofstream(root / "omni.0123456789ab.wasm") << std::string("\0asm", 4);
    std::filesystem::create_directories(root / "webview");
    std::ofstream(root / "webview" / "index.html") << "<h1>webview</h1>";
    std::ofstream(root.parent_path() / "omni-static-secret.txt") << "secret";
  }
  Response get(const std::string& path, bh::verb method = bh::verb::get, bool spa = false) {
    Request request{method, path, 11};
    return StaticFileHandler(root, spa).serve(request, path, ReplyContext{});
  }
  Response get_spa(const std::string& path) { return get(path, bh::verb::get, true); }
  omni::collector::testing::TempDir dir;
  std::filesystem::path root;
};

unsigned status_of(const Response& res) {
  return std::visit([](const auto& m) { return m.result_int(); }, res);
}

std::string header_of(const Response& res, bh::field f) {
  return std::visit([f](const auto& m) { return std::string(m[f]); }, res);
}

}  // namespace

TEST_CASE("files are streamed with their type and length", "[static]") {
  Site site;
  auto res = site.get("/js/app.mjs");
  REQUIRE(std::holds_alternative<FileResponse>(res));
  CHECK(status_of(res) == 200);
  CHECK(header_of(res, bh::field::content_type) == "text/javascript; charset=utf-8");
  CHECK(header_of(res, bh::field::content_length) == "10");
  CHECK(header_of(res, bh::field::cache_control) == "no-cache");
  CHECK(header_of(site.get("/omni.wasm"), bh::field::content_type) == "application/wasm");
}

TEST_CASE("HEAD answers the headers of GET without a body", "[static]") {
  Site site;
  auto res = site.get("/", bh::verb::head);
  REQUIRE(std::holds_alternative<HeadResponse>(res));
  CHECK(header_of(res, bh::field::content_length) == "13");
  CHECK(header_of(res, bh::field::content_type) == "text/html; charset=utf-8");
}

TEST_CASE("missing files, directories and paths outside the root are 404", "[static]") {
  Site site;
  CHECK(status_of(site.get("/nope.html")) == 404);
  CHECK(status_of(site.get("/js")) == 404);
  CHECK(status_of(site.get("/docs/")) == 404);  // no index.html there
  CHECK(status_of(site.get("/../omni-static-secret.txt")) == 404);
  CHECK(status_of(site.get("/%2e%2e/omni-static-secret.txt")) == 404);
  REQUIRE(std::holds_alternative<StringResponse>(site.get("/nope.html")));
}

TEST_CASE("exists tells files that would be served from everything else", "[static]") {
  Site site;
  StaticFileHandler handler(site.root);
  CHECK(handler.exists("/"));
  CHECK(handler.exists("/js/app.mjs"));
  CHECK_FALSE(handler.exists("/js"));
  CHECK_FALSE(handler.exists("/nope"));
  CHECK_FALSE(handler.exists("/../omni-static-secret.txt"));
}

TEST_CASE("content-hashed files are cached as immutable, others revalidated", "[static]") {
  Site site;
  CHECK(header_of(site.get("/omni.0123456789ab.wasm"), bh::field::cache_control) ==
        "public, max-age=31536000, immutable");
  CHECK(header_of(site.get("/omni.wasm"), bh::field::cache_control) == "no-cache");
  CHECK(is_content_hashed("omni.0123456789ab.js"));
  CHECK_FALSE(is_content_hashed("omni.0123456789AB.js"));  // the build writes lower case
  CHECK_FALSE(is_content_hashed("omni.0123456789a.js"));
  CHECK_FALSE(is_content_hashed("omni.js"));
  CHECK_FALSE(is_content_hashed("omni.0123456789ab"));
}

TEST_CASE("the single-page-app fallback serves the nearest index.html for page paths", "[static]") {
  Site site;
  auto deep = site.get_spa("/p/3");
  REQUIRE(std::holds_alternative<FileResponse>(deep));
  CHECK(header_of(deep, bh::field::content_type) == "text/html; charset=utf-8");
  CHECK(header_of(deep, bh::field::content_length) == "13");  // the root index.html
  CHECK(header_of(site.get_spa("/webview/p/3"), bh::field::content_length) == "16");
  CHECK(header_of(site.get_spa("/webview/cart"), bh::field::content_length) == "16");
  CHECK(header_of(site.get_spa("/webview"), bh::field::content_length) == "16");
  // A missing asset stays missing: a script must never receive HTML.
  CHECK(status_of(site.get_spa("/js/missing.js")) == 404);
  CHECK(status_of(site.get_spa("/../omni-static-secret.txt")) == 404);
  // Off by default.
  CHECK(status_of(site.get("/p/3")) == 404);
  CHECK(StaticFileHandler(site.root, true).exists("/c/shoes"));
}
