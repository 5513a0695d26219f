#include "admin/export_stream.hpp"

#include <exception>
#include <utility>

#include <boost/asio/post.hpp>

#include "admin/admin_events_handler.hpp"
#include "log.hpp"

namespace omni::collector::admin {

ExportPageSource::ExportPageSource(EventStore& store, boost::asio::thread_pool& pool,
                                   ExportQuery query)
    : store_(store), pool_(pool), query_(query) {}

http::Page ExportPageSource::read_page() {
  http::Page page;
  if (!store_.export_page(query_, &records_)) {
    page.ok = false;
    return page;
  }
  for (const EventRecord& record : records_) {
    page.data += event_item_json(record);
    page.data += '\n';
  }
  events_read_ += records_.size();
  page.last = records_.size() < query_.limit;
  if (!records_.empty()) query_.after_id = records_.back().id;
  return page;
}

void ExportPageSource::next(Deliver deliver) {
  boost::asio::post(pool_, [self = shared_from_this(), deliver = std::move(deliver)] {
    http::Page page;
    try {
      page = self->read_page();
    } catch (const std::exception&) {  // allocation failure: cut the stream, keep the process
      page = http::Page{};
      page.ok = false;
    }
    if (!page.ok) {
      log_error("export cut: a store read failed",
                {{"route", "admin_export"}, {"eventsSent", self->events_read()}});
    }
    deliver(std::move(page));
  });
}

}  // namespace omni::collector::admin
