// Accepts connections and starts a session for each, within limits.maxConnections.
//
// At the limit a new connection is answered 503 too_many_connections (Retry-After: 1,
// Connection: close) without reading its request; those answering sessions count too, and at
// twice the limit new connections are closed at once, so a flood cannot grow the number of
// sockets without bound. Accept errors such as "too many open files" pause accepting for 100 ms
// instead of spinning.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/connection_registry.hpp"
#include "http/http_session.hpp"
#include "http/request_handler.hpp"

namespace omni::collector::http {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, RequestHandler& handler, ConnectionRegistry& registry,
           const SessionSettings& settings, std::size_t max_connections);

  /// Opens, binds and listens. False with a reason (no address or peer data in it).
  bool open(const boost::asio::ip::tcp::endpoint& endpoint, std::string* error);
  /// The bound address (the real port when the config asked for port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  void run();
  /// Thread-safe: stops accepting (closes the listening socket).
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  RequestHandler& handler_;
  ConnectionRegistry& registry_;
  const SessionSettings settings_;
  const std::size_t max_connections_;
};

}  // namespace omni::collector::http
