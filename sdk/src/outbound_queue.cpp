#include "omni/outbound_queue.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "omni/json.hpp"
#include "omni/timestamp.hpp"

namespace omni {
namespace {

// ---- Record format ------------------------------------------------------------------------
// A fixed-size header, then the messageId, then the event JSON:
//   [0,2)   "Q1"       format tag and version
//   [2,6)   attempts   failed sends so far, 4 hex digits
//   [6,22)  enqueued   enqueue time in ms, 16 hex digits (two's complement)
//   [22,26) id length  bytes of the messageId, 4 hex digits
//   [26,34) checksum   FNV-1a 32 of every other byte of the record, 8 hex digits
// Every field has a fixed width so a record keeps its size when its attempt count changes; the
// queue's byte accounting then never needs to re-read storage. The checksum turns a torn or
// bit-flipped value into a "corrupt" drop instead of a malformed request body.
constexpr std::string_view kRecordTag = "Q1";
constexpr std::size_t kAttemptsAt = 2, kAttemptsWidth = 4;
constexpr std::size_t kEnqueuedAt = 6, kEnqueuedWidth = 16;
constexpr std::size_t kIdLengthAt = 22, kIdLengthWidth = 4;
constexpr std::size_t kChecksumAt = 26, kChecksumWidth = 8;
constexpr std::size_t kHeaderBytes = 34;
constexpr std::uint64_t kMaxFieldValue4 = 0xffff;
constexpr std::size_t kSeqDigits = 16;

// ---- Body format --------------------------------------------------------------------------
constexpr std::string_view kBodyOpen = "{\"batch\":[";
constexpr std::string_view kSentAtOpen = "],\"sentAt\":\"";
constexpr std::string_view kSentAtClose = "\"";
constexpr std::string_view kWriteKeyField = ",\"writeKey\":";
constexpr std::string_view kBodyClose = "}";
// format_iso8601 gives "YYYY-MM-DDTHH:MM:SS.mmmZ" for every year from 0 to 9999. Thresholds are
// predicted with this length; a batch is always measured with the string it really carries.
constexpr std::size_t kSentAtBytes = 24;

void put_hex(std::string* out, std::size_t at, std::uint64_t value, std::size_t width) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = width; i-- > 0;) {
    (*out)[at + i] = kDigits[value & 0xf];
    value >>= 4;
  }
}

// Strict: lower-case hex only, every character a digit; the writer never produces anything else.
bool read_hex(std::string_view text, std::uint64_t* value) {
  std::uint64_t result = 0;
  for (char c : text) {
    std::uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    result = (result << 4) | digit;
  }
  *value = result;
  return true;
}

std::uint32_t fnv1a(std::uint32_t hash, std::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::uint32_t record_checksum(std::string_view record) {
  std::uint32_t hash = 2166136261u;
  hash = fnv1a(hash, record.substr(0, kChecksumAt));
  return fnv1a(hash, record.substr(kHeaderBytes));
}

std::string encode_record(std::uint32_t attempts, std::int64_t enqueued_ms,
                          std::string_view message_id, std::string_view event_json) {
  std::string record(kHeaderBytes, '0');
  record.reserve(kHeaderBytes + message_id.size() + event_json.size());
  record.replace(0, kRecordTag.size(), kRecordTag);
  put_hex(&record, kAttemptsAt, attempts, kAttemptsWidth);
  put_hex(&record, kEnqueuedAt, static_cast<std::uint64_t>(enqueued_ms), kEnqueuedWidth);
  put_hex(&record, kIdLengthAt, message_id.size(), kIdLengthWidth);
  record.append(message_id);
  record.append(event_json);
  put_hex(&record, kChecksumAt, record_checksum(record), kChecksumWidth);
  return record;
}

bool looks_like_object(std::string_view json) {
  return json.size() >= 2 && json.front() == '{' && json.back() == '}';
}

struct DecodedRecord {
  std::uint32_t attempts = 0;
  std::int64_t enqueued_ms = 0;
  std::string_view message_id;
  std::string_view event_json;
};

bool decode_record(std::string_view record, DecodedRecord* out) {
  if (record.size() < kHeaderBytes || record.substr(0, kRecordTag.size()) != kRecordTag) {
    return false;
  }
  std::uint64_t attempts, enqueued, id_length, checksum;
  if (!read_hex(record.substr(kAttemptsAt, kAttemptsWidth), &attempts) ||
      !read_hex(record.substr(kEnqueuedAt, kEnqueuedWidth), &enqueued) ||
      !read_hex(record.substr(kIdLengthAt, kIdLengthWidth), &id_length) ||
      !read_hex(record.substr(kChecksumAt, kChecksumWidth), &checksum)) {
    return false;
  }
  if (checksum != record_checksum(record)) return false;
  const std::size_t body_at = kHeaderBytes + static_cast<std::size_t>(id_length);
  if (id_length == 0 || body_at > record.size()) return false;
  out->attempts = static_cast<std::uint32_t>(attempts);
  out->enqueued_ms = static_cast<std::int64_t>(enqueued);
  out->message_id = record.substr(kHeaderBytes, static_cast<std::size_t>(id_length));
  out->event_json = record.substr(body_at);
  return looks_like_object(out->event_json);
}

std::size_t record_bytes(std::size_t message_id_bytes, std::size_t event_bytes) {
  return kHeaderBytes + message_id_bytes + event_bytes;
}

}  // namespace

