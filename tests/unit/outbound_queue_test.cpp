#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "omni/effects.hpp"
#include "omni/outbound_queue.hpp"
#include "omni/timestamp.hpp"
#include "support/fault_injecting_storage.hpp"

using omni::Action;
using omni::Batch;
using omni::ErrorCode;
using omni::OutboundQueue;
using omni::QueueConfig;
using omni::SendOutcome;

namespace {

constexpr std::int64_t kStart = 1'700'000'000'000;

std::string event_for(const std::string& id, std::size_t padding = 0) {
  return R"({"type":"track","event":"Product Viewed","messageId":")" + id +
         R"(","properties":{"pad":")" + std::string(padding, 'x') + R"("}})";
}

std::string id_in_record(const std::string& value) {
  const std::string marker = R"("messageId":")";
  const auto at = value.find(marker);
  if (at == std::string::npos) return "?";
  const auto from = at + marker.size();
  return value.substr(from, value.find('"', from) - from);
}

SendOutcome answer(int status, std::int64_t retry_after_ms = -1,
                   std::vector<std::string> rejected = {}) {
  SendOutcome outcome;
  outcome.http_status = status;
  outcome.retry_after_ms = retry_after_ms;
  outcome.rejected_message_ids = std::move(rejected);
  return outcome;
}

// Shared set-up: one storage that outlives every queue opened over it (a "crash" is opening a
// new queue on the same storage), a manual clock and a seeded random.
struct Harness {
  omni::test::FaultInjectingStorage storage;
  omni::ManualClock clock{kStart};
  omni::SeededRandom random{7};
  QueueConfig config;

  OutboundQueue open() {
    auto opened = OutboundQueue::open(storage, clock, random, config);
    REQUIRE(opened.ok());
    return std::move(opened).value();
  }

  void append(OutboundQueue& queue, const std::string& id, std::size_t padding = 0) {
    const omni::Status status = queue.append(id, event_for(id, padding));
    INFO(status.to_string());
    REQUIRE(status.ok());
  }

  std::vector<std::pair<std::string, std::string>> records() {
    std::vector<std::pair<std::string, std::string>> rows;
    REQUIRE(storage.inner().scan(config.storage_prefix, &rows).ok());
    return rows;
  }

  std::vector<std::string> stored_ids() {
    std::vector<std::string> ids;
    for (const auto& row : records()) ids.push_back(id_in_record(row.second));
    return ids;
  }

  std::size_t stored_bytes() {
    std::size_t bytes = 0;
    for (const auto& row : records()) bytes += row.second.size();
    return bytes;
  }
};

Batch must_send(OutboundQueue& queue) {
  Action action = queue.next();
  INFO("kind " << static_cast<int>(action.kind) << " wait " << action.wait_ms);
  REQUIRE(action.kind == Action::Kind::kSend);
  return std::move(action.batch);
}

std::int64_t must_wait(OutboundQueue& queue) {
  const Action action = queue.next();
  INFO("kind " << static_cast<int>(action.kind));
  REQUIRE(action.kind == Action::Kind::kWait);
  REQUIRE(action.wait_ms > 0);
  return action.wait_ms;
}

// {"batch":[<event>],"sentAt":"<24 characters>"}
std::size_t one_event_body_bytes(const std::string& event) { return event.size() + 48; }

std::vector<std::string> ids(std::initializer_list<const char*> list) {
  return std::vector<std::string>(list.begin(), list.end());
}

std::vector<std::string> drop_ids(const std::vector<omni::Dropped>& dropped) {
  std::vector<std::string> out;
  for (const auto& d : dropped) out.push_back(d.message_id);
  return out;
}

}  // namespace

// ---- Appending ------------------------------------------------------------------------------

TEST_CASE("an acknowledged append is one durable put under the prefix with a sequence key",
          "[queue][append]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");

  CHECK(h.storage.apply_calls() == 1);
  REQUIRE(h.storage.last_batch().ops.size() == 1);
  CHECK(h.storage.last_batch().ops[0].kind == omni::WriteBatch::Op::Kind::kPut);
  const auto rows = h.records();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].first == "q/0000000000000001");
  CHECK(id_in_record(rows[0].second) == "a");
  CHECK(queue.pending_count() == 1);
  CHECK(queue.pending_bytes() == rows[0].second.size());
}

TEST_CASE("appends never rewrite the queue, each is one apply holding one put",
          "[queue][append]") {
  Harness h;
  auto queue = h.open();
  for (int i = 0; i < 200; ++i) {
    h.append(queue, "e" + std::to_string(i), 100);
    REQUIRE(h.storage.apply_calls() == static_cast<std::size_t>(i + 1));
    REQUIRE(h.storage.last_batch().ops.size() == 1);
  }
  CHECK(queue.pending_count() == 200);
  CHECK(queue.pending_bytes() == h.stored_bytes());
}

