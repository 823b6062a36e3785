// The comment model and its JSON form. Nothing here throws: the browser build
// has no exceptions, so every read checks the type before taking the value.
#include "comments/comment.hpp"

#include <limits>

#include <nlohmann/json.hpp>

#include "comment_object.hpp"
#include "comments/comment_fields.hpp"

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

Error comment_error(ErrorId id) {
  // One sentence for every id: the browser build carries it, and the id says
  // what failed.
  return Error{id, "The comment is not a well-formed comment object."};
}

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

// comment_from_json's view of one nlohmann object (see comment_fields.hpp).
class JsonFields {
 public:
  explicit JsonFields(const json& object) : object_(object) {}
  bool has(const char* key) const { return find(key) != nullptr; }
  bool is_null(const char* key) const {
    const json* v = find(key);
    return v != nullptr && v->is_null();
  }
  std::optional<std::int64_t> int64(const char* key) const {
    const json* v = find(key);
    return v != nullptr ? read_int64(*v) : std::nullopt;
  }
  std::optional<std::string> string(const char* key) const {
    const json* v = find(key);
    const auto* text = v != nullptr ? v->get_ptr<const json::string_t*>() : nullptr;
    return text != nullptr ? std::optional<std::string>(*text) : std::nullopt;
  }
  std::optional<bool> boolean(const char* key) const {
    const json* v = find(key);
    const auto* flag = v != nullptr ? v->get_ptr<const json::boolean_t*>() : nullptr;
    return flag != nullptr ? std::optional<bool>(*flag) : std::nullopt;
  }

 private:
  const json* find(const char* key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  const json& object_;
};

}  // namespace

Result<Comment> comment_from_json(const json& j) {
  if (!j.is_object()) return comment_error(ErrorId::comment_not_object);
  return read_comment(JsonFields(j));
}

}  // namespace comments
