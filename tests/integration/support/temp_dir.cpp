#include "support/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include <stdlib.h>
#include <sys/stat.h>

namespace omni::integration {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = (base != nullptr && *base != '\0') ? base : "/tmp";
  pattern += "/omni-integration-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp(" + pattern + "): " + std::strerror(errno));
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  const char* keep = std::getenv("OMNI_KEEP_TEST_DIRS");
  if (keep != nullptr && *keep != '\0' && *keep != '0') {
    std::fprintf(stderr, "kept test directory %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::file(std::string_view name) const {
  std::string result = path_;
  result += '/';
  result += name;
  return result;
}

void TempDir::write(std::string_view name, std::string_view text) const {
  const std::string target = file(name);
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + target);
}

std::string TempDir::make_subdir(std::string_view name) const {
  const std::string target = file(name);
  if (::mkdir(target.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error("mkdir(" + target + "): " + std::strerror(errno));
  }
  return target;
}

std::string read_file_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace omni::integration
