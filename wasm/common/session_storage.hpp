// sessionStorage access that never throws (storage can be disabled or
// forbidden), for what must last only as long as the browser tab: the
// moderator token. Added for the moderator console and the widget's moderator
// mode, which find the token under one documented key (docs/moderation.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cmweb::session_storage {

// Where the moderator console keeps the token for the tab's session. The
// widget on a page of the same origin reads it to enter moderator mode.
inline constexpr std::string_view moderator_token_key = "comments.moderator.token";

std::optional<std::string> get(std::string_view key);
// False when the browser refused to store it.
bool set(std::string_view key, std::string_view value);
void remove(std::string_view key);

}  // namespace cmweb::session_storage
