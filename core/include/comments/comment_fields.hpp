// The comment object of the wire contract, written once for every JSON
// representation that reads it: core's nlohmann values (comment_from_json,
// used by the moderator console) and the browser's own JSON.parse objects (the
// reader's widget, wasm/common/js_message.hpp). The field names and the rules
// of a valid comment live here and nowhere else.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "comments/comment.hpp"

namespace comments::field {

inline constexpr const char* id = "id";
inline constexpr const char* thread = "thread";
inline constexpr const char* parent = "parent";
inline constexpr const char* author = "author";
inline constexpr const char* body = "body";
inline constexpr const char* created = "created";
inline constexpr const char* status = "status";
inline constexpr const char* pinned = "pinned";
inline constexpr const char* flags = "flags";

}  // namespace comments::field

namespace comments {

// What read_comment needs from one JSON object. Each accessor answers for one
// key: nullopt when the key is missing or holds another type.
template <class R>
concept CommentFieldReader = requires(const R& r, const char* key) {
  { r.has(key) } -> std::same_as<bool>;
  { r.is_null(key) } -> std::same_as<bool>;  // present and null
  { r.int64(key) } -> std::same_as<std::optional<std::int64_t>>;
  { r.string(key) } -> std::same_as<std::optional<std::string>>;
  { r.boolean(key) } -> std::same_as<std::optional<bool>>;
};

// A comment object as a server sends it: every field present and of its type
// ("parent" may be null), a known status, 0 <= flags <= INT32_MAX. nullopt
// otherwise.
template <CommentFieldReader R>
std::optional<Comment> read_comment(const R& r) {
  if (!r.has(field::parent)) return std::nullopt;
  auto id = r.int64(field::id);
  auto created = r.int64(field::created);
  auto flags = r.int64(field::flags);
  auto thread = r.string(field::thread);
  auto author = r.string(field::author);
  auto body = r.string(field::body);
  auto status_text = r.string(field::status);
  auto pinned = r.boolean(field::pinned);
  if (!id || !created || !flags || !thread || !author || !body || !status_text || !pinned) {
    return std::nullopt;
  }
  if (*flags < 0 || *flags > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  const auto status = parse_status(*status_text);
  if (!status) return std::nullopt;

  Comment c;
  if (!r.is_null(field::parent)) {
    const auto parent = r.int64(field::parent);
    if (!parent) return std::nullopt;
    c.parent = *parent;
  }
  c.id = *id;
  c.thread = std::move(*thread);
  c.author = std::move(*author);
  c.body = std::move(*body);
  c.created = *created;
  c.status = *status;
  c.pinned = *pinned;
  c.flags = static_cast<std::int32_t>(*flags);
  return c;
}

}  // namespace comments
