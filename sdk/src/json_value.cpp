// omni::json::Value: construction, lifetime, access and mutation (contract in omni/json.hpp).
#include "omni/json.hpp"

#include <charconv>
#include <new>
#include <utility>

#include "json_number.hpp"
#include "utf8.hpp"

namespace omni::json {
namespace {

// Returned by reference for kinds that have no items or members, so that a loop over
// items() or members() of any value simply runs zero times.
const std::vector<Value>& no_items() {
  static const std::vector<Value> empty;
  return empty;
}

const std::vector<Member>& no_members() {
  static const std::vector<Member> empty;
  return empty;
}

std::string valid_utf8(std::string text) {
  if (utf8::is_valid(text)) return text;
  std::string repaired;
  utf8::append_lossy(repaired, text);
  return repaired;
}

template <typename Int>
std::string decimal(Int n) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  return std::string(buf, result.ptr);
}

}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBoolean: return "boolean";
    case Kind::kNumber: return "number";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
  }
  return "null";
}

// ---- Construction and lifetime -------------------------------------------------------------

Value::Value(std::string text) : kind_(Kind::kString), text_(valid_utf8(std::move(text))) {}

Value::Value(std::string_view text) : Value(std::string(text)) {}

Value::Value(const char* text) : Value() {
  if (text != nullptr) *this = Value(std::string(text));
}

Value::Value(NumberText, std::string text) noexcept
    : kind_(Kind::kNumber), text_(std::move(text)) {}

Value Value::object() {
  Value value;
  value.kind_ = Kind::kObject;
  new (&value.members_) std::vector<Member>();
  return value;
}

Value Value::array() {
  Value value;
  value.kind_ = Kind::kArray;
  new (&value.items_) std::vector<Value>();
  return value;
}

std::optional<Value> Value::number(std::string_view text) {
  if (!number::is_number(text)) return std::nullopt;
  return Value(NumberText{}, std::string(text));
}

void Value::init_integer(std::int64_t n) {
  new (&text_) std::string(decimal(n));
  kind_ = Kind::kNumber;
}

void Value::init_integer(std::uint64_t n) {
  new (&text_) std::string(decimal(n));
  kind_ = Kind::kNumber;
}

Value::Value(const Value& other) : Value() {
  switch (other.kind_) {
    case Kind::kNull:
      break;
    case Kind::kBoolean:
      boolean_ = other.boolean_;
      break;
    case Kind::kNumber:
    case Kind::kString:
      new (&text_) std::string(other.text_);
      break;
    case Kind::kArray:
      new (&items_) std::vector<Value>(other.items_);
      break;
    case Kind::kObject:
      new (&members_) std::vector<Member>(other.members_);
      break;
  }
  kind_ = other.kind_;
}

Value::Value(Value&& other) noexcept : Value() { construct_from(std::move(other)); }

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this == &other) return *this;
  // `other` may live inside this value: take it out before destroying what holds it.
  Value taken(std::move(other));
  destroy();
  construct_from(std::move(taken));
  return *this;
}

// Requires a null *this (nothing to destroy).
void Value::construct_from(Value&& other) noexcept {
  switch (other.kind_) {
    case Kind::kNull:
      break;
    case Kind::kBoolean:
      boolean_ = other.boolean_;
      break;
    case Kind::kNumber:
    case Kind::kString:
      new (&text_) std::string(std::move(other.text_));
      break;
    case Kind::kArray:
      new (&items_) std::vector<Value>(std::move(other.items_));
      break;
    case Kind::kObject:
      new (&members_) std::vector<Member>(std::move(other.members_));
      break;
  }
  kind_ = other.kind_;
}

Value::~Value() { destroy(); }

void Value::destroy() noexcept {
  switch (kind_) {
    case Kind::kNull:
    case Kind::kBoolean:
      break;
    case Kind::kNumber:
    case Kind::kString:
      text_.~basic_string();
      break;
    case Kind::kArray:
      items_.~vector();
      break;
    case Kind::kObject:
      members_.~vector();
      break;
  }
  kind_ = Kind::kNull;
  boolean_ = false;
}

// ---- Scalars -------------------------------------------------------------------------------

std::string Value::take_string() {
  if (kind_ != Kind::kString) return std::string();
  return std::exchange(text_, std::string());
}

bool Value::to_int64(std::int64_t* out) const {
  return kind_ == Kind::kNumber && number::to_int64(text_, /*truncate=*/false, out);
}

bool Value::to_int64_truncated(std::int64_t* out) const {
  return kind_ == Kind::kNumber && number::to_int64(text_, /*truncate=*/true, out);
}

// ---- Containers ----------------------------------------------------------------------------

std::size_t Value::size() const {
  if (kind_ == Kind::kArray) return items_.size();
  if (kind_ == Kind::kObject) return members_.size();
  return 0;
}

const std::vector<Value>& Value::items() const {
  return kind_ == Kind::kArray ? items_ : no_items();
}

const std::vector<Member>& Value::members() const {
  return kind_ == Kind::kObject ? members_ : no_members();
}

const Value* Value::at(std::size_t index) const {
  return kind_ == Kind::kArray && index < items_.size() ? &items_[index] : nullptr;
}

Value* Value::at(std::size_t index) {
  return kind_ == Kind::kArray && index < items_.size() ? &items_[index] : nullptr;
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const Member& member : members_) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value&>(*this).find(key));
}

void Value::become_object() {
  if (kind_ != Kind::kObject) *this = object();
}

Value& Value::operator[](std::string_view key) {
  become_object();
  if (Value* existing = find(key)) return *existing;
  members_.push_back(Member{valid_utf8(std::string(key)), Value()});
  return members_.back().value;
}

void Value::set(std::string_view key, Value value) {
  (*this)[key] = std::move(value);
}

bool Value::erase(std::string_view key) {
  if (kind_ != Kind::kObject) return false;
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->key == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

void Value::push_back(Value item) {
  if (kind_ != Kind::kArray) *this = array();
  items_.push_back(std::move(item));
}

std::vector<Value> Value::take_items() {
  if (kind_ != Kind::kArray) return {};
  return std::exchange(items_, std::vector<Value>());
}

std::vector<Member> Value::take_members() {
  if (kind_ != Kind::kObject) return {};
  return std::exchange(members_, std::vector<Member>());
}

// ---- Equality ------------------------------------------------------------------------------

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Kind::kNull:
      return true;
    case Kind::kBoolean:
      return a.boolean_ == b.boolean_;
    case Kind::kNumber:
    case Kind::kString:
      return a.text_ == b.text_;
    case Kind::kArray:
      return a.items_ == b.items_;
    case Kind::kObject:
      if (a.members_.size() != b.members_.size()) return false;
      // Keys are unique on both sides, so same size and every key of `a` in `b` is enough.
      for (const Member& member : a.members_) {
        const Value* other = b.find(member.key);
        if (other == nullptr || !(*other == member.value)) return false;
      }
      return true;
  }
  return false;
}

bool is_valid_utf8(std::string_view text) { return utf8::is_valid(text); }

}  // namespace omni::json
