#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "log.hpp"

using namespace omni::collector;
using nlohmann::json;

namespace {

/// A logger writing into a vector, at a fixed time.
struct CapturedLog {
  CapturedLog()
      : logger([this](std::string_view line) {
                 std::lock_guard<std::mutex> lock(mutex);
                 lines.emplace_back(line);
               },
               [] { return std::int64_t{1777636800000}; }) {}

  std::vector<std::string> taken() {
    std::lock_guard<std::mutex> lock(mutex);
    return lines;
  }

  std::mutex mutex;
  std::vector<std::string> lines;
  Logger logger;
};

}  // namespace

TEST_CASE("lines below the configured level are dropped", "[log]") {
  CapturedLog log;
  CHECK(log.logger.level() == LogLevel::kInfo);
  log.logger.log(LogLevel::kDebug, "debug line");
  log.logger.log(LogLevel::kInfo, "info line");
  log.logger.set_level(LogLevel::kWarn);
  log.logger.log(LogLevel::kInfo, "info line 2");
  log.logger.log(LogLevel::kWarn, "warn line");
  log.logger.log(LogLevel::kError, "error line");
  log.logger.set_level(LogLevel::kDebug);
  log.logger.log(LogLevel::kDebug, "debug line 2");

  std::vector<std::string> messages;
  for (const std::string& line : log.taken()) {
    const json object = json::parse(line, nullptr, false);
    REQUIRE(object.is_object());
    messages.push_back(object["msg"].get<std::string>());
  }
  CHECK(messages == std::vector<std::string>{"info line", "warn line", "error line", "debug line 2"});
}

TEST_CASE("lines logged from many threads arrive whole", "[log]") {
  CapturedLog log;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 200; ++i) {
        log.logger.log(LogLevel::kInfo, "busy", {{"thread", t}, {"i", i}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = log.taken();
  REQUIRE(lines.size() == 800);
  for (const std::string& line : lines) {
    REQUIRE(json::parse(line, nullptr, false).is_object());
  }
}

TEST_CASE("a throttled log writes one line per interval and counts the rest", "[log]") {
  CapturedLog log;
  ThrottledLog throttled(1000, LogLevel::kError, &log.logger);
  throttled.log("store commit failed", 5000);
  throttled.log("store commit failed", 5100);
  throttled.log("store commit failed", 5999);
  throttled.log("store commit failed", 6000);
  const auto lines = log.taken();
  REQUIRE(lines.size() == 2);
  const json first = json::parse(lines[0], nullptr, false);
  const json second = json::parse(lines[1], nullptr, false);
  REQUIRE(first.is_object());
  REQUIRE(second.is_object());
  CHECK(first["level"] == "error");
  CHECK_FALSE(first.contains("suppressed"));
  CHECK(second["msg"] == "store commit failed");
  CHECK(second["suppressed"] == 2);
}

TEST_CASE("request lines can be switched off without touching the level", "[log]") {
  CapturedLog log;
  CHECK(log.logger.requests());
  log.logger.set_requests(false);
  CHECK_FALSE(log.logger.requests());
  CHECK(log.logger.enabled(LogLevel::kInfo));
}
