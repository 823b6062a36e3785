// A redis-server of a test's own (tests/services/redis.sh; REDIS_SERVICE_SCRIPT
// from the build), for the cluster tests that stop and start Redis or need
// one with a password; stopped and its folder removed at the end.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness.hpp"

namespace integ {

class PrivateRedis {
 public:
  // With a password, Redis requires it (requirepass).
  explicit PrivateRedis(std::string password = {}) : password_(std::move(password)) {
    service("start");
    std::ifstream url_file(home_ / "url");
    std::getline(url_file, url_);
  }
  ~PrivateRedis() { std::system((command("stop") + " >/dev/null 2>&1").c_str()); }
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  const std::string& url() const { return url_; }  // unix:///…/redis.sock
  std::string socket() const { return (home_ / "redis.sock").string(); }
  const std::string& password() const { return password_; }
  void down() const { service("down"); }
  void up() const { service("up"); }  // on the same socket and port

 private:
  std::string command(const std::string& action) const {
    return (password_.empty() ? "" : "REDIS_PASSWORD='" + password_ + "' ") + std::string(REDIS_SERVICE_SCRIPT) +
           " " + action + " '" + home_.string() + "'";
  }
  void service(const std::string& action) const {
    const std::string line = command(action);
    REQUIRE_MESSAGE(std::system(line.c_str()) == 0, "failed: " << line);
  }

  TempDir dir_;
  std::filesystem::path home_ = dir_ / "redis";
  std::string password_;
  std::string url_;
};

}  // namespace integ
