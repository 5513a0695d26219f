// Segment-style events for tests: random UUIDv4 message ids (what server-side libraries and
// other SDKs send) and small, valid events of each type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace omni::integration {

/// RFC 9562 UUIDv4, lower-case; thread-safe (a generator per thread, seeded from the OS).
std::string random_uuid_v4();

/// A valid track event: {"type":"track","event":name,"messageId","anonymousId",properties}.
nlohmann::json track_event(std::string_view name, std::string message_id,
                           std::string anonymous_id = "anon-integration");

/// "Product Viewed" with e-commerce properties and a page context; the common test event.
nlohmann::json product_viewed(std::string message_id = random_uuid_v4(),
                              std::string anonymous_id = "anon-integration");

/// A valid event of `type` (track, page, screen, identify, alias, group) with every field that
/// type requires, and no "type" key: the single-event routes imply it.
nlohmann::json event_for_route(std::string_view type, std::string message_id);

/// `count` product_viewed events with fresh random ids.
std::vector<nlohmann::json> product_views(std::size_t count);

/// The messageIds of `events`, in order.
std::vector<std::string> message_ids(const std::vector<nlohmann::json>& events);

}  // namespace omni::integration