TEST_CASE("an event that is not a JSON object or has no id is refused and not stored",
          "[queue][append]") {
  Harness h;
  auto queue = h.open();
  CHECK(queue.append("", event_for("x")).code() == ErrorCode::kInvalidArgument);
  CHECK(queue.append("x", "").code() == ErrorCode::kInvalidArgument);
  CHECK(queue.append("x", "[1,2]").code() == ErrorCode::kInvalidArgument);
  CHECK(queue.append("x", " {\"a\":1}").code() == ErrorCode::kInvalidArgument);
  CHECK(queue.append(std::string(70000, 'i'), event_for("x")).code() ==
        ErrorCode::kInvalidArgument);
  CHECK(h.storage.apply_calls() == 0);
  CHECK(queue.pending_count() == 0);
}

TEST_CASE("an event larger than the queue cap or than a batch is EventTooLarge",
          "[queue][append]") {
  Harness h;
  h.config.max_queue_bytes = 2000;
  h.config.max_batch_bytes = 1000;
  auto queue = h.open();
  CHECK(queue.append("big", event_for("big", 3000)).code() == ErrorCode::kEventTooLarge);
  CHECK(queue.append("wide", event_for("wide", 1000)).code() == ErrorCode::kEventTooLarge);
  CHECK(h.storage.apply_calls() == 0);
  h.append(queue, "fits", 800);
}

// ---- When to send ---------------------------------------------------------------------------

TEST_CASE("an empty queue is idle", "[queue][next]") {
  Harness h;
  auto queue = h.open();
  CHECK(queue.next().kind == Action::Kind::kIdle);
  queue.request_flush();
  CHECK(queue.next().kind == Action::Kind::kIdle);
}

TEST_CASE("a few events wait until the oldest reaches the batch age, then go together",
          "[queue][next]") {
  Harness h;
  h.config.max_batch_age_ms = 5000;
  auto queue = h.open();
  h.append(queue, "a");
  CHECK(must_wait(queue) == 5000);
  h.clock.advance(3000);
  h.append(queue, "b");
  CHECK(must_wait(queue) == 2000);
  h.clock.advance(1999);
  CHECK(must_wait(queue) == 1);
  h.clock.advance(1);
  const Batch batch = must_send(queue);
  CHECK(batch.message_ids == ids({"a", "b"}));
}

TEST_CASE("reaching max_batch_events sends at once, oldest first, at most that many per batch",
          "[queue][next]") {
  Harness h;
  h.config.max_batch_events = 3;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c", "d", "e", "f", "g"}) h.append(queue, id);

  Batch first = must_send(queue);
  CHECK(first.message_ids == ids({"a", "b", "c"}));
  REQUIRE(queue.report(first.id, answer(200)).ok());
  Batch second = must_send(queue);
  CHECK(second.message_ids == ids({"d", "e", "f"}));
  REQUIRE(queue.report(second.id, answer(200)).ok());
  CHECK(must_wait(queue) == h.config.max_batch_age_ms);
  CHECK(queue.pending_count() == 1);
}

TEST_CASE("pending bytes that no longer fit one batch send at once, within max_batch_bytes",
          "[queue][next]") {
  Harness h;
  h.config.max_batch_bytes = 1200;
  auto queue = h.open();
  h.append(queue, "a", 250);
  h.append(queue, "b", 250);
  h.append(queue, "c", 250);
  must_wait(queue);  // three events of ~330 bytes fit one body of 1200 with room to spare
  h.append(queue, "d", 250);
  const Batch batch = must_send(queue);
  CHECK(batch.message_ids == ids({"a", "b", "c"}));
  CHECK(batch.body.size() <= 1200);
}

