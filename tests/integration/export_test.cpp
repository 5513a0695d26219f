// Paging through and exporting every stored event: GET /v1/admin/events with `after` cursors,
// and GET /v1/admin/export as NDJSON streamed with chunked encoding.
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/deadline_socket.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;
namespace bh = boost::beast::http;

namespace {

constexpr std::size_t kEventCount = 2500;

/// Stores kEventCount events in batches of 100; returns their messageIds in sending order.
std::vector<std::string> store_many(HttpClient& client) {
  std::vector<std::string> ids;
  for (std::size_t sent = 0; sent < kEventCount; sent += 100) {
    const std::vector<json> events = product_views(100);
    const HttpResponse response = post_batch(client, kWebWriteKey, events);
    INFO(response.describe());
    REQUIRE(response.status == 200);
    for (const std::string& id : message_ids(events)) ids.push_back(id);
  }
  return ids;
}

HttpResponse admin_export(HttpClient& client, std::string_view query = {}) {
  std::string target = "/v1/admin/export";
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  return client.get(std::move(target), {bearer(kAdminToken)});
}

/// Every line of an NDJSON body, parsed (REQUIREs each to end with a newline and be an object).
std::vector<json> ndjson_lines(const std::string& body) {
  std::vector<json> lines;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = body.find('\n', start);
    REQUIRE(end != std::string::npos);
    json line = json::parse(body.substr(start, end - start), nullptr, false);
    REQUIRE(line.is_object());
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

/// Every line of an NDJSON answer, parsed (REQUIREs each to be a JSON object).
std::vector<json> ndjson_lines(const HttpResponse& response) {
  INFO(response.describe().substr(0, 400));
  REQUIRE(response.status == 200);
  REQUIRE(response.header("Content-Type") == "application/x-ndjson");
  return ndjson_lines(response.body);
}

/// What a raw reader saw of one response: the framing as sent, not as a client library hides it.
struct Streamed {
  bool complete = false;  // with chunked encoding: the terminating chunk arrived
  unsigned status = 0;
  bool chunked = false;
  bool content_length = false;
  bool keep_alive = false;
  std::string body;
};

/// An HTTP/1.1 connection read with Beast's parser, a few bytes at a time if asked, so a test can
/// stop reading in the middle of a response and see exactly how it was framed.
class RawHttp {
 public:
  RawHttp(const std::string& host, std::uint16_t port, int receive_buffer = 0) {
    boost::system::error_code ec;
    socket_.connect(host, port, std::chrono::steady_clock::now() + 5s, ec);
    REQUIRE_FALSE(ec);
    if (receive_buffer > 0) {
      ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                   sizeof receive_buffer);
    }
  }

  void send_get(const std::string& target) {
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: collector\r\n" +
                                "Authorization: Bearer " + kAdminToken + "\r\n\r\n";
    socket_.set_deadline(std::chrono::steady_clock::now() + 5s);
    boost::system::error_code ec;
    std::size_t done = 0;
    while (done < request.size() && !ec) {
      done += socket_.write_some(boost::asio::buffer(request.data() + done, request.size() - done),
                                 ec);
    }
    REQUIRE_FALSE(ec);
    parser_.emplace();
    parser_->body_limit(boost::none);
    parser_->eager(true);
  }

  /// Reads until the headers and at least `bytes` of the body are in (or the response ends).
  void read_body_bytes(std::size_t bytes, std::size_t read_size = 4096) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!parser_->is_done() && !(parser_->is_header_done() && parser_->get().body().size() >= bytes)) {
      REQUIRE(read_more(read_size, deadline));
    }
  }

  /// Reads the rest of the response, `read_size` bytes at most per read with `pause` before
  /// each, until it is complete or the connection ends.
  Streamed finish(std::size_t read_size = 1 << 20, std::chrono::milliseconds pause = 0ms) {
    const auto deadline = std::chrono::steady_clock::now() + 90s;
    while (!parser_->is_done()) {
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
      if (!read_more(read_size, deadline)) break;
    }
    Streamed out;
    out.complete = parser_->is_done();
    if (parser_->is_header_done()) {
      const auto& message = parser_->get();
      out.status = message.result_int();
      out.chunked = message.chunked();
      out.content_length = message.find(bh::field::content_length) != message.end();
      out.keep_alive = message.keep_alive();
      out.body = message.body();
    }
    return out;
  }

 private:
  /// One read, fed to the parser; false when the connection ended or the deadline passed.
  bool read_more(std::size_t max, std::chrono::steady_clock::time_point deadline) {
    std::string buffer(max, '\0');
    socket_.set_deadline(deadline);
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(boost::asio::buffer(buffer), ec);
    if (ec || n == 0) return false;
    pending_.append(buffer.data(), n);
    while (!pending_.empty() && !parser_->is_done()) {
      const std::size_t used = parser_->put(boost::asio::buffer(pending_), ec);
      pending_.erase(0, used);
      if (ec == bh::error::need_more) break;
      REQUIRE_FALSE(ec);
      if (used == 0) break;
    }
    return true;
  }

  DeadlineSocket socket_;
  std::string pending_;
  std::optional<bh::response_parser<bh::string_body>> parser_;
};

