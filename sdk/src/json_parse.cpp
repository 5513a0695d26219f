// The strict RFC 8259 parser behind omni::json::parse (contract in omni/json.hpp).
//
// Recursive descent over the text, building Values in place. Recursion goes one level per
// array or object and stops at max_depth, so the stack it needs is bounded by the caller.
// Strings are copied in runs of plain bytes; UTF-8 is validated as it is met.
#include "omni/json.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "json_chars.hpp"
#include "json_number.hpp"
#include "utf8.hpp"

namespace omni::json {
namespace {

// Objects up to this many members find a repeated key by scanning; larger ones (rare: a 32 KB
// object of small members has ~3,000) switch to a hash index so parsing stays linear.
constexpr std::size_t kLinearKeySearch = 16;

std::uint32_t hash_key(std::string_view key) {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

// Open-addressing index from key to member position, for one large object being parsed. The
// members' vector moves as it grows, so every call is given where they are now.
class KeyIndex {
 public:
  // Indexes first[0, count) (whose keys are unique).
  void build(const Member* first, std::size_t count) {
    slots_.assign(capacity_for(count), 0);
    for (std::size_t i = 0; i < count; ++i) place(first[i].key, i);
  }
  bool built() const { return !slots_.empty(); }

  // The position of `key` among first[0, position), or inserts `position` for it and returns it.
  std::size_t find_or_insert(const Member* first, std::string_view key, std::size_t position) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash_key(key) & mask;; slot = (slot + 1) & mask) {
      if (slots_[slot] == 0) break;
      if (first[slots_[slot] - 1].key == key) return slots_[slot] - 1;
    }
    if (2 * (position + 1) > slots_.size()) build(first, position);  // keep it half empty
    place(key, position);
    return position;
  }

 private:
  static std::size_t capacity_for(std::size_t count) {
    std::size_t capacity = 64;
    while (capacity < 4 * count) capacity *= 2;
    return capacity;
  }
  void place(std::string_view key, std::size_t position) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = hash_key(key) & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = position + 1;
  }

  std::vector<std::size_t> slots_;  // member position + 1; 0 is an empty slot
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

constexpr std::uint32_t kReplacementCharacter = 0xfffd;

}  // namespace

