// Which bytes of a JSON string need a closer look (internal to the core's JSON module).
#pragma once

#include <array>
#include <cstdint>

namespace omni::json::chars {

// True for the bytes a JSON string holds as they are, in the text and in a Value alike: ASCII
// other than '"', '\\' and the control characters. Everything else ends a run of plain bytes:
// an escape to read or write, the closing quote, or UTF-8 to validate. A table keeps the inner
// loops of the parser and the serializer to one load and one branch per byte.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return table;
}
inline constexpr std::array<bool, 256> kPlain = make_plain_table();

inline bool is_plain(char c) { return kPlain[static_cast<std::uint8_t>(c)]; }

}  // namespace omni::json::chars