TEST_CASE("the body carries the events verbatim and sentAt from the clock, no writeKey unset",
          "[queue][body]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  h.append(queue, "b", 3);
  h.clock.advance(6000);
  const Batch batch = must_send(queue);
  CHECK(batch.body == "{\"batch\":[" + event_for("a") + "," + event_for("b", 3) +
                          "],\"sentAt\":\"" + omni::format_iso8601(kStart + 6000) + "\"}");
  const auto body = nlohmann::json::parse(batch.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK_FALSE(body.contains("writeKey"));
  REQUIRE(body["batch"].size() == 2);
  CHECK(body["batch"][1]["messageId"] == "b");
}

TEST_CASE("a configured write key goes into the body as escaped JSON", "[queue][body]") {
  Harness h;
  h.config.write_key = "wk_\"quoted\"\\";
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  const Batch batch = must_send(queue);
  const auto body = nlohmann::json::parse(batch.body, nullptr, false);
  REQUIRE_FALSE(body.is_discarded());
  CHECK(body["writeKey"] == h.config.write_key);
  CHECK(body["sentAt"] == omni::format_iso8601(kStart));
}

TEST_CASE("request_flush sends everything pending at the request, across batches",
          "[queue][next]") {
  Harness h;
  h.config.max_batch_events = 2;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c"}) h.append(queue, id);
  queue.request_flush();

  Batch first = must_send(queue);
  CHECK(first.message_ids == ids({"a", "b"}));
  REQUIRE(queue.report(first.id, answer(200)).ok());
  Batch second = must_send(queue);  // c alone meets no threshold: the flush still covers it
  CHECK(second.message_ids == ids({"c"}));
  REQUIRE(queue.report(second.id, answer(200)).ok());
  h.append(queue, "d");  // after the request: not covered by it
  CHECK(must_wait(queue) == h.config.max_batch_age_ms);
}

TEST_CASE("a flush covers the oldest event even below every threshold", "[queue][next]") {
  Harness h;
  h.config.max_batch_events = 10;
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  h.append(queue, "b");
  const Batch batch = must_send(queue);
  CHECK(batch.message_ids == ids({"a", "b"}));  // a batch takes whatever pending fits
}

TEST_CASE("only one batch from next() is in flight and later events wait for the next batch",
          "[queue][next]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  const Batch first = must_send(queue);
  h.append(queue, "b");
  queue.request_flush();
  CHECK(queue.next().kind == Action::Kind::kIdle);
  CHECK(queue.pending_count() == 2);
  REQUIRE(queue.report(first.id, answer(200)).ok());
  CHECK(must_send(queue).message_ids == ids({"b"}));
}

// ---- Outcomes -------------------------------------------------------------------------------

TEST_CASE("a 2xx erases the batch's records in one write and nothing else", "[queue][report]") {
  Harness h;
  h.config.max_batch_events = 2;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c"}) h.append(queue, id);
  const Batch batch = must_send(queue);
  const std::size_t writes_before = h.storage.apply_calls();
  REQUIRE(queue.report(batch.id, answer(204)).ok());
  CHECK(h.storage.apply_calls() == writes_before + 1);
  CHECK(h.storage.last_batch().ops.size() == 2);
  CHECK(h.stored_ids() == ids({"c"}));
  CHECK(queue.pending_count() == 1);
  CHECK(queue.pending_bytes() == h.stored_bytes());
  CHECK(queue.take_dropped().empty());
}

TEST_CASE("reporting a batch that is not in flight is NotFound", "[queue][report]") {
  Harness h;
  auto queue = h.open();
  CHECK(queue.report(1, answer(200)).code() == ErrorCode::kNotFound);
  h.append(queue, "a");
  queue.request_flush();
  const Batch batch = must_send(queue);
  CHECK(queue.report(batch.id + 1, answer(200)).code() == ErrorCode::kNotFound);
  REQUIRE(queue.report(batch.id, answer(200)).ok());
  CHECK(queue.report(batch.id, answer(200)).code() == ErrorCode::kNotFound);
}

TEST_CASE("a 5xx resends the same events in order after the policy's full-jitter delay",
          "[queue][report][retry]") {
  Harness h;
  h.config.max_batch_events = 2;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c"}) h.append(queue, id);
  // The queue draws from its Random only for jitter, so a replica seeded alike predicts it.
  omni::SeededRandom replica(7);

  Batch batch = must_send(queue);
  for (std::uint32_t failure = 1; failure <= 8; ++failure) {
    REQUIRE(queue.report(batch.id, answer(503)).ok());
    const std::int64_t expected = h.config.retry.delay_ms(failure, -1, replica);
    REQUIRE(expected <= h.config.retry.ceiling_ms(failure));
    if (expected > 0) {
      CHECK(must_wait(queue) == expected);
      h.clock.advance(expected);
    }
    batch = must_send(queue);
    REQUIRE(batch.message_ids == ids({"a", "b"}));
  }
}

TEST_CASE("a 2xx resets the backoff to its first step", "[queue][report][retry]") {
  Harness h;
  auto queue = h.open();
  omni::SeededRandom replica(7);
  h.append(queue, "a");
  queue.request_flush();
  Batch batch = must_send(queue);
  for (std::uint32_t failure = 1; failure <= 4; ++failure) {
    REQUIRE(queue.report(batch.id, answer(0)).ok());
    h.clock.advance(h.config.retry.delay_ms(failure, -1, replica));
    batch = must_send(queue);
  }
  REQUIRE(queue.report(batch.id, answer(200)).ok());
  h.append(queue, "b");
  queue.request_flush();
  batch = must_send(queue);
  REQUIRE(queue.report(batch.id, answer(500)).ok());
  const std::int64_t expected = h.config.retry.delay_ms(1, -1, replica);
  REQUIRE(expected > 0);
  CHECK(must_wait(queue) == expected);
}

TEST_CASE("network errors and 408 are retried like 5xx", "[queue][report][retry]") {
  for (int status : {0, 408, 500}) {
    Harness h;
    auto queue = h.open();
    h.append(queue, "a");
    queue.request_flush();
    const Batch batch = must_send(queue);
    REQUIRE(queue.report(batch.id, answer(status)).ok());
    INFO("status " << status);
    CHECK(queue.take_dropped().empty());
    CHECK(queue.pending_count() == 1);
    h.clock.advance(h.config.retry.max_ms);
    CHECK(must_send(queue).message_ids == ids({"a"}));
  }
}

TEST_CASE("a 429's Retry-After is a floor on the backoff", "[queue][report][retry]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  const Batch batch = must_send(queue);
  REQUIRE(queue.report(batch.id, answer(429, 30000)).ok());
  CHECK(must_wait(queue) == 30000);  // the jitter is at most 1000 on a first failure
  h.clock.advance(29999);
  CHECK(must_wait(queue) == 1);
  h.clock.advance(1);
  CHECK(must_send(queue).message_ids == ids({"a"}));
}

TEST_CASE("a flush does not cut a backoff short", "[queue][report][retry]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  const Batch batch = must_send(queue);
  REQUIRE(queue.report(batch.id, answer(503, 10000)).ok());
  h.append(queue, "b");
  queue.request_flush();
  CHECK(must_wait(queue) == 10000);
}

TEST_CASE("events that fail max_attempts sends are dropped as retries_exhausted",
          "[queue][report][retry]") {
  Harness h;
  h.config.retry.max_attempts = 3;
  auto queue = h.open();
  h.append(queue, "a");
  h.append(queue, "b");
  queue.request_flush();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    const Batch batch = must_send(queue);
    CHECK(batch.message_ids == ids({"a", "b"}));
    REQUIRE(queue.report(batch.id, answer(500)).ok());
    h.clock.advance(h.config.retry.max_ms);
  }
  const auto dropped = queue.take_dropped();
  CHECK(drop_ids(dropped) == ids({"a", "b"}));
  for (const auto& d : dropped) CHECK(d.reason == "retries_exhausted");
  CHECK(queue.pending_count() == 0);
  CHECK(h.records().empty());
  CHECK(queue.next().kind == Action::Kind::kIdle);
}

