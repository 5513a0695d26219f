// The collector's routes as one-line calls, so tests read as what they check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace omni::integration {

/// "Authorization: Basic base64(writeKey + ':')": the key as user, empty password.
Header basic_auth(std::string_view write_key);
/// "Authorization: Bearer <token>".
Header bearer(std::string_view token);

/// {"batch":[events...]} plus the members of `extra` (context, writeKey, sentAt, ...).
std::string batch_body(const std::vector<nlohmann::json>& events,
                       const nlohmann::json& extra = nlohmann::json::object());

/// POST /v1/batch with Basic auth.
HttpResponse post_batch(HttpClient& client, std::string_view write_key,
                        const std::vector<nlohmann::json>& events,
                        std::vector<Header> headers = {});

/// POST /v1/<type> (track, page, ...) with one event and Basic auth.
HttpResponse post_event(HttpClient& client, std::string_view type, std::string_view write_key,
                        const nlohmann::json& event);

/// GET /v1/admin/events?<query> with the admin token of default_config().
HttpResponse admin_events(HttpClient& client, std::string_view query = {});

/// Percent-encodes everything but unreserved characters (RFC 3986), for query values.
std::string url_encode(std::string_view text);

/// "accepted" and "duplicates" of a 200 answer; -1 when absent or not a number.
long long accepted_of(const HttpResponse& response);
long long duplicates_of(const HttpResponse& response);

}  // namespace omni::integration
