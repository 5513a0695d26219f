#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <limits>
#include <map>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "omni/json.hpp"
#include "support/json_support.hpp"

using omni::json::Kind;
using omni::json::Value;
using omni::testing::json_of;

namespace {

// The value's compact text after a round trip through the parser; fails the test on a parse
// error.
std::string canonical(std::string_view text) { return json_of(text).dump(); }

omni::json::ParseError parse_error(std::string_view text, std::size_t max_depth = 64) {
  Value value;
  omni::json::ParseError error;
  const bool ok = omni::json::parse_into(text, &value, &error, max_depth);
  INFO("parsed: " << value.dump());
  REQUIRE_FALSE(ok);
  return error;
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A random value: every kind, strings of arbitrary bytes (made valid UTF-8 on the way in) and
// numbers in every JSON spelling.
Value random_value(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 8 : 6);
  switch (kind) {
    case 0:
      return *rc::gen::element(Value(nullptr), Value(true), Value(false));
    case 1:
      return *rc::gen::arbitrary<std::int64_t>();
    case 2:
      return *rc::gen::arbitrary<std::uint64_t>();
    case 3: {
      std::string text = *rc::gen::element<std::string>("", "-");
      text += *rc::gen::element<std::string>("0", "7", "12", "900719925474099312345");
      if (*rc::gen::arbitrary<bool>()) text += "." + std::to_string(*rc::gen::inRange(0, 100000));
      if (*rc::gen::arbitrary<bool>()) {
        text += *rc::gen::element<std::string>("e", "E", "e+", "e-", "E-");
        text += std::to_string(*rc::gen::inRange(0, 500));
      }
      const auto number = Value::number(text);
      RC_ASSERT(number.has_value());
      return *number;
    }
    case 4:
    case 5:
      return *rc::gen::arbitrary<std::string>();
    case 6: {
      Value items = Value::array();
      const int count = *rc::gen::inRange(0, 5);
      for (int i = 0; i < count; ++i) items.push_back(random_value(depth - 1));
      return items;
    }
    default: {
      Value members = Value::object();
      const int count = *rc::gen::inRange(0, 5);
      for (int i = 0; i < count; ++i) {
        members.set(*rc::gen::arbitrary<std::string>(), random_value(depth - 1));
      }
      return members;
    }
  }
}

}  // namespace

// ---- Grammar: accepted ---------------------------------------------------------------------

