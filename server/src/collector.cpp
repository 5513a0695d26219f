#include "collector.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "config_reload.hpp"
#include "log.hpp"
#include "store/sqlite_event_store.hpp"

namespace omni::collector {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::chrono::milliseconds kProbeInterval{1000};
constexpr std::chrono::milliseconds kMaxLinger{2000};
// Retention sweeps soon after start (so a restart after a long stop catches up at once), then
// every minute; each sweep deletes in batches that take turns with ingestion on the writer.
constexpr std::chrono::milliseconds kRetentionFirstSweep{2000};
constexpr std::chrono::milliseconds kRetentionInterval{60000};

std::vector<std::string> source_names(const Config& config) {
  std::vector<std::string> names;
  for (const SourceConfig& source : config.sources) names.push_back(source.name);
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

void apply_log_config(const LogConfig& log) {
  process_log().set_level(log.level);
  process_log().set_requests(log.requests);
}

std::vector<RetentionRule> retention_rules(const Config& config) {
  std::vector<RetentionRule> rules;
  for (const SourceConfig& source : config.sources) {
    if (source.retention_days != 0) rules.push_back({source.name, source.retention_days});
  }
  return rules;
}

bool same_rules(const std::vector<RetentionRule>& a, const std::vector<RetentionRule>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const RetentionRule& x, const RetentionRule& y) {
                      return x.source == y.source && x.days == y.days;
                    });
}

std::string url_host(const net::ip::address& address) {
  return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

}  // namespace

Collector::Collector(Config config)
    : config_(std::move(config)),
      metrics_(source_names(config_)),
      registry_(&metrics_.connections_open()),
      ioc_(static_cast<int>(config_.threads)),
      signals_(ioc_, SIGINT, SIGTERM, SIGHUP) {
  apply_log_config(config_.log);
}

Collector::~Collector() {
  stop_io_threads();
  admin_pool_.join();
  if (retention_) retention_->stop();
  if (probe_) probe_->stop();
  if (store_) store_->close();
}

bool Collector::open_store() {
  std::error_code ec;
  const auto folder = config_.storage_path.parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  SqliteOptions options;
  options.path = config_.storage_path.string();
  options.on_commit = [this](std::size_t rows, std::uint64_t micros, bool ok) {
    metrics_.commit_finished(rows, micros, ok);
  };
  std::string error;
  store_ = open_sqlite_event_store(options, &error);
  if (!store_) {
    log_error("cannot open the event store", {{"error", error}});
    return false;
  }
  return true;
}

void Collector::start_retention() {
  RetentionSettings settings;
  settings.first_sweep_delay = kRetentionFirstSweep;
  settings.interval = kRetentionInterval;
  retention_ = std::make_unique<RetentionTask>(
      *store_, clock_, retention_rules(config_), settings, [](const SweepResult& result) {
        if (result.ok) {
          log_info("retention sweep", {{"deleted", result.deleted}});
        } else {
          log_error("retention sweep stopped early; the next sweep retries",
                    {{"error", result.error}, {"deleted", result.deleted}});
        }
      });
  retention_->start();
}

bool Collector::start_listening() {
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(config_.listen.host, ec);
  if (ec) {
    log_error("cannot listen", {{"address", config_.listen.host}, {"error", ec.message()}});
    return false;
  }
  http::SessionSettings settings;
  settings.header_timeout = std::chrono::milliseconds(config_.limits.header_timeout_ms);
  settings.body_timeout = std::chrono::milliseconds(config_.limits.body_timeout_ms);
  settings.max_body_bytes = config_.limits.max_body_bytes;
  settings.linger = std::min(kMaxLinger, settings.header_timeout);
  listener_ = std::make_shared<http::Listener>(ioc_, *dispatcher_, registry_, settings,
                                               config_.limits.max_connections);
  std::string error;
  const tcp::endpoint requested(address, config_.listen.port);
  if (!listener_->open(requested, &error)) {
    log_error("cannot listen",
              {{"address", url_host(address) + ":" + std::to_string(config_.listen.port)},
               {"error", error}});
    return false;
  }
  const tcp::endpoint bound = listener_->local_endpoint();
  std::printf("omni-collector listening on http://%s:%u\n", url_host(bound.address()).c_str(),
              static_cast<unsigned>(bound.port()));
  std::fflush(stdout);
  return true;
}

