// Random interleavings of everything a host can do to the outbound queue, checked against a model
// of what each acknowledged event may and may not experience.
//
// The host's world: appends, next() + a report (2xx, 5xx, 429 with Retry-After, 400 naming a
// random subset, 403, network error) now or later, page-unload drains, crashes (a new queue over
// the same storage; batches in flight may or may not have reached the collector), torn records
// found at restart, time passing, and storage that fails some writes or all of them from some
// point on. At every step the queue must agree with the model; at the end, a host with healthy
// storage and a collector that accepts everything must see every acknowledged event delivered or
// reported dropped.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "omni/effects.hpp"
#include "omni/outbound_queue.hpp"
#include "support/fault_injecting_storage.hpp"

namespace {

using omni::Action;
using omni::Batch;
using omni::ErrorCode;
using omni::OutboundQueue;
using omni::QueueConfig;
using omni::SendOutcome;

enum StepKind : int {
  kAppend,
  kNext,
  kReportOutstanding,
  kDrain,
  kCrash,
  kCrashWithTornRecord,
  kAdvanceTime,
  kFailNextWrites,
  kFailWritesForGood,
  kHealStorage,
  kFlush,
  kStepKinds,
};

const char* step_name(int kind) {
  static const char* const kNames[] = {
      "append", "next", "report_outstanding", "drain", "crash", "crash_torn",
      "advance_time", "fail_next_writes", "fail_writes_for_good", "heal", "flush"};
  return kind >= 0 && kind < kStepKinds ? kNames[kind] : "?";
}

struct Step {
  Step(int k, int x, int y) : kind(k), a(x), b(y) {}
  int kind;
  int a;  // step-specific: padding, outcome, budget, time, ...
  int b;
};

void showValue(const Step& step, std::ostream& os) {
  os << step_name(step.kind) << "(" << step.a << "," << step.b << ")";
}

const std::int64_t kMaxRetryAfterMs = 10000;
// Each record is a fixed 34-byte header, the messageId and the event (outbound_queue.hpp).
const std::size_t kRecordHeaderBytes = 34;

QueueConfig property_config(bool drop_oldest) {
  QueueConfig config;
  config.max_batch_events = 4;
  config.max_batch_bytes = 1500;
  config.max_batch_age_ms = 2000;
  config.max_queue_bytes = 1200;
  config.overflow = drop_oldest ? QueueConfig::Overflow::kDropOldest
                                : QueueConfig::Overflow::kRejectNew;
  config.retry.base_ms = 100;
  config.retry.max_ms = 2000;
  config.retry.max_attempts = 3;
  config.retry.max_age_ms = 60000;
  config.write_key = "wk_property";
  return config;
}

std::string id_in_record(const std::string& value) {
  const std::string marker = R"({"messageId":")";
  const auto at = value.find(marker);
  if (at == std::string::npos) return std::string();
  const auto from = at + marker.size();
  return value.substr(from, value.find('"', from) - from);
}

// What the model knows about one event the queue acknowledged.
struct Tracked {
  enum class State { kPending, kInFlight, kDelivered, kDropped, kTorn };
  State state = State::kPending;
  std::int64_t appended_ms = 0;
  std::size_t record_bytes = 0;
  int failed_sends = 0;     // sends answered with a retryable outcome
  int deliveries = 0;       // 2xx answers, plus crashes that may have let a batch through
  bool may_repeat = false;  // a crash could have delivered it, or left a delivered record behind
  bool unclean = false;     // it left the queue in a report whose write failed
};

class World {
 public:
  World(std::uint64_t seed, bool drop_oldest)
      : random_(seed), config_(property_config(drop_oldest)) {
    reopen(0);
  }