TEST_CASE("the attempt count is persisted and survives a reopen", "[queue][report][retry]") {
  Harness h;
  h.config.retry.max_attempts = 3;
  {
    auto queue = h.open();
    h.append(queue, "a");
    queue.request_flush();
    for (int attempt = 1; attempt <= 2; ++attempt) {
      const Batch batch = must_send(queue);
      REQUIRE(queue.report(batch.id, answer(0)).ok());
      h.clock.advance(h.config.retry.max_ms);
    }
  }
  auto reopened = h.open();
  const Batch batch = must_send(reopened);  // restored from long ago: past its batch age
  REQUIRE(reopened.report(batch.id, answer(0)).ok());
  const auto dropped = reopened.take_dropped();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].message_id == "a");
  CHECK(dropped[0].reason == "retries_exhausted");
}

TEST_CASE("an event older than max_age_ms when its send fails is dropped as expired",
          "[queue][report][retry]") {
  Harness h;
  h.config.retry.max_age_ms = 10000;
  auto queue = h.open();
  h.append(queue, "old");
  h.clock.advance(6000);
  h.append(queue, "young");
  queue.request_flush();
  const Batch batch = must_send(queue);
  h.clock.advance(4500);  // old: 10500 ms, young: 4500 ms
  REQUIRE(queue.report(batch.id, answer(502)).ok());
  const auto dropped = queue.take_dropped();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].message_id == "old");
  CHECK(dropped[0].reason == "expired");
  CHECK(h.stored_ids() == ids({"young"}));
}

TEST_CASE("a 400 naming events drops exactly those and resends the rest at once, in front",
          "[queue][report]") {
  Harness h;
  h.config.max_batch_events = 3;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c", "d"}) h.append(queue, id);
  const Batch batch = must_send(queue);
  REQUIRE(batch.message_ids == ids({"a", "b", "c"}));
  h.append(queue, "e");
  REQUIRE(queue.report(batch.id, answer(400, -1, {"b", "not-in-batch"})).ok());

  const auto dropped = queue.take_dropped();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].message_id == "b");
  CHECK(dropped[0].reason == "rejected");
  CHECK(dropped[0].http_status == 400);
  CHECK(h.stored_ids() == ids({"a", "c", "d", "e"}));
  const Batch resent = must_send(queue);  // no time passes: no backoff, no waiting for age
  CHECK(resent.message_ids == ids({"a", "c", "d"}));
}

TEST_CASE("a 400 naming none of the batch's events drops the batch as a client error",
          "[queue][report]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  h.append(queue, "b");
  queue.request_flush();
  const Batch batch = must_send(queue);
  REQUIRE(queue.report(batch.id, answer(400, -1, {"zzz"})).ok());
  const auto dropped = queue.take_dropped();
  CHECK(drop_ids(dropped) == ids({"a", "b"}));
  for (const auto& d : dropped) {
    CHECK(d.reason == "client_error");
    CHECK(d.http_status == 400);
  }
  CHECK(h.records().empty());
}

