// A fresh directory under $TMPDIR (or /tmp) that is removed, with everything in it, on
// destruction. Each collector a test starts lives in its own, so tests can run in parallel.
//
// Set OMNI_KEEP_TEST_DIRS=1 to keep the directories (their paths go to stderr) when a failing
// test's config, logs or database need a look.
#pragma once

#include <string>
#include <string_view>

namespace omni::integration {

class TempDir {
 public:
  /// Creates the directory; throws std::runtime_error when it cannot.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// path() + "/" + name (nothing is created).
  std::string file(std::string_view name) const;
  /// Writes `text` to file(name), replacing it; throws on failure.
  void write(std::string_view name, std::string_view text) const;
  /// Creates the subdirectory file(name) and returns its path; throws on failure.
  std::string make_subdir(std::string_view name) const;

 private:
  std::string path_;
};

/// The whole content of a file, or "" when it cannot be read.
std::string read_file_or_empty(const std::string& path);

}  // namespace omni::integration
