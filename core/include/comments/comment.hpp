// The comment model of the wire contract and its JSON form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "comments/result.hpp"

namespace comments {

enum class Status : std::uint8_t { published, pending, rejected, deleted };

std::string_view to_string(Status s) noexcept;
std::optional<Status> parse_status(std::string_view s) noexcept;

struct Comment {
  std::int64_t id = 0;                  // unique per store, increasing with time
  std::string thread;                   // thread key
  std::optional<std::int64_t> parent;   // id of a comment in the same thread
  std::string author;                   // plain text, trimmed, 1-40 code points
  std::string body;                     // plain text, trimmed, 1-2000 code points
  std::int64_t created = 0;             // Unix ms, server clock
  Status status = Status::published;
  bool pinned = false;
  std::int32_t flags = 0;               // distinct flagging addresses since last approve
  std::optional<std::int64_t> edited;   // extension: Unix ms of its author's last edit
  std::int32_t likes = 0;               // extension: distinct addresses that like it (顶)

  bool operator==(const Comment&) const = default;
};

// {"id":…,"thread":…,"parent":…,"author":…,"body":…,"created":…,"status":…,"pinned":…,"flags":…}
// and "edited":… only when its author edited it, then "likes":….
void to_json(nlohmann::json& j, const Comment& c);

// Reads a comment object as a server sends it (used by the browser client):
// fails as read_comment does (comment_fields.hpp), or comment_not_object.
Result<Comment> comment_from_json(const nlohmann::json& j);

}  // namespace comments
