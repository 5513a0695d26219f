#include "admin/export_spool.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_event_store.hpp"

using nlohmann::json;
using omni::collector::ExportQuery;
using omni::collector::StoredEvent;
using omni::collector::admin::spool_export;
using omni::collector::testing::FakeEventStore;

namespace {

void store_events(FakeEventStore& store, int count) {
  std::vector<StoredEvent> rows;
  for (int i = 0; i < count; ++i) {
    StoredEvent row;
    row.source = "web";
    row.message_id = "m" + std::to_string(i);
    row.received_at_ms = 1000 * (i + 1);
    row.body = R"({"type":"track","n":)" + std::to_string(i) + "}";
    rows.push_back(std::move(row));
  }
  store.submit(std::move(rows), [](omni::collector::CommitOutcome) {});
}

std::vector<json> read_lines(boost::beast::http::file_body::value_type& body) {
  std::string text(static_cast<std::size_t>(body.size()), '\0');
  boost::beast::error_code ec;
  std::size_t done = 0;
  while (done < text.size()) {
    const std::size_t n = body.file().read(text.data() + done, text.size() - done, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(n > 0);
    done += n;
  }
  std::vector<json> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // every line, the last too, ends with a newline
    json line = json::parse(text.substr(start, end - start), nullptr, false);
    REQUIRE_FALSE(line.is_discarded());
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("an export spans many pages, oldest first, every event once", "[admin][export]") {
  FakeEventStore store;
  store_events(store, 25);
  ExportQuery query;
  query.limit = 10;  // three reads: 10, 10, 5
  boost::beast::http::file_body::value_type body;
  REQUIRE(spool_export(store, query, &body));
  const std::vector<json> lines = read_lines(body);
  REQUIRE(lines.size() == 25);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i]["id"] == i + 1);
    CHECK(lines[i]["messageId"] == "m" + std::to_string(i));
    CHECK(lines[i]["event"]["n"] == i);
  }
}

TEST_CASE("an export keeps to its receivedAt range and resumes after a cursor",
          "[admin][export]") {
  FakeEventStore store;
  store_events(store, 10);
  ExportQuery query;
  query.limit = 3;
  query.since_ms = 3000;
  query.until_ms = 9000;
  query.after_id = 4;
  boost::beast::http::file_body::value_type body;
  REQUIRE(spool_export(store, query, &body));
  const std::vector<json> lines = read_lines(body);
  REQUIRE(lines.size() == 4);  // ids 5..8
  CHECK(lines.front()["id"] == 5);
  CHECK(lines.back()["id"] == 8);
}

TEST_CASE("an export of nothing is an empty body", "[admin][export]") {
  FakeEventStore store;
  boost::beast::http::file_body::value_type body;
  REQUIRE(spool_export(store, ExportQuery{}, &body));
  CHECK(body.size() == 0);
}

TEST_CASE("a store read failing mid-export fails the export instead of truncating it",
          "[admin][export]") {
  FakeEventStore store;
  store_events(store, 25);
  store.fail_export_after_reads = 2;
  ExportQuery query;
  query.limit = 10;
  boost::beast::http::file_body::value_type body;
  CHECK_FALSE(spool_export(store, query, &body));
}
