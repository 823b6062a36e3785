// What decides whether a post goes in, kept in memory on the io thread: the
// bans (keyed address hashes), the moderation filter, the per-address post
// rate limit and the premoderation switch. The store holds the durable copy
// of bans and filter lists; this is what the post pipeline consults.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/rate_limiter.hpp"
#include "comments/filter.hpp"
#include "comments/moderation.hpp"

namespace comments::server {

class Policy {
 public:
  Policy(int rate_per_minute, bool premoderate, const std::vector<PosterBan>& bans,
         FilterLists filters);

  bool premoderate() const noexcept { return premoderate_; }

  // True while a ban of `poster` is in force at `now_ms` (a ban with an
  // expiry stops refusing then on every instance, which all hold it).
  bool banned(const std::string& poster, std::int64_t now_ms) const {
    const auto it = bans_.find(poster);
    return it != bans_.end() && (!it->second || *it->second > now_ms);
  }
  void ban(std::string poster, std::optional<std::int64_t> expires) { bans_[std::move(poster)] = expires; }
  void unban(const std::string& poster) { bans_.erase(poster); }
  // Replaces every ban (after a catch-up from the store).
  void set_bans(const std::vector<PosterBan>& bans);

  // Counts a post from `poster` at `now_ms` when the rate limit allows it;
  // else the milliseconds to wait.
  std::optional<std::int64_t> try_post(const std::string& poster, std::int64_t now_ms) {
    return post_limiter_.try_acquire(poster, now_ms);
  }

  const ModerationFilter& filter() const noexcept { return *filter_; }
  // The same, shared: for a check on the StoreWorker (the filter is immutable).
  std::shared_ptr<const ModerationFilter> shared_filter() const noexcept { return filter_; }
  void set_filter(std::shared_ptr<const ModerationFilter> filter) { filter_ = std::move(filter); }
  // The lists as last requested (saved or on their way to the store): the
  // base that the next partial update merges over, so two quick partial
  // updates do not undo each other.
  FilterLists& requested_filters() noexcept { return requested_filters_; }

  // Forgets rate-limit state that has left its window.
  void sweep(std::int64_t now_ms) { post_limiter_.sweep(now_ms); }

 private:
  bool premoderate_;
  std::unordered_map<std::string, std::optional<std::int64_t>> bans_;  // poster -> expires
  std::shared_ptr<const ModerationFilter> filter_;
  FilterLists requested_filters_;
  RateLimiter post_limiter_;
};

}  // namespace comments::server