Status QueueConfig::validate() const {
  if (max_batch_events == 0) return Status::InvalidArgument("max_batch_events must be positive");
  if (max_batch_bytes == 0) return Status::InvalidArgument("max_batch_bytes must be positive");
  if (max_batch_age_ms < 0) return Status::InvalidArgument("max_batch_age_ms must not be negative");
  if (max_queue_bytes <= kHeaderBytes) {
    return Status::InvalidArgument("max_queue_bytes is too small to hold one event");
  }
  if (storage_prefix.empty()) return Status::InvalidArgument("storage_prefix must not be empty");
  return retry.validate();
}

Result<OutboundQueue> OutboundQueue::open(Storage& storage, Clock& clock, Random& random,
                                          QueueConfig config) {
  Status valid = config.validate();
  if (!valid.ok()) return valid;

  OutboundQueue queue;
  queue.storage_ = &storage;
  queue.clock_ = &clock;
  queue.random_ = &random;
  queue.config_ = std::move(config);
  if (!queue.config_.write_key.empty()) {
    // A key that is not valid UTF-8 is written with U+FFFD (the collector then refuses it).
    json::append_quoted(queue.write_key_json_, queue.config_.write_key);
  }

  std::vector<std::pair<std::string, std::string>> rows;
  Status scanned = storage.scan(queue.config_.storage_prefix, &rows);
  if (!scanned.ok()) return Status::StorageFailed("queue restore: " + scanned.message());

  const std::size_t prefix_bytes = queue.config_.storage_prefix.size();
  std::uint64_t highest_seq = 0;
  WriteBatch corrupt;
  for (auto& [key, value] : rows) {
    std::uint64_t seq = 0;
    const std::string_view suffix = std::string_view(key).substr(prefix_bytes);
    const bool key_ok = suffix.size() == kSeqDigits && read_hex(suffix, &seq);
    if (key_ok) highest_seq = std::max(highest_seq, seq);
    DecodedRecord record;
    if (!key_ok || !decode_record(value, &record)) {
      corrupt.erase(key);
      queue.dropped_.push_back({std::string(), drop_reason::kCorrupt, 0});
      continue;
    }
    Entry entry;
    entry.seq = seq;
    entry.attempts = record.attempts;
    entry.enqueued_ms = record.enqueued_ms;
    entry.message_id = std::string(record.message_id);
    entry.event_json = std::string(record.event_json);
    queue.pending_event_bytes_ += entry.event_json.size();
    queue.held_record_bytes_ += value.size();
    queue.pending_.emplace_hint(queue.pending_.end(), seq, std::move(entry));
  }
  queue.next_seq_ = highest_seq + 1;
  // A failed erase is replayed with the next write; the records are dropped from memory already.
  if (!corrupt.empty()) static_cast<void>(queue.persist(corrupt));
  return queue;
}

