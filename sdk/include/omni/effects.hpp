// The effects the core needs from its host: time, random bytes and durable storage.
//
// The core owns none of them (no global clock, no hidden randomness, no I/O), so the same code
// gives the same answer in the browser (wasm), on the server and under test. Hosts pass
// implementations in; tests pass ManualClock, SeededRandom and MemoryStorage or a fault-injecting
// storage.
//
// Every virtual member is defined inline: the core builds without RTTI, and an out-of-line key
// function would leave the typeinfo undefined for server code (built with RTTI) that derives
// from these interfaces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "omni/status.hpp"

namespace omni {

/// Wall-clock time in milliseconds since the Unix epoch.
class Clock {
 public:
  virtual ~Clock() {}
  virtual std::int64_t now_ms() = 0;
};

/// A clock that only moves when told to. For tests and for hosts that pass time per call.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 0) : now_(start_ms) {}
  std::int64_t now_ms() override { return now_; }
  void set(std::int64_t ms) { now_ = ms; }
  void advance(std::int64_t ms) { now_ += ms; }

 private:
  std::int64_t now_;
};

/// A source of random bytes (ids, jitter).
class Random {
 public:
  virtual ~Random() {}
  virtual void fill(std::uint8_t* out, std::size_t n) = 0;

  std::uint64_t next_u64() {
    std::uint8_t b[8];
    fill(b, sizeof b);
    std::uint64_t v = 0;
    for (std::uint8_t byte : b) v = (v << 8) | byte;
    return v;
  }
  /// Uniform in [0, bound), bound > 0, without modulo bias.
  std::uint64_t uniform(std::uint64_t bound);
};

/// xoshiro256** seeded from host entropy (crypto.getRandomValues, getrandom). Fast and
/// uniform; not for secrets. Identical seeds give identical streams, which tests rely on.
class SeededRandom final : public Random {
 public:
  /// Seeds from up to 32 bytes; shorter seeds are expanded with splitmix64.
  SeededRandom(const std::uint8_t* seed, std::size_t n);
  explicit SeededRandom(std::uint64_t seed);
  void fill(std::uint8_t* out, std::size_t n) override;

 private:
  std::uint64_t next();
  std::uint64_t s_[4];
};

/// One atomic group of writes.
struct WriteBatch {
  struct Op {
    enum class Kind : std::uint8_t { kPut, kErase };
    Kind kind;
    std::string key;
    std::string value;  // empty for kErase
  };
  std::vector<Op> ops;

  void put(std::string key, std::string value) {
    ops.push_back({Op::Kind::kPut, std::move(key), std::move(value)});
  }
  void erase(std::string key) { ops.push_back({Op::Kind::kErase, std::move(key), {}}); }
  bool empty() const { return ops.empty(); }
};

/// Durable ordered key-value storage.
///
/// Contract: apply() is atomic (all operations or none) and durable once it returns ok; a
/// failed apply() changed nothing. scan() returns keys in byte order. Keys and values are
/// arbitrary bytes.
class Storage {
 public:
  virtual ~Storage() {}
  virtual Status apply(const WriteBatch& batch) = 0;
  /// NotFound when the key is absent.
  virtual Status get(std::string_view key, std::string* value) = 0;
  /// Every pair whose key starts with `prefix`, in key order.
  virtual Status scan(std::string_view prefix,
                      std::vector<std::pair<std::string, std::string>>* out) = 0;
};

}  // namespace omni
