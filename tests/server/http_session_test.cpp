// HttpSession with a real loopback socket: how streamed responses (StreamResponse) go out.
#include "http/http_session.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/responses.hpp"
#include "http/stream_response.hpp"

namespace net = boost::asio;
namespace bh = boost::beast::http;
using tcp = net::ip::tcp;
using namespace omni::collector;
using namespace std::chrono_literals;

namespace {

/// Pages of `page_bytes` each ("aaa…\n", "bbb…\n", …); page `fail_at` fails. Gated: next()
/// only records the request and the test delivers with release().
class ScriptedSource final : public http::PageSource {
 public:
  ScriptedSource(int pages, std::size_t page_bytes, int fail_at = -1, bool gated = false)
      : pages_(pages), page_bytes_(page_bytes), fail_at_(fail_at), gated_(gated) {}

  http::Page make(int index) const {
    http::Page page;
    page.ok = index != fail_at_;
    if (page.ok && page_bytes_ > 0) {
      page.data.assign(page_bytes_ - 1, static_cast<char>('a' + index % 26));
      page.data += '\n';
    }
    page.last = index == pages_ - 1;
    return page;
  }

  /// Every page's bytes, as a complete body.
  std::string whole_body() const {
    std::string body;
    for (int i = 0; i < pages_; ++i) body += make(i).data;
    return body;
  }

  void next(Deliver deliver) override {
    const int index = ++asked_;  // page 0 went out with the headers
    if (!gated_) {
      deliver(make(index));
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = std::move(deliver);
    pending_index_ = index;
    asked_cv_.notify_all();
  }

  /// Gated: waits until the session asks for a page, then delivers it.
  bool release() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!asked_cv_.wait_for(lock, 5s, [this] { return pending_ != nullptr; })) return false;
    Deliver deliver = std::move(pending_);
    pending_ = nullptr;
    const int index = pending_index_;
    lock.unlock();
    deliver(make(index));
    return true;
  }

  int asked() const { return asked_.load(); }

 private:
  const int pages_;
  const std::size_t page_bytes_;
  const int fail_at_;
  const bool gated_;
  std::atomic<int> asked_{0};
  std::mutex mutex_;
  std::condition_variable asked_cv_;
  Deliver pending_;
  int pending_index_ = 0;
};

/// Answers /stream with a StreamResponse from `source` and anything else with "plain".
class StreamingHandler final : public http::RequestHandler {
 public:
  std::shared_ptr<ScriptedSource> source;

  void handle(http::Request&& request, const http::IpAddress&, http::Respond respond) override {
    const http::ReplyContext ctx = http::reply_context(request);
    if (request.target() == "/stream") {
      http::Page first = source->make(0);
      respond(http::stream_response(bh::status::ok, "application/x-ndjson", std::move(first),
                                    source, ctx));
      return;
    }
    respond(http::json_response(bh::status::ok, R"({"plain":true})", ctx));
  }
  http::StringResponse body_too_large(const http::Request&) override {
    return http::payload_too_large(http::ReplyContext{}, 1);
  }
};

struct Server {
  explicit Server(std::shared_ptr<ScriptedSource> source, http::SessionSettings s = {})
      : settings(s) {
    handler.source = std::move(source);
    do_accept();
    thread = std::thread([this] { ioc.run(); });
  }
  ~Server() {
    ioc.stop();
    thread.join();
  }

  void do_accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<http::HttpSession>(std::move(socket), handler, registry, settings)->run();
      do_accept();
    });
  }

  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  http::ConnectionRegistry registry;
  StreamingHandler handler;
  http::SessionSettings settings;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
};

struct Received {
  bool complete = false;  // the whole message arrived (for chunked: the terminating chunk too)
  unsigned status = 0;
  bool chunked = false;
  bool has_content_length = false;
  bool keep_alive = false;
  std::string body;
};

/// A blocking loopback client whose every read is bounded by a deadline.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Client() { ::close(fd_); }

  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }

  /// Appends what arrives within `wait` (at most `max` bytes); false on EOF, error or timeout.
  bool receive(std::chrono::milliseconds wait, std::size_t max = 1 << 20) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
    std::string chunk(max, '\0');
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n <= 0) return false;
    pending_.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
  }

  /// Reads one response, stopping at its end or when the connection ends or goes quiet.
  Received read_response(std::chrono::milliseconds quiet = 5000ms) {
    bh::response_parser<bh::string_body> parser;
    parser.body_limit(boost::none);
    parser.eager(true);
    Received out;
    for (;;) {
      boost::beast::error_code ec;
      if (!pending_.empty()) {
        const std::size_t used = parser.put(net::buffer(pending_), ec);
        pending_.erase(0, used);
        if (parser.is_done()) break;
        if (ec && ec != bh::error::need_more) FAIL("unparsable response: " << ec.message());
        if (used > 0 && !pending_.empty()) continue;
      }
      if (!receive(quiet)) {
        if (parser.is_header_done()) parser.put_eof(ec);
        if (parser.is_done() && !ec) break;
        out.status = parser.is_header_done() ? parser.get().result_int() : 0;
        out.body = parser.get().body();
        return out;  // incomplete
      }
    }
    const auto& message = parser.get();
    out.complete = true;
    out.status = message.result_int();
    out.chunked = message.chunked();
    out.has_content_length = message.find(bh::field::content_length) != message.end();
    out.keep_alive = message.keep_alive();
    out.body = message.body();
    return out;
  }

  /// True when the server closes the connection within `wait` (bytes before that are kept).
  bool closed_by_peer(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return true;
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    return false;
  }

  /// Shrinks the receive buffer, so a client that stops reading soon blocks the server.
  void small_receive_buffer() {
    int size = 16 * 1024;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

  const std::string& pending() const { return pending_; }

 private:
  int fd_ = -1;
  std::string pending_;
};

