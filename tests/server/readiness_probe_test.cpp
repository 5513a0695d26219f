#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "admin/readiness_probe.hpp"
#include "fake_event_store.hpp"

using omni::collector::admin::ReadinessProbe;
using omni::collector::testing::FakeEventStore;

namespace {

template <class Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 200; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("readiness is known as soon as the probe starts", "[readiness]") {
  FakeEventStore store;
  store.is_writable = false;
  ReadinessProbe probe(store, std::chrono::milliseconds(10000));
  CHECK_FALSE(probe.ready());
  probe.start();
  CHECK_FALSE(probe.ready());
  CHECK(store.writable_calls == 1);
  probe.stop();

  FakeEventStore writable;
  ReadinessProbe ready_probe(writable, std::chrono::milliseconds(10000));
  ready_probe.start();
  CHECK(ready_probe.ready());
}

TEST_CASE("readiness follows the store as it fails and recovers", "[readiness]") {
  FakeEventStore store;
  ReadinessProbe probe(store, std::chrono::milliseconds(5));
  probe.start();
  REQUIRE(probe.ready());
  store.is_writable = false;
  CHECK(eventually([&] { return !probe.ready(); }));
  store.is_writable = true;
  CHECK(eventually([&] { return probe.ready(); }));
}

TEST_CASE("stopping the probe stops asking the store", "[readiness]") {
  FakeEventStore store;
  ReadinessProbe probe(store, std::chrono::milliseconds(1));
  probe.start();
  REQUIRE(eventually([&] { return store.writable_calls > 3; }));
  probe.stop();
  const int calls = store.writable_calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(store.writable_calls == calls);
  probe.stop();  // idempotent
}
