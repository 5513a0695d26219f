// Strict UTF-8 decoding, one sequence at a time (internal to the core).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace omni::utf8 {

struct Sequence {
  std::size_t length;  // bytes consumed: the whole sequence, or its maximal ill-formed subpart
  bool valid;
};

/// Reads the sequence that starts at text[i] (i < text.size()). Strict: no overlong forms, no
/// UTF-16 surrogates, nothing above U+10FFFF. An invalid sequence consumes its maximal
/// ill-formed subpart (at least one byte), as Unicode's "substitution of maximal subparts" and
/// browsers' TextDecoder do, so each one becomes a single U+FFFD.
inline Sequence next(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return {1, true};
  std::size_t width = 0;
  // Bounds of the first continuation byte; later ones are 80..BF.
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    width = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    width = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    width = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // above U+10FFFF
  } else {
    return {1, false};
  }
  std::size_t k = 1;
  for (; k < width; ++k) {
    if (i + k >= text.size()) return {k, false};
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if (byte < low || byte > high) return {k, false};
    low = 0x80;
    high = 0xbf;
  }
  return {width, true};
}

/// True when every sequence of `text` is valid. ASCII runs cost one comparison per byte.
inline bool is_valid(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const Sequence sequence = next(text, i);
    if (!sequence.valid) return false;
    i += sequence.length;
  }
  return true;
}

/// Appends `text` with each ill-formed sequence replaced by U+FFFD.
inline void append_lossy(std::string& out, std::string_view text) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  out.reserve(out.size() + text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Sequence sequence = next(text, i);
    if (sequence.valid) {
      out.append(text.data() + i, sequence.length);
    } else {
      out += kReplacement;
    }
    i += sequence.length;
  }
}

}  // namespace omni::utf8