const std::string kGetStream = "GET /stream HTTP/1.1\r\nHost: t\r\n\r\n";
const std::string kGetPlain = "GET /plain HTTP/1.1\r\nHost: t\r\n\r\n";

}  // namespace

TEST_CASE("a streamed response goes out chunked, complete, and the connection stays usable",
          "[http][stream]") {
  // Pages larger than a piece, so each page is sent as several chunks.
  auto source = std::make_shared<ScriptedSource>(4, 150 * 1024);
  Server server(source);
  Client client(server.port());
  client.send(kGetStream);
  const Received streamed = client.read_response();
  REQUIRE(streamed.complete);
  CHECK(streamed.status == 200);
  CHECK(streamed.chunked);
  CHECK_FALSE(streamed.has_content_length);
  CHECK(streamed.keep_alive);
  CHECK(streamed.body == source->whole_body());
  CHECK(source->asked() == 3);  // never asked again after the last page

  client.send(kGetPlain);
  const Received plain = client.read_response();
  REQUIRE(plain.complete);
  CHECK(plain.body == R"({"plain":true})");
}

TEST_CASE("a one-page stream and an empty stream are complete chunked bodies", "[http][stream]") {
  auto one = std::make_shared<ScriptedSource>(1, 10);
  Server server(one);
  Client client(server.port());
  client.send(kGetStream);
  const Received single = client.read_response();
  REQUIRE(single.complete);
  CHECK(single.body == "aaaaaaaaa\n");
  CHECK(one->asked() == 0);

  auto none = std::make_shared<ScriptedSource>(1, 0);
  server.handler.source = none;
  client.send(kGetStream);
  const Received empty = client.read_response();
  REQUIRE(empty.complete);
  CHECK(empty.chunked);
  CHECK(empty.body.empty());
  client.send(kGetPlain);
  CHECK(client.read_response().complete);
}

TEST_CASE("a page that fails mid-stream cuts the connection without the terminating chunk",
          "[http][stream]") {
  auto source = std::make_shared<ScriptedSource>(5, 1000, /*fail_at=*/2);
  Server server(source);
  Client client(server.port());
  client.send(kGetStream);
  const Received cut = client.read_response();
  CHECK_FALSE(cut.complete);  // the client can tell: a truncated transfer
  CHECK(cut.status == 200);
  CHECK(cut.body.size() == 2000);  // pages 0 and 1
  CHECK(client.closed_by_peer(2s));
  CHECK(source->asked() == 2);
}

TEST_CASE("an HTTP/1.0 client gets the stream delimited by the connection's end",
          "[http][stream]") {
  auto source = std::make_shared<ScriptedSource>(3, 100 * 1024);
  Server server(source);
  Client client(server.port());
  client.send("GET /stream HTTP/1.0\r\n\r\n");
  const Received streamed = client.read_response();
  REQUIRE(streamed.complete);
  CHECK_FALSE(streamed.chunked);
  CHECK_FALSE(streamed.keep_alive);
  CHECK(streamed.body == source->whole_body());
}

TEST_CASE("a client that stops reading is cut by the body timeout, and the source is not drained",
          "[http][stream]") {
  // 500 pages of 1 MB: without backpressure the session would read them all into memory.
  auto source = std::make_shared<ScriptedSource>(500, 1024 * 1024);
  http::SessionSettings settings;
  settings.body_timeout = 300ms;
  Server server(source, settings);
  Client client(server.port());
  client.small_receive_buffer();
  client.send(kGetStream);
  REQUIRE(client.receive(2s, 1024));  // the headers and a little of the body, then nothing
  std::this_thread::sleep_for(1500ms);
  const int asked = source->asked();
  INFO("pages asked for: " << asked);
  CHECK(asked < 20);  // only what the socket buffers took
  CHECK(client.closed_by_peer(10s));
  CHECK(source->asked() == asked);  // nothing more was read after the cut
}

TEST_CASE("a slow reader that keeps reading gets the whole stream", "[http][stream]") {
  auto source = std::make_shared<ScriptedSource>(3, 200 * 1024);
  http::SessionSettings settings;
  settings.body_timeout = 1000ms;  // each write waits on the reader, never the whole page
  Server server(source, settings);
  Client client(server.port());
  client.small_receive_buffer();
  client.send(kGetStream);
  // 600 KB in 16 KB reads every 50 ms: about 2 s in all, longer than the body timeout.
  const auto start = std::chrono::steady_clock::now();
  while (client.pending().find("\r\n0\r\n\r\n") == std::string::npos) {
    std::this_thread::sleep_for(50ms);
    REQUIRE(client.receive(2s, 16 * 1024));
  }
  CHECK(std::chrono::steady_clock::now() - start > settings.body_timeout);
  const Received streamed = client.read_response();
  REQUIRE(streamed.complete);
  CHECK(streamed.body == source->whole_body());
}

TEST_CASE("shutdown lets a stream in flight finish, then closes the connection",
          "[http][stream][shutdown]") {
  auto source = std::make_shared<ScriptedSource>(3, 1000, -1, /*gated=*/true);
  Server server(source);
  Client client(server.port());
  client.send(kGetStream);
  REQUIRE(client.receive(2s));  // headers and the first page
  server.registry.begin_shutdown();
  server.registry.for_each(
      [](const std::shared_ptr<http::HttpSession>& session) { session->notify_shutdown(); });
  REQUIRE(source->release());
  REQUIRE(source->release());
  const Received streamed = client.read_response();
  REQUIRE(streamed.complete);
  CHECK(streamed.body == source->whole_body());
  CHECK(client.closed_by_peer(5s));
}
