// A token bucket: up to `capacity` tokens, refilled at `per_second`; each
// allowed event takes one. The rate and capacity are passed in on every call,
// so the per-connection and per-address tables hold only the two fields below
// (16 bytes) and a limit changed on the command line needs no per-entry copy.
// Default-constructed, a bucket is full.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>

namespace comments::server {

// Milliseconds of the steady clock: what the buckets and refusal logs measure in.
inline std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class TokenBucket {
 public:
  // Takes one token at `now_ms` and returns nullopt; when there is none, takes
  // nothing and returns the milliseconds until one is there (always >= 1).
  std::optional<std::int64_t> take(std::int64_t now_ms, double per_second, double capacity) {
    refill(now_ms, per_second);
    if (spent_ + 1.0 <= capacity) {
      spent_ += 1.0;
      return std::nullopt;
    }
    // Rounded up, less a hair of floating-point noise (20.0000001 ms is 20).
    const double wait = std::ceil((spent_ + 1.0 - capacity) * 1000.0 / per_second - 1e-6);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(wait));
  }

  // True when the bucket is full again at `now_ms` (an entry that may be forgotten).
  bool full(std::int64_t now_ms, double per_second) const {
    return spent_ - elapsed_s(now_ms) * per_second <= 0.0;
  }

 private:
  double elapsed_s(std::int64_t now_ms) const {
    return static_cast<double>(std::max<std::int64_t>(0, now_ms - last_ms_)) / 1000.0;
  }
  void refill(std::int64_t now_ms, double per_second) {
    spent_ = std::max(0.0, spent_ - elapsed_s(now_ms) * per_second);
    last_ms_ = std::max(last_ms_, now_ms);
  }

  double spent_ = 0.0;        // tokens taken and not yet refilled
  std::int64_t last_ms_ = 0;  // when spent_ was last brought up to date
};

}  // namespace comments::server
