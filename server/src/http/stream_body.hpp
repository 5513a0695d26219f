// A Beast Body whose content arrives page by page from a PageSource, for responses too large to
// hold (the export). Only HttpSession writes it, through a serializer it keeps across writes.
//
// How the writing works (the pattern of Beast's buffer_body): the serializer asks the writer for
// the next buffer; the writer offers the current piece of the current page once, then answers
// `http::error::need_buffer`, which ends that async_write. The session then points the body at
// the next piece (or, once the page is written, fetches the next page) and writes again. With
// `Transfer-Encoding: chunked` each piece becomes one chunk; the terminating zero chunk is
// written only after the last piece of the last page. Pieces are bounded (kStreamPieceBytes) so
// that each write, and therefore the body timeout, measures a slice of the body rather than a
// whole page: a slow reader that keeps reading gets everything, one that stops is cut.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "http/page_source.hpp"

namespace omni::collector::http {

/// The most bytes one write (one chunk) carries.
inline constexpr std::size_t kStreamPieceBytes = 64 * 1024;

struct StreamBody {
  class value_type {
   public:
    value_type() = default;
    value_type(Page first, std::shared_ptr<PageSource> source)
        : source_(std::move(source)) {
      load(std::move(first));
    }

    /// Makes `page` the one being written, starting with its first piece. Not for a failed page.
    void load(Page page) {
      page_ = std::move(page.data);
      last_ = page.last;
      begin_ = 0;
      end_ = std::min(page_.size(), kStreamPieceBytes);
    }

    /// Moves to the next piece of the current page; false when the page has been written.
    bool advance() {
      if (end_ >= page_.size()) return false;
      begin_ = end_;
      end_ = std::min(page_.size(), begin_ + kStreamPieceBytes);
      return true;
    }

    /// True while something follows the current piece (more of the page, or another page).
    bool more_after_piece() const { return !last_ || end_ < page_.size(); }
    bool has_piece() const { return end_ > begin_; }
    boost::asio::const_buffer piece() const {
      return boost::asio::const_buffer(page_.data() + begin_, end_ - begin_);
    }
    /// Null for a response that was moved from.
    PageSource* source() const { return source_.get(); }
    /// The current page's bytes (tests look at the first page without a session).
    const std::string& page() const { return page_; }
    bool last() const { return last_; }

   private:
    std::shared_ptr<PageSource> source_;
    std::string page_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool last_ = true;
  };

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      if (!offered_ && body_.has_piece()) {
        offered_ = true;
        ec = {};
        return std::make_pair(body_.piece(), body_.more_after_piece());
      }
      offered_ = false;
      if (body_.more_after_piece()) {
        ec = boost::beast::http::error::need_buffer;  // the session supplies the next piece
      } else {
        ec = {};  // the body is complete
      }
      return boost::none;
    }

   private:
    const value_type& body_;
    bool offered_ = false;
  };
};

}  // namespace omni::collector::http
