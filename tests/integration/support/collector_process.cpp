#include "support/collector_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#ifndef OMNI_COLLECTOR_PATH
#error "OMNI_COLLECTOR_PATH must name the omni-collector binary (set by CMake)"
#endif

namespace omni::integration {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kListeningPrefix = "omni-collector listening on http://";

/// The binary of this build, unless OMNI_COLLECTOR_BINARY names another one (a release or an
/// installed build, run through the same tests).
std::string collector_binary() {
  const char* override_path = std::getenv("OMNI_COLLECTOR_BINARY");
  if (override_path != nullptr && *override_path != '\0') return override_path;
  return OMNI_COLLECTOR_PATH;
}

ExitStatus decode_wait_status(int status) {
  ExitStatus result;
  if (WIFEXITED(status)) {
    result.exited = true;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

/// fork + exec with stdout/stderr redirected to files and the working directory set. Everything
/// the child needs is prepared before fork(): between fork and exec only async-signal-safe calls
/// are allowed, because the test process may have other threads.
pid_t spawn(const std::vector<std::string>& args, const std::string& work_dir,
            const std::string& stdout_path, const std::string& stderr_path) {
  std::vector<std::string> owned;
  owned.reserve(args.size() + 1);
  owned.push_back(collector_binary());
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // Die with the test process, even when it crashes (and if it already died, do not start).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(125);
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(125);
    if (::chdir(work_dir.c_str()) != 0) ::_exit(125);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

/// Polls waitpid until the child exits or the deadline passes.
std::optional<ExitStatus> wait_until(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return decode_wait_status(status);
    if (done < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ExitStatus kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return decode_wait_status(status);
}

/// Finds "omni-collector listening on http://HOST:PORT\n" in the collector's stdout.
bool parse_listening_line(const std::string& out, std::string* host, std::uint16_t* port) {
  const std::size_t start = out.find(kListeningPrefix);
  if (start == std::string::npos) return false;
  const std::size_t address = start + std::strlen(kListeningPrefix);
  const std::size_t end = out.find('\n', address);
  if (end == std::string::npos) return false;  // the line is not complete yet
  std::string_view text(out.data() + address, end - address);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host_text = text.substr(0, colon);
  if (host_text.size() >= 2 && host_text.front() == '[' && host_text.back() == ']') {
    host_text = host_text.substr(1, host_text.size() - 2);
  }
  const std::string_view port_text = text.substr(colon + 1);
  unsigned value = 0;
  const auto parsed = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != port_text.data() + port_text.size() ||
      value == 0 || value > 65535) {
    return false;
  }
  *host = std::string(host_text);
  *port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

nlohmann::json default_config() {
  const nlohmann::json generous_limit = {{"eventsPerSecond", 1000000}, {"burst", 1000000}};
  return {
      {"listen", "127.0.0.1:0"},
      {"storage", {{"kind", "sqlite"}, {"path", "events.db"}}},
      {"sources",
       nlohmann::json::array(
           {{{"name", "web"},
             {"writeKey", kWebWriteKey},
             {"allowedOrigins", nlohmann::json::array({kShopOrigin})},
             {"rateLimit", generous_limit}},
            {{"name", "pos"},
             {"writeKey", kPosWriteKey},
             {"allowedOrigins", nlohmann::json::array()},
             {"rateLimit", generous_limit}}})},
      {"adminToken", kAdminToken},
      {"threads", 2},
      {"limits",
       {{"maxConnections", 256},
        {"headerTimeoutMs", 2000},
        {"bodyTimeoutMs", 2000},
        {"maxBodyBytes", 512000}}},
  };
}

std::string ExitStatus::describe() const {
  if (exited) return "exit code " + std::to_string(code);
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  return "unknown exit status";
}

RunResult run_collector_to_exit(const std::vector<std::string>& args,
                                const std::vector<std::pair<std::string, std::string>>& files,
                                std::chrono::milliseconds timeout) {
  TempDir dir;
  for (const auto& [name, content] : files) dir.write(name, content);
  const std::string out_path = dir.file("stdout.log");
  const std::string err_path = dir.file("stderr.log");
  const pid_t pid = spawn(args, dir.path(), out_path, err_path);

  RunResult result;
  std::optional<ExitStatus> status = wait_until(pid, Clock::now() + timeout);
  if (!status) {
    result.timed_out = true;
    status = kill_and_reap(pid);
  }
  result.status = *status;
  result.out = read_file_or_empty(out_path);
  result.err = read_file_or_empty(err_path);
  return result;
}

CollectorProcess::CollectorProcess(nlohmann::json config) : config_(std::move(config)) {
  config_path_ = dir_.file("collector.json");
  dir_.write("collector.json", config_.dump(2));
  // The collector runs in a directory of its own, so a storage path wrongly resolved against
  // the working directory instead of the config's folder shows up as a missing database.
  work_dir_ = dir_.make_subdir("cwd");
  start();
}

void CollectorProcess::replace_config(const std::string& text) {
  const std::string temporary = config_path_ + ".new";
  dir_.write("collector.json.new", text);
  if (std::rename(temporary.c_str(), config_path_.c_str()) != 0) {
    throw std::runtime_error("rename " + temporary + ": " + std::strerror(errno));
  }
}

CollectorProcess::~CollectorProcess() {
  if (running()) kill_and_reap(pid_);
}

std::string CollectorProcess::database_path() const {
  std::string path = "events.db";
  const auto storage = config_.find("storage");
  if (storage != config_.end() && storage->is_object()) {
    const auto configured = storage->find("path");
    if (configured != storage->end() && configured->is_string()) {
      path = configured->get<std::string>();
    }
  }
  if (!path.empty() && path.front() == '/') return path;
  return dir_.file(path);
}

std::string CollectorProcess::log_path(const char* stream) const {
  return dir_.file(std::string(stream) + "-" + std::to_string(run_) + ".log");
}

std::string CollectorProcess::stderr_text() const { return read_file_or_empty(log_path("stderr")); }

std::string CollectorProcess::stdout_text() const { return read_file_or_empty(log_path("stdout")); }

void CollectorProcess::start(std::chrono::milliseconds timeout) {
  if (running()) throw std::runtime_error("omni-collector is already running");
  ++run_;
  pid_ = spawn({"--config", config_path_}, work_dir_, log_path("stdout"), log_path("stderr"));
  host_.clear();
  port_ = 0;

  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (parse_listening_line(stdout_text(), &host_, &port_)) return;
    if (const auto exited = wait_until(pid_, Clock::now())) {
      pid_ = -1;
      throw std::runtime_error("omni-collector ended (" + exited->describe() +
                               ") before printing its listening line; stderr:\n" +
                               stderr_text());
    }
    if (Clock::now() >= deadline) {
      kill_and_reap(pid_);
      pid_ = -1;
      throw std::runtime_error("omni-collector printed no listening line within " +
                               std::to_string(timeout.count()) + " ms; stdout:\n" +
                               stdout_text() + "\nstderr:\n" + stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void CollectorProcess::send_signal(int signal) {
  if (!running()) throw std::runtime_error("omni-collector is not running");
  ::kill(pid_, signal);
}

std::optional<ExitStatus> CollectorProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (!running()) throw std::runtime_error("omni-collector is not running");
  auto status = wait_until(pid_, Clock::now() + timeout);
  if (status) pid_ = -1;
  return status;
}

ExitStatus CollectorProcess::stop(int signal, std::chrono::milliseconds timeout) {
  send_signal(signal);
  if (auto status = wait_for_exit(timeout)) return *status;
  kill_and_reap(pid_);
  pid_ = -1;
  throw std::runtime_error("omni-collector did not exit within " +
                           std::to_string(timeout.count()) + " ms of signal " +
                           std::to_string(signal) + "; stderr:\n" + stderr_text());
}

void CollectorProcess::kill_hard() {
  if (!running()) throw std::runtime_error("omni-collector is not running");
  kill_and_reap(pid_);
  pid_ = -1;
}

void CollectorProcess::restart() {
  if (running()) kill_hard();
  start();
}

}  // namespace omni::integration
