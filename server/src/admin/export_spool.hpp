// Writes an export's NDJSON to an anonymous temporary file, page by page, so that memory stays
// bounded by one page (kExportPageRows rows) however many events match.
//
// Why a file and not HTTP chunks straight from the store: the session's Response set (in
// http/message.hpp) holds in-memory, file and header-only bodies; a file body lets Beast's
// serializer send the export in pieces on the io thread without new session machinery. The
// file is unlinked as soon as it is created, so it disappears with the response.
//
// Runs on a worker thread (it blocks on the store and the disk). Thread-safe as the store is.
#pragma once

#include <boost/beast/http/file_body.hpp>

#include "store/event_store.hpp"

namespace omni::collector::admin {

/// Reads every event matching `query` (from query.after_id, query.limit rows per read) oldest
/// first and writes one event_item_json line per event into a new temporary file, which
/// `body` then owns, positioned at its start. False when a store read fails or the file cannot
/// be made or written (the caller answers an error instead of a truncated export).
bool spool_export(EventStore& store, const ExportQuery& query,
                  boost::beast::http::file_body::value_type* body);

}  // namespace omni::collector::admin
