// JSON for the core: one value type, a strict parser and a compact serializer.
//
// Why not a general-purpose library: the core's needs are small (parse untrusted text, walk and
// modify objects, build events, serialize compactly) and every byte reaches the browser as wasm.
// Keeping each number as its validated JSON text means no strtod and no float printing at all,
// and any number a browser sends comes back out exactly as it was written.
//
// Contract
//  * Nothing here throws or aborts. A call on the wrong kind of value is harmless and says what
//    it does below (a null pointer, a fallback, false, or an empty container).
//  * Every string in a Value (keys too) is valid UTF-8. Text from C++ is made valid on the way in:
//    each ill-formed sequence becomes U+FFFD, as a browser's TextDecoder does. Callers that must
//    refuse such text instead check is_valid_utf8() first. So dump() never fails.
//  * Numbers keep their JSON text: parse validates it against RFC 8259's grammar and keeps it
//    verbatim ("-0", "1e400", "0.10" stay as written); integers from C++ are written in decimal.
//  * Objects keep their members in insertion order with unique keys. Lookups are linear, which
//    is the fast choice for event-sized objects.
//  * Depth: parse() refuses input nested deeper than `max_depth`, and its recursion is bounded
//    by it (64 levels by default, far within a 64 KB wasm stack). Copying, comparing, dumping and
//    destroying a value recurse once per level of nesting too; the core never builds values
//    deeper than what it parsed plus a few levels, so those stay bounded as well.
//  * Values are plain data: no shared state, safe to use from several threads as long as one
//    value is not written while another thread reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "omni/status.hpp"

namespace omni::json {

/// Nesting deeper than this is refused by default: deep enough for any real event (Segment
/// payloads nest 4-6 levels), shallow enough to keep every recursion small.
inline constexpr std::size_t kMaxDepth = 64;

enum class Kind : std::uint8_t { kNull, kBoolean, kNumber, kString, kArray, kObject };

/// "null", "boolean", "number", "string", "array" or "object", for messages.
const char* kind_name(Kind kind);

struct Member;
class Parser;  // json_parse.cpp: builds values in place

class Value {
  // A character is text, not a number; and neither it nor a floating-point number may slip
  // into the bool constructor by implicit conversion.
  template <typename T>
  static constexpr bool kIsCharacter = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                       std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;
  template <typename T>
  static constexpr bool kIsInteger =
      std::is_integral_v<T> && !std::is_same_v<T, bool> && !kIsCharacter<T>;

 public:
  Value() noexcept : kind_(Kind::kNull), boolean_(false) {}
  Value(std::nullptr_t) noexcept : Value() {}  // NOLINT: implicit by design, as in JSON
  Value(bool b) noexcept : kind_(Kind::kBoolean), boolean_(b) {}  // NOLINT
  template <typename Int, std::enable_if_t<kIsInteger<Int>, int> = 0>
  Value(Int n) : Value() {  // NOLINT
    if constexpr (std::is_signed_v<Int>) {
      init_integer(static_cast<std::int64_t>(n));
    } else {
      init_integer(static_cast<std::uint64_t>(n));
    }
  }
  /// A string. Ill-formed UTF-8 becomes U+FFFD (one per maximal ill-formed subpart).
  Value(std::string text);       // NOLINT
  Value(std::string_view text);  // NOLINT
  /// A null pointer makes a null value, not a crash.
  Value(const char* text);  // NOLINT
  /// Any other pointer would silently become a boolean.
  template <typename T, std::enable_if_t<!std::is_same_v<std::remove_cv_t<T>, char>, int> = 0>
  Value(T*) = delete;
  /// No floating point (a number is text: use number()), and a char is not a number.
  template <typename T,
            std::enable_if_t<std::is_floating_point_v<T> || kIsCharacter<T>, int> = 0>
  Value(T) = delete;

  static Value object();
  static Value array();
  /// A number from its JSON text ("19.5", "-3", "1e-7"); nullopt when `text` is not exactly one
  /// number by RFC 8259's grammar (no spaces, no "+1", no ".5", no "NaN").
  static std::optional<Value> number(std::string_view text);

  Value(const Value& other);
  Value(Value&& other) noexcept;
  /// Assignment from a value inside this one (v = std::move(*v.find("a"))) is safe.
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBoolean; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  // ---- Scalars -------------------------------------------------------------------------------

