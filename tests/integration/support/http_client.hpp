// A blocking HTTP/1.1 client for end-to-end tests, on Beast's synchronous http::read/write.
//
// One HttpClient holds at most one connection and keeps it alive between requests (as browsers
// and SDKs do); a connection the server has closed while idle is replaced before the next
// request, never retried after sending, so a test sees exactly what the server did. Every
// request is bounded by the client's timeout.
//
// Errors: send()/get()/post() throw std::runtime_error when no response arrives (refused,
// reset, timed out); try_send() reports the same as false + message, for load generators that
// expect failures. An HTTP error status is a response, not an error. Not thread-safe: use one
// client per thread.
//
// RawConnection is for hostile clients: bytes on a socket with no HTTP framing at all.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace omni::integration {

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<Header> headers;  // sent as given; Host and Content-Length are added
  std::string body;
  bool chunked = false;         // send the body chunked instead of with Content-Length
};

struct HttpResponse {
  unsigned status = 0;
  std::vector<Header> headers;
  std::string body;
  bool keep_alive = false;

  /// Every value of the header (case-insensitive name), joined with ", "; "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  /// The body parsed as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::json json() const;
  /// error.code of an error body {"error":{"code","message"}}, or "" when there is none.
  std::string error_code() const;
  /// Status line and body, for test failure messages.
  std::string describe() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  HttpResponse send(const HttpRequest& request);
  bool try_send(const HttpRequest& request, HttpResponse* response, std::string* error);

  HttpResponse get(std::string target, std::vector<Header> headers = {});
  /// POST with Content-Type: application/json unless `headers` names another content type.
  HttpResponse post(std::string target, std::string body, std::vector<Header> headers = {});

  /// Opens the connection now (a later request reuses it); throws when it cannot.
  void connect();
  bool connected() const;
  /// Closes the kept-alive connection, if any.
  void close();

 private:
  struct Connection;
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> connection_;
};

/// A plain TCP connection for clients that misbehave on purpose: slow, partial or oversized.
class RawConnection {
 public:
  /// Connects within `timeout`; throws std::runtime_error when refused or timed out.
  RawConnection(const std::string& host, std::uint16_t port,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// Sends all of `bytes`, waiting at most `timeout`; false when the peer has closed or reset
  /// the connection (or the time ran out) first.
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// True when the peer has closed or reset the connection; waits up to `wait` for that,
  /// collecting whatever it sent before into received().
  bool closed_by_peer(std::chrono::milliseconds wait);
  /// Everything read from the peer so far.
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string received_;
};

}  // namespace omni::integration
