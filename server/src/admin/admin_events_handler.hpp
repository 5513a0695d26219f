// GET /v1/admin/events: the newest stored events, for operators (Bearer adminToken).
//
// The store's read runs on a separate thread pool, never on an io thread; the answer is handed
// back through Respond. The response is
//   {"events":[{"id","source","messageId","receivedAt","event":<stored JSON>}]}, newest first.
#pragma once

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

 private:
  const std::string admin_token_;
  EventStore& store_;
  boost::asio::thread_pool& pool_;
};

/// The response body for `records` (exposed for tests).
std::string events_response_body(const std::vector<EventRecord>& records);

}  // namespace omni::collector::admin
