// The message types shared by the session and the handlers.
//
// A handler answers through Respond exactly once, from any thread: the session posts the
// response to its own strand before writing it. Responses are a closed set of Beast messages
// (JSON/text in memory, a file streamed from disk, headers only for HEAD, and a body streamed
// page by page from a PageSource with chunked transfer encoding: http/stream_body.hpp).
#pragma once

#include <functional>
#include <variant>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/stream_body.hpp"

namespace omni::collector::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using StringResponse = beast_http::response<beast_http::string_body>;
using FileResponse = beast_http::response<beast_http::file_body>;
using HeadResponse = beast_http::response<beast_http::empty_body>;
using StreamResponse = beast_http::response<StreamBody>;

using Response = std::variant<StringResponse, FileResponse, HeadResponse, StreamResponse>;

/// Hands the response to the session. Copyable, callable from any thread, call exactly once.
using Respond = std::function<void(Response)>;

}  // namespace omni::collector::http
