#include "http/http_session.hpp"

#include <chrono>
#include <exception>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/responses.hpp"
#include "log.hpp"

namespace omni::collector::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The log line of a request the session answers itself because it could not be read, before
// any route matched (the dispatcher logs every routed request). Status and the answer's error
// code only: never the bytes received.
void log_unreadable(unsigned status, std::string_view code) {
  log_info("request refused", {{"status", status}, {"reason", code}});
}

// Connections over limits.maxConnections come in floods exactly when the collector is
// overloaded: one line a second at most, carrying how many it held back.
void log_busy() {
  static ThrottledLog busy(1000, LogLevel::kWarn);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  busy.log("connection refused: over limits.maxConnections (503 too_many_connections)",
           std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

HttpSession::HttpSession(tcp::socket&& socket, RequestHandler& handler,
                         ConnectionRegistry& registry, const SessionSettings& settings)
    : stream_(std::move(socket)), handler_(handler), registry_(registry), settings_(settings) {}

HttpSession::~HttpSession() {
  if (id_ != 0) registry_.remove(id_);
}

void HttpSession::start() {
  id_ = registry_.add(shared_from_this());
  beast::error_code ec;
  // Responses are written in one piece; Nagle's delay would only add latency.
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

void HttpSession::run() {
  start();
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read_header, shared_from_this()));
}

void HttpSession::reject_busy() {
  start();
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    ReplyContext ctx;
    ctx.keep_alive = false;
    log_busy();
    self->refuse(too_many_connections(ctx));
  });
}

void HttpSession::notify_shutdown() {
  net::post(stream_.get_executor(),
            beast::bind_front_handler(&HttpSession::on_shutdown, shared_from_this()));
}

void HttpSession::on_shutdown() {
  shutting_down_ = true;
  // Idle between requests (nothing of a next request received yet): close now. A request in
  // progress finishes; send() then closes the connection after its answer.
  if (state_ == State::kReadingHeader && buffer_.size() == 0) stream_.cancel();
}

void HttpSession::do_read_header() {
  if (shutting_down_ || registry_.shutting_down()) {
    close_now();
    return;
  }
  state_ = State::kReadingHeader;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
  parser_->body_limit(settings_.max_body_bytes);
  stream_.expires_after(settings_.header_timeout);
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
}

void HttpSession::on_read_header(beast::error_code ec, std::size_t) {
  if (ec) {
    handle_read_error(ec);
    return;
  }
  const auto& header = parser_->get();
  if (parser_->is_done()) {
    handle_request();
    return;
  }
  state_ = State::kReadingBody;
  if (header.version() >= 11 &&
      beast::iequals(header[beast_http::field::expect], "100-continue")) {
    // The client waits for this before sending the body (curl does for large bodies).
    continue_ = HeadResponse{beast_http::status::continue_, header.version()};
    stream_.expires_after(settings_.body_timeout);
    beast_http::async_write(
        stream_, continue_,
        beast::bind_front_handler(&HttpSession::on_continue_sent, shared_from_this()));
    return;
  }
  do_read_body();
}

void HttpSession::on_continue_sent(beast::error_code ec, std::size_t) {
  if (ec) {
    close_now();
    return;
  }
  do_read_body();
}

void HttpSession::do_read_body() {
  stream_.expires_after(settings_.body_timeout);
  beast_http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read_body, shared_from_this()));
}

void HttpSession::on_read_body(beast::error_code ec, std::size_t) {
  if (ec) {
    handle_read_error(ec);
    return;
  }
  handle_request();
}

void HttpSession::handle_read_error(beast::error_code ec) {
  if (ec == beast_http::error::body_limit) {
    refuse(handler_.body_too_large(parser_->get()));
    return;
  }
  if (ec == beast_http::error::header_limit) {
    ReplyContext ctx;
    ctx.keep_alive = false;
    log_unreadable(431, "header_too_large");
    refuse(header_too_large(ctx));
    return;
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::end_of_stream).category() &&
      ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message) {
    // The bytes received are not HTTP/1.x.
    ReplyContext ctx;
    ctx.keep_alive = false;
    log_unreadable(400, "bad_request");
    refuse(bad_request(ctx, "the request is not valid HTTP/1.1"));
    return;
  }
  // end_of_stream (the client closed), timeout (the stream already closed the socket),
  // operation_aborted (shutdown), resets: nothing to answer.
  close_now();
}

