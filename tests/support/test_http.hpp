#pragma once
// What the tests use to talk to a real server: the loopback client and fake Bot API of
// bot/loopback_http.hpp, and a temporary folder per test.

#include <filesystem>

#include "bot/loopback_http.hpp"

namespace supplybot::testing {

using namespace supplybot::bot::loopback;

// A fresh temporary folder, removed with everything in it at the end of the scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace supplybot::testing