/// Stores `count` events in batches of 500; returns their messageIds in sending order.
std::vector<std::string> store_events(HttpClient& client, std::size_t count) {
  std::vector<std::string> ids;
  while (ids.size() < count) {
    const std::vector<json> events = product_views(std::min<std::size_t>(500, count - ids.size()));
    const HttpResponse response = post_batch(client, kWebWriteKey, events);
    INFO(response.describe());
    REQUIRE(response.status == 200);
    for (const std::string& id : message_ids(events)) ids.push_back(id);
  }
  return ids;
}

std::string string_at(const json& value, std::string_view pointer) {
  const json found = value_at(value, pointer);
  return found.is_string() ? found.get<std::string>() : std::string("<missing>");
}

std::vector<std::string> message_ids_of(const std::vector<json>& lines) {
  std::vector<std::string> ids;
  for (const json& line : lines) ids.push_back(string_at(line, "/messageId"));
  return ids;
}

}  // namespace

TEST_CASE("paging with after= lists every event exactly once, even while events arrive",
          "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_many(client);

  std::vector<std::string> listed;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    const HttpResponse response =
        admin_events(client, cursor.empty() ? "limit=1000" : "limit=1000&after=" + cursor);
    INFO(response.describe().substr(0, 400));
    REQUIRE(response.status == 200);
    const json body = response.json();
    for (const json& entry : value_at(body, "/events")) {
      listed.push_back(string_at(entry, "/messageId"));
    }
    // Newer events must not shift the pages still to come.
    REQUIRE(post_batch(client, kWebWriteKey, product_views(10)).status == 200);
    if (!body.contains("next")) break;
    REQUIRE(body["next"].is_string());
    cursor = body["next"].get<std::string>();
  }
  REQUIRE(listed.size() == kEventCount);
  CHECK(std::set<std::string>(listed.begin(), listed.end()).size() == kEventCount);
  std::vector<std::string> newest_first(sent.rbegin(), sent.rend());
  CHECK(listed == newest_first);
}

TEST_CASE("a malformed cursor is refused", "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  for (const char* query : {"after=abc", "after=0", "after=-1"}) {
    INFO(query);
    const HttpResponse events = admin_events(client, query);
    CHECK(events.status == 400);
    CHECK(events.error_code() == "invalid_request");
    const HttpResponse exported = admin_export(client, query);
    CHECK(exported.status == 400);
    CHECK(exported.error_code() == "invalid_request");
  }
  CHECK(admin_export(client, "since=yesterday").error_code() == "invalid_request");
  CHECK(client.get("/v1/admin/export").status == 401);
}

