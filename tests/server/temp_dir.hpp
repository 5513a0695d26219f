// A fresh directory under /tmp for one test, removed with everything in it. CTest runs every
// test case as its own process, in parallel: a fixed path shared by two cases is a race.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>

namespace omni::collector::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/omni-server-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::filesystem::path path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace omni::collector::testing
