// What a config reload (SIGHUP) may change while the collector runs, and what needs a restart.
//
// Applied at once: `sources` (names, write keys, allowed origins, rate limits, ipTruncation,
// anonymousIdCookie, retentionDays; new sources and removed ones too) and `log` (level, request
// lines).
// Everything else is fixed for the life of the process: the listening socket, the store, the
// io threads, the connection limits and timeouts, the static directory, the admin token and the
// trusted proxies are built once at start. A reload whose file changes any of them still applies
// what it can and names each ignored key in a warning, so rotating a write key never depends on
// someone having left the rest of the file untouched.
//
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"

namespace omni::collector {

/// Paths of the restart-only keys ("listen", "limits.maxBodyBytes", ...) whose value differs
/// between `running` and `next`, in config reference order; empty when none does.
std::vector<std::string> restart_only_changes(const Config& running, const Config& next);

/// `running` with what a reload applies taken from `next` (sources and log); every
/// restart-only key keeps its running value.
Config apply_reloadable(const Config& running, const Config& next);

}  // namespace omni::collector
