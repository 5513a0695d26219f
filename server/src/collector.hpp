// The collector process: opens the store, binds the listener, runs the io threads, reloads its
// config on SIGHUP and stops cleanly on SIGINT/SIGTERM.
//
// Reload (SIGHUP): the main thread (never an io thread) re-reads the config file. An invalid
// file is rejected with one error line naming the problem, and the running config stays. A
// valid one swaps the source registry's snapshot (write keys, origins, rate limits) and the log
// settings without touching connections; keys that need a restart are named in a warning
// (config_reload.hpp). Each reload logs one line: "config reloaded" with source names and
// counts, never keys.
//
// Threads: `threads` io threads share one io_context (each connection on its own strand), the
// store's writer thread commits, one admin thread runs operator reads, one probe thread keeps
// readiness fresh, and a retention thread (when a source has retentionDays) deletes old events
// through the writer. Shutdown: stop accepting; close idle connections; let requests in flight
// finish and get their answers (up to kShutdownGrace; a second signal cuts it short); stop the
// io threads; close the store (which commits what was submitted); exit 0.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "admin/admin_events_handler.hpp"
#include "admin/health_handler.hpp"
#include "admin/readiness_probe.hpp"
#include "config.hpp"
#include "http/connection_registry.hpp"
#include "http/dispatcher.hpp"
#include "http/listener.hpp"
#include "http/static_file_handler.hpp"
#include "ingest/ingest_handler.hpp"
#include "ingest/source_registry.hpp"
#include "metrics/metrics_catalog.hpp"
#include "metrics/metrics_handler.hpp"
#include "store/event_store.hpp"
#include "store/retention.hpp"
#include "system_effects.hpp"

namespace omni::collector {

class Collector {
 public:
  /// How long shutdown waits for requests in flight before closing what is left.
  static constexpr std::chrono::milliseconds kShutdownGrace{7000};

  explicit Collector(Config config);
  ~Collector();

  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  /// Serves until SIGINT/SIGTERM, reloading the config on each SIGHUP. Prints "omni-collector listening on http://HOST:PORT" on
  /// stdout once bound. Returns the process exit code: 0 after a clean stop, 1 when the store
  /// cannot be opened or the address cannot be bound (the reason is logged).
  int run();

 private:
  bool open_store();
  void start_retention();
  bool start_listening();
  /// Arms the signal_set; every signal re-arms it until shutdown.
  void await_signal();
  /// Blocks the main thread until a stop signal, running each requested reload meanwhile.
  void wait_for_signal();
  /// Re-reads config_.file and applies what a running collector can (see the header comment).
  void reload();
  void shut_down();
  void stop_io_threads();

  Config config_;
  // Before everything that reports to it (the store's writer, handlers, the registry).
  metrics::MetricsCatalog metrics_;
  SystemClock clock_;
  SystemRandom random_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<admin::ReadinessProbe> probe_;
  std::unique_ptr<RetentionTask> retention_;  // stopped before the store closes
  std::unique_ptr<ingest::SourceRegistry> sources_;
  std::unique_ptr<ingest::IngestHandler> ingest_;
  boost::asio::thread_pool admin_pool_{1};
  std::unique_ptr<admin::AdminEventsHandler> admin_events_;
  std::unique_ptr<admin::HealthHandler> health_;
  std::unique_ptr<http::StaticFileHandler> static_files_;
  std::unique_ptr<metrics::MetricsHandler> metrics_handler_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  // Sessions unregister in their destructors, which may run when the io_context is destroyed:
  // the registry is declared before (so destroyed after) the io_context.
  http::ConnectionRegistry registry_;
  boost::asio::io_context ioc_;
  std::shared_ptr<http::Listener> listener_;
  boost::asio::signal_set signals_;
  std::vector<std::thread> io_threads_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  int signals_received_ = 0;
  bool reload_requested_ = false;
};

}  // namespace omni::collector
