#include "backup/backup_command.hpp"

#include <cstdio>
#include <string_view>

#include "backup/store_backup.hpp"
#include "config.hpp"

namespace omni::collector::backup {
namespace {

int usage_error(const std::string& message, const char* usage) {
  std::fprintf(stderr, "omni-collector: backup: %s\n%s", message.c_str(), usage);
  return 2;
}

/// Reads "--name VALUE" or "--name=VALUE" at args[*i]; false when args[*i] is another word.
bool option_value(const std::vector<std::string>& args, std::size_t* i, std::string_view name,
                  std::string* out, std::string* error) {
  const std::string_view arg = args[*i];
  if (arg == name) {
    if (*i + 1 >= args.size()) {
      *error = std::string(name) + " needs a value";
      return true;
    }
    if (!out->empty()) *error = std::string(name) + " is given twice";
    *out = args[++*i];
    return true;
  }
  if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
    if (!out->empty()) *error = std::string(name) + " is given twice";
    *out = std::string(arg.substr(name.size() + 1));
    return true;
  }
  return false;
}

}  // namespace

int run_backup_command(const std::vector<std::string>& args, const char* usage) {
  std::string config_path;
  std::string destination;
  bool force = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string error;
    if (option_value(args, &i, "--config", &config_path, &error) ||
        option_value(args, &i, "--to", &destination, &error)) {
      if (!error.empty()) return usage_error(error, usage);
    } else if (args[i] == "--force") {
      force = true;
    } else {
      return usage_error("unknown argument: " + args[i], usage);
    }
  }
  if (config_path.empty()) return usage_error("--config FILE is required", usage);
  if (destination.empty()) return usage_error("--to PATH is required", usage);

  Result<Config> config = load_config(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "omni-collector: %s: %s\n", config_path.c_str(),
                 config.status().message().c_str());
    return 2;
  }
  BackupOptions options;
  options.source_path = config.value().storage_path.string();
  options.destination_path = destination;
  options.replace_existing = force;
  BackupReport report;
  std::string error;
  if (!backup_event_store(options, &report, &error)) {
    std::fprintf(stderr, "omni-collector: backup failed: %s\n", error.c_str());
    return 1;
  }
  std::printf("omni-collector: backup of %s written to %s (%lld pages, schema version %lld)\n",
              options.source_path.c_str(), destination.c_str(),
              static_cast<long long>(report.pages), static_cast<long long>(report.schema_version));
  return 0;
}

}  // namespace omni::collector::backup