  void run(const Step& step) {
    switch (step.kind) {
      case kAppend: append(static_cast<std::size_t>(step.a % 250)); break;
      case kNext: next(step.a, step.b); break;
      case kReportOutstanding: report_outstanding(step.a, /*vary=*/true); break;
      case kDrain: drain(step.a % 3 == 0 ? 64 * 1024 : static_cast<std::size_t>(step.a * 4)); break;
      case kCrash: crash(step.a, /*tear=*/false); break;
      case kCrashWithTornRecord: crash(step.a, /*tear=*/true); break;
      case kAdvanceTime: clock_.advance(step.a * 70); break;
      case kFailNextWrites:
        storage_.fail_next_applies(static_cast<std::size_t>(1 + step.a % 3));
        break;
      case kFailWritesForGood:
        storage_.fail_applies_after(static_cast<std::size_t>(step.a % 6));
        break;
      case kHealStorage: storage_.heal(); break;
      case kFlush: queue_->request_flush(); break;
    }
    check_invariants();
  }

  // A healthy store and a collector that accepts everything: the queue must empty itself.
  void finish() {
    storage_.heal();
    report_outstanding(0, /*vary=*/false);  // outcome 0 is a 2xx
    deliver_everything();
    // A sentinel write carries any erase a failed write left behind, so storage ends empty.
    append(0);
    queue_->request_flush();
    deliver_everything();
    RC_ASSERT(stored().empty());
    RC_ASSERT(queue_->pending_bytes() == 0u);

    for (const auto& [id, event] : events_) {
      RC_ASSERT(event.state == Tracked::State::kDelivered ||
                event.state == Tracked::State::kDropped || event.state == Tracked::State::kTorn);
      if (event.deliveries > 1) RC_ASSERT(event.may_repeat);
    }
  }

 private:
  void deliver_everything() {
    for (int i = 0; i < 10000; ++i) {
      Action action = queue_->next();
      if (action.kind == Action::Kind::kIdle) break;
      if (action.kind == Action::Kind::kWait) {
        clock_.advance(action.wait_ms);
        continue;
      }
      accept_batch(action.batch, /*from_next=*/true);
      report(action.batch.id, 0, 0);
    }
    RC_ASSERT(queue_->pending_count() == 0u);
  }

  // ---- steps ----

  void append(std::size_t padding) {
    const std::string id = "m" + std::to_string(next_id_++);
    const std::string json = R"({"messageId":")" + id + R"(","type":"track","event":"E",)" +
                             R"("properties":{"pad":")" + std::string(padding, 'x') + R"("}})";
    const std::size_t failures_before = storage_.failed_applies();
    const std::vector<std::string> pending_before = pending_ids();
    const std::size_t held_before = held_bytes();
    const std::size_t record = kRecordHeaderBytes + id.size() + json.size();
    const omni::Status status = queue_->append(id, json);
    if (status.ok()) {
      Tracked tracked;
      tracked.appended_ms = clock_.now_ms();
      tracked.record_bytes = record;
      events_[id] = tracked;
      order_.push_back(id);
    } else {
      refused_.insert(id);
      if (status.code() == ErrorCode::kStorageFailed) {
        RC_ASSERT(storage_.failed_applies() == failures_before + 1);
      } else {
        // Full only when the policy refuses, or when dropping every pending event would not do.
        RC_ASSERT(status.code() == ErrorCode::kQueueFull);
        const std::size_t undroppable =
            config_.overflow == QueueConfig::Overflow::kRejectNew ? held_before : in_flight_bytes();
        RC_ASSERT(undroppable + record > config_.max_queue_bytes);
      }
    }
    // Overflow drops are exactly the oldest pending events, as few as make room, and only with
    // kDropOldest.
    const auto dropped = queue_->take_dropped();
    RC_ASSERT(dropped.size() <= pending_before.size());
    std::size_t freed = 0;
    for (std::size_t i = 0; i < dropped.size(); ++i) {
      RC_ASSERT(config_.overflow == QueueConfig::Overflow::kDropOldest);
      RC_ASSERT(status.ok());
      RC_ASSERT(dropped[i].reason == std::string("overflow"));
      RC_ASSERT(dropped[i].message_id == pending_before[i]);
      RC_ASSERT(held_before - freed + record > config_.max_queue_bytes);  // this one was needed
      freed += events_.at(dropped[i].message_id).record_bytes;
      resolve_dropped(dropped[i].message_id, /*clean=*/true);
    }
    if (status.ok()) RC_ASSERT(held_before - freed + record <= config_.max_queue_bytes);
  }

