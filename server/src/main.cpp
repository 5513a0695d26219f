// omni-collector: the command line. Usage in kUsage; exit codes: 0 after a clean stop (or
// --help/--version), 1 when the store or the address fails at start, 2 for bad arguments or a
// bad config. `omni-collector backup ...` is handed to backup/backup_command.hpp (its own codes).
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "backup/backup_command.hpp"
#include "collector.hpp"
#include "config.hpp"


namespace {

constexpr const char* kUsage =
    "usage: omni-collector --config FILE\n"
    "       omni-collector backup --config FILE --to PATH [--force]\n"
    "       omni-collector --help | --version\n"
    "\n"
    "Segment-compatible event collector. FILE is a JSON config (see docs/operations.md).\n"
    "Once listening it prints \"omni-collector listening on http://HOST:PORT\".\n"
    "SIGINT or SIGTERM stops it gracefully; SIGHUP re-reads FILE (sources, keys, log).\n"
    "\n"
    "backup copies the config's store to PATH while a collector may be serving (a consistent\n"
    "snapshot: every event acknowledged before it started). It writes PATH.tmp and renames it;\n"
    "an existing PATH is refused unless --force. Restore: stop the collector, copy PATH over\n"
    "storage.path (delete its -wal and -shm files), start it. Exit codes: 0 done, 1 the backup\n"
    "failed (reason on stderr), 2 bad arguments or config.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "omni-collector: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "backup") {
    return omni::collector::backup::run_backup_command(
        std::vector<std::string>(argv + 2, argv + argc), kUsage);
  }
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::puts("omni-collector " OMNI_VERSION);
      return 0;
    }
    if (arg == "--config") {
      if (i + 1 >= argc) return usage_error("--config needs a file");
      if (!config_path.empty()) return usage_error("--config is given twice");
      config_path = argv[++i];
    } else if (arg.substr(0, 9) == "--config=") {
      if (!config_path.empty()) return usage_error("--config is given twice");
      config_path = std::string(arg.substr(9));
    } else {
      return usage_error("unknown argument: " + std::string(arg));
    }
  }
  if (config_path.empty()) return usage_error("--config FILE is required");

  omni::Result<omni::collector::Config> config = omni::collector::load_config(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "omni-collector: %s: %s\n", config_path.c_str(),
                 config.status().message().c_str());
    return 2;
  }
  try {
    omni::collector::Collector collector(std::move(config).value());
    return collector.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "omni-collector: fatal: %s\n", e.what());
    return 1;
  }
}
