#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "omni/effects.hpp"
#include "omni/memory_storage.hpp"

TEST_CASE("identical seeds give identical streams and different seeds differ", "[random]") {
  omni::SeededRandom a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    auto va = a.next_u64();
    CHECK(va == b.next_u64());
    CHECK(va != c.next_u64());
  }
}

TEST_CASE("byte seeds that differ in any byte give different streams", "[random]") {
  std::array<std::uint8_t, 32> seed{};
  omni::SeededRandom base(seed.data(), seed.size());
  seed[31] = 1;
  omni::SeededRandom changed(seed.data(), seed.size());
  CHECK(base.next_u64() != changed.next_u64());
}

TEST_CASE("uniform stays below its bound and reaches every value", "[random]") {
  omni::SeededRandom r(1);
  std::vector<int> seen(10, 0);
  for (int i = 0; i < 10000; ++i) {
    auto v = r.uniform(10);
    REQUIRE(v < 10);
    seen[v]++;
  }
  for (int count : seen) CHECK(count > 800);  // ~1000 each
}

TEST_CASE("memory storage applies a batch whole and scans a prefix in key order", "[storage]") {
  omni::MemoryStorage s;
  omni::WriteBatch b;
  b.put("q/2", "two");
  b.put("q/1", "one");
  b.put("r/1", "other");
  REQUIRE(s.apply(b).ok());

  std::vector<std::pair<std::string, std::string>> rows;
  REQUIRE(s.scan("q/", &rows).ok());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == "q/1");
  CHECK(rows[1].second == "two");

  omni::WriteBatch e;
  e.erase("q/1");
  REQUIRE(s.apply(e).ok());
  std::string v;
  CHECK(s.get("q/1", &v).code() == omni::ErrorCode::kNotFound);
  REQUIRE(s.get("q/2", &v).ok());
  CHECK(v == "two");
}

TEST_CASE("a journaled memory storage records each applied batch once", "[storage]") {
  omni::MemoryStorage s;
  s.enable_journal();
  omni::WriteBatch b;
  b.put("k", "v");
  REQUIRE(s.apply(b).ok());
  auto j = s.take_journal();
  REQUIRE(j.size() == 1);
  CHECK(j[0].ops[0].key == "k");
  CHECK(s.take_journal().empty());
}
