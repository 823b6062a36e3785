// Logs refusals by a limit once per client address and window, not once per
// refused request: a flood of refused messages must not become a flood of log
// lines. The first refusal of an address in a window is logged; the others
// are counted and the count goes out with the next line (`suppressed=N`).
// Bounded: at most `max_tracked` addresses are remembered; beyond that, those
// whose window ended are forgotten, and if that frees nothing the table starts
// over (the worst case is a few more log lines, never unbounded memory).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace comments::server {

class RefusalLog {
 public:
  explicit RefusalLog(std::int64_t window_ms = 60'000, std::size_t max_tracked = 16'384)
      : window_ms_(window_ms), max_tracked_(max_tracked) {}

  // One refusal by limit `limit` of `address_hash` at `now_ms`. nullopt: do
  // not log it (already logged in this window). Otherwise log it, saying how
  // many refusals of that limit and address went unlogged before it.
  std::optional<std::uint64_t> note(std::string_view limit, std::string_view address_hash,
                                    std::int64_t now_ms);

  // Refuses by `limit` and logs it when note() says so, as
  // `warn limit-refused limit=<limit> from=<short hash> <details> [suppressed=N]`.
  void refused(std::string_view limit, const std::string& address_hash, std::string_view details,
               std::int64_t now_ms);

  std::size_t tracked() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::int64_t logged_ms = 0;    // when the last line for this key went out
    std::uint64_t suppressed = 0;  // refusals since, not logged
  };

  std::int64_t window_ms_;
  std::size_t max_tracked_;
  std::unordered_map<std::string, Entry> entries_;  // key: limit + ' ' + address hash
};

}  // namespace comments::server