  void next(int outcome, int mode) {
    const std::vector<std::string> pending = pending_ids();
    Action action = queue_->next();
    if (action.kind == Action::Kind::kIdle) {
      RC_ASSERT(pending.empty() || next_batch_ != 0);
      return;
    }
    RC_ASSERT(next_batch_ == 0u);
    RC_ASSERT(!pending.empty());
    if (action.kind == Action::Kind::kWait) {
      RC_ASSERT(action.wait_ms > 0);
      RC_ASSERT(action.wait_ms <= std::max<std::int64_t>(
                                       {config_.max_batch_age_ms, config_.retry.max_ms,
                                        kMaxRetryAfterMs}));
      if (mode % 2 == 0) clock_.advance(action.wait_ms);
      return;
    }
    // A server's Retry-After is never cut short.
    RC_ASSERT(clock_.now_ms() >= not_before_ms_);
    accept_batch(action.batch, /*from_next=*/true);
    // Sometimes the answer comes later, so other calls interleave with a batch in flight.
    if (mode % 3 != 0) report(action.batch.id, outcome, mode);
  }

  void report_outstanding(int outcome, bool vary) {
    const auto batches = outstanding_;  // report() edits outstanding_
    int i = 0;
    for (const auto& [batch_id, ids] : batches) {
      report(batch_id, vary ? outcome + i++ : outcome, outcome);
    }
  }

  void drain(std::size_t budget) {
    std::vector<std::string> pending = pending_ids();
    const auto batches = queue_->drain_for_unload(budget);
    std::size_t total = 0;
    std::size_t taken = 0;
    for (const Batch& batch : batches) {
      total += batch.body.size();
      // Each drained batch continues where the previous one stopped: FIFO across them.
      RC_ASSERT(taken + batch.message_ids.size() <= pending.size());
      for (std::size_t i = 0; i < batch.message_ids.size(); ++i) {
        RC_ASSERT(batch.message_ids[i] == pending[taken + i]);
      }
      taken += batch.message_ids.size();
      accept_batch(batch, /*from_next=*/false);
    }
    RC_ASSERT(total <= budget);
  }

  // The process ends: nothing in memory survives, storage does. Batches in flight may have
  // reached the collector (their answer is lost with the process).
  void crash(int arrivals, bool tear) {
    std::map<std::string, std::string> records = stored();
    std::set<std::string> stored_ids;
    for (const auto& [key, value] : records) {
      if (torn_keys_.count(key) == 0) stored_ids.insert(id_in_record(value));
    }

    for (const auto& [id, event] : events_) {
      const bool unresolved = event.state == Tracked::State::kPending ||
                              event.state == Tracked::State::kInFlight;
      // Nothing acknowledged and unresolved may be missing from storage...
      if (unresolved) RC_ASSERT(stored_ids.count(id) == 1u);
      // ...and nothing that left the queue cleanly may linger there.
      if (!unresolved && event.state != Tracked::State::kTorn && !event.unclean) {
        RC_ASSERT(stored_ids.count(id) == 0u);
      }
    }
    for (const auto& id : stored_ids) RC_ASSERT(events_.count(id) == 1u);  // never a refused one

    int bit = 0;
    for (const auto& [batch_id, ids] : outstanding_) {
      const bool arrived = ((arrivals >> (bit++ % 10)) & 1) != 0;
      for (const auto& id : ids) {
        if (arrived) {
          events_.at(id).deliveries++;
          events_.at(id).may_repeat = true;
        }
      }
    }
    outstanding_.clear();
    next_batch_ = 0;
    not_before_ms_ = 0;  // a backoff lives in memory only

    // What storage holds is what the restarted queue holds, all of it pending.
    for (auto& [id, event] : events_) {
      if (stored_ids.count(id) == 0) continue;
      if (event.state == Tracked::State::kDelivered) event.may_repeat = true;
      event.state = Tracked::State::kPending;
    }

    if (tear && !stored_ids.empty()) {
      // Tear one intact record in half, as a write cut short by the crash would.
      std::vector<std::pair<std::string, std::string>> intact;
      for (const auto& row : records) {
        if (torn_keys_.count(row.first) == 0) intact.push_back(row);
      }
      const auto& victim = intact[static_cast<std::size_t>(arrivals) % intact.size()];
      omni::WriteBatch damage;
      damage.put(victim.first, victim.second.substr(0, victim.second.size() / 2));
      RC_ASSERT(storage_.inner().apply(damage).ok());
      events_.at(id_in_record(victim.second)).state = Tracked::State::kTorn;
      torn_keys_.insert(victim.first);
      records = stored();
    }
    // A torn record stays in storage until an erase of it succeeds; each restart reports it.
    std::size_t torn = 0;
    for (const auto& [key, value] : records) torn += torn_keys_.count(key);
    reopen(torn);
  }