TEST_CASE("other refusing 4xx answers drop the batch as client_error with the status",
          "[queue][report]") {
  for (int status : {401, 403, 404, 413, 422}) {
    Harness h;
    h.config.max_batch_events = 2;
    auto queue = h.open();
    for (const char* id : {"a", "b", "later"}) h.append(queue, id);
    const Batch batch = must_send(queue);
    REQUIRE(queue.report(batch.id, answer(status)).ok());
    INFO("status " << status);
    const auto dropped = queue.take_dropped();
    CHECK(drop_ids(dropped) == ids({"a", "b"}));
    for (const auto& d : dropped) {
      CHECK(d.reason == "client_error");
      CHECK(d.http_status == status);
    }
    CHECK(h.stored_ids() == ids({"later"}));
    CHECK(queue.pending_bytes() == h.stored_bytes());
  }
}

// ---- Overflow -------------------------------------------------------------------------------

TEST_CASE("at the cap, kDropOldest erases the oldest pending events in the same write",
          "[queue][overflow]") {
  Harness h;
  auto probe = h.open();
  h.append(probe, "a");
  const std::size_t record = probe.pending_bytes();  // every record here has the same size
  h.storage.inner() = omni::MemoryStorage();

  h.config.max_queue_bytes = 3 * record;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c"}) h.append(queue, id);
  CHECK(queue.take_dropped().empty());
  h.append(queue, "d");
  CHECK(h.storage.last_batch().ops.size() == 2);  // erase a + put d, atomically
  const auto dropped = queue.take_dropped();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].message_id == "a");
  CHECK(dropped[0].reason == "overflow");
  CHECK(h.stored_ids() == ids({"b", "c", "d"}));
  CHECK(queue.pending_bytes() == 3 * record);
  CHECK(queue.pending_bytes() <= h.config.max_queue_bytes);
}

TEST_CASE("kDropOldest drops as many old events as a bigger new one needs", "[queue][overflow]") {
  Harness h;
  h.config.max_queue_bytes = 1000;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c", "d"}) h.append(queue, id, 100);  // ~220 bytes each
  h.append(queue, "big", 400);
  CHECK(drop_ids(queue.take_dropped()) == ids({"a", "b"}));
  CHECK(h.stored_ids() == ids({"c", "d", "big"}));
  CHECK(queue.pending_bytes() == h.stored_bytes());
  CHECK(queue.pending_bytes() <= 1000);
}

TEST_CASE("kDropOldest never drops events in flight", "[queue][overflow]") {
  Harness h;
  auto probe = h.open();
  h.append(probe, "a");
  const std::size_t record = probe.pending_bytes();
  h.storage.inner() = omni::MemoryStorage();

  h.config.max_queue_bytes = 3 * record;
  h.config.max_batch_events = 2;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c"}) h.append(queue, id);
  queue.request_flush();
  const Batch batch = must_send(queue);
  REQUIRE(batch.message_ids == ids({"a", "b"}));
  h.append(queue, "d");
  CHECK(drop_ids(queue.take_dropped()) == ids({"c"}));
  // Now only a and b (in flight) and d (pending) remain; d can make room, in-flight ones cannot.
  h.append(queue, "e");
  CHECK(drop_ids(queue.take_dropped()) == ids({"d"}));
  REQUIRE(queue.report(batch.id, answer(503)).ok());  // a and b are pending again, in front
  CHECK(h.stored_ids() == ids({"a", "b", "e"}));
}

TEST_CASE("kDropOldest refuses with QueueFull when only in-flight events could make room",
          "[queue][overflow]") {
  Harness h;
  auto probe = h.open();
  h.append(probe, "a");
  const std::size_t record = probe.pending_bytes();
  h.storage.inner() = omni::MemoryStorage();

  h.config.max_queue_bytes = 2 * record;
  auto queue = h.open();
  h.append(queue, "a");
  h.append(queue, "b");
  queue.request_flush();
  must_send(queue);
  const std::size_t writes = h.storage.apply_calls();
  CHECK(queue.append("c", event_for("c")).code() == ErrorCode::kQueueFull);
  CHECK(h.storage.apply_calls() == writes);
  CHECK(h.stored_ids() == ids({"a", "b"}));
}

TEST_CASE("at the cap, kRejectNew refuses the new event and keeps the old ones",
          "[queue][overflow]") {
  Harness h;
  auto probe = h.open();
  h.append(probe, "a");
  const std::size_t record = probe.pending_bytes();
  h.storage.inner() = omni::MemoryStorage();

  h.config.max_queue_bytes = 2 * record;
  h.config.overflow = QueueConfig::Overflow::kRejectNew;
  auto queue = h.open();
  h.append(queue, "a");
  h.append(queue, "b");
  const std::size_t writes = h.storage.apply_calls();
  CHECK(queue.append("c", event_for("c")).code() == ErrorCode::kQueueFull);
  CHECK(h.storage.apply_calls() == writes);
  CHECK(queue.take_dropped().empty());
  CHECK(h.stored_ids() == ids({"a", "b"}));
  CHECK(queue.pending_count() == 2);
}

