#include "support/deadline_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cstring>

namespace omni::integration {
namespace {

boost::system::error_code errno_code(int value) {
  return boost::system::error_code(value, boost::system::system_category());
}

int milliseconds_until(SteadyTime deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (deadline <= now) return 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
  // Round up so a wait never returns just before its deadline; cap to poll's int range.
  return static_cast<int>(std::min<long long>(left + 1, 1000 * 60 * 60));
}

}  // namespace

short wait_for_fd(int fd, short events, SteadyTime deadline, boost::system::error_code& error) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, milliseconds_until(deadline));
    if (ready > 0) {
      error = {};
      return entry.revents;
    }
    if (ready == 0) {
      error = boost::asio::error::timed_out;
      return 0;
    }
    if (errno != EINTR) {
      error = errno_code(errno);
      return 0;
    }
  }
}

int connect_with_deadline(const std::string& host, std::uint16_t port, SteadyTime deadline,
                          boost::system::error_code& error) {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_INET;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    error = boost::asio::error::host_not_found;
    return -1;
  }

  const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_code(errno);
    return -1;
  }
  // Requests go out in one piece; do not let Nagle hold back a small write.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    if (errno != EINPROGRESS) {
      error = errno_code(errno);
      ::close(fd);
      return -1;
    }
    if (wait_for_fd(fd, POLLOUT, deadline, error) == 0) {
      ::close(fd);
      return -1;
    }
    int pending = 0;
    socklen_t size = sizeof pending;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &size) != 0) pending = errno;
    if (pending != 0) {
      error = errno_code(pending);
      ::close(fd);
      return -1;
    }
  }
  error = {};
  return fd;
}

void DeadlineSocket::connect(const std::string& host, std::uint16_t port, SteadyTime deadline,
                             boost::system::error_code& error) {
  close();
  fd_ = connect_with_deadline(host, port, deadline, error);
}

void DeadlineSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  answered_early_ = false;
}

bool DeadlineSocket::stale() const {
  if (fd_ < 0) return true;
  pollfd entry{fd_, POLLIN, 0};
  // Readable on an idle connection means EOF, a reset or stray bytes: all make it unusable.
  return ::poll(&entry, 1, 0) != 0;
}

std::size_t DeadlineSocket::read_into(void* data, std::size_t size,
                                      boost::system::error_code& error) {
  for (;;) {
    const ssize_t n = ::recv(fd_, data, size, 0);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == 0) {
      error = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      error = errno_code(errno);
      return 0;
    }
    if (wait_for_fd(fd_, POLLIN, deadline_, error) == 0) return 0;
  }
}

std::size_t DeadlineSocket::write_from(const void* data, std::size_t size,
                                       boost::system::error_code& error) {
  for (;;) {
    const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      error = errno_code(errno);
      return 0;
    }
    const short ready = wait_for_fd(fd_, POLLIN | POLLOUT, deadline_, error);
    if (ready == 0) return 0;
    if ((ready & POLLIN) != 0 && (ready & POLLOUT) == 0) {
      // The server has answered (or closed) while we still had request bytes to send.
      answered_early_ = true;
      error = boost::asio::error::connection_aborted;
      return 0;
    }
  }
}

}  // namespace omni::integration
