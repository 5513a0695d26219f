#include "collector.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "log.hpp"
#include "store/sqlite_event_store.hpp"

namespace omni::collector {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::chrono::milliseconds kProbeInterval{1000};
constexpr std::chrono::milliseconds kMaxLinger{2000};

std::vector<std::string> source_names(const Config& config) {
  std::vector<std::string> names;
  for (const SourceConfig& source : config.sources) names.push_back(source.name);
  return names;
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
      signals_(ioc_, SIGINT, SIGTERM) {}

Collector::~Collector() {
  stop_io_threads();
  admin_pool_.join();
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
    log_line("cannot open the event store: " + error);
    return false;
  }
  return true;
}

bool Collector::start_listening() {
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(config_.listen.host, ec);
  if (ec) {
    log_line("cannot listen on " + config_.listen.host + ": " + ec.message());
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
    log_line("cannot listen on " + url_host(address) + ":" +
             std::to_string(config_.listen.port) + ": " + error);
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
      config_.limits.max_body_bytes, metrics_handler_.get(), &metrics_);
  if (!start_listening()) {
    probe_->stop();
    store_->close();
    return 1;
  }

  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    {
      std::lock_guard<std::mutex> lock(stop_mutex_);
      ++signals_received_;
    }
    stop_cv_.notify_all();
    // Listen again: a second signal cuts the graceful wait short.
    signals_.async_wait([this](const boost::system::error_code& again, int) {
      if (again) return;
      {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        ++signals_received_;
      }
      stop_cv_.notify_all();
    });
  });
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
          log_line(std::string("unexpected error on an io thread: ") + e.what());
        }
      }
    });
  }
  log_line("started with " + std::to_string(config_.threads) + " io threads; store " +
           config_.storage_path.string());

  wait_for_signal();
  shut_down();
  std::fputs("omni-collector stopped\n", stderr);
  std::fflush(stderr);
  return 0;
}

void Collector::wait_for_signal() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  stop_cv_.wait(lock, [this] { return signals_received_ > 0; });
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
  if (left > 0) log_line("closing " + std::to_string(left) + " connections still open");
  stop_io_threads();
  admin_pool_.join();
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
