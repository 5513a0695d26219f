#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logging/request_log.hpp"

using namespace omni::collector;
using omni::collector::http::Route;
using omni::collector::logging::log_request;
using omni::collector::logging::RequestFacts;
using nlohmann::json;

namespace {

struct CapturedLog {
  CapturedLog()
      : logger([this](std::string_view line) { lines.emplace_back(line); },
               [] { return std::int64_t{1777636800000}; }) {}
  json only_line() {
    REQUIRE(lines.size() == 1);
    const json object = json::parse(lines[0], nullptr, false);
    REQUIRE(object.is_object());
    return object;
  }
  std::vector<std::string> lines;
  Logger logger;
};

}  // namespace

TEST_CASE("an ingestion request line names route, status, duration, events and source",
          "[log][request]") {
  CapturedLog log;
  RequestFacts facts;
  facts.source = "web";
  facts.events = 3;
  log_request(log.logger, Route::kIngestBatch, 200, 0.0012346, &facts);
  const json line = log.only_line();
  CHECK(line["level"] == "info");
  CHECK(line["msg"] == "request");
  CHECK(line["route"] == "batch");
  CHECK(line["status"] == 200);
  CHECK(line["durationMs"] == Approx(1.235));
  CHECK(line["events"] == 3);
  CHECK(line["source"] == "web");
  CHECK(line.size() == 8);
}

TEST_CASE("what a request did not reach is left out of its line", "[log][request]") {
  CapturedLog log;
  RequestFacts facts;  // refused before the body parsed or a key matched
  log_request(log.logger, Route::kIngestSingle, 401, 0.0001, &facts);
  log_request(log.logger, Route::kIngestBatch, 413, -1, nullptr);
  REQUIRE(log.lines.size() == 2);
  const json refused = json::parse(log.lines[0], nullptr, false);
  CHECK(refused["route"] == "single");
  CHECK_FALSE(refused.contains("events"));
  CHECK_FALSE(refused.contains("source"));
  CHECK(refused.contains("durationMs"));
  const json too_large = json::parse(log.lines[1], nullptr, false);
  CHECK(too_large["status"] == 413);
  CHECK_FALSE(too_large.contains("durationMs"));
}

TEST_CASE("probes and static files log at debug, everything else at info", "[log][request]") {
  CapturedLog log;
  for (Route route : http::kAllRoutes) log_request(log.logger, route, 200, 0.001, nullptr);
  std::vector<std::string> routes;
  for (const std::string& text : log.lines) {
    routes.push_back(json::parse(text, nullptr, false)["route"].get<std::string>());
  }
  CHECK(routes == std::vector<std::string>{"not_found", "batch", "single", "admin_events",
                                           "admin_export", "metrics"});

  log.lines.clear();
  log.logger.set_level(LogLevel::kDebug);
  log_request(log.logger, Route::kHealthz, 200, 0.001, nullptr);
  log_request(log.logger, Route::kStatic, 304, 0.001, nullptr);
  REQUIRE(log.lines.size() == 2);
  CHECK(json::parse(log.lines[0], nullptr, false)["level"] == "debug");
}

TEST_CASE("request lines are off when the config turns them off", "[log][request]") {
  CapturedLog log;
  log.logger.set_requests(false);
  log_request(log.logger, Route::kIngestBatch, 200, 0.001, nullptr);
  log.logger.set_level(LogLevel::kWarn);
  log.logger.set_requests(true);
  log_request(log.logger, Route::kIngestBatch, 200, 0.001, nullptr);
  CHECK(log.lines.empty());
}
