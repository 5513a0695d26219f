#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "admin/export_query.hpp"

using omni::collector::ExportQuery;
using omni::collector::admin::kExportPageRows;
using omni::collector::admin::parse_export_query;

TEST_CASE("an empty export query exports everything in pages", "[admin][export]") {
  ExportQuery query;
  std::string error;
  REQUIRE(parse_export_query("", &query, &error));
  CHECK(query.limit == kExportPageRows);
  CHECK(query.after_id == 0);
  CHECK(query.since_ms == std::numeric_limits<std::int64_t>::min());
  CHECK(query.until_ms == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("since, until and after are read", "[admin][export]") {
  ExportQuery query;
  std::string error;
  REQUIRE(parse_export_query(
      "since=2026-11-18T11:06:40.123Z&until=2026-11-18T11:06:41.000Z&after=42", &query, &error));
  CHECK(query.since_ms == 1795000000123);
  CHECK(query.until_ms == 1795000001000);
  CHECK(query.after_id == 42);
}

TEST_CASE("bad times, cursors and parameters are refused before any read", "[admin][export]") {
  ExportQuery query;
  std::string error;
  CHECK_FALSE(parse_export_query("since=yesterday", &query, &error));
  CHECK(error.find("`since` must be an ISO-8601 time") == 0);
  CHECK_FALSE(parse_export_query("until=", &query, &error));
  CHECK_FALSE(parse_export_query("after=0", &query, &error));
  CHECK(error == "`after` is not a cursor from a previous export or page");
  CHECK_FALSE(parse_export_query(
      "since=2026-11-18T11:06:41.000Z&until=2026-11-18T11:06:41.000Z", &query, &error));
  CHECK(error == "`until` must be later than `since`");
  CHECK_FALSE(parse_export_query("limit=5", &query, &error));
  CHECK(error == "unknown parameter `limit` (known: since, until, after)");
  CHECK_FALSE(parse_export_query("after=1&after=2", &query, &error));
  CHECK_FALSE(parse_export_query("since=%zz", &query, &error));
}
