// The operator routes over stored events (Bearer adminToken):
//  - GET /v1/admin/events: one page, newest first,
//      {"events":[{"id","source","messageId","receivedAt","event":<stored JSON>}],"next":"<c>"}
//    with "next" only when older events exist; ?after=<c> continues below that event.
//  - GET /v1/admin/export: every matching event, oldest first, as NDJSON (one item per line),
//    streamed page by page with chunked encoding (admin/export_stream.hpp).
//
// Store reads run on a separate thread pool, never on an io thread; the answer is handed back
// through Respond. Bad parameters are answered 400 before anything is read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/thread_pool.hpp>

#include "http/message.hpp"
#include "http/responses.hpp"
#include "store/event_store.hpp"

namespace omni::collector::admin {

class AdminEventsHandler {
 public:
  AdminEventsHandler(std::string admin_token, EventStore& store, boost::asio::thread_pool& pool);

  void handle(const http::Request& request, std::string_view query, http::ReplyContext ctx,
              http::Respond respond);
  void handle_export(const http::Request& request, std::string_view query,
                     http::ReplyContext ctx, http::Respond respond);

 private:
  const std::string admin_token_;
  EventStore& store_;
  boost::asio::thread_pool& pool_;
};

/// The response body for `records`, with "next" when `next_cursor` is not 0 (exposed for tests).
std::string events_response_body(const std::vector<EventRecord>& records,
                                 std::int64_t next_cursor = 0);

/// One event item as compact JSON, the same object in both routes (no trailing newline).
std::string event_item_json(const EventRecord& record);

}  // namespace omni::collector::admin
