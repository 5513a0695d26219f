// The pages of an export: the store read kExportPageRows rows at a time, oldest first, each
// page rendered as NDJSON (one event_item_json line per event), for a streamed response.
//
// read_page() blocks on the store and runs on the calling thread: the handler uses it for the
// first page (on the admin pool, so that a failure there is still an ordinary 503). next()
// posts the same read to the admin pool and delivers from there, so the session's strand never
// waits for the store. Each page's id cursor moves on only when the read succeeded, and ids
// only grow, so no event is skipped or repeated even while events keep arriving.
//
// Thread-safety: one page is produced at a time (the session asks again only after a delivery),
// so the members need no lock. Lifetime: the store and the pool must outlive the source; the
// collector joins the admin pool before it closes the store.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "http/page_source.hpp"
#include "store/event_store.hpp"

namespace omni::collector::admin {

class ExportPageSource final : public http::PageSource,
                               public std::enable_shared_from_this<ExportPageSource> {
 public:
  /// `query.limit` rows per page (parse_export_query sets kExportPageRows).
  ExportPageSource(EventStore& store, boost::asio::thread_pool& pool, ExportQuery query);

  /// Reads and renders the next page. ok=false when the store read fails; last=true once a read
  /// returns fewer rows than a page (an export whose size is a multiple of the page size ends
  /// with an empty last page).
  http::Page read_page();

  /// read_page() on the pool; a failure there is logged, because the client only sees a cut.
  void next(Deliver deliver) override;

  /// Events rendered so far.
  std::size_t events_read() const { return events_read_; }

 private:
  EventStore& store_;
  boost::asio::thread_pool& pool_;
  ExportQuery query_;
  std::vector<EventRecord> records_;  // reused between pages
  std::size_t events_read_ = 0;
};

}  // namespace omni::collector::admin