  // ---- shared ----

  void reopen(std::size_t expected_corrupt) {
    queue_.reset();
    auto opened = OutboundQueue::open(storage_, clock_, random_, config_);
    RC_ASSERT(opened.ok());
    queue_.emplace(std::move(opened).value());
    const auto dropped = queue_->take_dropped();
    RC_ASSERT(dropped.size() == expected_corrupt);
    for (const auto& d : dropped) RC_ASSERT(d.reason == std::string("corrupt"));
    RC_ASSERT(queue_->pending_count() == pending_ids().size());
    // Forget torn records the restart managed to erase: a later restart may reuse their keys.
    const auto after = stored();
    for (auto it = torn_keys_.begin(); it != torn_keys_.end();) {
      it = after.count(*it) == 0 ? torn_keys_.erase(it) : std::next(it);
    }
  }

  // A batch handed out: well-formed, within limits, the oldest pending events in order.
  void accept_batch(const Batch& batch, bool from_next) {
    RC_ASSERT(!batch.message_ids.empty());
    RC_ASSERT(batch.message_ids.size() <= config_.max_batch_events);
    RC_ASSERT(batch.body.size() <= config_.max_batch_bytes);
    const std::vector<std::string> pending = pending_ids();
    if (from_next) {
      RC_ASSERT(batch.message_ids.size() <= pending.size());
      for (std::size_t i = 0; i < batch.message_ids.size(); ++i) {
        RC_ASSERT(batch.message_ids[i] == pending[i]);
      }
      next_batch_ = batch.id;
    }
    const auto body = nlohmann::json::parse(batch.body, nullptr, false);
    RC_ASSERT(!body.is_discarded());
    RC_ASSERT(body["batch"].size() == batch.message_ids.size());
    RC_ASSERT(body["writeKey"] == config_.write_key);
    for (std::size_t i = 0; i < batch.message_ids.size(); ++i) {
      RC_ASSERT(body["batch"][i]["messageId"] == batch.message_ids[i]);
      RC_ASSERT(refused_.count(batch.message_ids[i]) == 0u);
      Tracked& event = events_.at(batch.message_ids[i]);
      RC_ASSERT(event.state == Tracked::State::kPending);
      event.state = Tracked::State::kInFlight;
    }
    outstanding_[batch.id] = batch.message_ids;
  }