// ---- Page unload ----------------------------------------------------------------------------

TEST_CASE("drain_for_unload hands out pending events oldest first within the byte budget",
          "[queue][drain]") {
  Harness h;
  h.config.max_batch_events = 3;
  auto queue = h.open();
  std::vector<std::string> appended;
  for (int i = 0; i < 10; ++i) {
    appended.push_back("e" + std::to_string(i));
    h.append(queue, appended.back(), 150);
  }

  const auto batches = queue.drain_for_unload(1000);
  std::size_t total = 0;
  std::vector<std::string> sent;
  for (const auto& batch : batches) {
    CHECK(batch.message_ids.size() <= 3);
    total += batch.body.size();
    CHECK_FALSE(nlohmann::json::parse(batch.body, nullptr, false).is_discarded());
    sent.insert(sent.end(), batch.message_ids.begin(), batch.message_ids.end());
  }
  CHECK(total <= 1000);
  REQUIRE(sent.size() >= 3);  // each event is ~230 bytes in a body
  REQUIRE(sent.size() < appended.size());
  CHECK(sent == std::vector<std::string>(appended.begin(), appended.begin() + sent.size()));
  // The next event would not have fitted what was left of the budget, even alone.
  CHECK(1000 - total < one_event_body_bytes(event_for(appended[sent.size()], 150)));

  CHECK(queue.pending_count() == 10);  // in flight still counts until acknowledged
  const Batch rest = must_send(queue);  // not blocked by drained batches
  CHECK(rest.message_ids.front() == appended[sent.size()]);
}

TEST_CASE("a generous drain budget hands out everything in full batches", "[queue][drain]") {
  Harness h;
  h.config.max_batch_events = 3;
  auto queue = h.open();
  for (int i = 0; i < 10; ++i) h.append(queue, "e" + std::to_string(i));
  const auto batches = queue.drain_for_unload(64 * 1024);
  REQUIRE(batches.size() == 4);
  CHECK(batches[0].message_ids.size() == 3);
  CHECK(batches[3].message_ids == ids({"e9"}));
  CHECK(queue.drain_for_unload(64 * 1024).empty());
  CHECK(queue.next().kind == Action::Kind::kIdle);
}

TEST_CASE("a drain budget too small for the oldest event hands out nothing", "[queue][drain]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a", 500);
  h.append(queue, "b");
  CHECK(queue.drain_for_unload(300).empty());
  CHECK(queue.drain_for_unload(0).empty());
  queue.request_flush();
  CHECK(must_send(queue).message_ids == ids({"a", "b"}));
}

TEST_CASE("drain_for_unload leaves out the batch next() has in flight", "[queue][drain]") {
  Harness h;
  h.config.max_batch_events = 2;
  auto queue = h.open();
  for (const char* id : {"a", "b", "c", "d"}) h.append(queue, id);
  const Batch in_flight = must_send(queue);
  REQUIRE(in_flight.message_ids == ids({"a", "b"}));
  const auto drained = queue.drain_for_unload(64 * 1024);
  REQUIRE(drained.size() == 1);
  CHECK(drained[0].message_ids == ids({"c", "d"}));
}

TEST_CASE("drained batches are in flight: a 2xx erases them, unreported ones return after a "
          "restart",
          "[queue][drain]") {
  Harness h;
  h.config.max_batch_events = 2;
  {
    auto queue = h.open();
    for (const char* id : {"a", "b", "c", "d"}) h.append(queue, id);
    const auto drained = queue.drain_for_unload(64 * 1024);
    REQUIRE(drained.size() == 2);
    REQUIRE(queue.report(drained[0].id, answer(200)).ok());
    CHECK(h.stored_ids() == ids({"c", "d"}));
    // The page is gone before the second answer arrives.
  }
  auto restarted = h.open();
  CHECK(restarted.pending_count() == 2);
  restarted.request_flush();
  CHECK(must_send(restarted).message_ids == ids({"c", "d"}));
}

// ---- Restore --------------------------------------------------------------------------------

