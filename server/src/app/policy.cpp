#include "app/policy.hpp"

#include "comments/limits.hpp"

namespace comments::server {

Policy::Policy(int rate_per_minute, bool premoderate, const std::vector<PosterBan>& bans,
               FilterLists filters)
    : premoderate_(premoderate),
      filter_(std::make_shared<const ModerationFilter>(filters)),
      requested_filters_(std::move(filters)),
      post_limiter_(rate_per_minute, limits::rate_window_ms) {
  set_bans(bans);
}

void Policy::set_bans(const std::vector<PosterBan>& bans) {
  bans_.clear();
  for (const PosterBan& b : bans) bans_[b.poster] = b.expires;
}

}  // namespace comments::server