  // Answers a batch. outcome picks the answer; detail picks the 400's subset or Retry-After.
  void report(std::uint64_t batch_id, int outcome, int detail) {
    const std::vector<std::string> ids = outstanding_.at(batch_id);
    outstanding_.erase(batch_id);
    if (batch_id == next_batch_) next_batch_ = 0;

    SendOutcome answer;
    std::set<std::string> named;
    switch (outcome % 6) {
      case 0: answer.http_status = 200; break;
      case 1: answer.http_status = 503; break;
      case 2:
        answer.http_status = 429;
        answer.retry_after_ms = (detail * 10) % (kMaxRetryAfterMs + 1);
        break;
      case 3:
        answer.http_status = 400;
        for (std::size_t i = 0; i < ids.size(); ++i) {
          if ((detail >> i) & 1) named.insert(ids[i]);
        }
        if (detail % 5 == 0) named.insert("not-in-this-batch");
        answer.rejected_message_ids.assign(named.begin(), named.end());
        break;
      case 4: answer.http_status = 0; break;
      case 5: answer.http_status = 403; break;
    }
    const std::size_t failures_before = storage_.failed_applies();
    const omni::Status status = queue_->report(batch_id, answer);
    // Any answer ends the previous backoff; a retryable one starts a new one, at least as long as
    // its Retry-After.
    const bool retryable = answer.http_status == 0 || answer.http_status == 429 ||
                           answer.http_status == 503;
    not_before_ms_ = retryable ? clock_.now_ms() + std::max<std::int64_t>(answer.retry_after_ms, 0)
                               : 0;
    const bool clean = status.ok();
    if (!clean) {
      RC_ASSERT(status.code() == ErrorCode::kStorageFailed);
      RC_ASSERT(storage_.failed_applies() == failures_before + 1);
    }
    RC_ASSERT(queue_->report(batch_id, answer).code() == ErrorCode::kNotFound);

    const auto dropped = queue_->take_dropped();
    std::set<std::string> dropped_ids;
    for (const auto& d : dropped) {
      RC_ASSERT(std::find(ids.begin(), ids.end(), d.message_id) != ids.end());
      dropped_ids.insert(d.message_id);
    }
    RC_ASSERT(dropped_ids.size() == dropped.size());

    bool any_named = false;
    for (const auto& id : ids) any_named = any_named || named.count(id) != 0;
    for (const auto& d : dropped) {
      const Tracked& event = events_.at(d.message_id);
      switch (answer.http_status) {
        case 200: RC_ASSERT(false); break;
        case 400:
          RC_ASSERT(d.http_status == 400);
          RC_ASSERT(d.reason == std::string(any_named ? "rejected" : "client_error"));
          break;
        case 403:
          RC_ASSERT(d.http_status == 403);
          RC_ASSERT(d.reason == std::string("client_error"));
          break;
        default:  // retryable: the model has counted at least as many failures as the queue
          if (d.reason == std::string("retries_exhausted")) {
            RC_ASSERT(event.failed_sends + 1 >= static_cast<int>(config_.retry.max_attempts));
          } else {
            RC_ASSERT(d.reason == std::string("expired"));
            RC_ASSERT(clock_.now_ms() - event.appended_ms > config_.retry.max_age_ms);
          }
      }
    }
    if (answer.http_status == 400 && any_named) {
      for (const auto& id : ids) RC_ASSERT((named.count(id) != 0) == (dropped_ids.count(id) != 0));
    }
    if (answer.http_status == 403 || (answer.http_status == 400 && !any_named)) {
      RC_ASSERT(dropped.size() == ids.size());
    }

    for (const auto& id : ids) {
      Tracked& event = events_.at(id);
      if (dropped_ids.count(id) != 0) {
        resolve_dropped(id, clean);
      } else if (answer.http_status == 200) {
        event.state = Tracked::State::kDelivered;
        event.unclean = !clean;
        if (++event.deliveries > 1) RC_ASSERT(event.may_repeat);
      } else {
        if (answer.http_status != 400) event.failed_sends++;
        event.state = Tracked::State::kPending;
      }
    }
  }

  void resolve_dropped(const std::string& id, bool clean) {
    Tracked& event = events_.at(id);
    RC_ASSERT(event.state == Tracked::State::kPending || event.state == Tracked::State::kInFlight);
    event.state = Tracked::State::kDropped;
    event.unclean = !clean;
  }

