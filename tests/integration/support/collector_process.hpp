// The real omni-collector binary as a child process, for end-to-end tests.
//
// A CollectorProcess writes its config into a fresh temporary directory, fork/execs the binary
// built next to the tests (OMNI_COLLECTOR_PATH; the environment variable OMNI_COLLECTOR_BINARY
// overrides it, to run these tests against another build), and waits for the one line the collector prints
// once it is bound: "omni-collector listening on http://HOST:PORT". Configs use port 0, so every
// test gets its own port and tests run in parallel. The database lives in the same directory and
// survives stop()/kill_hard(), so restart() reopens it.
//
// Errors: starting fails with std::runtime_error carrying the collector's stderr (a test that
// cannot start its collector fails with the reason). The destructor SIGKILLs a collector that is
// still running and removes the directory. Not thread-safe: drive one from one thread.
// The child also gets PR_SET_PDEATHSIG=SIGKILL, so a crashed test leaves no collector behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace omni::integration {

/// Credentials of default_config(), for tests to use.
inline constexpr const char* kWebWriteKey = "wk_web_integration_0123456789";
inline constexpr const char* kPosWriteKey = "wk_pos_integration_9876543210";
inline constexpr const char* kAdminToken = "admin-token-integration-0123456789";
inline constexpr const char* kShopOrigin = "https://shop.example";

/// Loopback port 0; SQLite at "events.db" relative to the config's folder; two sources: "web"
/// (write key kWebWriteKey, allowed origin kShopOrigin) and "pos" (kPosWriteKey, no origins),
/// both with a rate limit far above what tests send; short timeouts (2 s) so tests stay fast.
nlohmann::json default_config();

/// How a process ended.
struct ExitStatus {
  bool exited = false;  // true: normal exit with `code`; false: killed by `signal`
  int code = -1;
  int signal = 0;

  bool clean() const { return exited && code == 0; }
  /// "exit code 2" / "killed by signal 9", for test messages.
  std::string describe() const;
};

/// Result of running the collector to completion (--help, --version, config errors).
struct RunResult {
  ExitStatus status;
  bool timed_out = false;  // it was still running at the deadline and got SIGKILL
  std::string out;         // stdout
  std::string err;         // stderr
};

/// Runs the collector binary with `args` (argv[0] is added), in a fresh temporary directory that
/// is also its working directory, and waits for it to exit. `files` are written into that
/// directory first as {name, content} pairs, so a config can be passed as a relative path.
RunResult run_collector_to_exit(const std::vector<std::string>& args,
                                const std::vector<std::pair<std::string, std::string>>& files,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

class CollectorProcess {
 public:
  /// Writes `config` as collector.json and starts the collector (see start()).
  explicit CollectorProcess(nlohmann::json config = default_config());
  ~CollectorProcess();
  CollectorProcess(const CollectorProcess&) = delete;
  CollectorProcess& operator=(const CollectorProcess&) = delete;

  /// Host and port from the listening line of the current run.
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  /// The temporary directory holding config, logs and database.
  const std::string& directory() const { return dir_.path(); }
  /// storage.path resolved against the config's folder, as the contract says.
  std::string database_path() const;
  /// stderr of the current (or last) run.
  std::string stderr_text() const;
  /// stdout of the current (or last) run.
  std::string stdout_text() const;

  /// Starts the collector on the saved config and the same database, waiting up to `timeout`
  /// for the listening line. The port may differ from the previous run's (port 0).
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  /// Replaces the config file with `text` in one rename, as an operator's deploy tool would
  /// before a SIGHUP reload. Throws std::runtime_error when the file cannot be written.
  void replace_config(const std::string& text);

  /// Sends `signal` without waiting.
  void send_signal(int signal);
  /// Waits up to `timeout` for the process to exit; nullopt when it is still running.
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout);
  /// Sends `signal` (SIGTERM by default) and waits up to `timeout`. When it does not exit in
  /// time it is SIGKILLed and std::runtime_error is thrown (a hung shutdown is a failure).
  ExitStatus stop(int signal = SIGTERM,
                  std::chrono::milliseconds timeout = std::chrono::seconds(15));
  /// SIGKILL (kill -9) and reap: no chance to flush or close anything.
  void kill_hard();
  /// kill_hard() if running, then start().
  void restart();

 private:
  std::string log_path(const char* stream) const;

  TempDir dir_;
  nlohmann::json config_;
  std::string config_path_;
  std::string work_dir_;
  int run_ = 0;
  pid_t pid_ = -1;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace omni::integration