  /// The boolean, or `fallback` for any other kind.
  bool bool_or(bool fallback) const { return kind_ == Kind::kBoolean ? boolean_ : fallback; }
  /// The string, or nullptr for any other kind.
  const std::string* as_string() const { return kind_ == Kind::kString ? &text_ : nullptr; }
  /// The string, or `fallback` for any other kind.
  std::string_view string_or(std::string_view fallback) const {
    return kind_ == Kind::kString ? std::string_view(text_) : fallback;
  }
  /// Moves the string out (leaving "" behind); "" for any other kind.
  std::string take_string();
  /// A number's JSON text, or nullptr for any other kind.
  const std::string* number_text() const { return kind_ == Kind::kNumber ? &text_ : nullptr; }
  /// The number as an int64 when its value is an integer in range. The value counts, not the
  /// spelling: "12", "12.0", "1.2e1" and "1200e-2" all give 12, "-0" gives 0. False for
  /// "12.5", numbers outside int64 and every other kind; *out is then unchanged.
  bool to_int64(std::int64_t* out) const;
  /// The integer part of the number (truncated toward zero: "1732312345678.5" gives
  /// 1732312345678, "-0.9" gives 0), without floating point. False when that part is outside
  /// int64 or for every other kind; *out is then unchanged.
  bool to_int64_truncated(std::int64_t* out) const;

  // ---- Containers ----------------------------------------------------------------------------

  /// Members of an object or items of an array; 0 for every other kind (strings included).
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  /// An array's items; an empty list for every other kind.
  const std::vector<Value>& items() const;
  /// An object's members in insertion order; an empty list for every other kind.
  const std::vector<Member>& members() const;
  /// An array's item; nullptr past the end or for every other kind.
  const Value* at(std::size_t index) const;
  Value* at(std::size_t index);
  /// An object's member value; nullptr when absent or for every other kind.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  // Mutators. An object mutator (operator[], set) on a value that is not an object first turns
  // it into an empty object, and push_back on a value that is not an array first turns it into
  // an empty array, discarding what it held: building a value never fails. Check the kind first
  // when the value came from outside. Keys are made valid UTF-8 like strings.

  /// The member's value, inserted as null at the end when absent.
  Value& operator[](std::string_view key);
  /// Sets a member: replaces the value in place when the key exists, else appends it.
  void set(std::string_view key, Value value);
  /// Removes a member, keeping the others' order; false when absent or not an object.
  bool erase(std::string_view key);
  void push_back(Value item);
  /// Moves an array's items or an object's members out (leaving it empty); empty for other kinds.
  std::vector<Value> take_items();
  std::vector<Member> take_members();

  // ---- Text ----------------------------------------------------------------------------------

  /// Compact JSON: no spaces; `"`, `\` and control characters escaped (\b \f \n \r \t, the others
  /// as \u00XX); everything else, non-ASCII included, written as is. Never fails.
  std::string dump() const;
  /// The same, appended to `out` (reuse one buffer across many values).
  void dump_to(std::string& out) const;

  /// Structural equality, for tests: same kind; numbers with the same text (so 1 != 1.0);
  /// arrays item by item; objects with the same keys and equal values, in any order.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  friend class Parser;

  struct NumberText {};
  Value(NumberText, std::string text) noexcept;  // text already validated

  void init_integer(std::int64_t n);
  void init_integer(std::uint64_t n);
  void construct_from(Value&& other) noexcept;
  void destroy() noexcept;
  void become_object();

  Kind kind_;
  union {
    bool boolean_;
    std::string text_;              // kNumber (its JSON text) and kString
    std::vector<Value> items_;      // kArray
    std::vector<Member> members_;   // kObject
  };
};

/// One member of an object. Read through Value::members(); the object keeps keys unique.
struct Member {
  std::string key;
  Value value;
};

/// Parses `text` strictly by RFC 8259: one value with optional whitespace (space, tab, CR, LF)
/// around it; no comments, trailing commas, NaN, Infinity, single quotes or leading zeros.
/// Strings must be valid UTF-8 (raw bytes), every escape is decoded, and a surrogate escape
/// that is not half of a pair ("\ud800", which JSON.stringify writes for a lone JS surrogate)
/// becomes U+FFFD. When a key repeats, the last value wins and keeps the first one's place, as
/// JSON.parse does. Arrays and objects nest at most `max_depth` levels.
/// Fails with InvalidJson, whose message names the byte offset and what was expected:
/// "invalid JSON at byte 7: expected ':'".
Result<Value> parse(std::string_view text, std::size_t max_depth = kMaxDepth);

/// Why parse_into failed: the nesting limit (valid JSON refused) or anything else.
struct ParseError {
  bool too_deep = false;   // valid so far, but nested deeper than max_depth
  std::size_t offset = 0;  // the byte at fault
  std::string message;     // as parse() reports it
};

/// parse(), for callers that answer the two failures differently (the collector reports too
/// deep nesting as an invalid request, not as malformed JSON). On failure *out is unspecified.
bool parse_into(std::string_view text, Value* out, ParseError* error,
                std::size_t max_depth = kMaxDepth);

/// True when `text` is strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Appends `text` as a JSON string literal (quotes included, escaped as dump() does), without
/// building a Value. Ill-formed UTF-8 is written as U+FFFD.
void append_quoted(std::string& out, std::string_view text);

}  // namespace omni::json