Status OutboundQueue::append(std::string_view message_id, std::string_view event_json) {
  if (message_id.empty() || message_id.size() > kMaxFieldValue4) {
    return Status::InvalidArgument("messageId must have 1 to 65535 bytes");
  }
  if (!looks_like_object(event_json)) {
    return Status::InvalidArgument("an event must be a compact JSON object");
  }
  const std::size_t size = record_bytes(message_id.size(), event_json.size());
  if (size > config_.max_queue_bytes) {
    return Status::EventTooLarge("the event is larger than the whole queue (max_queue_bytes)");
  }
  if (body_bytes(1, event_json.size(), kSentAtBytes) > config_.max_batch_bytes) {
    return Status::EventTooLarge("the event alone does not fit in a batch (max_batch_bytes)");
  }

  WriteBatch ops;
  std::size_t overflow_events = 0;
  std::size_t freed = 0;
  if (held_record_bytes_ + size > config_.max_queue_bytes) {
    if (config_.overflow == QueueConfig::Overflow::kRejectNew) {
      return Status::QueueFull("the outbound queue is at max_queue_bytes");
    }
    // In-flight events are not candidates: their request is already out.
    for (auto it = pending_.begin();
         it != pending_.end() && held_record_bytes_ - freed + size > config_.max_queue_bytes;
         ++it) {
      ops.erase(key_for(it->first));
      freed += record_bytes(it->second.message_id.size(), it->second.event_json.size());
      ++overflow_events;
    }
    if (held_record_bytes_ - freed + size > config_.max_queue_bytes) {
      return Status::QueueFull("the outbound queue is full of events in flight");
    }
  }

  const std::int64_t now = clock_->now_ms();
  const std::uint64_t seq = next_seq_;
  ops.put(key_for(seq), encode_record(0, now, message_id, event_json));
  // The event and the erase of what it displaces are one atomic write: either both happen or
  // neither does, so a failed append never costs an older event its place.
  Status applied = apply_with_deferred(ops);
  if (!applied.ok()) return Status::StorageFailed("event not queued: " + applied.message());

  ++next_seq_;
  WriteBatch already_erased;
  for (std::size_t i = 0; i < overflow_events; ++i) {
    auto oldest = pending_.begin();
    pending_event_bytes_ -= oldest->second.event_json.size();
    drop(oldest->second, drop_reason::kOverflow, 0, &already_erased);
    pending_.erase(oldest);
  }
  Entry entry;
  entry.seq = seq;
  entry.enqueued_ms = now;
  entry.message_id = std::string(message_id);
  entry.event_json = std::string(event_json);
  pending_event_bytes_ += entry.event_json.size();
  held_record_bytes_ += size;
  pending_.emplace_hint(pending_.end(), seq, std::move(entry));
  return Status::Ok();
}

Action OutboundQueue::next() {
  Action action;
  if (next_call_batch_ != 0 || pending_.empty()) return action;

  const std::int64_t now = clock_->now_ms();
  if (backing_off_) {
    // A clock that moved backwards must not stretch the backoff beyond its own length.
    if (retry_at_ms_ - now > retry_delay_ms_) retry_at_ms_ = now + retry_delay_ms_;
    if (now < retry_at_ms_) {
      action.kind = Action::Kind::kWait;
      action.wait_ms = retry_at_ms_ - now;
      return action;
    }
    backing_off_ = false;
  }

  if (!should_send_now(now)) {
    action.kind = Action::Kind::kWait;
    action.wait_ms = pending_.begin()->second.enqueued_ms + config_.max_batch_age_ms - now;
    return action;
  }

  action.kind = Action::Kind::kSend;
  action.batch = take_batch(config_.max_batch_bytes, /*first_may_exceed=*/true, now);
  next_call_batch_ = action.batch.id;
  return action;
}

void OutboundQueue::request_flush() {
  due_through_seq_ = std::max(due_through_seq_, next_seq_ - 1);
}

