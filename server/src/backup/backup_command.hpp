// `omni-collector backup --config FILE --to PATH [--force]`: the command line of an online
// backup (store_backup.hpp does the copy). Kept out of main.cpp so main only dispatches.
//
// Exit codes: 0 the copy is complete at PATH; 1 the backup failed (PATH exists without --force,
// the store cannot be read, is not an event store or is newer than this build, the copy cannot be
// written); 2 bad arguments or a bad config. Messages go to stderr, prefixed "omni-collector: ";
// on success one line to stdout names the copy, its pages and its schema version.
#pragma once

#include <string>
#include <vector>

namespace omni::collector::backup {

/// `args` are the words after "backup". `usage` is printed to stderr after an argument error.
int run_backup_command(const std::vector<std::string>& args, const char* usage);

}  // namespace omni::collector::backup
