// The collector as a process: command line, config errors, health probes, restarts and
// graceful shutdown.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

RunResult run_with_config(const std::string& config_text) {
  return run_collector_to_exit({"--config", "collector.json"}, {{"collector.json", config_text}});
}

/// Polls GET `target` until it answers `status`, for at most `patience`.
bool eventually_answers(HttpClient& client, const std::string& target, unsigned status,
                        std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    if (client.get(target).status == status) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace

TEST_CASE("the help option describes the command line and exits 0", "[lifecycle]") {
  const RunResult result = run_collector_to_exit({"--help"}, {});
  INFO(result.status.describe() << "\nstdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.status.clean());
  CHECK((result.out + result.err).find("--config") != std::string::npos);
}

TEST_CASE("the version option prints the project version and exits 0", "[lifecycle]") {
  const RunResult result = run_collector_to_exit({"--version"}, {});
  INFO(result.status.describe() << "\nstdout: " << result.out << "\nstderr: " << result.err);
  CHECK(result.status.clean());
  CHECK((result.out + result.err).find(OMNI_PROJECT_VERSION) != std::string::npos);
}

TEST_CASE("a config error names the key at fault and exits 2", "[lifecycle][config]") {
  struct Case {
    const char* what;
    json config;
    const char* named;
  };
  std::vector<Case> cases;
  {
    json c = default_config();
    c["listne"] = "127.0.0.1:0";
    cases.push_back({"unknown top-level key", c, "listne"});
  }
  {
    json c = default_config();
    c["sources"][0]["writekey"] = "lower-case k";
    cases.push_back({"unknown key inside a source", c, "writekey"});
  }
  {
    json c = default_config();
    c["limits"]["maxBodyBites"] = 10;
    cases.push_back({"unknown key inside limits", c, "maxBodyBites"});
  }
  {
    json c = default_config();
    c["threads"] = "two";
    cases.push_back({"wrong type", c, "threads"});
  }
  {
    json c = default_config();
    c["adminToken"] = "too-short";
    cases.push_back({"admin token under 16 characters", c, "adminToken"});
  }
  {
    json c = default_config();
    c["limits"]["maxBodyBytes"] = -1;
    cases.push_back({"negative limit", c, "maxBodyBytes"});
  }
  {
    json c = default_config();
    c["listen"] = "127.0.0.1";
    cases.push_back({"listen without a port", c, "listen"});
  }
  {
    json c = default_config();
    c["storage"]["kind"] = "cassandra";
    cases.push_back({"unknown storage kind", c, "kind"});
  }
  {
    json c = default_config();
    c["sources"][1]["rateLimit"]["eventsPerSecond"] = "fast";
    cases.push_back({"wrong type deep inside a source", c, "eventsPerSecond"});
  }

  for (const Case& c : cases) {
    INFO(c.what);
    const RunResult result = run_with_config(c.config.dump(2));
    INFO(result.status.describe() << "\nstdout: " << result.out << "\nstderr: " << result.err);
    CHECK(result.status.exited);
    CHECK(result.status.code == 2);
    CHECK(result.err.find(c.named) != std::string::npos);
    CHECK(result.out.find("listening") == std::string::npos);
  }
}

TEST_CASE("a config file that is not JSON is refused with exit 2", "[lifecycle][config]") {
  const RunResult result = run_with_config("{ \"listen\": \"127.0.0.1:0\", ");
  INFO(result.status.describe() << "\nstderr: " << result.err);
  CHECK(result.status.exited);
  CHECK(result.status.code == 2);
  CHECK_FALSE(result.err.empty());
}

TEST_CASE("a missing config file is refused with exit 2, naming the file", "[lifecycle][config]") {
  const RunResult result = run_collector_to_exit({"--config", "no-such-config.json"}, {});
  INFO(result.status.describe() << "\nstderr: " << result.err);
  CHECK(result.status.exited);
  CHECK(result.status.code == 2);
  CHECK(result.err.find("no-such-config.json") != std::string::npos);
}

TEST_CASE("the collector listens where the config says and answers its probes",
          "[lifecycle][health]") {
  CollectorProcess collector;
  CHECK(collector.host() == "127.0.0.1");
  CHECK(collector.port() != 0);
  HttpClient client(collector.host(), collector.port());

  const HttpResponse health = client.get("/healthz");
  INFO(health.describe());
  CHECK(health.status == 200);
  CHECK(eventually_answers(client, "/readyz", 200, 5s));
}

TEST_CASE("/readyz is 503 while the store cannot commit and 200 once it can again",
          "[lifecycle][health][store]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  REQUIRE(eventually_answers(client, "/readyz", 200, 5s));

  auto lock = std::make_unique<StoreWriteLock>(collector.database_path());
  CHECK(eventually_answers(client, "/readyz", 503, 15s));
  CHECK(client.get("/healthz").status == 200);  // alive, just not ready

  lock.reset();
  CHECK(eventually_answers(client, "/readyz", 200, 15s));
}

TEST_CASE("SIGTERM while a request is in flight answers it and exits 0", "[lifecycle][shutdown]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  REQUIRE(client.get("/healthz").status == 200);  // the connection is accepted and in use
  const std::vector<json> events = product_views(3);

  // Holding the store's write lock keeps the request waiting for its commit while we signal.
  auto lock = std::make_unique<StoreWriteLock>(collector.database_path());
  HttpResponse response;
  std::string error;
  bool answered = false;
  std::thread sender([&] {
    const HttpRequest request{"POST", "/v1/batch",
                              {basic_auth(kWebWriteKey), {"Content-Type", "application/json"}},
                              batch_body(events)};
    answered = client.try_send(request, &response, &error);
  });
  std::this_thread::sleep_for(400ms);
  collector.send_signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  lock.reset();
  sender.join();
  const auto exit = collector.wait_for_exit(15s);

  INFO("client error: " << error << "\ncollector stderr:\n" << collector.stderr_text());
  REQUIRE(answered);
  INFO(response.describe());
  CHECK(response.status == 200);
  CHECK(accepted_of(response) == 3);
  REQUIRE(exit);
  CHECK(exit->describe() == "exit code 0");
  EventDatabase database(collector.database_path());
  for (const std::string& id : message_ids(events)) CHECK(database.count("web", id) == 1);
}

TEST_CASE("SIGINT stops the collector cleanly", "[lifecycle][shutdown]") {
  CollectorProcess collector;
  HttpClient client(collector.host(), collector.port());
  REQUIRE(post_batch(client, kWebWriteKey, product_views(2)).status == 200);

  const ExitStatus status = collector.stop(SIGINT);

  INFO(collector.stderr_text());
  CHECK(status.describe() == "exit code 0");
}

TEST_CASE("an idle keep-alive connection does not hold up shutdown", "[lifecycle][shutdown]") {
  json config = default_config();
  config["limits"]["headerTimeoutMs"] = 60000;  // idle connections would otherwise live a minute
  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());
  REQUIRE(client.get("/healthz").status == 200);
  REQUIRE(client.connected());

  const auto started = std::chrono::steady_clock::now();
  const ExitStatus status = collector.stop(SIGTERM, 10s);
  const auto took = std::chrono::steady_clock::now() - started;

  INFO(collector.stderr_text());
  CHECK(status.describe() == "exit code 0");
  CHECK(took < 5s);
}

TEST_CASE("acknowledged events and their dedup survive a restart", "[lifecycle]") {
  CollectorProcess collector;
  const std::vector<json> events = product_views(10);
  {
    HttpClient client(collector.host(), collector.port());
    REQUIRE(post_batch(client, kWebWriteKey, events).status == 200);
  }
  REQUIRE(collector.stop().clean());

  collector.start();
  HttpClient client(collector.host(), collector.port());
  const HttpResponse retried = post_batch(client, kWebWriteKey, events);

  INFO(retried.describe());
  CHECK(retried.status == 200);
  CHECK(accepted_of(retried) == 0);
  CHECK(duplicates_of(retried) == 10);
  EventDatabase database(collector.database_path());
  CHECK(database.count("web") == 10);
  const HttpResponse listed = admin_events(client, "limit=1000");
  CHECK(listed.status == 200);
  CHECK(value_at(listed.json(), "/events").size() == 10);
}