Status OutboundQueue::report(std::uint64_t batch_id, const SendOutcome& outcome) {
  auto found = in_flight_.find(batch_id);
  if (found == in_flight_.end()) return Status::NotFound("no batch in flight with this id");
  std::vector<Entry> entries = std::move(found->second);
  in_flight_.erase(found);
  in_flight_events_ -= entries.size();
  if (batch_id == next_call_batch_) next_call_batch_ = 0;

  WriteBatch ops;
  switch (classify_http_status(outcome.http_status)) {
    case SendVerdict::kDelivered:
      for (const Entry& entry : entries) {
        ops.erase(key_for(entry.seq));
        held_record_bytes_ -= record_bytes(entry.message_id.size(), entry.event_json.size());
      }
      consecutive_failures_ = 0;
      stop_backoff();
      return persist(ops);

    case SendVerdict::kClientError: {
      // The collector answered, so the connection is healthy: no backoff either way.
      consecutive_failures_ = 0;
      stop_backoff();
      if (outcome.http_status == 400 && !outcome.rejected_message_ids.empty()) {
        const std::set<std::string_view> named(outcome.rejected_message_ids.begin(),
                                               outcome.rejected_message_ids.end());
        std::vector<Entry> innocent;
        std::vector<Entry> guilty;
        for (Entry& entry : entries) {
          auto& side = named.count(entry.message_id) != 0 ? guilty : innocent;
          side.push_back(std::move(entry));
        }
        // A 400 naming none of this batch's events cannot tell good from bad; it falls through
        // to dropping the batch, since resending it unchanged would only earn the same answer.
        if (!guilty.empty()) {
          for (const Entry& entry : guilty) {
            drop(entry, drop_reason::kRejected, outcome.http_status, &ops);
          }
          return_to_pending(std::move(innocent));
          return persist(ops);
        }
        entries = std::move(innocent);
      }
      for (const Entry& entry : entries) {
        drop(entry, drop_reason::kClientError, outcome.http_status, &ops);
      }
      return persist(ops);
    }

    case SendVerdict::kRetry: {
      const std::int64_t now = clock_->now_ms();
      std::vector<Entry> retried;
      for (Entry& entry : entries) {
        if (entry.attempts < kMaxFieldValue4) ++entry.attempts;
        if (entry.attempts >= config_.retry.max_attempts) {
          drop(entry, drop_reason::kRetriesExhausted, 0, &ops);
        } else if (now - entry.enqueued_ms > config_.retry.max_age_ms) {
          drop(entry, drop_reason::kExpired, 0, &ops);
        } else {
          ops.put(key_for(entry.seq), encode_record(entry.attempts, entry.enqueued_ms,
                                                    entry.message_id, entry.event_json));
          retried.push_back(std::move(entry));
        }
      }
      return_to_pending(std::move(retried));
      if (consecutive_failures_ < kMaxFieldValue4) ++consecutive_failures_;
      retry_delay_ms_ =
          config_.retry.delay_ms(consecutive_failures_, outcome.retry_after_ms, *random_);
      retry_at_ms_ = now + retry_delay_ms_;
      backing_off_ = true;
      return persist(ops);
    }
  }
  return Status::Ok();
}

std::vector<Batch> OutboundQueue::drain_for_unload(std::size_t max_total_bytes) {
  std::vector<Batch> batches;
  const std::int64_t now = clock_->now_ms();
  std::size_t used = 0;
  while (!pending_.empty() && used < max_total_bytes) {
    const std::size_t budget = std::min(config_.max_batch_bytes, max_total_bytes - used);
    Batch batch = take_batch(budget, /*first_may_exceed=*/false, now);
    if (batch.message_ids.empty()) break;  // the oldest event does not fit what budget is left
    used += batch.body.size();
    batches.push_back(std::move(batch));
  }
  return batches;
}

std::vector<Dropped> OutboundQueue::take_dropped() { return std::exchange(dropped_, {}); }

std::string OutboundQueue::key_for(std::uint64_t seq) const {
  std::string key = config_.storage_prefix;
  const std::size_t at = key.size();
  key.resize(at + kSeqDigits);
  put_hex(&key, at, seq, kSeqDigits);
  return key;
}

std::size_t OutboundQueue::body_bytes(std::size_t events, std::size_t event_bytes,
                                      std::size_t sent_at_bytes) const {
  std::size_t bytes = kBodyOpen.size() + event_bytes + (events > 0 ? events - 1 : 0) +
                      kSentAtOpen.size() + sent_at_bytes + kSentAtClose.size() +
                      kBodyClose.size();
  if (!write_key_json_.empty()) bytes += kWriteKeyField.size() + write_key_json_.size();
  return bytes;
}

