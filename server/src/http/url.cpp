#include "http/url.hpp"

namespace omni::collector::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void split_target(std::string_view target, std::string_view* path, std::string_view* query) {
  const std::size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) {
    *path = target;
    *query = {};
  } else {
    *path = target.substr(0, q);
    *query = target.substr(q + 1);
  }
}

bool percent_decode(std::string_view text, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return false;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      const int byte = hi * 16 + lo;
      if (byte == 0) return false;
      out->push_back(static_cast<char>(byte));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    std::string key;
    std::string value;
    if (!percent_decode(piece.substr(0, eq), true, &key)) return false;
    if (eq != std::string_view::npos && !percent_decode(piece.substr(eq + 1), true, &value)) {
      return false;
    }
    out->emplace_back(std::move(key), std::move(value));
  }
  return true;
}

}  // namespace omni::collector::http