TEST_CASE("open restores pending events in order and continues the sequence", "[queue][open]") {
  Harness h;
  {
    auto queue = h.open();
    for (const char* id : {"a", "b", "c"}) h.append(queue, id);
    h.config.max_batch_events = 1;
  }
  {
    auto queue = h.open();
    queue.request_flush();
    const Batch batch = must_send(queue);
    REQUIRE(batch.message_ids == ids({"a"}));
    REQUIRE(queue.report(batch.id, answer(200)).ok());
  }
  h.config.max_batch_events = 10;
  auto queue = h.open();
  CHECK(queue.pending_count() == 2);
  CHECK(queue.pending_bytes() == h.stored_bytes());
  h.append(queue, "d");
  CHECK(h.storage.last_batch().ops[0].key == "q/0000000000000004");
  queue.request_flush();
  CHECK(must_send(queue).message_ids == ids({"b", "c", "d"}));
}

TEST_CASE("events in flight at a crash are pending again after open", "[queue][open]") {
  Harness h;
  {
    auto queue = h.open();
    h.append(queue, "a");
    queue.request_flush();
    must_send(queue);
  }
  auto queue = h.open();
  CHECK(queue.pending_count() == 1);
  CHECK(queue.report(1, answer(200)).code() == ErrorCode::kNotFound);
  h.clock.advance(h.config.max_batch_age_ms);
  CHECK(must_send(queue).message_ids == ids({"a"}));
}

TEST_CASE("open erases undecodable records, reports them as corrupt and keeps the rest",
          "[queue][open]") {
  Harness h;
  {
    auto queue = h.open();
    for (const char* id : {"a", "b", "c", "d"}) h.append(queue, id);
  }
  auto& data = h.storage.inner();
  const auto rows = h.records();
  omni::WriteBatch damage;
  damage.put(rows[1].first, rows[1].second.substr(0, rows[1].second.size() - 5));  // torn
  std::string flipped = rows[2].second;
  flipped[flipped.size() - 3] ^= 0x01;  // one bit inside the event
  damage.put(rows[2].first, flipped);
  damage.put("q/not-a-sequence", rows[3].second);
  damage.put("q/00000000000000ff", "garbage");
  REQUIRE(data.apply(damage).ok());

  auto queue = h.open();
  const auto dropped = queue.take_dropped();
  REQUIRE(dropped.size() == 4);
  for (const auto& d : dropped) {
    CHECK(d.reason == "corrupt");
    CHECK(d.message_id.empty());
  }
  CHECK(h.stored_ids() == ids({"a", "d"}));
  CHECK(queue.pending_count() == 2);
  CHECK(queue.pending_bytes() == h.stored_bytes());
  h.append(queue, "e");  // the sequence continues past the highest key seen, even a corrupt one
  CHECK(h.storage.last_batch().ops.back().key == "q/0000000000000100");
}

TEST_CASE("open refuses a bad config and reports a failed scan", "[queue][open]") {
  Harness h;
  h.config.max_batch_events = 0;
  CHECK(OutboundQueue::open(h.storage, h.clock, h.random, h.config).status().code() ==
        ErrorCode::kInvalidArgument);
  h.config = QueueConfig{};
  h.config.storage_prefix.clear();
  CHECK(OutboundQueue::open(h.storage, h.clock, h.random, h.config).status().code() ==
        ErrorCode::kInvalidArgument);
  h.config = QueueConfig{};
  h.config.retry.max_attempts = 0;
  CHECK(OutboundQueue::open(h.storage, h.clock, h.random, h.config).status().code() ==
        ErrorCode::kInvalidArgument);
  h.config = QueueConfig{};
  h.storage.fail_scans(true);
  CHECK(OutboundQueue::open(h.storage, h.clock, h.random, h.config).status().code() ==
        ErrorCode::kStorageFailed);
}

TEST_CASE("a restored event bigger than the current batch limit is sent alone", "[queue][open]") {
  Harness h;
  {
    auto queue = h.open();
    h.append(queue, "big", 2000);
    h.append(queue, "small");
  }
  h.config.max_batch_bytes = 1000;
  auto queue = h.open();
  queue.request_flush();
  const Batch first = must_send(queue);
  CHECK(first.message_ids == ids({"big"}));
  REQUIRE(queue.report(first.id, answer(413)).ok());
  CHECK(drop_ids(queue.take_dropped()) == ids({"big"}));
  CHECK(must_send(queue).message_ids == ids({"small"}));
}

// ---- Storage failures -----------------------------------------------------------------------

TEST_CASE("a failed append is not acknowledged, not stored and never sent", "[queue][faults]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  h.storage.fail_next_applies(1);
  CHECK(queue.append("lost", event_for("lost")).code() == ErrorCode::kStorageFailed);
  CHECK(queue.pending_count() == 1);
  CHECK(queue.pending_bytes() == h.stored_bytes());
  h.append(queue, "b");
  queue.request_flush();
  CHECK(must_send(queue).message_ids == ids({"a", "b"}));
  CHECK(h.stored_ids() == ids({"a", "b"}));
}

