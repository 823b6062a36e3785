// Reconnect delays: doubling from `first_ms` up to `max_ms`, each delay drawn
// from its upper half so that many readers dropped by one server restart do not
// all come back in the same instant. Pure, so it is unit-tested natively.
#pragma once

namespace cmweb {

class Backoff {
 public:
  constexpr Backoff(double first_ms = 500, double max_ms = 15000) noexcept
      : first_ms_(first_ms), max_ms_(max_ms), current_ms_(first_ms) {}

  // The next delay; `unit_random` is uniform in [0, 1).
  double next(double unit_random) noexcept {
    const double ceiling = current_ms_;
    current_ms_ = current_ms_ * 2 > max_ms_ ? max_ms_ : current_ms_ * 2;
    return ceiling / 2 + (ceiling / 2) * unit_random;
  }
  void reset() noexcept { current_ms_ = first_ms_; }

 private:
  double first_ms_;
  double max_ms_;
  double current_ms_;
};

}  // namespace cmweb
