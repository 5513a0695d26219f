// What a connection hands its requests to. The session owns the socket and the HTTP framing;
// the handler decides the answer.
#pragma once

#include <utility>

#include "http/client_ip.hpp"
#include "http/message.hpp"

namespace omni::collector::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  /// Handles one complete request and answers through `respond` exactly once, from any thread.
  /// Runs on the connection's strand; must not block on I/O (hand slow work to another thread).
  virtual void handle(Request&& request, Respond respond) = 0;

  /// What the session calls: the same, with the TCP peer address of the connection. Handlers
  /// that do not look at the peer need not override it; the dispatcher does (the client IP
  /// stored with events starts from it).
  virtual void handle(Request&& request, const IpAddress& peer, Respond respond) {
    static_cast<void>(peer);
    handle(std::move(request), std::move(respond));
  }

  /// The 413 answer to a request whose declared or received body is over the limit, built from
  /// its header alone (the body is not read). The session closes the connection after it.
  virtual StringResponse body_too_large(const Request& header) = 0;
};

}  // namespace omni::collector::http