class Parser {
 public:
  Parser(std::string_view text, std::size_t max_depth, ParseError* error)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()),
        max_depth_(max_depth), error_(error) {}

  bool parse_document(Value* out) {
    skip_space();
    if (!parse_value(out, 0)) return false;
    skip_space();
    if (p_ != end_) return fail(p_, "expected end of input");
    return true;
  }

 private:
  bool fail(const char* at, const char* what) {
    error_->offset = static_cast<std::size_t>(at - begin_);
    char digits[24];
    const auto printed = std::to_chars(digits, digits + sizeof digits, error_->offset);
    error_->message = "invalid JSON at byte ";
    error_->message.append(digits, printed.ptr);
    error_->message += ": ";
    error_->message += what;
    return false;
  }

  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // Every value is parsed into a fresh null Value (the document's, or a container's next item
  // or member), so these build it in place instead of moving a finished one in.
  static std::string& make_text(Value* out, Kind kind, std::string_view text = {}) {
    new (&out->text_) std::string(text);
    out->kind_ = kind;
    return out->text_;
  }
  static std::vector<Value>& make_array(Value* out) {
    new (&out->items_) std::vector<Value>();
    out->kind_ = Kind::kArray;
    return out->items_;
  }
  static std::vector<Member>& make_object(Value* out) {
    new (&out->members_) std::vector<Member>();
    out->kind_ = Kind::kObject;
    return out->members_;
  }

  // `depth`: arrays and objects already open around this value.
  bool parse_value(Value* out, std::size_t depth) {
    if (p_ == end_) return fail(p_, "expected a value");
    switch (*p_) {
      case '{':
        return parse_object(out, depth);
      case '[':
        return parse_array(out, depth);
      case '"':
        return parse_string(&make_text(out, Kind::kString));
      case 't':
        if (!literal("true")) return fail(p_, "expected a value");
        *out = Value(true);
        return true;
      case 'f':
        if (!literal("false")) return fail(p_, "expected a value");
        *out = Value(false);
        return true;
      case 'n':
        if (!literal("null")) return fail(p_, "expected a value");
        *out = Value();
        return true;
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return parse_number(out);
        return fail(p_, "expected a value");
    }
  }

  bool enter(std::size_t depth) {
    if (depth < max_depth_) return true;
    error_->too_deep = true;
    fail(p_, "nested deeper than ");
    char digits[24];
    const auto printed = std::to_chars(digits, digits + sizeof digits, max_depth_);
    error_->message.append(digits, printed.ptr);
    error_->message += " levels";
    return false;
  }

  bool parse_number(Value* out) {
    const char* fail_at = nullptr;
    const char* start = p_;
    const char* stop = number::scan(p_, end_, &fail_at);
    if (stop == nullptr) return fail(fail_at, "expected a digit");
    p_ = stop;
    make_text(out, Kind::kNumber, std::string_view(start, static_cast<std::size_t>(stop - start)));
    return true;
  }

  bool parse_array(Value* out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++p_;  // '['
    std::vector<Value>& items = make_array(out);
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      items.emplace_back();
      if (!parse_value(&items.back(), depth + 1)) return false;
      skip_space();
      if (p_ == end_) return fail(p_, "expected ',' or ']'");
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return fail(p_, "expected ',' or ']'");
      ++p_;
    }
  }

  bool parse_object(Value* out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++p_;  // '{'
    std::vector<Member>& members = make_object(out);
    KeyIndex index;
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return fail(p_, "expected a string key");
      members.emplace_back();
      Member& member = members.back();
      if (!parse_string(&member.key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return fail(p_, "expected ':'");
      ++p_;
      skip_space();
      if (!parse_value(&member.value, depth + 1)) return false;
      keep_last_of_repeated_key(members, &index);
      skip_space();
      if (p_ == end_) return fail(p_, "expected ',' or '}'");
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return fail(p_, "expected ',' or '}'");
      ++p_;
    }
  }

  // The member just appended repeats an earlier key: as JSON.parse does, its value replaces the
  // earlier one, which keeps its place, and the new entry goes.
  static void keep_last_of_repeated_key(std::vector<Member>& members, KeyIndex* index) {
    const std::size_t last = members.size() - 1;
    const std::string& key = members[last].key;
    std::size_t earlier = last;
    if (last < kLinearKeySearch) {
      for (std::size_t i = 0; i < last; ++i) {
        if (members[i].key == key) {
          earlier = i;
          break;
        }
      }
    } else {
      if (!index->built()) index->build(members.data(), last);
      earlier = index->find_or_insert(members.data(), key, last);
    }
    if (earlier == last) return;
    members[earlier].value = std::move(members[last].value);
    members.pop_back();
  }

  bool parse_string(std::string* out) {
    ++p_;  // '"'
    const char* run = p_;
    for (;;) {
      while (p_ != end_ && chars::is_plain(*p_)) ++p_;
      if (p_ == end_) return fail(p_, "expected '\"' to end the string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out->append(run, p_);
        ++p_;
        return true;
      }
      if (c == '\\') {
        out->append(run, p_);
        if (!parse_escape(out)) return false;
        run = p_;
        continue;
      }
      if (c < 0x20) return fail(p_, "control character in a string (it must be escaped)");
      const std::string_view rest(p_, static_cast<std::size_t>(end_ - p_));
      const utf8::Sequence sequence = utf8::next(rest, 0);
      if (!sequence.valid) return fail(p_, "invalid UTF-8 in a string");
      p_ += sequence.length;
    }
  }

  // Reads the four hex digits of the "\u" escape at p_ into *unit; false (reported at the
  // first byte that is not one) otherwise.
  bool read_unit(std::uint32_t* unit) {
    std::uint32_t value = 0;
    for (int i = 2; i < 6; ++i) {
      const int digit = p_ + i < end_ ? hex_digit(p_[i]) : -1;
      if (digit < 0) return fail(p_ + i < end_ ? p_ + i : end_, "expected a hex digit");
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    *unit = value;
    p_ += 6;
    return true;
  }

  bool parse_escape(std::string* out) {
    if (end_ - p_ < 2) return fail(p_ + 1, "expected an escape character");
    const char kind = p_[1];
    if (kind == 'u') {
      std::uint32_t unit = 0;
      if (!read_unit(&unit)) return false;
      if (unit >= 0xdc00 && unit <= 0xdfff) {
        unit = kReplacementCharacter;  // a low surrogate without its high half
      } else if (unit >= 0xd800 && unit <= 0xdbff) {
        // A high surrogate counts only when a low one follows; else it stands alone and
        // becomes U+FFFD, and whatever follows is read on its own.
        std::uint32_t low = 0;
        const bool paired = end_ - p_ >= 2 && p_[0] == '\\' && p_[1] == 'u';
        if (paired) {
          const char* before = p_;
          if (!read_unit(&low)) return false;
          if (low >= 0xdc00 && low <= 0xdfff) {
            append_code_point(*out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
            return true;
          }
          p_ = before;
        }
        unit = kReplacementCharacter;
      }
      append_code_point(*out, unit);
      return true;
    }
    char decoded = 0;
    switch (kind) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      default: return fail(p_ + 1, "expected an escape character (\" \\ / b f n r t u)");
    }
    *out += decoded;
    p_ += 2;
    return true;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::size_t max_depth_;
  ParseError* error_;
};

bool parse_into(std::string_view text, Value* out, ParseError* error, std::size_t max_depth) {
  *error = ParseError();
  Parser parser(text, max_depth, error);
  return parser.parse_document(out);
}

Result<Value> parse(std::string_view text, std::size_t max_depth) {
  Value value;
  ParseError error;
  if (!parse_into(text, &value, &error, max_depth)) {
    return Status::InvalidJson(std::move(error.message));
  }
  return value;
}

}  // namespace omni::json
