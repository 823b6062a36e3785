// Per-client-address post limit: at most N posts in any sliding 60 s window.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

namespace comments::server {

class RateLimiter {
 public:
  // `limit` posts per `window_ms`; limit 0 means no limit.
  RateLimiter(int limit, std::int64_t window_ms);

  // Counts one post from `key` at `now_ms` when allowed and returns nullopt;
  // over the limit nothing is counted and the answer is the milliseconds
  // until the oldest counted post leaves the window (always >= 1).
  std::optional<std::int64_t> try_acquire(const std::string& key, std::int64_t now_ms);

  // The milliseconds until `key` may be counted again (nullopt when it may be
  // now); counts nothing.
  std::optional<std::int64_t> retry_after(const std::string& key, std::int64_t now_ms) const;

  // Forgets keys whose posts have all left the window (bounded memory).
  void sweep(std::int64_t now_ms);

  std::size_t tracked_keys() const noexcept { return posts_.size(); }

 private:
  // The wait until one more fits among `times` (nullopt: it fits now).
  std::optional<std::int64_t> wait_for_room(const std::deque<std::int64_t>& times,
                                            std::int64_t now_ms) const;

  int limit_;
  std::int64_t window_ms_;
  // Times of counted posts still in the window, oldest first.
  std::unordered_map<std::string, std::deque<std::int64_t>> posts_;
};

}  // namespace comments::server
