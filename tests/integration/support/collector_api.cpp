#include "support/collector_api.hpp"

#include <cstdint>

#include "support/collector_process.hpp"

namespace omni::integration {
namespace {

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                            (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                            std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

long long number_field(const HttpResponse& response, const char* name) {
  const nlohmann::json body = response.json();
  if (!body.is_object()) return -1;
  const auto found = body.find(name);
  if (found == body.end() || !found->is_number_integer()) return -1;
  return found->get<long long>();
}

}  // namespace

Header basic_auth(std::string_view write_key) {
  std::string credentials(write_key);
  credentials += ':';
  return {"Authorization", "Basic " + base64(credentials)};
}

Header bearer(std::string_view token) { return {"Authorization", "Bearer " + std::string(token)}; }

std::string batch_body(const std::vector<nlohmann::json>& events, const nlohmann::json& extra) {
  nlohmann::json body = extra.is_object() ? extra : nlohmann::json::object();
  body["batch"] = events;
  return body.dump();
}

HttpResponse post_batch(HttpClient& client, std::string_view write_key,
                        const std::vector<nlohmann::json>& events, std::vector<Header> headers) {
  headers.push_back(basic_auth(write_key));
  return client.post("/v1/batch", batch_body(events), std::move(headers));
}

HttpResponse post_event(HttpClient& client, std::string_view type, std::string_view write_key,
                        const nlohmann::json& event) {
  return client.post("/v1/" + std::string(type), event.dump(), {basic_auth(write_key)});
}

HttpResponse admin_events(HttpClient& client, std::string_view query) {
  std::string target = "/v1/admin/events";
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  return client.get(std::move(target), {bearer(kAdminToken)});
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                            byte == '_' || byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

long long accepted_of(const HttpResponse& response) { return number_field(response, "accepted"); }

long long duplicates_of(const HttpResponse& response) {
  return number_field(response, "duplicates");
}

}  // namespace omni::integration
