#include <catch2/catch.hpp>

#include "omni/memory_storage.hpp"

using omni::ErrorCode;
using omni::MemoryStorage;
using omni::WriteBatch;

namespace {

WriteBatch put(const std::string& key, const std::string& value) {
  WriteBatch batch;
  batch.put(key, value);
  return batch;
}

}  // namespace

TEST_CASE("the journal records every batch applied after it is enabled", "[storage]") {
  MemoryStorage storage;
  REQUIRE(storage.apply(put("a", "1")).ok());
  storage.enable_journal();
  REQUIRE(storage.apply(put("b", "2")).ok());
  auto journal = storage.take_journal();
  REQUIRE(journal.size() == 1);
  CHECK(journal[0].ops[0].key == "b");
  CHECK(storage.take_journal().empty());
  std::string value;
  REQUIRE(storage.get("a", &value).ok());
  CHECK(value == "1");
}

TEST_CASE("after forget_data writes are only journaled and reads fail by name", "[storage]") {
  MemoryStorage storage;
  REQUIRE(storage.apply(put("q/1", "event")).ok());
  storage.forget_data();
  CHECK(storage.size() == 0);
  REQUIRE(storage.apply(put("q/2", "event")).ok());
  CHECK(storage.size() == 0);  // the host keeps it, not the wasm
  auto journal = storage.take_journal();
  REQUIRE(journal.size() == 1);
  CHECK(journal[0].ops[0].key == "q/2");
  std::string value;
  CHECK(storage.get("q/1", &value).code() == ErrorCode::kNotInitialized);
  std::vector<std::pair<std::string, std::string>> rows{{"x", "y"}};
  CHECK(storage.scan("q/", &rows).code() == ErrorCode::kNotInitialized);
  CHECK(rows.empty());
}
