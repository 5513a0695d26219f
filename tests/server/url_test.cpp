#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "http/url.hpp"

using namespace omni::collector::http;

TEST_CASE("a target splits into path and query, dropping a fragment", "[url]") {
  std::string_view path;
  std::string_view query;
  split_target("/v1/admin/events?limit=5&event=x#frag", &path, &query);
  CHECK(path == "/v1/admin/events");
  CHECK(query == "limit=5&event=x");
  split_target("/healthz", &path, &query);
  CHECK(path == "/healthz");
  CHECK(query.empty());
  split_target("/a#b?c", &path, &query);
  CHECK(path == "/a");
  CHECK(query.empty());
}

TEST_CASE("percent-decoding handles escapes, plus signs and bad input", "[url]") {
  std::string out;
  REQUIRE(percent_decode("Order%20Completed", false, &out));
  CHECK(out == "Order Completed");
  REQUIRE(percent_decode("a+b", false, &out));
  CHECK(out == "a+b");
  REQUIRE(percent_decode("a+b", true, &out));
  CHECK(out == "a b");
  REQUIRE(percent_decode("%2e%2E", false, &out));
  CHECK(out == "..");
  CHECK_FALSE(percent_decode("%", false, &out));
  CHECK_FALSE(percent_decode("%4", false, &out));
  CHECK_FALSE(percent_decode("ab%4", false, &out));
  CHECK_FALSE(percent_decode("%zz", false, &out));
  CHECK_FALSE(percent_decode("a%00b", false, &out));
}

TEST_CASE("a query string becomes decoded pairs in order", "[url]") {
  std::vector<std::pair<std::string, std::string>> params;
  REQUIRE(parse_query("limit=5&&event=Order+Completed&flag&userId=u%401", &params));
  REQUIRE(params.size() == 4);
  CHECK(params[0] == std::make_pair(std::string("limit"), std::string("5")));
  CHECK(params[1] == std::make_pair(std::string("event"), std::string("Order Completed")));
  CHECK(params[2] == std::make_pair(std::string("flag"), std::string()));
  CHECK(params[3] == std::make_pair(std::string("userId"), std::string("u@1")));
  CHECK_FALSE(parse_query("a=%G1", &params));
  REQUIRE(parse_query("", &params));
  CHECK(params.empty());
}