int Collector::run() {
  if (!open_store()) return 1;
  probe_ = std::make_unique<admin::ReadinessProbe>(*store_, kProbeInterval);
  probe_->start();
  start_retention();
  sources_ = std::make_unique<ingest::SourceRegistry>(config_.sources);
  ingest_ = std::make_unique<ingest::IngestHandler>(
      *sources_, *store_, clock_, random_, http::TrustedProxies(config_.trusted_proxies),
      &metrics_);
  admin_events_ =
      std::make_unique<admin::AdminEventsHandler>(config_.admin_token, *store_, admin_pool_);
  health_ = std::make_unique<admin::HealthHandler>(*probe_);
  if (!config_.static_dir.empty()) {
    static_files_ = std::make_unique<http::StaticFileHandler>(config_.static_dir,
                                                             config_.static_spa_fallback);
  }
  metrics_handler_ =
      std::make_unique<metrics::MetricsHandler>(config_.admin_token, metrics_.registry());
  dispatcher_ = std::make_unique<http::Dispatcher>(
      *sources_, *ingest_, *admin_events_, *health_, static_files_.get(),
      config_.limits.max_body_bytes, metrics_handler_.get(), &metrics_, &process_log());
  if (!start_listening()) {
    retention_->stop();
    probe_->stop();
    store_->close();
    return 1;
  }

  await_signal();
  listener_->run();
  io_threads_.reserve(config_.threads);
  for (unsigned i = 0; i < config_.threads; ++i) {
    io_threads_.emplace_back([this] {
      // A handler that throws (allocation failure) must not take the process down with it:
      // log and keep serving; the connection it belonged to is dropped.
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          log_error("unexpected error on an io thread", {{"error", e.what()}});
        }
      }
    });
  }
  log_info("started", {{"threads", config_.threads},
                       {"store", config_.storage_path.string()},
                       {"sources", joined(source_names(config_))}});

  wait_for_signal();
  shut_down();
  log_info("stopped");
  return 0;
}

void Collector::await_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;  // the signal_set is gone (shutdown)
    {
      std::lock_guard<std::mutex> lock(stop_mutex_);
      if (signal == SIGHUP) {
        reload_requested_ = true;
      } else {
        // A second stop signal cuts the graceful wait short.
        ++signals_received_;
      }
    }
    stop_cv_.notify_all();
    await_signal();
  });
}

void Collector::wait_for_signal() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  for (;;) {
    stop_cv_.wait(lock, [this] { return signals_received_ > 0 || reload_requested_; });
    if (signals_received_ > 0) return;
    reload_requested_ = false;
    // Reloading reads a file: it runs here, on the main thread, so no io thread waits on it.
    // SIGHUPs that arrive meanwhile fold into one more reload.
    lock.unlock();
    reload();
    lock.lock();
  }
}

void Collector::reload() {
  if (config_.file.empty()) {
    log_warn("config reload skipped: the config was not read from a file");
    return;
  }
  Result<Config> next = load_config(config_.file);
  if (!next.ok()) {
    log_error("config reload rejected; the running config stays",
              {{"file", config_.file.string()}, {"reason", next.status().message()}});
    return;
  }
  const std::vector<std::string> ignored = restart_only_changes(config_, next.value());
  Config applied = apply_reloadable(config_, next.value());
  // Series first, so a request of a new source never finds its counters missing.
  metrics_.add_sources(source_names(applied));
  sources_->replace(applied.sources);
  apply_log_config(applied.log);
  const bool retention_changed = !same_rules(retention_rules(config_), retention_rules(applied));
  config_ = std::move(applied);
  if (retention_changed) {
    // The task's rules are fixed for its life: a new one takes over at a batch boundary and
    // sweeps soon, so a shortened retention applies without a restart.
    retention_->stop();
    start_retention();
  }
  if (!ignored.empty()) {
    log_warn("config reload ignored keys that need a restart", {{"keys", joined(ignored)}});
  }
  const std::shared_ptr<const ingest::SourceSet> sources = sources_->snapshot();
  log_info("config reloaded", {{"sources", joined(sources->names())},
                               {"sourceCount", sources->size()},
                               {"writeKeys", sources->key_count()}});
}

void Collector::shut_down() {
  listener_->stop();
  registry_.begin_shutdown();
  registry_.for_each([](const std::shared_ptr<http::HttpSession>& session) {
    session->notify_shutdown();
  });
  const auto deadline = std::chrono::steady_clock::now() + kShutdownGrace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (registry_.wait_until_empty(100)) break;
    std::lock_guard<std::mutex> lock(stop_mutex_);
    if (signals_received_ > 1) break;
  }
  const std::size_t left = registry_.size();
  if (left > 0) log_warn("closing connections still open", {{"connections", left}});
  stop_io_threads();
  admin_pool_.join();
  retention_->stop();
  probe_->stop();
  store_->close();
}

void Collector::stop_io_threads() {
  ioc_.stop();
  for (auto& thread : io_threads_) {
    if (thread.joinable()) thread.join();
  }
  io_threads_.clear();
}

}  // namespace omni::collector