  void check_invariants() {
    std::size_t held = 0;
    for (const auto& [id, event] : events_) {
      held += event.state == Tracked::State::kPending || event.state == Tracked::State::kInFlight;
    }
    RC_ASSERT(queue_->pending_count() == held);
    RC_ASSERT(queue_->pending_bytes() == held_bytes());
    RC_ASSERT(queue_->pending_bytes() <= config_.max_queue_bytes);
    std::size_t stored_bytes = 0;
    for (const auto& [key, value] : stored()) stored_bytes += value.size();
    // Storage may lag memory only by erases a failed write left behind; after a successful write
    // it has caught up exactly.
    RC_ASSERT(stored_bytes >= queue_->pending_bytes());
    if (storage_.last_apply_ok()) RC_ASSERT(stored_bytes == queue_->pending_bytes());
  }

  std::size_t held_bytes() const {
    std::size_t bytes = 0;
    for (const auto& [id, event] : events_) {
      const bool held = event.state == Tracked::State::kPending ||
                        event.state == Tracked::State::kInFlight;
      if (held) bytes += event.record_bytes;
    }
    return bytes;
  }

  std::size_t in_flight_bytes() const {
    std::size_t bytes = 0;
    for (const auto& [id, event] : events_) {
      if (event.state == Tracked::State::kInFlight) bytes += event.record_bytes;
    }
    return bytes;
  }

  // Acknowledged, unresolved, not in flight: oldest first (append order is storage order).
  std::vector<std::string> pending_ids() const {
    std::vector<std::string> ids;
    for (const auto& id : order_) {
      if (events_.at(id).state == Tracked::State::kPending) ids.push_back(id);
    }
    return ids;
  }

  std::map<std::string, std::string> stored() {
    std::vector<std::pair<std::string, std::string>> rows;
    RC_ASSERT(storage_.inner().scan(config_.storage_prefix, &rows).ok());
    return std::map<std::string, std::string>(rows.begin(), rows.end());
  }

  omni::test::FaultInjectingStorage storage_;
  omni::ManualClock clock_{1'700'000'000'000};
  omni::SeededRandom random_;
  QueueConfig config_;
  std::optional<OutboundQueue> queue_;

  int next_id_ = 0;
  std::map<std::string, Tracked> events_;   // every acknowledged event
  std::vector<std::string> order_;          // acknowledged ids in append order
  std::set<std::string> refused_;           // appends that were not acknowledged
  std::set<std::string> torn_keys_;         // records this test tore
  std::map<std::uint64_t, std::vector<std::string>> outstanding_;  // batches in flight
  std::uint64_t next_batch_ = 0;            // the one from next(), or 0
  std::int64_t not_before_ms_ = 0;          // no batch from next() before this (Retry-After)
};

}  // namespace

TEST_CASE("every acknowledged event is delivered or dropped, oldest first, never twice without "
          "a crash",
          "[queue][property]") {
  for (const bool drop_oldest : {true, false}) {
    rc::prop(drop_oldest ? "with kDropOldest" : "with kRejectNew", [drop_oldest] {
      const auto seed = *rc::gen::arbitrary<std::uint64_t>();
      const auto steps = *rc::gen::container<std::vector<Step>>(
          rc::gen::construct<Step>(rc::gen::weightedElement<int>({{12, kAppend},
                                                                  {8, kNext},
                                                                  {3, kReportOutstanding},
                                                                  {2, kDrain},
                                                                  {2, kCrash},
                                                                  {1, kCrashWithTornRecord},
                                                                  {3, kAdvanceTime},
                                                                  {2, kFailNextWrites},
                                                                  {1, kFailWritesForGood},
                                                                  {3, kHealStorage},
                                                                  {2, kFlush}}),
                                   rc::gen::inRange(0, 1024), rc::gen::inRange(0, 1024)));
      World world(seed, drop_oldest);
      for (const Step& step : steps) world.run(step);
      world.finish();
    });
  }
}