TEST_CASE("every RFC 8259 form is accepted and comes back compact", "[json][parse]") {
  struct Case {
    const char* text;
    const char* dump;
  };
  const Case cases[] = {
      // Literals.
      {"null", "null"},
      {"true", "true"},
      {"false", "false"},
      // Numbers keep their text, whatever the spelling.
      {"0", "0"},
      {"-0", "-0"},
      {"7", "7"},
      {"-123", "-123"},
      {"1.5", "1.5"},
      {"0.10", "0.10"},
      {"-1.5e10", "-1.5e10"},
      {"1E+2", "1E+2"},
      {"1e-2", "1e-2"},
      {"-0.0e-0", "-0.0e-0"},
      {"1e400", "1e400"},
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      // Strings: escapes are decoded and written back in the compact form.
      {R"("")", R"("")"},
      {R"("abc")", R"("abc")"},
      {R"("\" \\ \/ \b \f \n \r \t")", R"("\" \\ / \b \f \n \r \t")"},
      {R"("\u0041\u00e9\u20AC")", "\"A\xC3\xA9\xE2\x82\xAC\""},
      {R"("\uD834\uDD1E")", "\"\xF0\x9D\x84\x9E\""},
      {R"("\uDBFF\uDFFF")", "\"\xF4\x8F\xBF\xBF\""},
      {R"("\u0000\u001F\u007f")", "\"\\u0000\\u001f\x7F\""},
      {"\"caf\xC3\xA9 \xE2\x98\x95 \xF0\x9D\x84\x9E\"", "\"caf\xC3\xA9 \xE2\x98\x95 \xF0\x9D\x84\x9E\""},
      {"\"\x7F\"", "\"\x7F\""},
      // Structure and the four whitespace characters.
      {"[]", "[]"},
      {"{}", "{}"},
      {"[1,2]", "[1,2]"},
      {" [ 1 , [ ] , { } ] ", "[1,[],{}]"},
      {"\t\r\n{ \"a\" : [ null ] , \"b\":{\"c\":\"d\"} }\n", R"({"a":[null],"b":{"c":"d"}})"},
      {R"({"":0})", R"({"":0})"},
      {R"([[[["deep"]]]])", R"([[[["deep"]]]])"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(canonical(c.text) == c.dump);
  }
}

TEST_CASE("parsed values have the kind their text names", "[json][parse]") {
  CHECK(json_of("null").kind() == Kind::kNull);
  CHECK(json_of("true").bool_or(false));
  CHECK_FALSE(json_of("false").bool_or(true));
  CHECK(*json_of("-1.5").number_text() == "-1.5");
  CHECK(*json_of(R"("a\nb")").as_string() == "a\nb");
  CHECK(json_of("[1,[2]]").size() == 2);
  CHECK(*json_of(R"({"a":{"b":[true]}})").find("a")->find("b")->at(0) == true);
  CHECK(json_of(R"("\u0000")").as_string()->size() == 1);
}

// ---- Grammar: refused ----------------------------------------------------------------------

TEST_CASE("text outside the grammar is refused with the byte and what was expected",
          "[json][parse]") {
  struct Case {
    std::string text;
    std::size_t offset;
    const char* expected;  // the message's tail
  };
  const Case cases[] = {
      // Nothing, or not a value.
      {"", 0, "expected a value"},
      {"   ", 3, "expected a value"},
      {"nul", 0, "expected a value"},
      {"True", 0, "expected a value"},
      {"NaN", 0, "expected a value"},
      {"Infinity", 0, "expected a value"},
      {"undefined", 0, "expected a value"},
      {"'a'", 0, "expected a value"},
      // Numbers.
      {"+1", 0, "expected a value"},
      {".5", 0, "expected a value"},
      {"-", 1, "expected a digit"},
      {"-Infinity", 1, "expected a digit"},
      {"- 1", 1, "expected a digit"},
      {"01", 1, "expected end of input"},
      {"-01", 2, "expected end of input"},
      {"1.", 2, "expected a digit"},
      {"1.e3", 2, "expected a digit"},
      {"1e", 2, "expected a digit"},
      {"1e+", 3, "expected a digit"},
      {"0x1F", 1, "expected end of input"},
      {"1 2", 2, "expected end of input"},
      // Strings.
      {R"("abc)", 4, "expected '\"' to end the string"},
      {R"("\)", 2, "expected an escape character"},
      {R"("\x")", 2, "expected an escape character (\" \\ / b f n r t u)"},
      {R"("\u12")", 5, "expected a hex digit"},
      {R"("\u12G4")", 5, "expected a hex digit"},
      {R"("\U0041")", 2, "expected an escape character (\" \\ / b f n r t u)"},
      {"\"a\tb\"", 2, "control character in a string (it must be escaped)"},
      {"\"a\nb\"", 2, "control character in a string (it must be escaped)"},
      {std::string("\"a\0b\"", 5), 2, "control character in a string (it must be escaped)"},
      // Raw bytes that are not UTF-8.
      {"\"\xFF\"", 1, "invalid UTF-8 in a string"},
      {"\"\xC0\xAF\"", 1, "invalid UTF-8 in a string"},          // overlong '/'
      {"\"\xED\xA0\x80\"", 1, "invalid UTF-8 in a string"},      // a UTF-16 surrogate
      {"\"\xF4\x90\x80\x80\"", 1, "invalid UTF-8 in a string"},  // past U+10FFFF
      {"\"\xE2\x82\"", 1, "invalid UTF-8 in a string"},          // truncated
      {"\"ok\xC3\"", 3, "invalid UTF-8 in a string"},            // truncated at the end
      {"\xEF\xBB\xBF[]", 0, "expected a value"},                  // a byte order mark
      // Structure.
      {"[", 1, "expected a value"},
      {"[1", 2, "expected ',' or ']'"},
      {"[1,]", 3, "expected a value"},
      {"[,1]", 1, "expected a value"},
      {"[1 2]", 3, "expected ',' or ']'"},
      {"[1]]", 3, "expected end of input"},
      {"{", 1, "expected a string key"},
      {R"({"a":1,})", 7, "expected a string key"},
      {"{,}", 1, "expected a string key"},
      {R"({"a"})", 4, "expected ':'"},
      {R"({"a" 1})", 5, "expected ':'"},
      {"{a:1}", 1, "expected a string key"},
      {"{'a':1}", 1, "expected a string key"},
      {R"({"a":1 "b":2})", 7, "expected ',' or '}'"},
      {R"({"a":1}})", 7, "expected end of input"},
      {R"({"a":)", 5, "expected a value"},
      // Comments and whitespace JSON does not have.
      {"// c\n1", 0, "expected a value"},
      {"/* c */ 1", 0, "expected a value"},
      {"[1]//", 3, "expected end of input"},
      {"\f[]", 0, "expected a value"},
      {"\v[]", 0, "expected a value"},
      {"\xC2\xA0[]", 0, "expected a value"},
      {std::string("[1]\0", 4), 3, "expected end of input"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const omni::json::ParseError error = parse_error(c.text);
    CHECK(error.offset == c.offset);
    CHECK_FALSE(error.too_deep);
    CHECK(error.message ==
          "invalid JSON at byte " + std::to_string(c.offset) + ": " + c.expected);
  }
}

TEST_CASE("parse reports invalid_json with the parser's message", "[json][parse]") {
  auto parsed = omni::json::parse(R"({"a" 1})");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == omni::ErrorCode::kInvalidJson);
  CHECK(parsed.status().message() == "invalid JSON at byte 5: expected ':'");
}

// ---- Depth ---------------------------------------------------------------------------------

TEST_CASE("nesting is limited while parsing, arrays and objects alike, inclusive of the limit",
          "[json][parse][depth]") {
  CHECK(omni::json::parse(nested_arrays(64)).ok());
  const omni::json::ParseError error = parse_error(nested_arrays(65));
  CHECK(error.too_deep);
  CHECK(error.offset == 64);
  CHECK(error.message == "invalid JSON at byte 64: nested deeper than 64 levels");

  std::string objects;
  for (int i = 0; i < 64; ++i) objects += R"({"a":)";
  objects += "1" + std::string(64, '}');
  CHECK(omni::json::parse(objects).ok());
  CHECK(parse_error(R"({"a":)" + objects + "}").too_deep);

  CHECK(omni::json::parse("[{}]", 2).ok());
  CHECK(parse_error("[{\"a\":[]}]", 2).too_deep);
  CHECK(omni::json::parse("\"scalars need no depth\"", 0).ok());
  CHECK(parse_error("[]", 0).too_deep);
  // Brackets inside strings are text, not nesting.
  CHECK(omni::json::parse(R"(["[[[[[[", "{{{{"])", 1).ok());
}

TEST_CASE("a body of 500,000 brackets is refused without deep recursion", "[json][parse][depth]") {
  const std::string deep(500000, '[');
  const omni::json::ParseError error = parse_error(deep);
  CHECK(error.too_deep);
  const std::string deep_objects = [] {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += R"({"a":)";
    return text;
  }();
  CHECK(parse_error(deep_objects).too_deep);
}

TEST_CASE("a syntax error is not a depth error", "[json][parse][depth]") {
  CHECK_FALSE(parse_error("[[1,]]").too_deep);
}

// ---- Repeated keys -------------------------------------------------------------------------

TEST_CASE("a repeated key keeps one entry, in the first place, with the last value",
          "[json][parse][duplicates]") {
  const Value value = json_of(R"({"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]},"a":"last"})");
  CHECK(value.dump() == R"({"a":"last","b":2,"c":{"x":[2]}})");
  CHECK(value.size() == 3);
}

TEST_CASE("repeated keys in an object of thousands of members are found", "[json][parse][duplicates]") {
  // About 32 KB of small members: past the linear search, through the hash index.
  std::string text = "{";
  for (int i = 0; i < 3000; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  text += R"("k7":"seven","k2999":"last","k10":null,"new":true})";
  const Value value = json_of(text);
  REQUIRE(value.size() == 3001);
  CHECK(*value.find("k7") == "seven");
  CHECK(*value.find("k2999") == "last");
  CHECK(value.find("k10")->is_null());
  CHECK(value.members()[7].key == "k7");  // in its first place
  CHECK(value.members()[3000].key == "new");
  CHECK(*value.find("k1500") == 1500);

  std::string twice = "{";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 2000; ++i) {
      twice += "\"key-" + std::to_string(i) + "\":" + std::to_string(round) + ",";
    }
  }
  twice.back() = '}';
  const Value repeated = json_of(twice);
  REQUIRE(repeated.size() == 2000);
  for (const auto& member : repeated.members()) CHECK(member.value == 1);
}

TEST_CASE("repeated keys agree with JSON.parse for any sequence of members",
          "[json][parse][duplicates]") {
  rc::prop("the last value wins and the first place is kept", [] {
    const auto keys = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 40));
    std::string text = "{";
    std::vector<int> order;        // keys in first-seen order
    std::map<int, std::size_t> last;  // key -> index of its last occurrence
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) text += ',';
      text += "\"" + std::to_string(keys[i]) + "\":" + std::to_string(i);
      if (last.count(keys[i]) == 0) order.push_back(keys[i]);
      last[keys[i]] = i;
    }
    text += "}";
    auto parsed = omni::json::parse(text);
    RC_ASSERT(parsed.ok());
    const auto& members = parsed.value().members();
    RC_ASSERT(members.size() == order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      RC_ASSERT(members[i].key == std::to_string(order[i]));
      RC_ASSERT(members[i].value == Value(last[order[i]]));
    }
  });
}

// ---- Surrogate escapes ---------------------------------------------------------------------

TEST_CASE("a surrogate escape that is not half of a pair becomes U+FFFD", "[json][parse][utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(*json_of(R"("\ud800")").as_string() == fffd);
  CHECK(*json_of(R"("\uDC00")").as_string() == fffd);
  CHECK(*json_of(R"("a\ud800b")").as_string() == "a" + fffd + "b");
  CHECK(*json_of(R"("\ud800\u0041")").as_string() == fffd + "A");
  CHECK(*json_of(R"("\ud800\n")").as_string() == fffd + "\n");
  CHECK(*json_of(R"("\ud800\"")").as_string() == fffd + "\"");
  CHECK(*json_of(R"("\udc00\ud800")").as_string() == fffd + fffd);
  CHECK(*json_of(R"("\ud800\ud800\udc00")").as_string() == fffd + "\xF0\x90\x80\x80");
  // What JSON.stringify writes for "\uD800" in a JS string survives the round trip as U+FFFD.
  CHECK(json_of(R"({"name":"x\ud800"})").dump() == "{\"name\":\"x" + fffd + "\"}");
  // After a high surrogate, a broken escape is still an error.
  CHECK(parse_error(R"("\ud800\u12")").offset == 11);
}

// ---- Building and UTF-8 --------------------------------------------------------------------

TEST_CASE("text from C++ is made valid UTF-8, keys too", "[json][value][utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(*Value(std::string("caf\xE9")).as_string() == "caf" + fffd);
  CHECK(*Value(std::string("\xED\xA0\x80")).as_string() == fffd + fffd + fffd);
  CHECK(*Value(std::string_view("\xF0\x9D\x84")).as_string() == fffd);
  CHECK(*Value("plain").as_string() == "plain");
  Value object = Value::object();
  object.set(std::string("\xC0\xAF"), 1);
  CHECK(object.members()[0].key == fffd + fffd);
  CHECK(object.dump() == "{\"" + fffd + fffd + "\":1}");

  CHECK(omni::json::is_valid_utf8("caf\xC3\xA9 \xF0\x9D\x84\x9E"));
  CHECK_FALSE(omni::json::is_valid_utf8("caf\xE9"));
  CHECK_FALSE(omni::json::is_valid_utf8("\xED\xBF\xBF"));
  CHECK(omni::json::is_valid_utf8(""));
}

TEST_CASE("a null C string makes a null value and other pointers are not values", "[json][value]") {
  const char* none = nullptr;
  CHECK(Value(none).is_null());
  static_assert(!std::is_constructible_v<Value, int*>, "a pointer must not become a boolean");
  static_assert(!std::is_constructible_v<Value, double>, "numbers from C++ are integers only");
  static_assert(!std::is_constructible_v<Value, char>, "a char is not a number or a boolean");
}

TEST_CASE("integers from C++ are written in decimal", "[json][value][number]") {
  CHECK(Value(0).dump() == "0");
  CHECK(Value(-42).dump() == "-42");
  CHECK(Value(std::uint16_t{65535}).dump() == "65535");
  CHECK(Value(std::numeric_limits<std::int64_t>::min()).dump() == "-9223372036854775808");
  CHECK(Value(std::numeric_limits<std::uint64_t>::max()).dump() == "18446744073709551615");
  CHECK(Value(std::size_t{3}).is_number());
  CHECK(Value(true).is_bool());  // bool is not an integer here
}

TEST_CASE("a number is made from its JSON text only when the text is one number",
          "[json][value][number]") {
  CHECK(Value::number("19.90")->dump() == "19.90");
  CHECK(Value::number("-0")->dump() == "-0");
  CHECK(Value::number("1e400")->dump() == "1e400");
  for (const char* bad : {"", " 1", "1 ", "+1", "01", ".5", "1.", "NaN", "1e", "0x10", "1,5"}) {
    INFO(bad);
    CHECK_FALSE(Value::number(bad).has_value());
  }
}

TEST_CASE("to_int64 reads integral values in any spelling and refuses the rest",
          "[json][value][number]") {
  struct Case {
    const char* text;
    bool ok;
    std::int64_t value;
  };
  const Case cases[] = {
      {"0", true, 0},
      {"-0", true, 0},
      {"12", true, 12},
      {"12.0", true, 12},
      {"1.2e1", true, 12},
      {"1200e-2", true, 12},
      {"0.00000000000000000000000012e26", true, 12},
      {"1E3", true, 1000},
      {"1732312345678", true, 1732312345678},
      {"9223372036854775807", true, std::numeric_limits<std::int64_t>::max()},
      {"-9223372036854775808", true, std::numeric_limits<std::int64_t>::min()},
      {"92233720368547758070e-1", true, std::numeric_limits<std::int64_t>::max()},
      {"0e99999999999999999999", true, 0},
      {"9223372036854775808", false, 0},
      {"-9223372036854775809", false, 0},
      {"1e19", false, 0},
      {"1e99999999999999999999", false, 0},
      {"12.5", false, 0},
      {"1732312345678.5", false, 0},
      {"1e-400", false, 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::int64_t out = -7;
    CHECK(Value::number(c.text)->to_int64(&out) == c.ok);
    CHECK(out == (c.ok ? c.value : -7));  // untouched on failure
  }
}

TEST_CASE("to_int64_truncated keeps the integer part without floating point",
          "[json][value][number]") {
  struct Case {
    const char* text;
    bool ok;
    std::int64_t value;
  };
  const Case cases[] = {
      {"1732312345678.5", true, 1732312345678},
      {"1732312345678", true, 1732312345678},
      {"-0.9", true, 0},
      {"-1.9", true, -1},
      {"0.5", true, 0},
      {"1e-400", true, 0},
      {"123.456e1", true, 1234},
      {"9223372036854775807.9", true, std::numeric_limits<std::int64_t>::max()},
      {"-9223372036854775808.5", true, std::numeric_limits<std::int64_t>::min()},
      {"9223372036854775808.5", false, 0},
      {"1e400", false, 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::int64_t out = -7;
    CHECK(Value::number(c.text)->to_int64_truncated(&out) == c.ok);
    CHECK(out == (c.ok ? c.value : -7));
  }
  std::int64_t out = -7;
  CHECK_FALSE(Value("12").to_int64(&out));
  CHECK_FALSE(Value(nullptr).to_int64_truncated(&out));
  CHECK(out == -7);
}

// ---- Access and mutation -------------------------------------------------------------------

TEST_CASE("objects keep insertion order; set replaces in place; erase keeps the rest",
          "[json][value]") {
  Value object = Value::object();
  object.set("b", 1);
  object.set("a", 2);
  object["c"];  // inserted as null
  object.set("b", "again");
  CHECK(object.dump() == R"({"b":"again","a":2,"c":null})");
  CHECK(object.erase("a"));
  CHECK_FALSE(object.erase("a"));
  CHECK(object.dump() == R"({"b":"again","c":null})");
  CHECK(object.contains("c"));
  CHECK_FALSE(object.contains("a"));
  object["d"]["e"] = 5;  // a null member becomes an object when used as one
  CHECK(object.dump() == R"({"b":"again","c":null,"d":{"e":5}})");

  Value array = Value::array();
  array.push_back(1);
  array.push_back(Value::object());
  CHECK(array.dump() == "[1,{}]");
  CHECK(array.at(1)->is_object());
  CHECK(array.at(2) == nullptr);
}

TEST_CASE("calls on the wrong kind are harmless and do what the header says", "[json][value]") {
  const Value number = 5;
  CHECK(number.as_string() == nullptr);
  CHECK(number.string_or("fallback") == "fallback");
  CHECK(number.bool_or(true));
  CHECK(number.size() == 0);
  CHECK(number.items().empty());
  CHECK(number.members().empty());
  CHECK(number.find("a") == nullptr);
  CHECK(number.at(0) == nullptr);
  CHECK(Value("text").size() == 0);
  CHECK(Value("text").number_text() == nullptr);
  CHECK(json_of("[1]").find("0") == nullptr);
  CHECK(json_of(R"({"a":1})").at(0) == nullptr);

  Value mutable_number = 5;
  CHECK_FALSE(mutable_number.erase("a"));
  CHECK(mutable_number.take_string().empty());
  CHECK(mutable_number == 5);
  CHECK(mutable_number.take_items().empty());
  CHECK(mutable_number.take_members().empty());
  CHECK(mutable_number == 5);

  Value array = json_of("[1,2]");
  array["key"] = true;  // an object mutator on an array makes it an object
  CHECK(array.dump() == R"({"key":true})");
  Value object = json_of(R"({"a":1})");
  object.push_back(3);  // and push_back on an object makes it an array
  CHECK(object.dump() == "[3]");
}

TEST_CASE("take_string and take_members move content out", "[json][value]") {
  Value text = "moved";
  CHECK(text.take_string() == "moved");
  CHECK(text == "");
  Value object = json_of(R"({"a":1,"b":[2]})");
  const auto members = object.take_members();
  REQUIRE(members.size() == 2);
  CHECK(members[1].key == "b");
  CHECK(object == Value::object());
  Value array = json_of("[1,2,3]");
  CHECK(array.take_items().size() == 3);
  CHECK(array == Value::array());
}

TEST_CASE("assigning a value from inside itself is safe", "[json][value]") {
  Value value = json_of(R"({"a":{"b":[1,{"c":"deep"}]}})");
  value = std::move(*value.find("a"));
  CHECK(value.dump() == R"({"b":[1,{"c":"deep"}]})");
  value = *value.find("b");  // a copy from inside
  CHECK(value.dump() == R"([1,{"c":"deep"}])");
  value = std::move(*value.at(1));
  CHECK(value.dump() == R"({"c":"deep"})");
  Value& self = value;
  value = self;
  value = std::move(self);
  CHECK(value.dump() == R"({"c":"deep"})");
}

TEST_CASE("equality is structural: member order does not count, number spelling does",
          "[json][value]") {
  CHECK(json_of(R"({"a":1,"b":[true,null]})") == json_of(R"({"b":[true,null],"a":1})"));
  CHECK(json_of(R"({"a":1})") != json_of(R"({"a":1,"b":2})"));
  CHECK(json_of(R"({"a":1,"b":2})") != json_of(R"({"a":1,"c":2})"));
  CHECK(json_of("[1,2]") != json_of("[2,1]"));
  CHECK(json_of("1") != json_of("1.0"));
  CHECK(json_of("1") == Value(1));
  CHECK(json_of(R"("1")") != Value(1));
  CHECK(json_of("null") == Value());
  CHECK(json_of("{}") != json_of("[]"));
}

// ---- Serialization -------------------------------------------------------------------------

TEST_CASE("dump escapes quotes, backslashes and control characters and nothing else",
          "[json][dump]") {
  const std::string text("\"\\\b\f\n\r\t\x01\x1f\x7f/\0 caf\xC3\xA9 \xF0\x9D\x84\x9E<>&'", 27);
  CHECK(Value(text).dump() ==
        "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\\u0000 caf\xC3\xA9 \xF0\x9D\x84\x9E<>&'\"");
  std::string out = "prefix:";
  json_of(R"({"a":[1,"x"]})").dump_to(out);
  CHECK(out == R"(prefix:{"a":[1,"x"]})");
}

TEST_CASE("append_quoted writes a string literal and repairs broken UTF-8", "[json][dump]") {
  std::string out;
  omni::json::append_quoted(out, "wk_\"1\"\n");
  CHECK(out == R"("wk_\"1\"\n")");
  out.clear();
  omni::json::append_quoted(out, "a\xFF" "b\xE2\x82");
  CHECK(out == "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
}

// ---- Properties ----------------------------------------------------------------------------

TEST_CASE("any value survives dump and parse unchanged, and dump is stable", "[json][property]") {
  rc::prop("parse(dump(v)) == v and dump(parse(dump(v))) == dump(v)", [] {
    const Value value = random_value(3);
    const std::string text = value.dump();
    auto parsed = omni::json::parse(text);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(parsed.value() == value);
    RC_ASSERT(parsed.value().dump() == text);
  });
}

TEST_CASE("any bytes either fail to parse or round-trip", "[json][property]") {
  const auto check_bytes = [](const std::string& bytes) {
    Value value;
    omni::json::ParseError error;
    if (!omni::json::parse_into(bytes, &value, &error)) {
      RC_ASSERT(error.offset <= bytes.size());
      RC_ASSERT(!error.message.empty());
      return;
    }
    const std::string text = value.dump();
    auto again = omni::json::parse(text);
    RC_ASSERT(again.ok());
    RC_ASSERT(again.value() == value);
    RC_ASSERT(again.value().dump() == text);
  };
  rc::prop("arbitrary bytes", [&](const std::string& bytes) { check_bytes(bytes); });
  rc::prop("valid JSON with a few bytes changed, inserted or removed", [&] {
    std::string text = random_value(3).dump();
    const int edits = *rc::gen::inRange(1, 4);
    for (int i = 0; i < edits; ++i) {
      const std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
      const char byte = *rc::gen::element('[', ']', '{', '}', '"', '\\', ',', ':', '0', '-', 'e',
                                          '.', ' ', 'u', '\x80', '\xff', '\x01');
      switch (*rc::gen::inRange(0, 3)) {
        case 0:
          text.insert(at, 1, byte);
          break;
        case 1:
          if (at < text.size()) text[at] = byte;
          break;
        default:
          if (at < text.size()) text.erase(at, 1);
          break;
      }
    }
    check_bytes(text);
  });
}
