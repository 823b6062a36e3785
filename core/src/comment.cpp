// The comment model and its JSON form. Nothing here throws: the browser build
// has no exceptions, so every read checks the type before taking the value.
#include "comments/comment.hpp"

#include <limits>

#include <nlohmann/json.hpp>

#include "comment_object.hpp"

namespace comments {

using nlohmann::json;

std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::published: return "published";
    case Status::pending: return "pending";
    case Status::rejected: return "rejected";
    case Status::deleted: return "deleted";
  }
  return "published";
}

std::optional<Status> parse_status(std::string_view s) noexcept {
  if (s == "published") return Status::published;
  if (s == "pending") return Status::pending;
  if (s == "rejected") return Status::rejected;
  if (s == "deleted") return Status::deleted;
  return std::nullopt;
}

void to_json(json& j, const Comment& c) { j = comment_object<json>(c); }

namespace {

// A JSON integer that fits int64 (nlohmann stores non-negative literals as
// unsigned, so both representations are checked).
std::optional<std::int64_t> read_int64(const json& v) {
  // Unsigned first: nlohmann hands out the signed pointer for unsigned values too.
  if (const auto* u = v.get_ptr<const json::number_unsigned_t*>()) {
    if (*u <= static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const auto* i = v.get_ptr<const json::number_integer_t*>()) return *i;
  return std::nullopt;
}

const json* member(const json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

std::optional<Comment> comment_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  const json* id = member(j, "id");
  const json* thread = member(j, "thread");
  const json* parent = member(j, "parent");
  const json* author = member(j, "author");
  const json* body = member(j, "body");
  const json* created = member(j, "created");
  const json* status = member(j, "status");
  const json* pinned = member(j, "pinned");
  const json* flags = member(j, "flags");
  if (!id || !thread || !parent || !author || !body || !created || !status || !pinned || !flags) {
    return std::nullopt;
  }

  Comment c;
  const auto id_value = read_int64(*id);
  const auto created_value = read_int64(*created);
  const auto flags_value = read_int64(*flags);
  if (!id_value || !created_value || !flags_value) return std::nullopt;
  if (*flags_value < 0 || *flags_value > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  c.id = *id_value;
  c.created = *created_value;
  c.flags = static_cast<std::int32_t>(*flags_value);

  if (!parent->is_null()) {
    const auto parent_value = read_int64(*parent);
    if (!parent_value) return std::nullopt;
    c.parent = *parent_value;
  }

  const auto* thread_text = thread->get_ptr<const json::string_t*>();
  const auto* author_text = author->get_ptr<const json::string_t*>();
  const auto* body_text = body->get_ptr<const json::string_t*>();
  const auto* status_text = status->get_ptr<const json::string_t*>();
  const auto* pinned_value = pinned->get_ptr<const json::boolean_t*>();
  if (!thread_text || !author_text || !body_text || !status_text || !pinned_value) {
    return std::nullopt;
  }
  const auto status_value = parse_status(*status_text);
  if (!status_value) return std::nullopt;
  c.thread = *thread_text;
  c.author = *author_text;
  c.body = *body_text;
  c.status = *status_value;
  c.pinned = *pinned_value;
  return c;
}

}  // namespace comments
