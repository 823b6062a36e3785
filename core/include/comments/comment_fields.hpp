// The comment object of the wire contract, written once for every JSON
// representation that reads it: core's nlohmann values (comment_from_json,
// used by the moderator console) and the browser's own JSON.parse objects (the
// reader's widget, wasm/common/js_message.hpp). The field names and the rules
// of a valid comment live here and nowhere else.
#pragma once

#include <concepts>
#include <cstdint>
#include <iterator>
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

// The failures of read_comment, and for a reader that knows the value is no
// object (comment_from_json, js::comment_from), comment_not_object.
inline Error comment_field_missing(const char* key) {
  return Error{ErrorId::comment_field_missing,
               std::string("The comment's ") + key + " is missing or of the wrong type."};
}
inline Error comment_field_invalid(const char* key) {
  return Error{ErrorId::comment_field_invalid, std::string("The comment's ") + key + " is out of range."};
}
inline Error not_a_comment_object() {
  return Error{ErrorId::comment_not_object, "The comment is not a JSON object."};
}

// A comment object as a server sends it: every field present and of its type
// ("parent" may be null; else comment_field_missing), a known status and
// 0 <= flags <= INT32_MAX (else comment_field_invalid).
template <CommentFieldReader R>
Result<Comment> read_comment(const R& r) {
  if (!r.has(field::parent)) return comment_field_missing(field::parent);
  auto id = r.int64(field::id);
  auto created = r.int64(field::created);
  auto flags = r.int64(field::flags);
  auto thread = r.string(field::thread);
  auto author = r.string(field::author);
  auto body = r.string(field::body);
  auto status_text = r.string(field::status);
  auto pinned = r.boolean(field::pinned);
  const bool present[] = {id.has_value(),     created.has_value(), flags.has_value(),
                          thread.has_value(), author.has_value(),  body.has_value(),
                          status_text.has_value(), pinned.has_value()};
  const char* const keys[] = {field::id,     field::created, field::flags,  field::thread,
                              field::author, field::body,    field::status, field::pinned};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    if (!present[i]) return comment_field_missing(keys[i]);
  }
  if (*flags < 0 || *flags > std::numeric_limits<std::int32_t>::max()) {
    return comment_field_invalid(field::flags);
  }
  const auto status = parse_status(*status_text);
  if (!status) return comment_field_invalid(field::status);

  Comment c;
  if (!r.is_null(field::parent)) {
    const auto parent = r.int64(field::parent);
    if (!parent) return comment_field_missing(field::parent);
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
