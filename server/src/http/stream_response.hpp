// Builds a streamed response (StreamResponse) from its first page and the source of the rest.
//
// HTTP/1.1 clients get `Transfer-Encoding: chunked` and may keep the connection alive
// afterwards. HTTP/1.0 has no chunked encoding: the body then ends when the connection closes
// (Connection: close), so such a client cannot tell a cut stream from a complete one; the
// export's documentation says to use HTTP/1.1.
#pragma once

#include <memory>
#include <string_view>

#include "http/message.hpp"
#include "http/page_source.hpp"
#include "http/responses.hpp"

namespace omni::collector::http {

/// `first` must have been produced successfully (first.ok): a failure before anything is sent
/// is answered with an ordinary error response instead. `source` gives the pages after `first`
/// and is not asked when first.last.
StreamResponse stream_response(beast_http::status status, std::string_view content_type,
                               Page first, std::shared_ptr<PageSource> source,
                               const ReplyContext& ctx);

}  // namespace omni::collector::http
