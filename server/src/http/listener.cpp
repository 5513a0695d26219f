#include "http/listener.hpp"

#include <chrono>

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace omni::collector::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, RequestHandler& handler, ConnectionRegistry& registry,
                   const SessionSettings& settings, std::size_t max_connections)
    : ioc_(ioc),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      retry_timer_(strand_),
      handler_(handler),
      registry_(registry),
      settings_(settings),
      max_connections_(max_connections) {}

bool Listener::open(const tcp::endpoint& endpoint, std::string* error) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = ec.message();
    return false;
  }
  return true;
}

tcp::endpoint Listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::run() {
  net::post(strand_, beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(strand_, [self = shared_from_this()] {
    beast::error_code ec;
    self->retry_timer_.cancel();
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  const std::size_t open = registry_.size();
  if (open >= 2 * max_connections_) {
    beast::error_code close_ec;
    socket.close(close_ec);
  } else if (open >= max_connections_) {
    std::make_shared<HttpSession>(std::move(socket), handler_, registry_, settings_)->reject_busy();
  } else {
    std::make_shared<HttpSession>(std::move(socket), handler_, registry_, settings_)->run();
  }
  do_accept();
}

}  // namespace omni::collector::http
