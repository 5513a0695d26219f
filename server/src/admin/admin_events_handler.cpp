#include "admin/admin_events_handler.hpp"

#include <exception>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "admin/events_query.hpp"
#include "http/auth.hpp"
#include "omni/timestamp.hpp"

namespace omni::collector::admin {

using nlohmann::json;

AdminEventsHandler::AdminEventsHandler(std::string admin_token, EventStore& store,
                                       boost::asio::thread_pool& pool)
    : admin_token_(std::move(admin_token)), store_(store), pool_(pool) {}

std::string events_response_body(const std::vector<EventRecord>& records) {
  json events = json::array();
  for (const auto& record : records) {
    json event = json::parse(record.body, nullptr, false);
    if (event.is_discarded()) event = nullptr;  // a row not written by this collector
    events.push_back({{"id", record.id},
                      {"source", record.source},
                      {"messageId", record.message_id},
                      {"receivedAt", format_iso8601(record.received_at_ms)},
                      {"event", std::move(event)}});
  }
  json body = {{"events", std::move(events)}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

void AdminEventsHandler::handle(const http::Request& request, std::string_view query,
                                http::ReplyContext ctx, http::Respond respond) {
  if (!http::bearer_token_matches(request[http::beast_http::field::authorization],
                                  admin_token_)) {
    respond(http::unauthorized(ctx));
    return;
  }
  EventQuery event_query;
  std::string error;
  if (!parse_events_query(query, &event_query, &error)) {
    respond(http::invalid_request(ctx, error));
    return;
  }
  boost::asio::post(pool_, [this, event_query, ctx = std::move(ctx), respond] {
    try {
      const std::vector<EventRecord> records = store_.recent(event_query);
      respond(http::json_response(http::beast_http::status::ok, events_response_body(records),
                                  ctx));
    } catch (const std::exception&) {
      respond(http::store_unavailable(ctx));
    }
  });
}

}  // namespace omni::collector::admin
