#include "app/policy.hpp"

#include "comments/limits.hpp"

namespace comments::server {

Policy::Policy(int rate_per_minute, bool premoderate, const std::vector<std::string>& bans,
               FilterLists filters)
    : premoderate_(premoderate),
      bans_(bans.begin(), bans.end()),
      filter_(std::make_shared<const ModerationFilter>(filters)),
      requested_filters_(std::move(filters)),
      post_limiter_(rate_per_minute, limits::rate_window_ms) {}

}  // namespace comments::server
