// What a connection hands its requests to. The session owns the socket and the HTTP framing;
// the handler decides the answer.
#pragma once

#include "http/client_ip.hpp"
#include "http/message.hpp"

namespace omni::collector::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  /// Handles one complete request from the connection whose TCP peer is `peer` (the client IP
  /// stored with events starts from it) and answers exactly once through `respond`, possibly
  /// later and from another thread.
  virtual void handle(Request&& request, const IpAddress& peer, Respond respond) = 0;

  /// The 413 answer to a request whose declared or received body is over the limit, built from
  /// its header alone (the body is not read). The session closes the connection after it.
  virtual StringResponse body_too_large(const Request& header) = 0;
};

}  // namespace omni::collector::http
