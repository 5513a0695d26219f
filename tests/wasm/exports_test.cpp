#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Function names declared in the ABI header: every identifier "omni_x" directly followed by "(".
std::set<std::string> declared_functions(const std::string& header) {
  std::set<std::string> names;
  for (std::size_t at = header.find("omni_"); at != std::string::npos; at = header.find("omni_", at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(header[at - 1])) || header[at - 1] == '_')) continue;
    std::size_t end = at;
    while (end < header.size() && (std::isalnum(static_cast<unsigned char>(header[end])) || header[end] == '_')) ++end;
    if (end < header.size() && header[end] == '(') names.insert(header.substr(at, end - at));
  }
  return names;
}

}  // namespace

TEST_CASE("the wasm export list names exactly the functions the ABI header declares", "[abi]") {
  const std::string dir = std::string(OMNI_SOURCE_DIR) + "/sdk/wasm/";
  auto declared = declared_functions(read_file(dir + "omni_abi.h"));
  REQUIRE(declared.size() >= 10);

  auto list = nlohmann::json::parse(read_file(dir + "exports.json"), nullptr, false);
  REQUIRE(list.is_array());
  std::set<std::string> exported;
  for (const auto& item : list) {
    REQUIRE(item.is_string());
    std::string name = item.get<std::string>();
    REQUIRE(name.rfind("_omni_", 0) == 0);  // Emscripten names C symbols with a leading underscore
    CHECK(exported.insert(name.substr(1)).second);  // no name twice
  }
  CHECK(exported == declared);
}

TEST_CASE("the header scan finds declarations and ignores mentions in comments", "[abi]") {
  auto names = declared_functions("/* see omni_free */\nchar* omni_next(uint32_t h);\nvoid xomni_y(void);\n");
  CHECK(names == std::set<std::string>{"omni_next"});
}