TEST_CASE("the export streams every event oldest first as NDJSON, filtered by since",
          "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_many(client);

  const HttpResponse whole = admin_export(client);
  CHECK(whole.header("Transfer-Encoding") == "chunked");
  CHECK_FALSE(whole.has_header("Content-Length"));
  const std::vector<json> lines = ndjson_lines(whole);
  REQUIRE(lines.size() == kEventCount);
  std::vector<std::string> exported;
  for (const json& line : lines) exported.push_back(string_at(line, "/messageId"));
  CHECK(exported == sent);

  // Each line is the item the events route lists for the same event.
  const json newest = value_at(admin_events(client, "limit=1").json(), "/events/0");
  CHECK(lines.back() == newest);

  // since= keeps the events received at or after a time, in the same order.
  const std::string since = string_at(lines[kEventCount / 2], "/receivedAt");
  std::vector<std::string> expected;
  for (const json& line : lines) {
    if (string_at(line, "/receivedAt") >= since) expected.push_back(string_at(line, "/messageId"));
  }
  const std::vector<json> recent = ndjson_lines(admin_export(client, "since=" + url_encode(since)));
  std::vector<std::string> recent_ids;
  for (const json& line : recent) recent_ids.push_back(string_at(line, "/messageId"));
  CHECK(recent_ids == expected);
  CHECK(recent_ids.size() < kEventCount);

  // after= resumes an interrupted export where it stopped.
  const json cut = value_at(lines[999], "/id");
  REQUIRE(cut.is_number_integer());
  const std::vector<json> rest =
      ndjson_lines(admin_export(client, "after=" + std::to_string(cut.get<long long>())));
  REQUIRE(rest.size() == kEventCount - 1000);
  CHECK(string_at(rest.front(), "/messageId") == sent[1000]);
}

TEST_CASE("until= ends the export before a time, and with since= selects a window",
          "[admin][export]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_many(client);
  const std::vector<json> lines = ndjson_lines(admin_export(client));
  REQUIRE(lines.size() == kEventCount);
  const std::string since = string_at(lines[500], "/receivedAt");
  const std::string until = string_at(lines[2000], "/receivedAt");
  REQUIRE(since < until);  // batches are stored at least a millisecond apart

  std::vector<std::string> expected;
  for (const json& line : lines) {
    const std::string at = string_at(line, "/receivedAt");
    if (at >= since && at < until) expected.push_back(string_at(line, "/messageId"));
  }
  const std::vector<json> window = ndjson_lines(
      admin_export(client, "since=" + url_encode(since) + "&until=" + url_encode(until)));
  CHECK(message_ids_of(window) == expected);
  CHECK_FALSE(expected.empty());
  CHECK(admin_export(client, "since=" + url_encode(until) + "&until=" + url_encode(since))
            .error_code() == "invalid_request");
}

TEST_CASE("a large export streams: chunked, started before the last page is read, complete",
          "[admin][export][stream]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_events(client, 25000);

  RawHttp raw(collector.host(), collector.port());
  raw.send_get("/v1/admin/export");
  raw.read_body_bytes(1);  // the headers and the start of the first line, then stop reading

  // Events stored now, after the first bytes arrived, come at the end of the export: so its
  // last page was read after the export had started to go out, not before it.
  const std::vector<std::string> later = store_events(client, 10);

  const Streamed streamed = raw.finish();
  // The same connection serves the next request (asked at once: the collector closes a
  // connection left idle for headerTimeoutMs, 2 s in these tests).
  raw.send_get("/v1/admin/export?after=" + std::to_string(25000));
  const Streamed rest = raw.finish();

  REQUIRE(streamed.complete);
  CHECK(streamed.status == 200);
  CHECK(streamed.chunked);
  CHECK_FALSE(streamed.content_length);
  CHECK(streamed.keep_alive);
  std::vector<std::string> expected = sent;
  expected.insert(expected.end(), later.begin(), later.end());
  const std::vector<std::string> exported = message_ids_of(ndjson_lines(streamed.body));
  CHECK(exported.size() == expected.size());
  CHECK(exported == expected);
  REQUIRE(rest.complete);
  CHECK(message_ids_of(ndjson_lines(rest.body)) == later);
}

TEST_CASE("a client reading an export slowly still gets all of it", "[admin][export][stream]") {
  CollectorProcess collector;  // bodyTimeoutMs 2000: each write, not the whole export, is timed
  HttpClient client(collector.host(), collector.port());
  const std::vector<std::string> sent = store_events(client, 6000);

  RawHttp raw(collector.host(), collector.port(), 16 * 1024);
  raw.send_get("/v1/admin/export");
  const auto start = std::chrono::steady_clock::now();
  const Streamed streamed = raw.finish(64 * 1024, 20ms);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(streamed.complete);
  CHECK(message_ids_of(ndjson_lines(streamed.body)) == sent);
  CHECK(took > 2s);  // longer than the body timeout, yet not cut
}
