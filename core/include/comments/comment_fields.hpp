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
#include "comments/result.hpp"

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
inline constexpr const char* edited = "edited";  // extension, optional
inline constexpr const char* likes = "likes";  // extension: optional when read (0)

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

// The Error of a failed read_comment (comment_field_missing or
// comment_field_invalid), or comment_not_object for a reader that knows the
// value is no object (comment_from_json, js::comment_from). The sentences do
// not name the field: every byte here is in the reader's Wasm download.
Error comment_error(ErrorId id);

namespace detail {
// read_comment's work: the comment, or nullopt with `id` set to what failed.
// The Error is built from it in one place (download size).
template <CommentFieldReader R>
std::optional<Comment> read_comment_fields(const R& r, ErrorId& id) {
  id = ErrorId::comment_field_missing;
  if (!r.has(field::parent)) return std::nullopt;
  auto number = r.int64(field::id);
  if (!number) return std::nullopt;
  auto created = r.int64(field::created);
  if (!created) return std::nullopt;
  auto flags = r.int64(field::flags);
  if (!flags) return std::nullopt;
  auto thread = r.string(field::thread);
  if (!thread) return std::nullopt;
  auto author = r.string(field::author);
  if (!author) return std::nullopt;
  auto body = r.string(field::body);
  if (!body) return std::nullopt;
  auto status_text = r.string(field::status);
  if (!status_text) return std::nullopt;
  auto pinned = r.boolean(field::pinned);
  if (!pinned) return std::nullopt;
  id = ErrorId::comment_field_invalid;
  if (*flags < 0 || *flags > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  const auto status = parse_status(*status_text);
  if (!status) return std::nullopt;

  Comment c;
  if (!r.is_null(field::parent)) {
    id = ErrorId::comment_field_missing;
    const auto parent = r.int64(field::parent);
    if (!parent) return std::nullopt;
    c.parent = *parent;
  }
  c.id = *number;
  c.thread = std::move(*thread);
  c.author = std::move(*author);
  c.body = std::move(*body);
  c.created = *created;
  c.status = *status;
  c.pinned = *pinned;
  c.flags = static_cast<std::int32_t>(*flags);
  c.edited = r.int64(field::edited);
  // Optional (a server before likes sends none); out of range reads as 0.
  if (const auto likes = r.int64(field::likes); likes && *likes > 0 &&
                                                 *likes <= std::numeric_limits<std::int32_t>::max()) {
    c.likes = static_cast<std::int32_t>(*likes);
  }
  return c;
}
}  // namespace detail

// A comment object as a server sends it: every field present and of its type
// ("parent" may be null; else comment_field_missing), a known status and
// 0 <= flags <= INT32_MAX (else comment_field_invalid).
template <CommentFieldReader R>
Result<Comment> read_comment(const R& r) {
  ErrorId id{};
  if (auto c = detail::read_comment_fields(r, id)) return std::move(*c);
  return comment_error(id);
}

}  // namespace comments
