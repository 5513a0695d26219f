#include "support/events.hpp"

#include <cstdint>
#include <random>

namespace omni::integration {
namespace {

std::mt19937_64& thread_generator() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return generator;
}

}  // namespace

std::string random_uuid_v4() {
  std::uint64_t high = thread_generator()();
  std::uint64_t low = thread_generator()();
  high = (high & ~std::uint64_t{0xF000}) | std::uint64_t{0x4000};          // version 4
  low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60);  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  const auto put = [&](std::uint64_t bits, int nibbles) {
    for (int shift = (nibbles - 1) * 4; shift >= 0; shift -= 4) {
      text += kHex[(bits >> shift) & 0xF];
    }
  };
  put(high >> 32, 8);
  text += '-';
  put(high >> 16, 4);
  text += '-';
  put(high, 4);
  text += '-';
  put(low >> 48, 4);
  text += '-';
  put(low, 12);
  return text;
}

nlohmann::json track_event(std::string_view name, std::string message_id,
                           std::string anonymous_id) {
  return {{"type", "track"},
          {"event", std::string(name)},
          {"messageId", std::move(message_id)},
          {"anonymousId", std::move(anonymous_id)},
          {"timestamp", "2026-11-22T19:22:42.123Z"},
          {"properties", {{"step", 1}}}};
}

nlohmann::json product_viewed(std::string message_id, std::string anonymous_id) {
  nlohmann::json event = track_event("Product Viewed", std::move(message_id),
                                     std::move(anonymous_id));
  event["properties"] = {{"product_id", "sku-4711"},
                         {"name", "Trail Runner 2"},
                         {"category", "Shoes"},
                         {"price", 89.9},
                         {"currency", "EUR"}};
  event["context"] = {{"page", {{"path", "/p/trail-runner-2"}, {"title", "Trail Runner 2"}}}};
  return event;
}

nlohmann::json event_for_route(std::string_view type, std::string message_id) {
  nlohmann::json event = {{"messageId", std::move(message_id)},
                          {"anonymousId", "anon-routes"},
                          {"timestamp", "2026-11-22T19:22:42.123Z"}};
  if (type == "track") {
    event["event"] = "Cart Viewed";
    event["properties"] = {{"cart_id", "c-1"}};
  } else if (type == "page") {
    event["name"] = "Home";
    event["properties"] = {{"path", "/"}};
  } else if (type == "screen") {
    event["name"] = "Basket";
    event["properties"] = {{"items", 2}};
  } else if (type == "identify") {
    event["userId"] = "user-routes";
    event["traits"] = {{"plan", "gold"}};
  } else if (type == "alias") {
    event["userId"] = "user-routes";
    event["previousId"] = "anon-routes";
  } else if (type == "group") {
    event["groupId"] = "group-routes";
    event["traits"] = {{"name", "Acme"}};
  }
  return event;
}

std::vector<nlohmann::json> product_views(std::size_t count) {
  std::vector<nlohmann::json> events;
  events.reserve(count);
  for (std::size_t i = 0; i < count; ++i) events.push_back(product_viewed());
  return events;
}

std::vector<std::string> message_ids(const std::vector<nlohmann::json>& events) {
  std::vector<std::string> ids;
  ids.reserve(events.size());
  for (const nlohmann::json& event : events) {
    const auto id = event.find("messageId");
    ids.push_back(id != event.end() && id->is_string() ? id->get<std::string>() : std::string());
  }
  return ids;
}

}  // namespace omni::integration
