// Where a streamed response's body comes from: pages produced on demand, one at a time.
//
// The session pulls. It asks for the next page only after the previous one has been written to
// the client, so a slow reader slows the source down instead of making the collector buffer,
// and memory stays at about one page whatever the size of the whole body.
//
// Threads: next() is called on the session's strand and must not block it: a source that reads
// from disk or a database hands the work to its own thread (the export posts to the admin
// pool) and calls `deliver` from there. Ownership: the session owns the source (shared_ptr) for
// as long as the response is being written; a source must not outlive what it reads from.
#pragma once

#include <functional>
#include <string>

namespace omni::collector::http {

struct Page {
  /// False: producing the page failed (the source logs why). The response's headers are already
  /// on the wire, so the session ends the connection without the terminating chunk and the
  /// client sees a truncated transfer instead of a body that silently ends early.
  bool ok = true;
  /// The bytes to send. Empty only on the last page.
  std::string data;
  /// True: no page follows.
  bool last = false;
};

class PageSource {
 public:
  using Deliver = std::function<void(Page)>;

  virtual ~PageSource() = default;

  /// Produces the next page and calls `deliver` with it exactly once, from any thread. The
  /// session never calls next() again before `deliver` ran, nor after a page that was the last
  /// or failed.
  virtual void next(Deliver deliver) = 0;
};

}  // namespace omni::collector::http
