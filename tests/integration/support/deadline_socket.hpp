// A non-blocking TCP connection to a loopback address whose every read and write waits at most
// until a deadline. Beast's synchronous http::read / http::write take it as their stream
// (SyncReadStream / SyncWriteStream), which gives the blocking client real timeouts: asio's own
// synchronous sockets ignore SO_RCVTIMEO and would hang a test on a wedged server.
//
// Errors are reported through error_code (timed_out when the deadline passes). Not thread-safe.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

namespace omni::integration {

using SteadyTime = std::chrono::steady_clock::time_point;

/// Connects a non-blocking, close-on-exec TCP socket to host:port (numeric IPv4 or IPv6),
/// waiting until `deadline`. Returns the descriptor, or -1 with `error` set.
int connect_with_deadline(const std::string& host, std::uint16_t port, SteadyTime deadline,
                          boost::system::error_code& error);

/// poll()s `fd` for `events` until `deadline`; returns the revents, or 0 with `error` set to
/// timed_out (or the poll error).
short wait_for_fd(int fd, short events, SteadyTime deadline, boost::system::error_code& error);

class DeadlineSocket {
 public:
  DeadlineSocket() = default;
  ~DeadlineSocket() { close(); }
  DeadlineSocket(const DeadlineSocket&) = delete;
  DeadlineSocket& operator=(const DeadlineSocket&) = delete;

  void connect(const std::string& host, std::uint16_t port, SteadyTime deadline,
               boost::system::error_code& error);
  bool is_open() const { return fd_ >= 0; }
  void close();
  int native_handle() const { return fd_; }

  /// Deadline for the reads and writes that follow.
  void set_deadline(SteadyTime deadline) { deadline_ = deadline; }

  /// True when the peer has already closed or sent something unasked for: a kept-alive
  /// connection in that state must not be reused.
  bool stale() const;

  /// True when a write stopped because the peer had sent data (its answer) before taking the
  /// whole request, as a server does when it refuses an oversized body early.
  bool peer_answered_early() const { return answered_early_; }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& error) {
    const boost::asio::mutable_buffer target = first_non_empty<boost::asio::mutable_buffer>(buffers);
    error = {};
    if (target.size() == 0) return 0;
    return read_into(target.data(), target.size(), error);
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code error;
    const std::size_t n = read_some(buffers, error);
    if (error) throw boost::system::system_error(error);
    return n;
  }

  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& error) {
    const boost::asio::const_buffer source = first_non_empty<boost::asio::const_buffer>(buffers);
    error = {};
    if (source.size() == 0) return 0;
    return write_from(source.data(), source.size(), error);
  }

  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code error;
    const std::size_t n = write_some(buffers, error);
    if (error) throw boost::system::system_error(error);
    return n;
  }

 private:
  template <class Buffer, class Sequence>
  static Buffer first_non_empty(const Sequence& buffers) {
    const auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it) {
      Buffer buffer(*it);
      if (buffer.size() != 0) return buffer;
    }
    return Buffer();
  }

  std::size_t read_into(void* data, std::size_t size, boost::system::error_code& error);
  std::size_t write_from(const void* data, std::size_t size, boost::system::error_code& error);

  int fd_ = -1;
  SteadyTime deadline_ = SteadyTime::max();
  bool answered_early_ = false;
};

}  // namespace omni::integration
