#include "store/key_memory.hpp"

#include <rapidcheck.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <rapidcheck/catch.h>
#include <vector>

namespace {

using omni::collector::KeyMemory;

/// Every key of the frozen run, chunk by chunk, marking each chunk merged.
std::vector<KeyMemory::Key> drain_chunks(KeyMemory* keys, std::vector<std::size_t>* chunk_sizes) {
  std::vector<KeyMemory::Key> drained;
  while (keys->merging()) {
    const KeyMemory::Key* chunk = keys->chunk_begin();
    chunk_sizes->push_back(keys->chunk_size());
    drained.insert(drained.end(), chunk, chunk + keys->chunk_size());
    keys->chunk_merged();
  }
  return drained;
}

}  // namespace

TEST_CASE("an empty memory finds nothing", "[keys]") {
  KeyMemory keys(16);
  CHECK_FALSE(keys.find(42).has_value());
  CHECK_FALSE(keys.merging());
}

TEST_CASE("a committed key is found with its event id", "[keys]") {
  KeyMemory keys(16);
  keys.add_in_transaction(42, 7);
  CHECK(keys.find(42) == 7);  // visible inside its own transaction
  keys.commit_transaction();
  CHECK(keys.find(42) == 7);
  CHECK_FALSE(keys.find(43).has_value());
}

TEST_CASE("a rollback forgets the keys of its transaction and keeps committed ones", "[keys]") {
  KeyMemory keys(16);
  keys.add_in_transaction(1, 10);
  keys.commit_transaction();
  keys.load(2, 20);

  keys.add_in_transaction(3, 30);
  keys.add_in_transaction(4, 40);
  keys.rollback_transaction();

  CHECK(keys.find(1) == 10);
  CHECK(keys.find(2) == 20);
  CHECK_FALSE(keys.find(3).has_value());
  CHECK_FALSE(keys.find(4).has_value());

  // A rollback after a commit has nothing left to undo.
  keys.add_in_transaction(5, 50);
  keys.commit_transaction();
  keys.rollback_transaction();
  CHECK(keys.find(5) == 50);
}

TEST_CASE("loading a hash already held keeps the first event id", "[keys]") {
  KeyMemory keys(16);
  keys.load(9, 90);
  keys.load(9, 91);
  CHECK(keys.find(9) == 90);
}

TEST_CASE("clear forgets active and frozen keys", "[keys]") {
  KeyMemory keys(2);
  keys.load(1, 10);
  keys.load(2, 20);
  keys.freeze_if_full(2);
  REQUIRE(keys.merging());
  keys.load(3, 30);

  keys.clear();

  CHECK_FALSE(keys.merging());
  CHECK_FALSE(keys.find(1).has_value());
  CHECK_FALSE(keys.find(2).has_value());
  CHECK_FALSE(keys.find(3).has_value());
}

TEST_CASE("the memory freezes only when it holds the limit and no run is frozen", "[keys]") {
  KeyMemory keys(3);
  keys.load(30, 3);
  keys.load(10, 1);
  keys.freeze_if_full(3);
  CHECK_FALSE(keys.merging());

  keys.load(20, 2);
  keys.freeze_if_full(3);
  REQUIRE(keys.merging());
  CHECK(keys.frozen_max_event_id() == 3);
  CHECK(keys.chunk_size() == 3);
  CHECK(keys.chunk_is_last());
  const KeyMemory::Key* chunk = keys.chunk_begin();
  CHECK(std::vector<KeyMemory::Key>(chunk, chunk + 3) ==
        std::vector<KeyMemory::Key>{{10, 1}, {20, 2}, {30, 3}});

  // While a run is frozen, new keys go to the active map and are found there; a full active
  // map does not freeze again.
  keys.add_in_transaction(40, 4);
  keys.add_in_transaction(5, 5);
  keys.add_in_transaction(25, 6);
  keys.commit_transaction();
  keys.freeze_if_full(3);
  CHECK(keys.chunk_size() == 3);
  CHECK(keys.frozen_max_event_id() == 3);
  for (std::int64_t hash : {10, 20, 30, 40, 5, 25}) CHECK(keys.find(hash).has_value());
}

TEST_CASE("a merged run leaves memory and the active keys stay", "[keys]") {
  KeyMemory keys(2);
  keys.load(1, 10);
  keys.load(2, 20);
  keys.freeze_if_full(2);
  keys.load(3, 30);

  keys.chunk_merged();

  CHECK_FALSE(keys.merging());
  CHECK_FALSE(keys.find(1).has_value());  // now only in event_keys
  CHECK_FALSE(keys.find(2).has_value());
  CHECK(keys.find(3) == 30);
}

TEST_CASE("a large run is merged in chunks of kMergeChunkKeys, the last one shorter", "[keys]") {
  const std::size_t total = 2 * KeyMemory::kMergeChunkKeys + 5;
  KeyMemory keys(total);
  for (std::size_t i = 0; i < total; ++i) {
    // Spread over the signed range so the sort order differs from insertion order.
    const auto hash = static_cast<std::int64_t>((i * 0x9E3779B97F4A7C15ULL) >> 1) *
                      (i % 2 == 0 ? 1 : -1);
    keys.load(hash, static_cast<std::int64_t>(i + 1));
  }
  keys.freeze_if_full(total);
  REQUIRE(keys.merging());
  CHECK(keys.frozen_max_event_id() == static_cast<std::int64_t>(total));
  CHECK_FALSE(keys.chunk_is_last());

  // The whole run stays findable until its last chunk is merged (merged keys are then also in
  // event_keys, which is where the writer looks once they leave memory).
  const KeyMemory::Key first_key = *keys.chunk_begin();
  const KeyMemory::Key last_key = *(keys.chunk_begin() + total - 1);
  keys.chunk_merged();
  CHECK(keys.merging());
  CHECK(keys.find(first_key.first) == first_key.second);
  CHECK(keys.find(last_key.first) == last_key.second);

  std::vector<std::size_t> sizes;
  const std::vector<KeyMemory::Key> rest = drain_chunks(&keys, &sizes);
  CHECK(sizes == std::vector<std::size_t>{KeyMemory::kMergeChunkKeys, 5});
  CHECK(rest.size() == total - KeyMemory::kMergeChunkKeys);
  CHECK(std::is_sorted(rest.begin(), rest.end()));
  CHECK(rest.back() == last_key);
  CHECK_FALSE(keys.merging());
  CHECK_FALSE(keys.find(first_key.first).has_value());
  CHECK_FALSE(keys.find(last_key.first).has_value());
}

TEST_CASE("the chunks of a frozen run hold every key once, in hash order", "[keys][property]") {
  rc::prop("chunks cover the frozen keys exactly", [](const std::map<std::int64_t, int>& input) {
    RC_PRE(!input.empty());
    KeyMemory keys(input.size());
    std::vector<KeyMemory::Key> expected;
    std::int64_t event_id = 0;
    for (const auto& entry : input) {
      keys.load(entry.first, ++event_id);
      expected.emplace_back(entry.first, event_id);
    }
    keys.freeze_if_full(input.size());
    RC_ASSERT(keys.merging());
    RC_ASSERT(keys.frozen_max_event_id() == event_id);
    for (const auto& key : expected) RC_ASSERT(keys.find(key.first) == key.second);

    std::vector<std::size_t> sizes;
    const std::vector<KeyMemory::Key> drained = drain_chunks(&keys, &sizes);
    RC_ASSERT(drained == expected);  // std::map iterates in hash order
    RC_ASSERT(!keys.merging());
  });
}