void HttpSession::handle_request() {
  state_ = State::kHandling;
  stream_.expires_never();
  Request request = parser_->release();
  request_keep_alive_ = request.keep_alive();
  auto self = shared_from_this();
  Respond respond = [self](Response response) {
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response)]() mutable {
                self->send(std::move(response), false);
              });
  };
  beast::error_code ec;
  const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
  if (ec) {  // the client is already gone: nothing to answer
    close_now();
    return;
  }
  try {
    handler_.handle(std::move(request), peer.address(), std::move(respond));
  } catch (const std::exception&) {
    // Only reached if a handler failed before answering (allocation failure and the like).
    ReplyContext ctx;
    ctx.keep_alive = false;
    send(internal_error(ctx), true);
  }
}

void HttpSession::refuse(Response response) {
  state_ = State::kHandling;
  send(std::move(response), true);
}

void HttpSession::send(Response response, bool close_after) {
  if (state_ != State::kHandling) return;  // one answer per request
  state_ = State::kWriting;
  const bool close =
      close_after || !request_keep_alive_ || shutting_down_ || registry_.shutting_down();
  response_ = std::move(response);
  if (auto* streamed = std::get_if<StreamResponse>(&response_)) {
    if (close) streamed->keep_alive(false);
    start_stream(*streamed, close || streamed->need_eof());
    return;
  }
  stream_.expires_after(settings_.body_timeout);
  std::visit(
      [&](auto& message) {
        if (close) message.keep_alive(false);
        beast_http::async_write(stream_, message,
                                beast::bind_front_handler(&HttpSession::on_write,
                                                          shared_from_this(),
                                                          close || message.need_eof()));
      },
      response_);
}

void HttpSession::start_stream(StreamResponse& message, bool close) {
  stream_close_ = close;
  stream_serializer_.emplace(message);
  write_stream();
}

void HttpSession::write_stream() {
  stream_.expires_after(settings_.body_timeout);
  beast_http::async_write(
      stream_, *stream_serializer_,
      beast::bind_front_handler(&HttpSession::on_stream_write, shared_from_this()));
}

void HttpSession::on_stream_write(beast::error_code ec, std::size_t bytes) {
  if (ec != beast_http::error::need_buffer) {  // the whole body is written, or the write failed
    on_write(stream_close_, ec, bytes);
    return;
  }
  StreamBody::value_type& body = std::get<StreamResponse>(response_).body();
  if (body.advance()) {
    write_stream();
    return;
  }
  // The page has been taken by the client: only now is the next one read (backpressure).
  stream_.expires_never();
  body.source()->next([self = shared_from_this()](Page page) {
    net::post(self->stream_.get_executor(), [self, page = std::move(page)]() mutable {
      self->on_stream_page(std::move(page));
    });
  });
}

void HttpSession::on_stream_page(Page page) {
  if (!page.ok) {
    // Headers and earlier pages are out: closing without the terminating chunk is the only way
    // left to tell the client that the body is incomplete.
    stream_serializer_.reset();
    response_ = StringResponse{};
    close_now();
    return;
  }
  std::get<StreamResponse>(response_).body().load(std::move(page));
  write_stream();
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
  stream_serializer_.reset();    // refers to response_, so goes first
  response_ = StringResponse{};  // releases a streamed file or page source at once
  if (ec) {
    close_now();
    return;
  }
  if (close) {
    do_linger_close();
    return;
  }
  do_read_header();
}

void HttpSession::do_linger_close() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    close_now();
    return;
  }
  stream_.expires_after(settings_.linger);
  buffer_.consume(buffer_.size());
  do_drain();
}

void HttpSession::do_drain() {
  stream_.async_read_some(buffer_.prepare(4096),
                          beast::bind_front_handler(&HttpSession::on_drain, shared_from_this()));
}

void HttpSession::on_drain(beast::error_code ec, std::size_t) {
  if (ec) {  // the client closed (eof), the linger time ran out, or the socket failed
    close_now();
    return;
  }
  do_drain();
}

void HttpSession::close_now() {
  state_ = State::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace omni::collector::http
