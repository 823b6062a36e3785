#include "app/rate_limiter.hpp"

#include <algorithm>

namespace comments::server {

RateLimiter::RateLimiter(int limit, std::int64_t window_ms)
    : limit_(limit), window_ms_(window_ms) {}

std::optional<std::int64_t> RateLimiter::try_acquire(const std::string& key, std::int64_t now_ms) {
  if (limit_ <= 0) return std::nullopt;
  auto& times = posts_[key];
  // A post at time t counts while now < t + window.
  while (!times.empty() && times.front() + window_ms_ <= now_ms) times.pop_front();
  if (auto wait = wait_for_room(times, now_ms)) return wait;
  times.push_back(now_ms);
  return std::nullopt;
}

std::optional<std::int64_t> RateLimiter::retry_after(const std::string& key,
                                                     std::int64_t now_ms) const {
  if (limit_ <= 0) return std::nullopt;
  const auto it = posts_.find(key);
  if (it == posts_.end()) return std::nullopt;
  return wait_for_room(it->second, now_ms);
}

std::optional<std::int64_t> RateLimiter::wait_for_room(const std::deque<std::int64_t>& times,
                                                       std::int64_t now_ms) const {
  // Times that have left the window are not counted (try_acquire drops them).
  const auto live = std::find_if(times.begin(), times.end(),
                                 [&](std::int64_t t) { return t + window_ms_ > now_ms; });
  if (times.end() - live < limit_) return std::nullopt;
  return std::max<std::int64_t>(1, *live + window_ms_ - now_ms);
}

void RateLimiter::sweep(std::int64_t now_ms) {
  std::erase_if(posts_, [&](const auto& entry) {
    return entry.second.empty() || entry.second.back() + window_ms_ <= now_ms;
  });
}

}  // namespace comments::server
