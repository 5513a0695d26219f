#include "admin/admin_events_handler.hpp"

#include <exception>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "admin/events_query.hpp"
#include "admin/export_query.hpp"
#include "admin/export_stream.hpp"
#include "http/auth.hpp"
#include "http/stream_response.hpp"
#include "omni/timestamp.hpp"

namespace omni::collector::admin {

using nlohmann::json;

AdminEventsHandler::AdminEventsHandler(std::string admin_token, EventStore& store,
                                       boost::asio::thread_pool& pool)
    : admin_token_(std::move(admin_token)), store_(store), pool_(pool) {}

namespace {

json event_item(const EventRecord& record) {
  json event = json::parse(record.body, nullptr, false);
  if (event.is_discarded()) event = nullptr;  // a row not written by this collector
  return {{"id", record.id},
          {"source", record.source},
          {"messageId", record.message_id},
          {"receivedAt", format_iso8601(record.received_at_ms)},
          {"event", std::move(event)}};
}

}  // namespace

std::string event_item_json(const EventRecord& record) {
  return event_item(record).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string events_response_body(const std::vector<EventRecord>& records,
                                 std::int64_t next_cursor) {
  json events = json::array();
  for (const auto& record : records) events.push_back(event_item(record));
  json body = {{"events", std::move(events)}};
  if (next_cursor != 0) body["next"] = format_cursor(next_cursor);
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
      // One row more than asked tells whether an older page exists.
      EventQuery look_ahead = event_query;
      look_ahead.limit = event_query.limit + 1;
      std::vector<EventRecord> records = store_.recent(look_ahead);
      std::int64_t next = 0;
      if (records.size() > event_query.limit) {
        records.resize(event_query.limit);
        next = records.back().id;
      }
      respond(http::json_response(http::beast_http::status::ok,
                                  events_response_body(records, next), ctx));
    } catch (const std::exception&) {
      respond(http::store_unavailable(ctx));
    }
  });
}

void AdminEventsHandler::handle_export(const http::Request& request, std::string_view query,
                                       http::ReplyContext ctx, http::Respond respond) {
  if (!http::bearer_token_matches(request[http::beast_http::field::authorization],
                                  admin_token_)) {
    respond(http::unauthorized(ctx));
    return;
  }
  ExportQuery export_query;
  std::string error;
  if (!parse_export_query(query, &export_query, &error)) {
    respond(http::invalid_request(ctx, error));
    return;
  }
  boost::asio::post(pool_, [this, export_query, ctx = std::move(ctx), respond] {
    try {
      // The first page is read before anything is sent, so a store that cannot be read is
      // still answered 503; the pages after it are read as the client takes them.
      auto source = std::make_shared<ExportPageSource>(store_, pool_, export_query);
      http::Page first = source->read_page();
      if (!first.ok) {
        respond(http::store_unavailable(ctx));
        return;
      }
      respond(http::stream_response(http::beast_http::status::ok, "application/x-ndjson",
                                    std::move(first), std::move(source), ctx));
    } catch (const std::exception&) {
      respond(http::store_unavailable(ctx));
    }
  });
}

}  // namespace omni::collector::admin
