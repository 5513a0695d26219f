// Disk full is an answer, not a loss: the database lives on a small tmpfs that a filler file
// fills up. While the store cannot commit, ingestion answers 503 with Retry-After and a JSON
// error and /readyz says not ready; once the filler is gone it recovers without a restart.
// Afterwards every event answered 200 is stored exactly once and no event answered 503 is.
//
// Needs root (mount(2)); without it the test fails saying so rather than passing unseen.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "support/collector_api.hpp"
#include "support/collector_process.hpp"
#include "support/event_database.hpp"
#include "support/events.hpp"
#include "support/sqlite_file.hpp"

using namespace omni::integration;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kBatchSize = 20;

/// A tmpfs of `size` mounted on a fresh directory, unmounted (lazily if still busy) on
/// destruction, whatever path the test took.
class TmpfsMount {
 public:
  explicit TmpfsMount(const std::string& size) {
    mountpoint_ = dir_.file("tmpfs");
    dir_.make_subdir("tmpfs");
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("omni-test-tmpfs", mountpoint_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                options.c_str()) != 0) {
      error_ = std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~TmpfsMount() {
    if (mounted_ && ::umount2(mountpoint_.c_str(), 0) != 0) ::umount2(mountpoint_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  std::string file(const std::string& name) const { return mountpoint_ + "/" + name; }
  std::uint64_t free_bytes() const {
    struct statvfs stats {};
    REQUIRE(::statvfs(mountpoint_.c_str(), &stats) == 0);
    return static_cast<std::uint64_t>(stats.f_bavail) * stats.f_frsize;
  }

 private:
  TempDir dir_;  // declared first: removed after the unmount
  std::string mountpoint_;
  bool mounted_ = false;
  std::string error_;
};

/// Writes zeros to `path` until only `leave` bytes are free on its filesystem (or it is full).
void fill_leaving(const TmpfsMount& mount, const std::string& path, std::uint64_t leave) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  const std::vector<char> chunk(4096, 0);
  while (mount.free_bytes() > leave) {
    if (::write(fd, chunk.data(), chunk.size()) <= 0) break;  // ENOSPC: full already
  }
  ::fsync(fd);
  ::close(fd);
}

bool ready(const CollectorProcess& collector) {
  HttpClient client(collector.host(), collector.port(), 5s);
  return client.get("/readyz").status == 200;
}

/// Polls /readyz until it answers `wanted` or `limit` passes.
bool wait_for_readiness(const CollectorProcess& collector, bool wanted,
                        std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (ready(collector) == wanted) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a full disk answers 503, stores nothing of it, and ingestion resumes once there is room",
          "[disk_full]") {
  TmpfsMount mount("4m");
  if (!mount.mounted()) {
    FAIL("this test needs root to mount a 4 MiB tmpfs (mount: " << mount.error()
                                                               << "); run it as root, as CI does");
  }
  json config = default_config();
  config["storage"]["path"] = mount.file("events.db");
  CollectorProcess collector(config);
  HttpClient client(collector.host(), collector.port());
  REQUIRE(ready(collector));

  std::vector<std::string> acknowledged;
  std::vector<std::string> refused;
  const auto send = [&](std::vector<std::string>* unanswered_503) {
    const std::vector<json> events = product_views(kBatchSize);
    const HttpResponse response = post_batch(client, kWebWriteKey, events);
    const std::vector<std::string> ids = message_ids(events);
    if (response.status == 200) {
      CHECK(accepted_of(response) == static_cast<long long>(kBatchSize));
      acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
    } else {
      INFO(response.describe());
      CHECK(response.status == 503);
      CHECK(response.error_code() == "store_unavailable");
      CHECK_FALSE(response.header("Retry-After").empty());
      CHECK_THAT(response.header("Content-Type"), Catch::Contains("application/json"));
      unanswered_503->insert(unanswered_503->end(), ids.begin(), ids.end());
    }
    return response.status;
  };

  // Leave a little room, then ingest until the store runs out of it.
  fill_leaving(mount, mount.file("filler"), 256 * 1024);
  unsigned status = 200;
  for (int i = 0; i < 2000 && status == 200; ++i) status = send(&refused);
  INFO("acknowledged before full: " << acknowledged.size());
  REQUIRE(status == 503);
  CHECK(acknowledged.size() >= kBatchSize);
  for (int i = 0; i < 5; ++i) CHECK(send(&refused) == 503);
  CHECK(wait_for_readiness(collector, false, 5s));

  // Room again: the collector recovers on its own.
  REQUIRE(::unlink(mount.file("filler").c_str()) == 0);
  CHECK(wait_for_readiness(collector, true, 10s));
  const std::size_t before_recovery = acknowledged.size();
  for (int i = 0; i < 20; ++i) CHECK(send(&refused) == 200);
  CHECK(acknowledged.size() == before_recovery + 20 * kBatchSize);
  REQUIRE(collector.stop().clean());

  CHECK(sqlite_text(mount.file("events.db"), "PRAGMA integrity_check") == "ok");
  EventDatabase stored(mount.file("events.db"));
  const auto counts = stored.message_id_counts("web");
  std::size_t missing = 0;
  std::size_t duplicated = 0;
  for (const std::string& id : acknowledged) {
    const auto found = counts.find(id);
    if (found == counts.end()) ++missing;
    else if (found->second != 1) ++duplicated;
  }
  std::size_t stored_refused = 0;
  for (const std::string& id : refused) stored_refused += counts.count(id);
  INFO("acknowledged " << acknowledged.size() << ", refused " << refused.size());
  CHECK(missing == 0);
  CHECK(duplicated == 0);
  CHECK(stored_refused == 0);
  CHECK(stored.count() == acknowledged.size());
}
