// Compact serialization of omni::json::Value (contract in omni/json.hpp).
#include "omni/json.hpp"

#include <cstring>

#include "json_chars.hpp"
#include "utf8.hpp"

namespace omni::json {
namespace {

// The escape written for an ASCII byte, or nullptr when the byte is written as is.
const char* escape_of(unsigned char c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return nullptr;
  }
}

void append_control(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
  out.append(escaped, sizeof escaped);
}

void append_value(std::string& out, const Value& value) {
  switch (value.kind()) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBoolean:
      out += value.bool_or(false) ? "true" : "false";
      return;
    case Kind::kNumber:
      out += *value.number_text();
      return;
    case Kind::kString:
      append_quoted(out, *value.as_string());
      return;
    case Kind::kArray: {
      out += '[';
      bool first = true;
      for (const Value& item : value.items()) {
        if (!first) out += ',';
        first = false;
        append_value(out, item);
      }
      out += ']';
      return;
    }
    case Kind::kObject: {
      out += '{';
      bool first = true;
      for (const Member& member : value.members()) {
        if (!first) out += ',';
        first = false;
        append_quoted(out, member.key);
        out += ':';
        append_value(out, member.value);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void append_quoted(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && chars::is_plain(text[i])) ++i;
  if (i == text.size()) {
    // Most strings need no escape: write them with one resize instead of three appends.
    const std::size_t at = out.size();
    out.resize(at + text.size() + 2);
    char* p = &out[at];
    *p = '"';
    if (!text.empty()) std::memcpy(p + 1, text.data(), text.size());
    p[text.size() + 1] = '"';
    return;
  }
  out += '"';
  // Bytes that need no escape are copied in runs, not one by one.
  std::size_t run = 0;
  while (i < text.size()) {
    if (chars::is_plain(text[i])) {
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const utf8::Sequence sequence = utf8::next(text, i);
      if (sequence.valid) {
        i += sequence.length;
        continue;
      }
      out.append(text.data() + run, i - run);
      out += "\xEF\xBF\xBD";  // U+FFFD; never reached for a Value's strings
      i += sequence.length;
      run = i;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (const char* escape = escape_of(c)) {
      out += escape;
    } else {
      append_control(out, c);
    }
    run = ++i;
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

std::string Value::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

void Value::dump_to(std::string& out) const { append_value(out, *this); }

}  // namespace omni::json
