// One client connection: reads requests, hands them to the RequestHandler, writes the answers.
//
// Everything a session does runs on its own strand, so its members need no lock. A slow or
// hostile client cannot hold the server: the request line and headers must arrive within the
// header timeout (also the idle time allowed between kept-alive requests) and stay under 8 KB,
// the body within the body timeout and under the body limit, and a response must be taken by
// the client within the body timeout. While the handler works (e.g. waiting for the store's
// commit) no timer runs: the store bounds that wait.
//
// Streamed responses (StreamResponse): the headers and the first page go out at once; then
// each piece of a page is one write bounded by the body timeout, and the next page is asked of
// the response's PageSource only after the current one has been written, so a slow reader
// slows the source instead of filling the collector's memory, and a reader that stops is cut
// by the body timeout. No timer runs while the source produces a page. When the source fails,
// the connection closes without the terminating chunk (the client sees a truncated transfer).
// A completed stream leaves the connection ready for the next request (keep-alive).
//
// Closing: after a response that ends the connection, the session shuts down its sending side
// and reads (and drops) what the client still sends for a short linger time before closing, so
// the client reads the response instead of a connection reset.
//
// Shutdown: notify_shutdown() closes a connection idle between requests at once; a request in
// progress is answered (with Connection: close) and the connection then closes. A stream in
// flight is finished (the collector's grace deadline cuts it when it takes longer).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>

#include "http/connection_registry.hpp"
#include "http/message.hpp"
#include "http/request_handler.hpp"

namespace omni::collector::http {

struct SessionSettings {
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::size_t max_body_bytes = 512000;
  std::size_t max_header_bytes = 8 * 1024;
  /// How long a closing connection waits for the client to close its side.
  std::chrono::milliseconds linger{2000};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, RequestHandler& handler,
              ConnectionRegistry& registry, const SessionSettings& settings);
  ~HttpSession();

  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  /// Starts serving requests.
  void run();
  /// Answers 503 too_many_connections without reading a request, then closes.
  void reject_busy();
  /// Thread-safe: asks the session to finish its current request, if any, and close.
  void notify_shutdown();

 private:
  enum class State { kReadingHeader, kReadingBody, kHandling, kWriting, kClosing, kClosed };

  void start();
  void do_read_header();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void do_read_body();
  void on_read_body(boost::beast::error_code ec, std::size_t bytes);
  void handle_request();
  /// Answers a request the session itself refuses (limits, bad framing) and closes.
  void refuse(Response response);
  void send(Response response, bool close_after);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void start_stream(StreamResponse& message, bool close);
  void write_stream();
  void on_stream_write(boost::beast::error_code ec, std::size_t bytes);
  void on_stream_page(Page page);
  void on_shutdown();
  void do_linger_close();
  void do_drain();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);
  void close_now();
  void handle_read_error(boost::beast::error_code ec);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  Response response_;
  // Writes a StreamResponse held in response_ across the many writes of its body.
  std::optional<beast_http::serializer<false, StreamBody>> stream_serializer_;
  bool stream_close_ = false;
  HeadResponse continue_;
  RequestHandler& handler_;
  ConnectionRegistry& registry_;
  const SessionSettings settings_;
  ConnectionRegistry::Id id_ = 0;
  State state_ = State::kReadingHeader;
  bool request_keep_alive_ = false;
  bool shutting_down_ = false;
};

}  // namespace omni::collector::http