TEST_CASE("a failed append that would have displaced old events displaces none",
          "[queue][faults][overflow]") {
  Harness h;
  h.config.max_queue_bytes = 700;
  auto queue = h.open();
  h.append(queue, "a", 100);
  h.append(queue, "b", 100);
  h.append(queue, "c", 100);
  h.storage.fail_next_applies(1);
  CHECK(queue.append("d", event_for("d", 100)).code() == ErrorCode::kStorageFailed);
  CHECK(queue.take_dropped().empty());
  CHECK(h.stored_ids() == ids({"a", "b", "c"}));
  CHECK(queue.pending_count() == 3);
}

TEST_CASE("nothing acknowledged is lost when storage starts failing for good", "[queue][faults]") {
  Harness h;
  std::vector<std::string> acknowledged;
  {
    auto queue = h.open();
    h.storage.fail_applies_after(5);
    for (int i = 0; i < 10; ++i) {
      const std::string id = "e" + std::to_string(i);
      if (queue.append(id, event_for(id)).ok()) acknowledged.push_back(id);
    }
  }
  CHECK(acknowledged.size() == 5);
  h.storage.heal();
  auto queue = h.open();
  CHECK(queue.pending_count() == 5);
  CHECK(h.stored_ids() == acknowledged);
  queue.request_flush();
  CHECK(must_send(queue).message_ids == acknowledged);
}

TEST_CASE("a failed erase after a 2xx is not resent now, is resent after a restart, and is "
          "persisted by the next write",
          "[queue][faults]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  queue.request_flush();
  const Batch batch = must_send(queue);
  h.storage.fail_next_applies(1);
  CHECK(queue.report(batch.id, answer(200)).code() == ErrorCode::kStorageFailed);
  CHECK(queue.pending_count() == 0);
  CHECK(queue.next().kind == Action::Kind::kIdle);
  CHECK(h.stored_ids() == ids({"a"}));

  SECTION("a restart before any other write sends it again (at-least-once)") {
    auto restarted = h.open();
    restarted.request_flush();
    CHECK(must_send(restarted).message_ids == ids({"a"}));
  }
  SECTION("the next write carries the erase") {
    h.append(queue, "b");
    CHECK(h.stored_ids() == ids({"b"}));
    CHECK(queue.pending_bytes() == h.stored_bytes());
    auto restarted = h.open();
    CHECK(restarted.pending_count() == 1);
  }
}

TEST_CASE("a failed attempt-count write still counts and is persisted by the next write",
          "[queue][faults][retry]") {
  Harness h;
  h.config.retry.max_attempts = 2;
  {
    auto queue = h.open();
    h.append(queue, "a");
    queue.request_flush();
    const Batch batch = must_send(queue);
    h.storage.fail_next_applies(1);
    CHECK(queue.report(batch.id, answer(500)).code() == ErrorCode::kStorageFailed);
    CHECK(queue.pending_count() == 1);
    h.append(queue, "b");  // carries a's new attempt count
  }
  auto queue = h.open();
  queue.request_flush();
  const Batch batch = must_send(queue);
  REQUIRE(batch.message_ids == ids({"a", "b"}));
  REQUIRE(queue.report(batch.id, answer(500)).ok());
  const auto dropped = queue.take_dropped();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].message_id == "a");
  CHECK(dropped[0].reason == "retries_exhausted");
  CHECK(h.stored_ids() == ids({"b"}));
}

// ---- Time -----------------------------------------------------------------------------------

TEST_CASE("a clock that moves backwards does not stall the queue", "[queue][next]") {
  Harness h;
  auto queue = h.open();
  h.append(queue, "a");
  h.clock.advance(-3'600'000);
  Batch batch = must_send(queue);  // enqueued "in the future": send rather than wait an hour
  REQUIRE(queue.report(batch.id, answer(503, 2000)).ok());
  h.clock.advance(-3'600'000);
  CHECK(must_wait(queue) <= 2000);
  h.clock.advance(2000);
  batch = must_send(queue);
  CHECK(batch.message_ids == ids({"a"}));
}

// ---- Scale --------------------------------------------------------------------------------

TEST_CASE("a large queue is delivered whole, once each, in order", "[queue][next]") {
  Harness h;
  h.config.max_queue_bytes = 64 * 1024 * 1024;
  auto queue = h.open();
  std::vector<std::string> appended;
  for (int i = 0; i < 20000; ++i) {
    appended.push_back("e" + std::to_string(i));
    h.append(queue, appended.back(), 200);
  }
  std::vector<std::string> delivered;
  for (Action action = queue.next(); action.kind == Action::Kind::kSend; action = queue.next()) {
    REQUIRE(action.batch.message_ids.size() == h.config.max_batch_events);
    delivered.insert(delivered.end(), action.batch.message_ids.begin(),
                     action.batch.message_ids.end());
    REQUIRE(queue.report(action.batch.id, answer(200)).ok());
  }
  CHECK(delivered == appended);
  CHECK(queue.pending_count() == 0);
  CHECK(queue.pending_bytes() == 0);
  CHECK(h.records().empty());
}
