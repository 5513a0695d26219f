#include "admin/export_stream.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "fake_event_store.hpp"

using nlohmann::json;
using omni::collector::ExportQuery;
using omni::collector::StoredEvent;
using omni::collector::admin::ExportPageSource;
using omni::collector::http::Page;
using omni::collector::testing::FakeEventStore;

namespace {

/// Stores events numbered first .. first + count - 1 (ids follow in the same order).
void store_events(FakeEventStore& store, int count, int first = 0) {
  std::vector<StoredEvent> rows;
  for (int i = first; i < first + count; ++i) {
    StoredEvent row;
    row.source = "web";
    row.message_id = "m" + std::to_string(i);
    row.received_at_ms = 1000 * (i + 1);
    row.body = R"({"type":"track","n":)" + std::to_string(i) + "}";
    rows.push_back(std::move(row));
  }
  store.submit(std::move(rows), [](omni::collector::CommitOutcome) {});
}

/// The lines of one page, parsed; every line, the last too, must end with a newline.
std::vector<json> lines_of(const Page& page) {
  std::vector<json> lines;
  std::size_t start = 0;
  while (start < page.data.size()) {
    const std::size_t end = page.data.find('\n', start);
    REQUIRE(end != std::string::npos);
    json line = json::parse(page.data.substr(start, end - start), nullptr, false);
    REQUIRE(line.is_object());
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

/// Asks the source for its next page through the pool, as the session does.
Page next_page(ExportPageSource& source) {
  auto promise = std::make_shared<std::promise<Page>>();
  auto future = promise->get_future();
  source.next([promise](Page page) { promise->set_value(std::move(page)); });
  REQUIRE(future.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  return future.get();
}

struct Fixture {
  FakeEventStore store;
  boost::asio::thread_pool pool{1};
  ~Fixture() { pool.join(); }

  std::shared_ptr<ExportPageSource> source(ExportQuery query) {
    return std::make_shared<ExportPageSource>(store, pool, query);
  }
};

}  // namespace

TEST_CASE("an export is read page by page, oldest first, every event once", "[admin][export]") {
  Fixture f;
  store_events(f.store, 25);
  ExportQuery query;
  query.limit = 10;  // pages of 10, 10 and 5
  auto source = f.source(query);

  const Page first = source->read_page();
  REQUIRE(first.ok);
  CHECK_FALSE(first.last);
  std::vector<json> lines = lines_of(first);
  REQUIRE(lines.size() == 10);

  const Page second = next_page(*source);
  REQUIRE(second.ok);
  CHECK_FALSE(second.last);
  const Page third = next_page(*source);
  REQUIRE(third.ok);
  CHECK(third.last);
  for (const Page* page : {&second, &third}) {
    for (json& line : lines_of(*page)) lines.push_back(std::move(line));
  }
  REQUIRE(lines.size() == 25);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["id"] == i + 1);
    CHECK(lines[i]["messageId"] == "m" + std::to_string(i));
    CHECK(lines[i]["event"]["n"] == i);
  }
  CHECK(source->events_read() == 25);
}

TEST_CASE("an export whose size is a multiple of the page ends with an empty last page",
          "[admin][export]") {
  Fixture f;
  store_events(f.store, 20);
  ExportQuery query;
  query.limit = 10;
  auto source = f.source(query);
  CHECK_FALSE(source->read_page().last);
  CHECK_FALSE(next_page(*source).last);
  const Page end = next_page(*source);
  CHECK(end.ok);
  CHECK(end.last);
  CHECK(end.data.empty());
}

TEST_CASE("an export keeps to its receivedAt range and resumes after a cursor",
          "[admin][export]") {
  Fixture f;
  store_events(f.store, 10);
  ExportQuery query;
  query.limit = 3;
  query.since_ms = 3000;
  query.until_ms = 9000;
  query.after_id = 4;
  auto source = f.source(query);
  std::vector<json> lines = lines_of(source->read_page());  // ids 5, 6, 7
  const Page rest = next_page(*source);                     // id 8
  REQUIRE(rest.last);
  for (json& line : lines_of(rest)) lines.push_back(std::move(line));
  REQUIRE(lines.size() == 4);
  CHECK(lines.front()["id"] == 5);
  CHECK(lines.back()["id"] == 8);
}

TEST_CASE("an export of nothing is one empty last page", "[admin][export]") {
  Fixture f;
  const Page page = f.source(ExportQuery{})->read_page();
  CHECK(page.ok);
  CHECK(page.last);
  CHECK(page.data.empty());
}

TEST_CASE("events stored while an export runs are picked up, never repeated",
          "[admin][export]") {
  Fixture f;
  store_events(f.store, 10);
  ExportQuery query;
  query.limit = 10;
  auto source = f.source(query);
  REQUIRE(lines_of(source->read_page()).size() == 10);
  store_events(f.store, 3, 10);  // ids 11..13, after the cursor
  const Page more = next_page(*source);
  REQUIRE(more.last);
  const std::vector<json> lines = lines_of(more);
  REQUIRE(lines.size() == 3);
  CHECK(lines.front()["id"] == 11);
}

TEST_CASE("a store read failing mid-export fails that page instead of ending the export",
          "[admin][export]") {
  Fixture f;
  store_events(f.store, 25);
  f.store.fail_export_after_reads = 1;
  ExportQuery query;
  query.limit = 10;
  auto source = f.source(query);
  REQUIRE(source->read_page().ok);
  const Page failed = next_page(*source);
  CHECK_FALSE(failed.ok);
  CHECK(failed.data.empty());
}
