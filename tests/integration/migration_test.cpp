// Schema versions, end to end: a collector opens a database written by the first schema (the
// fixture tests/fixtures/events-schema-v1.db), migrates it at start and serves its old events;
// a database from a newer collector is refused at start and left as it was.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/events.hpp"
#include "support/json_path.hpp"
#include "support/sqlite_file.hpp"

using namespace omni::integration;
using nlohmann::json;

namespace {

constexpr int kCurrentVersion = 2;

const std::set<std::string> kFixtureIds = {"fixture-v1-web-1", "fixture-v1-web-2",
                                           "fixture-v1-web-3", "fixture-v1-web-4",
                                           "fixture-v1-pos-1"};

/// A copy of the version-1 fixture in `dir`, and a config that stores events in it.
json config_on_fixture_copy(const TempDir& dir, std::string* database) {
  *database = dir.file("events-v1-copy.db");
  std::filesystem::copy_file(fixture_path("events-schema-v1.db"), *database);
  json config = default_config();
  config["storage"]["path"] = *database;
  return config;
}

std::set<std::string> listed_ids(const HttpResponse& response) {
  INFO(response.describe());
  REQUIRE(response.status == 200);
  std::set<std::string> ids;
  for (const json& entry : value_at(response.json(), "/events")) {
    ids.insert(value_at(entry, "/messageId").get<std::string>());
  }
  return ids;
}

}  // namespace

TEST_CASE("a database of schema version 1 is migrated at start and its events stay served",
          "[migration]") {
  TempDir dir;
  std::string database;
  const json config = config_on_fixture_copy(dir, &database);
  REQUIRE(sqlite_integer(database, "PRAGMA user_version") == 1);

  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());

  // The old events are there, with their bodies.
  CHECK(listed_ids(admin_events(client, "limit=100")) == kFixtureIds);
  const HttpResponse one = admin_events(client, "userId=user-fixture-1&event=" +
                                                    url_encode("Order Completed"));
  const std::set<std::string> ordered = listed_ids(one);
  CHECK(ordered == std::set<std::string>{"fixture-v1-web-4"});

  // Their keys came along: a retry of an old messageId is a duplicate, new ones are stored.
  const HttpResponse retried =
      post_batch(client, kWebWriteKey, {track_event("Product Viewed", "fixture-v1-web-1")});
  INFO(retried.describe());
  CHECK(retried.status == 200);
  CHECK(duplicates_of(retried) == 1);
  const HttpResponse fresh = post_batch(client, kWebWriteKey, product_views(3));
  CHECK(accepted_of(fresh) == 3);

  REQUIRE(collector.stop().clean());
  CHECK(sqlite_integer(database, "PRAGMA user_version") == kCurrentVersion);
  CHECK(sqlite_integer(database, "SELECT count(*) FROM schema_migrations") == kCurrentVersion);
  CHECK(sqlite_integer(database, "SELECT max(version) FROM schema_migrations") == kCurrentVersion);
  CHECK(sqlite_integer(database, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND"
                                 " name = 'events_source_received_at'") == 1);
  CHECK(sqlite_integer(database, "SELECT count(*) FROM events") == 5 + 3);
  CHECK(sqlite_text(database, "PRAGMA integrity_check") == "ok");

  // A second start finds nothing to migrate and keeps the record as it is.
  const std::int64_t applied =
      sqlite_integer(database, "SELECT applied_at_ms FROM schema_migrations WHERE version = 2");
  collector.start();
  REQUIRE(collector.stop().clean());
  CHECK(sqlite_integer(database, "SELECT applied_at_ms FROM schema_migrations WHERE version = 2") ==
        applied);
}

TEST_CASE("a database of a newer schema version is refused at start and left unchanged",
          "[migration]") {
  TempDir dir;
  std::string database;
  json config = config_on_fixture_copy(dir, &database);
  sqlite_exec(database, "PRAGMA user_version = 99");
  const std::string before = file_bytes(database);
  REQUIRE_FALSE(before.empty());

  const RunResult run =
      run_collector_to_exit({"--config", "collector.json"}, {{"collector.json", config.dump(2)}});

  INFO(run.err);
  CHECK_FALSE(run.timed_out);
  CHECK(run.status.exited);
  CHECK(run.status.code == 1);
  CHECK_THAT(run.err, Catch::Contains("schema version 99 is newer than this collector supports (" +
                                      std::to_string(kCurrentVersion) + ")"));
  CHECK_THAT(run.err, Catch::Contains(database));
  CHECK(run.out.find("listening") == std::string::npos);
  CHECK(file_bytes(database) == before);
  CHECK_FALSE(std::filesystem::exists(database + "-wal"));
}
