#include "json_number.hpp"

#include <cstddef>
#include <limits>

namespace omni::json::number {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

const char* skip_digits(const char* p, const char* end) {
  while (p != end && is_digit(*p)) ++p;
  return p;
}

// A number's significant digits read left to right across its integer and fraction parts, as
// if the decimal point were not there.
class Digits {
 public:
  Digits(std::string_view integer, std::string_view fraction)
      : integer_(integer), fraction_(fraction) {}
  std::size_t size() const { return integer_.size() + fraction_.size(); }
  char operator[](std::size_t i) const {
    return i < integer_.size() ? integer_[i] : fraction_[i - integer_.size()];
  }

 private:
  std::string_view integer_;
  std::string_view fraction_;
};

// An exponent this large already puts any non-zero number far outside int64; clamping keeps the
// arithmetic below from overflowing on "1e99999999999999999999".
constexpr std::int64_t kExponentClamp = 1000000;

}  // namespace

const char* scan(const char* p, const char* end, const char** fail_at) {
  if (p != end && *p == '-') ++p;
  if (p == end || !is_digit(*p)) {
    *fail_at = p;
    return nullptr;
  }
  // A leading zero stands alone: "01" is the number 0 followed by a stray "1", which the
  // caller reports as trailing text.
  p = *p == '0' ? p + 1 : skip_digits(p, end);
  if (p != end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p)) {
      *fail_at = p;
      return nullptr;
    }
    p = skip_digits(p, end);
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (p == end || !is_digit(*p)) {
      *fail_at = p;
      return nullptr;
    }
    p = skip_digits(p, end);
  }
  return p;
}

bool is_number(std::string_view text) {
  const char* fail_at = nullptr;
  const char* end = text.data() + text.size();
  return !text.empty() && scan(text.data(), end, &fail_at) == end;
}

bool to_int64(std::string_view text, bool truncate, std::int64_t* out) {
  std::size_t i = 0;
  const bool negative = text[i] == '-';
  if (negative) ++i;
  const std::size_t integer_at = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view integer = text.substr(integer_at, i - integer_at);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_at = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(fraction_at, i - fraction_at);
  }
  std::int64_t exponent = 0;
  if (i < text.size()) {  // 'e' or 'E'
    ++i;
    const bool exponent_negative = text[i] == '-';
    if (text[i] == '-' || text[i] == '+') ++i;
    for (; i < text.size(); ++i) {
      if (exponent < kExponentClamp) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }

  // value = digits[first, last] * 10^scale, with no leading or trailing zeros in that range.
  const Digits digits(integer, fraction);
  std::size_t first = 0;
  while (first < digits.size() && digits[first] == '0') ++first;
  if (first == digits.size()) {  // 0, -0, 0.000, 0e9
    *out = 0;
    return true;
  }
  std::size_t last = digits.size();  // one past
  while (digits[last - 1] == '0') --last;
  std::int64_t scale = exponent - static_cast<std::int64_t>(fraction.size()) +
                       static_cast<std::int64_t>(digits.size() - last);
  if (scale < 0) {
    if (!truncate) return false;
    // Drop the fractional digits; what remains may be nothing ("0.5" -> 0).
    const auto significant = static_cast<std::int64_t>(last - first);
    if (-scale >= significant) {
      *out = 0;
      return true;
    }
    last -= static_cast<std::size_t>(-scale);
    scale = 0;
  }

  const std::uint64_t limit = negative ? std::uint64_t{1} << 63
                                       : static_cast<std::uint64_t>(
                                             std::numeric_limits<std::int64_t>::max());
  std::uint64_t magnitude = 0;
  auto push_digit = [&](std::uint64_t digit) {
    if (magnitude > (limit - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
    return true;
  };
  for (std::size_t k = first; k < last; ++k) {
    if (!push_digit(static_cast<std::uint64_t>(digits[k] - '0'))) return false;
  }
  // The magnitude is not zero here, so this loop overflows within 19 rounds at most.
  for (std::int64_t k = 0; k < scale; ++k) {
    if (!push_digit(0)) return false;
  }
  if (!negative) {
    *out = static_cast<std::int64_t>(magnitude);
  } else if (magnitude == limit) {
    *out = std::numeric_limits<std::int64_t>::min();
  } else {
    *out = -static_cast<std::int64_t>(magnitude);
  }
  return true;
}

}  // namespace omni::json::number