bool OutboundQueue::should_send_now(std::int64_t now) const {
  const Entry& oldest = pending_.begin()->second;
  if (oldest.seq <= due_through_seq_) return true;
  if (pending_.size() >= config_.max_batch_events) return true;
  if (body_bytes(pending_.size(), pending_event_bytes_, kSentAtBytes) >= config_.max_batch_bytes) {
    return true;
  }
  // An enqueue time in the future means the clock moved backwards: send rather than wait for a
  // moment that may be far away.
  return now - oldest.enqueued_ms >= config_.max_batch_age_ms || oldest.enqueued_ms > now;
}

Batch OutboundQueue::take_batch(std::size_t max_body_bytes, bool first_may_exceed,
                                std::int64_t now) {
  const std::string sent_at = format_iso8601(now);
  std::vector<Entry> entries;
  std::size_t event_bytes = 0;
  while (!pending_.empty() && entries.size() < config_.max_batch_events) {
    auto oldest = pending_.begin();
    const std::size_t with_it = body_bytes(entries.size() + 1,
                                           event_bytes + oldest->second.event_json.size(),
                                           sent_at.size());
    // A record restored under an older, larger limit may not fit any batch; it goes alone
    // rather than blocking the queue (the collector answers it; a 413 drops it).
    if (with_it > max_body_bytes && !(entries.empty() && first_may_exceed)) break;
    event_bytes += oldest->second.event_json.size();
    pending_event_bytes_ -= oldest->second.event_json.size();
    entries.push_back(std::move(oldest->second));
    pending_.erase(oldest);
  }

  Batch batch;
  if (entries.empty()) return batch;
  batch.id = next_batch_id_++;
  batch.message_ids.reserve(entries.size());
  batch.body.reserve(body_bytes(entries.size(), event_bytes, sent_at.size()));
  batch.body.append(kBodyOpen);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) batch.body.push_back(',');
    batch.body.append(entries[i].event_json);
    batch.message_ids.push_back(entries[i].message_id);
  }
  batch.body.append(kSentAtOpen);
  batch.body.append(sent_at);
  batch.body.append(kSentAtClose);
  if (!write_key_json_.empty()) {
    batch.body.append(kWriteKeyField);
    batch.body.append(write_key_json_);
  }
  batch.body.append(kBodyClose);
  in_flight_events_ += entries.size();
  in_flight_.emplace(batch.id, std::move(entries));
  return batch;
}

void OutboundQueue::return_to_pending(std::vector<Entry> entries) {
  // Sequence order is FIFO order, so returned events land back in front of newer ones, and they
  // are due at once (after any backoff): they already waited for their batch once.
  for (Entry& entry : entries) {
    due_through_seq_ = std::max(due_through_seq_, entry.seq);
    pending_event_bytes_ += entry.event_json.size();
    pending_.emplace(entry.seq, std::move(entry));
  }
}

void OutboundQueue::drop(const Entry& entry, const char* reason, int http_status,
                         WriteBatch* erases) {
  erases->erase(key_for(entry.seq));
  held_record_bytes_ -= record_bytes(entry.message_id.size(), entry.event_json.size());
  dropped_.push_back({entry.message_id, reason, http_status});
}

void OutboundQueue::stop_backoff() {
  backing_off_ = false;
  retry_at_ms_ = 0;
  retry_delay_ms_ = 0;
}

Status OutboundQueue::apply_with_deferred(const WriteBatch& ops) {
  if (deferred_.empty()) {
    if (ops.empty()) return Status::Ok();
    return storage_->apply(ops);
  }
  WriteBatch combined;
  combined.ops.reserve(deferred_.size() + ops.ops.size());
  for (const auto& [key, write] : deferred_) {
    if (write.first) {
      combined.put(key, write.second);
    } else {
      combined.erase(key);
    }
  }
  combined.ops.insert(combined.ops.end(), ops.ops.begin(), ops.ops.end());
  Status applied = storage_->apply(combined);
  if (applied.ok()) deferred_.clear();
  return applied;
}

Status OutboundQueue::persist(const WriteBatch& ops) {
  Status applied = apply_with_deferred(ops);
  if (applied.ok()) return applied;
  for (const auto& op : ops.ops) {
    if (op.kind == WriteBatch::Op::Kind::kPut) {
      deferred_[op.key] = {true, op.value};
    } else {
      deferred_[op.key] = {false, std::string()};
    }
  }
  return Status::StorageFailed("applied in memory, not yet persisted: " + applied.message());
}

}  // namespace omni
