#include <catch2/catch.hpp>

#include <string>

#include "http/static_files.hpp"

using omni::collector::http::content_type_for;
using omni::collector::http::resolve_static_path;

TEST_CASE("request paths map to files below the static directory", "[static]") {
  CHECK(resolve_static_path("/") == std::optional<std::string>("index.html"));
  CHECK(resolve_static_path("/index.html") == std::optional<std::string>("index.html"));
  CHECK(resolve_static_path("/js/app.js") == std::optional<std::string>("js/app.js"));
  CHECK(resolve_static_path("/docs/") == std::optional<std::string>("docs/index.html"));
  CHECK(resolve_static_path("//js//app.js") == std::optional<std::string>("js/app.js"));
  CHECK(resolve_static_path("/img/a%20b.png") == std::optional<std::string>("img/a b.png"));
  CHECK(resolve_static_path("/a..b/c..") == std::optional<std::string>("a..b/c.."));
}

TEST_CASE("traversal is refused, encoded or not", "[static]") {
  const char* refused[] = {
      "/..",           "/../etc/passwd",    "/js/../../etc/passwd", "/%2e%2e/etc/passwd",
      "/%2E%2E/x",     "/js/%2e%2e/%2e%2e", "/.%2e/x",              "/%2e./x",
      "/..%2fetc",     "/js/..",            "/./index.html",        "/..\\etc",
      "/a\\..\\b",     "/%5c..%5cetc",      "/%00",                 "/a%00.html",
      "/%zz",          "/%",                "",                     "index.html",
  };
  for (const char* path : refused) {
    INFO(path);
    CHECK_FALSE(resolve_static_path(path).has_value());
  }
}

TEST_CASE("hidden files are never served", "[static]") {
  CHECK_FALSE(resolve_static_path("/.env").has_value());
  CHECK_FALSE(resolve_static_path("/.git/config").has_value());
  CHECK_FALSE(resolve_static_path("/js/.secret").has_value());
  CHECK_FALSE(resolve_static_path("/%2egit/config").has_value());
}

TEST_CASE("content types follow the file extension", "[static]") {
  CHECK(content_type_for("index.html") == "text/html; charset=utf-8");
  CHECK(content_type_for("js/app.js") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("omni.mjs") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("style.CSS") == "text/css; charset=utf-8");
  CHECK(content_type_for("data.json") == "application/json");
  CHECK(content_type_for("omni.wasm") == "application/wasm");
  CHECK(content_type_for("logo.svg") == "image/svg+xml");
  CHECK(content_type_for("a.png") == "image/png");
  CHECK(content_type_for("a.jpg") == "image/jpeg");
  CHECK(content_type_for("a.jpeg") == "image/jpeg");
  CHECK(content_type_for("favicon.ico") == "image/x-icon");
  CHECK(content_type_for("a.webp") == "image/webp");
  CHECK(content_type_for("archive.tar.gz") == "application/octet-stream");
  CHECK(content_type_for("Makefile") == "application/octet-stream");
  CHECK(content_type_for("dir.js/file") == "application/octet-stream");
}
