#include "support/http_client.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "support/deadline_socket.hpp"

namespace omni::integration {
namespace http = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string to_string(boost::beast::string_view view) { return std::string(view.data(), view.size()); }

bool names_content_type(const std::vector<Header>& headers) {
  for (const Header& header : headers) {
    if (equals_ignoring_case(header.name, "content-type")) return true;
  }
  return false;
}

/// The peer may have refused the rest of a request and still have answered it: read on.
bool worth_reading_after_write_error(const boost::system::error_code& error,
                                     const DeadlineSocket& socket) {
  return socket.peer_answered_early() || error == boost::asio::error::broken_pipe ||
         error == boost::asio::error::connection_reset;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  std::string joined;
  for (const Header& h : headers) {
    if (!equals_ignoring_case(h.name, name)) continue;
    if (!joined.empty()) joined += ", ";
    joined += h.value;
  }
  return joined;
}

bool HttpResponse::has_header(std::string_view name) const {
  for (const Header& h : headers) {
    if (equals_ignoring_case(h.name, name)) return true;
  }
  return false;
}

nlohmann::json HttpResponse::json() const { return nlohmann::json::parse(body, nullptr, false); }

std::string HttpResponse::error_code() const {
  const nlohmann::json parsed = json();
  if (!parsed.is_object()) return {};
  const auto error = parsed.find("error");
  if (error == parsed.end() || !error->is_object()) return {};
  const auto code = error->find("code");
  if (code == error->end() || !code->is_string()) return {};
  return code->get<std::string>();
}

std::string HttpResponse::describe() const {
  return "HTTP " + std::to_string(status) + " " + body;
}

struct HttpClient::Connection {
  DeadlineSocket socket;
  boost::beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::connect() {
  connection_ = std::make_unique<Connection>();
  boost::system::error_code error;
  connection_->socket.connect(host_, port_, SteadyClock::now() + timeout_, error);
  if (error) {
    connection_.reset();
    throw std::runtime_error("connect to " + host_ + ":" + std::to_string(port_) + ": " +
                             error.message());
  }
}

bool HttpClient::connected() const { return connection_ != nullptr; }

void HttpClient::close() { connection_.reset(); }

bool HttpClient::try_send(const HttpRequest& request, HttpResponse* response,
                          std::string* error) {
  const std::string what = request.method + " " + request.target + ": ";
  const auto deadline = SteadyClock::now() + timeout_;

  if (connection_ && connection_->socket.stale()) connection_.reset();
  if (!connection_) {
    auto fresh = std::make_unique<Connection>();
    boost::system::error_code connect_error;
    fresh->socket.connect(host_, port_, deadline, connect_error);
    if (connect_error) {
      *error = what + "connect: " + connect_error.message();
      return false;
    }
    connection_ = std::move(fresh);
  }
  Connection& connection = *connection_;
  connection.socket.set_deadline(deadline);

  http::request<http::string_body> message;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    message.method_string(request.method);
  } else {
    message.method(verb);
  }
  message.target(request.target);
  message.version(11);
  message.set(http::field::host, host_ + ":" + std::to_string(port_));
  for (const Header& header : request.headers) message.insert(header.name, header.value);
  message.body() = request.body;
  if (request.chunked) {
    message.chunked(true);
  } else if (!request.body.empty() || verb == http::verb::post) {
    message.content_length(request.body.size());
  }

  boost::system::error_code write_error;
  http::write(connection.socket, message, write_error);
  if (write_error && !worth_reading_after_write_error(write_error, connection.socket)) {
    connection_.reset();
    *error = what + "write: " + write_error.message();
    return false;
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(verb == http::verb::head);
  boost::system::error_code read_error;
  http::read(connection.socket, connection.buffer, parser, read_error);
  if (read_error) {
    connection_.reset();
    *error = what + (write_error ? "write: " + write_error.message() + "; then " : "") +
             "read: " + read_error.message();
    return false;
  }

  http::response<http::string_body> received = parser.release();
  response->status = received.result_int();
  response->headers.clear();
  for (const auto& field : received) {
    response->headers.push_back({to_string(field.name_string()), to_string(field.value())});
  }
  response->body = std::move(received.body());
  response->keep_alive = received.keep_alive() && !write_error;
  if (!response->keep_alive) connection_.reset();
  return true;
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  HttpResponse response;
  std::string error;
  if (!try_send(request, &response, &error)) throw std::runtime_error(error);
  return response;
}

HttpResponse HttpClient::get(std::string target, std::vector<Header> headers) {
  HttpRequest request;
  request.method = "GET";
  request.target = std::move(target);
  request.headers = std::move(headers);
  return send(request);
}

HttpResponse HttpClient::post(std::string target, std::string body, std::vector<Header> headers) {
  HttpRequest request;
  request.method = "POST";
  request.target = std::move(target);
  if (!names_content_type(headers)) headers.push_back({"Content-Type", "application/json"});
  request.headers = std::move(headers);
  request.body = std::move(body);
  return send(request);
}

RawConnection::RawConnection(const std::string& host, std::uint16_t port,
                             std::chrono::milliseconds timeout) {
  boost::system::error_code error;
  fd_ = connect_with_deadline(host, port, SteadyClock::now() + timeout, error);
  if (fd_ < 0) {
    throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + ": " +
                             error.message());
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!bytes.empty()) {
    if (closed_) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      closed_ = true;  // EPIPE / ECONNRESET: the peer is gone
      return false;
    }
    boost::system::error_code error;
    if (wait_for_fd(fd_, POLLOUT, deadline, error) == 0) return false;
  }
  // A close by the peer that has already arrived counts: the bytes went nowhere useful.
  return !closed_by_peer(std::chrono::milliseconds(0));
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds wait) {
  const auto deadline = SteadyClock::now() + wait;
  char chunk[4096];
  while (!closed_) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      received_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) {
      closed_ = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      closed_ = true;  // reset
      break;
    }
    boost::system::error_code error;
    if (wait_for_fd(fd_, POLLIN, deadline, error) == 0) return false;
  }
  return true;
}

}  // namespace omni::integration
