#include <catch2/catch.hpp>

#include "admin/events_query.hpp"

using omni::collector::EventQuery;
using omni::collector::admin::parse_events_query;

TEST_CASE("an empty query asks for the newest 50 events of anyone", "[admin]") {
  EventQuery query;
  std::string error;
  REQUIRE(parse_events_query("", &query, &error));
  CHECK(query.limit == 50);
  CHECK(query.user_id.empty());
  CHECK(query.anonymous_id.empty());
  CHECK(query.event.empty());
}

TEST_CASE("filters and limit are read and decoded", "[admin]") {
  EventQuery query;
  std::string error;
  REQUIRE(parse_events_query("limit=1000&userId=u%401&anonymousId=a-1&event=Order+Completed",
                             &query, &error));
  CHECK(query.limit == 1000);
  CHECK(query.user_id == "u@1");
  CHECK(query.anonymous_id == "a-1");
  CHECK(query.event == "Order Completed");
  REQUIRE(parse_events_query("limit=1", &query, &error));
  CHECK(query.limit == 1);
}

TEST_CASE("a limit outside 1..1000 or not a number is refused", "[admin]") {
  EventQuery query;
  std::string error;
  for (const char* bad : {"limit=0", "limit=1001", "limit=-1", "limit=", "limit=5x", "limit=1e2",
                          "limit=99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_events_query(bad, &query, &error));
    CHECK(error == "`limit` must be an integer from 1 to 1000");
  }
}

TEST_CASE("unknown, repeated or badly escaped parameters are refused", "[admin]") {
  EventQuery query;
  std::string error;
  CHECK_FALSE(parse_events_query("userid=u1", &query, &error));
  CHECK(error == "unknown parameter `userid` (known: limit, after, userId, anonymousId, event)");
  CHECK_FALSE(parse_events_query("limit=5&limit=6", &query, &error));
  CHECK(error == "`limit` is given more than once");
  CHECK_FALSE(parse_events_query("userId=%zz", &query, &error));
}

TEST_CASE("a cursor from a previous page is read as the id to continue below", "[admin]") {
  EventQuery query;
  std::string error;
  REQUIRE(parse_events_query("limit=10&after=1234&userId=u", &query, &error));
  CHECK(query.before_id == 1234);
  CHECK(query.user_id == "u");
  REQUIRE(parse_events_query("", &query, &error));
  CHECK(query.before_id == 0);
  CHECK(omni::collector::admin::format_cursor(1234) == "1234");
}

TEST_CASE("a cursor that is not one we hand out is refused", "[admin]") {
  EventQuery query;
  std::string error;
  for (const char* bad : {"after=", "after=0", "after=-5", "after=012", "after=abc", "after=1.5",
                          "after=99999999999999999999999", "after=1&after=2"}) {
    INFO(bad);
    CHECK_FALSE(parse_events_query(bad, &query, &error));
  }
  CHECK_FALSE(parse_events_query("after=x", &query, &error));
  CHECK(error == "`after` is not a cursor from a previous page's `next`");
}
