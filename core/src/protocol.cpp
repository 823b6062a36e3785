// Client messages parsed and validated into typed requests; every server
// message serialised. docs/protocol.md states the rules implemented here.
//
// Nothing here throws (the browser build has no exceptions): JSON is parsed
// with allow_exceptions=false, every value is read through get_ptr after its
// type is known, and output is written by json_text, which replaces invalid
// UTF-8 instead of failing.
#include "comments/protocol.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "comments/comment_fields.hpp"
#include "comments/filter.hpp"
#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "flat_json.hpp"
#include "json_text.hpp"

namespace comments {

using nlohmann::json;

std::string_view to_string(ErrorCode c) noexcept {
  switch (c) {
    case ErrorCode::bad_json: return "bad_json";
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::invalid: return "invalid";
    case ErrorCode::blocked: return "blocked";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::banned: return "banned";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

ErrorCode wire_code(ErrorId id) noexcept {
  switch (id) {
    case ErrorId::message_not_json:
    case ErrorId::message_not_object:
      return ErrorCode::bad_json;
    case ErrorId::type_missing:
    case ErrorId::type_unknown:
    case ErrorId::req_invalid:
    case ErrorId::nesting_too_deep:
    case ErrorId::field_missing:
    case ErrorId::field_mistyped:
    case ErrorId::choice_unknown:
    case ErrorId::binary_frame:
      return ErrorCode::bad_request;
    case ErrorId::number_out_of_range:
    case ErrorId::thread_key_invalid:
    case ErrorId::author_too_long:
    case ErrorId::author_control_chars:
    case ErrorId::body_empty:
    case ErrorId::body_too_long:
    case ErrorId::flag_reason_too_long:
    case ErrorId::ban_reason_invalid:
    case ErrorId::poster_key_invalid:
    case ErrorId::author_secret_invalid:
    case ErrorId::own_list_too_long:
    case ErrorId::edit_window_closed:
    case ErrorId::search_text_too_long:
    case ErrorId::filter_word_invalid_utf8:
    case ErrorId::filter_word_too_long:
    case ErrorId::filter_word_folds_to_nothing:
    case ErrorId::filter_list_too_long:
      return ErrorCode::invalid;
    case ErrorId::post_blocked: return ErrorCode::blocked;
    case ErrorId::rate_limited:
    case ErrorId::messages_too_fast:
    case ErrorId::likes_too_fast:
    // Refused over HTTP (429/503), never sent on a WebSocket; were they, this is what they mean.
    case ErrorId::connections_per_address_full:
    case ErrorId::connections_full:
    case ErrorId::embed_rate_limited:
      return ErrorCode::rate_limited;
    case ErrorId::poster_banned: return ErrorCode::banned;
    case ErrorId::not_moderator:
    case ErrorId::moderation_off:
    case ErrorId::token_wrong:
    case ErrorId::author_secret_wrong:
      return ErrorCode::unauthorized;
    case ErrorId::comment_not_found:
    case ErrorId::ban_not_found:
      return ErrorCode::not_found;
    case ErrorId::server_failed:
    case ErrorId::comment_not_object:
    case ErrorId::comment_field_missing:
    case ErrorId::comment_field_invalid:
    case ErrorId::option_value_missing:
    case ErrorId::option_value_invalid:
    case ErrorId::option_takes_no_value:
    case ErrorId::option_unknown:
    case ErrorId::option_refused:
    case ErrorId::option_required:
    case ErrorId::log_level_unknown:
    case ErrorId::mod_token_unreadable:
    case ErrorId::mod_token_empty:
    case ErrorId::moderators_file_unreadable:
    case ErrorId::moderators_file_invalid:
    case ErrorId::moderator_exists:
    case ErrorId::moderator_unknown:
    case ErrorId::embed_thread_missing:
    case ErrorId::embed_thread_invalid:
    case ErrorId::embed_limit_invalid:
    case ErrorId::embed_lang_unknown:
    case ErrorId::include_unreadable:
    case ErrorId::include_extra_param:
    case ErrorId::include_nginx_variable:
    case ErrorId::include_unknown_param:
    case ErrorId::percent_encoding_invalid:
    case ErrorId::origin_invalid:
    case ErrorId::ws_version_unsupported:
    case ErrorId::ws_key_invalid:
      return ErrorCode::internal;  // server_failed, and the ids never sent (see the declaration)
  }
  return ErrorCode::internal;
}

namespace {

// Deepest array/object nesting a client message may use. Real messages need
// 2 (the message object, a filters list); the cap keeps hostile input such as
// 30,000 nested arrays from building a deep tree. nlohmann's parser itself is
// iterative, so the cap is enforced with its parser callback, which discards
// anything deeper while the parse goes on in linear time.
constexpr int max_nesting = 32;

constexpr auto queue_statuses = std::to_array<std::pair<std::string_view, QueueStatus>>({
    {"published", QueueStatus::published},
    {"pending", QueueStatus::pending},
    {"rejected", QueueStatus::rejected},
    {"deleted", QueueStatus::deleted},
    {"flagged", QueueStatus::flagged},
    {"all", QueueStatus::all},
});

constexpr auto moderate_actions = std::to_array<std::pair<std::string_view, ModerateAction>>({
    {"approve", ModerateAction::approve},
    {"reject", ModerateAction::reject},
    {"delete", ModerateAction::remove},
    {"pin", ModerateAction::pin},
    {"unpin", ModerateAction::unpin},
});

// Reads the fields of one message object. The first mistyped/missing field
// (bad_request) wins over the first out-of-bounds value (invalid), so a
// client learns about structural mistakes first whatever the field order.
class FieldReader {
 public:
  explicit FieldReader(const json& object) : object_(object) {}

  // The error that wins, if any.
  const std::optional<Error>& error() const { return structural_ ? structural_ : bounds_; }

  // A thread key: 1-200 code points, no control characters.
  std::string thread_key(const char* name) {
    const json* v = required(name, "a string of 1 to 200 characters");
    if (!v) return {};
    const auto* s = v->get_ptr<const json::string_t*>();
    if (!s) {
      mistyped(name, "a string of 1 to 200 characters");
      return {};
    }
    check_thread_key(name, *s);
    return *s;
  }

  std::optional<std::string> optional_thread_key(const char* name) {
    const json* v = optional(name);
    if (!v) return std::nullopt;
    const auto* s = v->get_ptr<const json::string_t*>();
    if (!s) {
      mistyped(name, "a string of 1 to 200 characters");
      return std::nullopt;
    }
    check_thread_key(name, *s);
    return *s;
  }

  // An integer in [min, max]; `fallback` when absent or null.
  int bounded_int(const char* name, int min, int max, int fallback) {
    const json* v = optional(name);
    if (!v) return fallback;
    const auto rule = [&] {
      return std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
             std::to_string(max);
    };
    const auto value = integer(*v);
    if (!value) {
      fail_structural(ErrorId::field_mistyped, rule());
      return fallback;
    }
    if (*value < min || *value > max) {
      fail_bounds(ErrorId::number_out_of_range, rule());
      return fallback;
    }
    return static_cast<int>(*value);
  }

  std::int64_t id(const char* name) {
    const json* v = required(name, "a positive integer");
    if (!v) return 0;
    return id_value(name, *v);
  }

  std::optional<std::int64_t> optional_id(const char* name) {
    const json* v = optional(name);
    if (!v) return std::nullopt;
    return id_value(name, *v);
  }

  // A boolean; `fallback` when absent or null.
  bool optional_bool(const char* name, bool fallback) {
    const json* v = optional(name);
    if (!v) return fallback;
    if (const auto* b = v->get_ptr<const json::boolean_t*>()) return *b;
    mistyped(name, "true or false");
    return fallback;
  }

  // A string of any content (bounds are the caller's); nullopt when absent,
  // null or mistyped (then recorded).
  std::optional<std::string> optional_string(const char* name, const char* what) {
    const json* v = optional(name);
    if (!v) return std::nullopt;
    const auto* s = v->get_ptr<const json::string_t*>();
    if (!s) {
      mistyped(name, what);
      return std::nullopt;
    }
    return *s;
  }

  std::string required_string(const char* name, const char* what) {
    const json* v = required(name, what);
    if (!v) return {};
    const auto* s = v->get_ptr<const json::string_t*>();
    if (!s) {
      mistyped(name, what);
      return {};
    }
    return *s;
  }

  // Trimmed author; the anonymous name when absent, null, empty or blank.
  std::string author(const char* name) {
    const auto raw = optional_string(name, "a string or null");
    if (!raw) return std::string(limits::anonymous_author);
    const std::string_view trimmed = text::trim(*raw);
    if (trimmed.empty()) return std::string(limits::anonymous_author);
    if (text::count_code_points(trimmed) > limits::max_author_chars) {
      fail_bounds(ErrorId::author_too_long, std::string(name) + " must be at most " +
                                                std::to_string(limits::max_author_chars) +
                                                " characters after trimming");
    } else if (text::has_control(trimmed)) {
      fail_bounds(ErrorId::author_control_chars,
                  std::string(name) + " must not contain control characters");
    }
    return std::string(trimmed);
  }

  // Trimmed body: 1-2000 code points.
  std::string body(const char* name) {
    const json* v = required(name, "a string of 1 to 2000 characters");
    if (!v) return {};
    const auto* raw = v->get_ptr<const json::string_t*>();
    if (!raw) {
      mistyped(name, "a string of 1 to 2000 characters");
      return {};
    }
    const std::string_view trimmed = text::trim(*raw);
    const std::size_t length = text::count_code_points(trimmed);
    if (length == 0) {
      fail_bounds(ErrorId::body_empty, std::string(name) + " must not be empty or only whitespace");
    } else if (length > limits::max_body_chars) {
      fail_bounds(ErrorId::body_too_long, std::string(name) + " must be at most " + std::to_string(limits::max_body_chars) +
                  " characters after trimming (it has " + std::to_string(length) + ")");
    }
    return std::string(trimmed);
  }

  // A substring filter of the moderator queue: empty means no filter.
  std::optional<std::string> search_text(const char* name, std::size_t max_chars) {
    auto value = optional_string(name, "a string");
    if (!value || value->empty()) return std::nullopt;
    if (text::count_code_points(*value) > max_chars) {
      fail_bounds(ErrorId::search_text_too_long,
                  std::string(name) + " must be at most " + std::to_string(max_chars) + " characters");
    }
    return value;
  }

  template <typename Enum, std::size_t N>
  Enum choice(const char* name, const std::array<std::pair<std::string_view, Enum>, N>& options,
              Enum fallback) {
    const json* v = required(name, "a string");
    if (!v) return fallback;
    if (const auto* s = v->get_ptr<const json::string_t*>()) {
      for (const auto& [label, value] : options) {
        if (*s == label) return value;
      }
    }
    std::string rule = std::string(name) + " must be one of";
    for (std::size_t i = 0; i < N; ++i) {
      rule += (i == 0 ? " " : (i + 1 == N ? " or " : ", "));
      rule += options[i].first;
    }
    fail_structural(ErrorId::choice_unknown, std::move(rule));
    return fallback;
  }

  // Like choice, but `fallback` when absent or null.
  template <typename Enum, std::size_t N>
  Enum optional_choice(const char* name, const std::array<std::pair<std::string_view, Enum>, N>& options,
                       Enum fallback) {
    if (!optional(name)) return fallback;
    return choice(name, options, fallback);
  }

  // A list of words; nullopt when absent or null.
  std::optional<std::vector<std::string>> word_list(const char* name) {
    const json* v = optional(name);
    if (!v) return std::nullopt;
    const std::string rule = std::string(name) + " must be an array of strings";
    if (!v->is_array()) {
      fail_structural(ErrorId::field_mistyped, rule);
      return std::nullopt;
    }
    std::vector<std::string> words;
    words.reserve(v->size());
    for (const json& item : *v) {
      const auto* s = item.get_ptr<const json::string_t*>();
      if (!s) {
        fail_structural(ErrorId::field_mistyped, rule);
        return std::nullopt;
      }
      words.push_back(*s);
    }
    if (words.size() > limits::max_filter_words) {
      fail_bounds(ErrorId::filter_list_too_long, std::string(name) + " must hold at most " +
                                                     std::to_string(limits::max_filter_words) + " words");
    }
    return words;
  }

  // An author's secret: 32 lower-case hex digits (what an ack gives).
  std::string author_secret(const json* v, const char* name) {
    const auto* s = v ? v->get_ptr<const json::string_t*>() : nullptr;
    if (!s) {
      if (v) {
        mistyped(name, "a string of 32 hex digits");
      } else {
        fail_structural(ErrorId::field_missing, std::string(name) + " is required (the secret of the post's ack)");
      }
      return {};
    }
    const bool hex = std::all_of(s->begin(), s->end(),
                                 [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!hex || s->size() != 2 * limits::author_secret_bytes) {
      fail_bounds(ErrorId::author_secret_invalid, std::string(name) + " must be 32 lower-case hex digits, as the ack gave it");
    }
    return *s;
  }
  std::string author_secret(const char* name) { return author_secret(optional(name), name); }

  // `own`'s list of {"id":N,"secret":S}.
  std::vector<OwnClaim> claims(const char* name) {
    const json* v = required(name, "an array of {id, secret}");
    std::vector<OwnClaim> out;
    if (!v) return out;
    const std::string rule = std::string(name) + " must be an array of {\"id\":N,\"secret\":S}";
    if (!v->is_array()) {
      fail_structural(ErrorId::field_mistyped, rule);
      return out;
    }
    if (v->size() > limits::max_own_posts) {
      fail_bounds(ErrorId::own_list_too_long, std::string(name) + " must name at most " +
                                                  std::to_string(limits::max_own_posts) + " comments");
      return out;
    }
    for (const json& item : *v) {
      if (!item.is_object()) {
        fail_structural(ErrorId::field_mistyped, rule);
        return out;
      }
      FieldReader inner(item);
      OwnClaim claim;
      claim.id = inner.id("id");
      claim.secret = inner.author_secret("secret");
      if (inner.structural_) fail_structural(inner.structural_->id, inner.structural_->message);
      if (inner.bounds_) fail_bounds(inner.bounds_->id, inner.bounds_->message);
      out.push_back(std::move(claim));
    }
    return out;
  }

  bool ok_so_far() const { return !structural_ && !bounds_; }
  void fail_bounds(ErrorId id, std::string message) {
    if (!bounds_) bounds_ = Error{id, std::move(message)};
  }

 private:
  // nullptr when absent or null (null stands for "left out").
  const json* optional(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  const json* required(const char* name, const char* what) {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
      fail_structural(ErrorId::field_missing, std::string(name) + " is required (" + what + ")");
      return nullptr;
    }
    return &*it;
  }

  void mistyped(const char* name, const char* what) {
    fail_structural(ErrorId::field_mistyped, std::string(name) + " must be " + what);
  }

  void fail_structural(ErrorId id, std::string message) {
    if (!structural_) structural_ = Error{id, std::move(message)};
  }

  void check_thread_key(const char* name, const std::string& key) {
    // The parser already refuses invalid UTF-8; checked again because the
    // code point count below is only defined for valid text.
    const bool valid = text::is_valid_utf8(key);
    const std::size_t length = valid ? text::count_code_points(key) : 0;
    if (!valid || length == 0 || length > limits::max_thread_chars || text::has_control(key)) {
      fail_bounds(ErrorId::thread_key_invalid, std::string(name) + " must be 1 to " + std::to_string(limits::max_thread_chars) +
                  " characters without control characters");
    }
  }

  // JSON integers that fit int64 only. Fractions, exponents (nlohmann reads
  // them as floats) and integers beyond int64 are not integers of this
  // protocol: the caller reports them as mistyped (bad_request).
  static std::optional<std::int64_t> integer(const json& v) {
    // Unsigned first: nlohmann hands out the signed pointer for unsigned values too.
    if (const auto* u = v.get_ptr<const json::number_unsigned_t*>()) {
      constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
      if (*u <= static_cast<json::number_unsigned_t>(int64_max)) return static_cast<std::int64_t>(*u);
      return std::nullopt;
    }
    if (const auto* i = v.get_ptr<const json::number_integer_t*>()) return *i;
    return std::nullopt;
  }

  std::int64_t id_value(const char* name, const json& v) {
    const auto value = integer(v);
    if (!value) {
      fail_structural(ErrorId::field_mistyped, std::string(name) + " must be a positive 64-bit integer");
      return 0;
    }
    if (*value <= 0) {
      fail_bounds(ErrorId::number_out_of_range, std::string(name) + " must be a positive integer");
      return 0;
    }
    return *value;
  }

  const json& object_;
  std::optional<Error> structural_;
  std::optional<Error> bounds_;
};

// A page's title as a join names it: trimmed, 1-200 characters, no control
// characters; nullopt otherwise.
std::optional<std::string> valid_title(const std::optional<std::string>& raw) {
  if (!raw) return std::nullopt;
  const std::string_view trimmed = text::trim(*raw);
  const std::size_t length = text::count_code_points(trimmed);
  if (length == 0 || length > limits::max_title_chars || text::has_control(trimmed)) return std::nullopt;
  return std::string(trimmed);
}

// A page's link as a join names it: http:// or https:// (any case) and a
// host, at most 2000 characters, no whitespace or control characters.
std::optional<std::string> valid_url(const std::optional<std::string>& raw) {
  if (!raw) return std::nullopt;
  const std::string_view url = text::trim(*raw);
  const std::string lowered = text::ascii_lower(url.substr(0, 8));
  const std::size_t scheme = lowered.starts_with("https://") ? 8 : lowered.starts_with("http://") ? 7 : 0;
  if (scheme == 0 || url.size() == scheme || text::count_code_points(url) > limits::max_url_chars) return std::nullopt;
  for (std::size_t pos = 0; pos < url.size();) {
    const char32_t cp = text::next_code_point(url, pos);
    if (text::is_white_space(cp) || text::is_control(cp)) return std::nullopt;
  }
  if (url[scheme] == '/') return std::nullopt;  // no host
  return std::string(url);
}

Request read_join(FieldReader& r) {
  JoinRequest q;
  q.thread = r.thread_key("thread");
  q.limit = r.bounded_int("limit", 1, limits::max_join_limit, limits::default_join_limit);
  q.title = valid_title(r.optional_string("title", "a string of at most 200 characters"));
  q.url = valid_url(r.optional_string("url", "an http or https URL"));
  return q;
}

Request read_leave(FieldReader& r) { return LeaveRequest{r.thread_key("thread")}; }

Request read_more(FieldReader& r) {
  MoreRequest q;
  q.thread = r.thread_key("thread");
  q.before = r.id("before");
  q.limit = r.bounded_int("limit", 1, limits::max_join_limit, limits::default_join_limit);
  return q;
}

Request read_post(FieldReader& r) {
  PostRequest q;
  q.thread = r.thread_key("thread");
  q.author = r.author("author");
  q.body = r.body("body");
  q.parent = r.optional_id("parent");
  return q;
}

Request read_flag(FieldReader& r) {
  FlagRequest q;
  q.id = r.id("id");
  if (auto reason = r.optional_string("reason", "a string of at most 500 characters")) {
    const std::string_view trimmed = text::trim(*reason);
    if (text::count_code_points(trimmed) > limits::max_flag_reason_chars) {
      r.fail_bounds(ErrorId::flag_reason_too_long, "reason must be at most " + std::to_string(limits::max_flag_reason_chars) +
                    " characters");
    }
    q.reason = std::string(trimmed);
  }
  return q;
}

Request read_edit(FieldReader& r) {
  EditRequest q;
  q.id = r.id("id");
  q.secret = r.author_secret("secret");
  q.body = r.body("body");
  return q;
}

Request read_delete(FieldReader& r) {
  DeleteRequest q;
  q.id = r.id("id");
  q.secret = r.author_secret("secret");
  return q;
}

Request read_own(FieldReader& r) {
  OwnRequest q;
  q.thread = r.thread_key("thread");
  q.posts = r.claims("posts");
  return q;
}

Request read_like(FieldReader& r) {
  LikeRequest q;
  q.id = r.id("id");
  q.liked = r.optional_bool("liked", true);
  return q;
}

Request read_hot(FieldReader& r) {
  HotRequest q;
  q.thread = r.thread_key("thread");
  q.limit = r.bounded_int("limit", 1, limits::max_join_limit, limits::default_join_limit);
  return q;
}

Request read_auth(FieldReader& r) { return AuthRequest{r.required_string("token", "a string")}; }

Request read_queue(FieldReader& r) {
  QueueRequest q;
  q.status = r.choice("status", queue_statuses, QueueStatus::pending);
  q.thread = r.optional_thread_key("thread");
  q.author = r.search_text("author", limits::max_author_chars);
  q.text = r.search_text("text", limits::max_body_chars);
  q.before = r.optional_id("before");
  q.limit = r.bounded_int("limit", 1, limits::max_queue_limit, limits::default_queue_limit);
  return q;
}

Request read_moderate(FieldReader& r) {
  ModerateRequest q;
  q.id = r.id("id");
  q.action = r.choice("action", moderate_actions, ModerateAction::approve);
  return q;
}

constexpr auto ban_durations = std::to_array<std::pair<std::string_view, BanDuration>>({
    {"1d", BanDuration::day},
    {"7d", BanDuration::week},
    {"permanent", BanDuration::permanent},
});

Request read_ban(FieldReader& r) {
  BanRequest q;
  q.id = r.id("id");
  q.duration = r.optional_choice("duration", ban_durations, BanDuration::permanent);
  if (auto reason = r.optional_string("reason", "a string of at most 500 characters")) {
    const std::string_view trimmed = text::trim(*reason);
    if (text::count_code_points(trimmed) > limits::max_ban_reason_chars || text::has_control(trimmed)) {
      r.fail_bounds(ErrorId::ban_reason_invalid, "reason must be at most " +
                                                     std::to_string(limits::max_ban_reason_chars) +
                                                     " characters without control characters");
    }
    q.reason = std::string(trimmed);
  }
  return q;
}

Request read_bans(FieldReader&) { return BansRequest{}; }

// The poster key a ban list shows: 4 to 64 lower-case hex digits.
Request read_unban(FieldReader& r) {
  UnbanRequest q;
  q.poster = r.required_string("poster", "a poster key as the ban list shows it");
  const bool hex = std::all_of(q.poster.begin(), q.poster.end(),
                               [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (r.ok_so_far() && (!hex || q.poster.size() < 4 || q.poster.size() > 64)) {
    r.fail_bounds(ErrorId::poster_key_invalid, "poster must be 4 to 64 lower-case hex digits, as bans lists it");
  }
  return q;
}

Request read_filters(FieldReader& r) {
  FiltersRequest q;
  q.banned = r.word_list("banned");
  q.suspect = r.word_list("suspect");
  if (r.ok_so_far() && !q.is_read()) {
    FilterLists lists;
    if (q.banned) lists.banned = *q.banned;
    if (q.suspect) lists.suspect = *q.suspect;
    if (const Result<void> valid = lists.validate(); !valid) {
      r.fail_bounds(valid.error().id, valid.error().message);
    }
  }
  return q;
}

Request read_audit(FieldReader& r) {
  AuditRequest q;
  q.before = r.optional_id("before");
  q.limit = r.bounded_int("limit", 1, limits::max_queue_limit, limits::default_queue_limit);
  return q;
}

using RequestReader = Request (*)(FieldReader&);
constexpr auto request_readers = std::to_array<std::pair<std::string_view, RequestReader>>({
    {"join", read_join},
    {"leave", read_leave},
    {"more", read_more},
    {"post", read_post},
    {"flag", read_flag},
    {"auth", read_auth},
    {"queue", read_queue},
    {"moderate", read_moderate},
    {"ban", read_ban},
    {"filters", read_filters},
    {"audit", read_audit},
    {"bans", read_bans},
    {"unban", read_unban},
    {"edit", read_edit},
    {"delete", read_delete},
    {"own", read_own},
    {"like", read_like},
    {"hot", read_hot},
});

ClientMessage failed(ErrorId id, std::string message, Req req = {}) {
  return ClientMessage{std::move(req), Error{id, std::move(message)}};
}

// Whether an array or object opens at nesting depth `max_nesting` or deeper
// (the outermost value is depth 0). Brackets inside strings do not count; on
// text that is not JSON the answer does not matter (the parse fails first).
// A scan of the bytes first, because nlohmann's callback parser (which can
// drop deep values) costs more per message than the plain one (callgrind,
// bench ingest); only frames that need it take the callback.
bool nests_too_deep(std::string_view frame) noexcept {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (depth >= max_nesting) return true;
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

ClientMessage parse_client_message(std::string_view frame) {
  // A flat object (every post a widget sends) skips nlohmann's lexer: see
  // flat_json.hpp. Only a message that nests too deep goes through the parser
  // callback, which drops the deep values instead of building them.
  json message;
  bool too_deep = false;
  if (auto flat = flat_json::parse_flat_object(frame)) {
    message = std::move(*flat);
  } else if ((too_deep = nests_too_deep(frame))) {
    too_deep = false;  // set again if the parse reaches a deep value (valid JSON)
    const json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t event, json&) {
      const bool opens = event == json::parse_event_t::object_start ||
                         event == json::parse_event_t::array_start;
      if (opens && depth >= max_nesting) {
        too_deep = true;
        return false;  // discard the value; the parse continues without building it
      }
      return true;
    };
    message = json::parse(frame.data(), frame.data() + frame.size(), limit_depth,
                          /*allow_exceptions=*/false);
  } else {
    message = json::parse(frame.data(), frame.data() + frame.size(), nullptr,
                          /*allow_exceptions=*/false);
  }

  if (message.is_discarded()) {
    return failed(ErrorId::message_not_json, "The message is not valid JSON.");
  }
  if (!message.is_object()) {
    return failed(ErrorId::message_not_object, "The message must be a JSON object.");
  }

  // `req`: a string of at most 64 characters, the empty string included.
  std::optional<std::string> req;
  bool req_ok = true;
  if (const auto it = message.find("req"); it != message.end()) {
    const auto* s = it->get_ptr<const json::string_t*>();
    if (s && text::count_code_points(*s) <= limits::max_req_chars) {
      req = *s;
    } else {
      req_ok = false;
    }
  }

  const auto type_it = message.find("type");
  const json::string_t* type =
      type_it == message.end() ? nullptr : type_it->get_ptr<const json::string_t*>();
  if (!type) {
    return failed(ErrorId::type_missing, "type is required and must be a string.", req);
  }
  if (!req_ok) {
    return failed(ErrorId::req_invalid, "req must be a string of at most " +
                                            std::to_string(limits::max_req_chars) + " characters.");
  }
  if (too_deep) {
    return failed(ErrorId::nesting_too_deep,
                  "The message nests arrays or objects deeper than " + std::to_string(max_nesting) +
                      " levels.",
                  req);
  }

  for (const auto& [name, read] : request_readers) {
    if (*type != name) continue;
    FieldReader reader(message);
    Request request = read(reader);
    if (const auto& error = reader.error()) {
      std::string message = error->message;
      if (!message.ends_with('.')) message += '.';
      return failed(error->id, std::move(message), std::move(req));
    }
    return ClientMessage{std::move(req), std::move(request)};
  }
  return failed(ErrorId::type_unknown,
                "type is not a known message type (join, leave, more, post, flag, auth, "
                "queue, moderate, ban, filters, audit, bans, unban, like, hot).",
                req);
}

// ---- Server -> client --------------------------------------------------------
// Written straight into the frame's text (json_text.hpp says why), `type` and
// `req` first as in the contract's examples, which keeps frames readable in
// logs and devtools.

namespace {

using json_text::append_bool;
using json_text::append_int;
using json_text::append_key;
using json_text::append_string;

void append_comment(std::string& out, const Comment& c) {
  out += '{';
  append_key(out, field::id, true);
  append_int(out, c.id);
  append_key(out, field::thread);
  append_string(out, c.thread);
  append_key(out, field::parent);
  if (c.parent) {
    append_int(out, *c.parent);
  } else {
    out += "null";
  }
  append_key(out, field::author);
  append_string(out, c.author);
  append_key(out, field::body);
  append_string(out, c.body);
  append_key(out, field::created);
  append_int(out, c.created);
  append_key(out, field::status);
  append_string(out, to_string(c.status));
  append_key(out, field::pinned);
  append_bool(out, c.pinned);
  append_key(out, field::flags);
  append_int(out, c.flags);
  if (c.edited) {
    append_key(out, field::edited);
    append_int(out, *c.edited);
  }
  append_key(out, field::likes);
  append_int(out, c.likes);
  out += '}';
}

void append_comments(std::string& out, const std::vector<Comment>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    append_comment(out, list[i]);
  }
  out += ']';
}

void append_strings(std::string& out, const std::vector<std::string>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    append_string(out, list[i]);
  }
  out += ']';
}

void append_optional_int(std::string& out, const std::optional<std::int64_t>& value) {
  if (value) {
    append_int(out, *value);
  } else {
    out += "null";
  }
}

void append_audit_entry(std::string& out, const AuditEntry& e) {
  out += '{';
  append_key(out, "id", true);
  append_int(out, e.id);
  append_key(out, "at");
  append_int(out, e.at);
  append_key(out, "action");
  append_string(out, e.action);
  append_key(out, "comment");
  append_optional_int(out, e.comment);
  append_key(out, "thread");
  append_string(out, e.thread);
  append_key(out, "moderator");
  append_string(out, e.moderator);
  append_key(out, "detail");
  append_string(out, e.detail);
  out += '}';
}

// `{"type":TYPE[,"req":REQ]`: the caller appends its members and the `}`.
std::string begin_reply(std::string_view type, const Req& req, std::size_t room = 64) {
  std::string out;
  out.reserve(room);
  out += "{\"type\":";
  append_string(out, type);
  if (req) {
    append_key(out, "req");
    append_string(out, *req);
  }
  return out;
}

// Room for a comment's frame without growing the string while writing.
std::size_t comment_room(const Comment& c) { return 160 + c.thread.size() + c.author.size() + c.body.size(); }

std::string with_comment(std::string_view type, const Req& req, const Comment& c) {
  std::string out = begin_reply(type, req, comment_room(c));
  append_key(out, "comment");
  append_comment(out, c);
  return out;
}

// An event of a comment and its thread's new total (comment, update).
std::string with_comment_and_total(std::string_view type, const Comment& c, std::int64_t total) {
  std::string out = with_comment(type, std::nullopt, c);
  append_key(out, "total");
  append_int(out, total);
  out += '}';
  return out;
}

}  // namespace

std::string error_message(const ErrorReply& e) {
  std::string out = begin_reply("error", e.req, 96 + e.error.message.size());
  append_key(out, "code");
  append_string(out, to_string(wire_code(e.error.id)));
  append_key(out, "message");
  append_string(out, e.error.message);
  if (e.retry_after_ms) {
    append_key(out, "retry_after_ms");
    append_int(out, *e.retry_after_ms);
  }
  out += '}';
  return out;
}

std::string snapshot_message(const Req& req, std::string_view thread, std::int64_t total,
                             const std::vector<Comment>& newest,
                             const std::vector<Comment>& pinned) {
  std::string out = begin_reply("snapshot", req, 256 * (newest.size() + pinned.size() + 1));
  append_key(out, "thread");
  append_string(out, thread);
  append_key(out, "total");
  append_int(out, total);
  append_key(out, "comments");
  append_comments(out, newest);
  append_key(out, "pinned");
  append_comments(out, pinned);
  out += '}';
  return out;
}

std::string page_message(const Req& req, std::string_view thread,
                         const std::vector<Comment>& comments) {
  std::string out = begin_reply("page", req, 256 * (comments.size() + 1));
  append_key(out, "thread");
  append_string(out, thread);
  append_key(out, "comments");
  append_comments(out, comments);
  out += '}';
  return out;
}

std::string ack_message(const Req& req, const Comment& c) {
  std::string out = with_comment("ack", req, c);
  out += '}';
  return out;
}

std::string ack_message(const Req& req, const Comment& c, std::string_view secret, std::int64_t edit_until) {
  std::string out = with_comment("ack", req, c);
  append_key(out, "secret");
  append_string(out, secret);
  append_key(out, "edit_until");
  append_int(out, edit_until);
  out += '}';
  return out;
}

std::string own_message(const Req& req, std::string_view thread, const std::vector<Comment>& comments,
                        std::int64_t edit_window_ms) {
  std::string out = begin_reply("own", req, 256 * (comments.size() + 1));
  append_key(out, "thread");
  append_string(out, thread);
  append_key(out, "comments");
  append_comments(out, comments);
  append_key(out, "edit_window_ms");
  append_int(out, edit_window_ms);
  out += '}';
  return out;
}

std::string ok_message(const Req& req) { return begin_reply("ok", req) + '}'; }

std::string ok_role_message(const Req& req, std::string_view role) {
  std::string out = begin_reply("ok", req);
  append_key(out, "role");
  append_string(out, role);
  out += '}';
  return out;
}

std::string ok_comment_message(const Req& req, const Comment& c) {
  std::string out = with_comment("ok", req, c);
  out += '}';
  return out;
}

std::string queue_message(const Req& req, const std::vector<Comment>& items) {
  std::string out = begin_reply("queue", req, 256 * (items.size() + 1));
  append_key(out, "items");
  append_comments(out, items);
  out += '}';
  return out;
}

namespace {

// {"held":…,"reasons":[…],"parent":{…}|null,"title":…,"url":…,"poster":…}
void append_context(std::string& out, const QueueContext& c) {
  out += '{';
  append_key(out, "held", true);
  // "word:W", "links:N", "premoderate" as stored -> {"why":…, "word"|"links":…}
  if (c.held.empty()) {
    out += "null";
  } else {
    const std::size_t colon = c.held.find(':');
    const std::string_view why = std::string_view(c.held).substr(0, colon);
    out += '{';
    append_key(out, "why", true);
    append_string(out, why);
    if (colon != std::string::npos) {
      const std::string_view value = std::string_view(c.held).substr(colon + 1);
      if (why == "links") {
        append_key(out, "links");
        out += value;  // written by the server: digits
      } else {
        append_key(out, "word");
        append_string(out, value);
      }
    }
    out += '}';
  }
  append_key(out, "reasons");
  out += '[';
  for (std::size_t i = 0; i < c.reasons.size(); ++i) {
    if (i) out += ',';
    out += '{';
    append_key(out, "reason", true);
    append_string(out, c.reasons[i].reason);
    append_key(out, "count");
    append_int(out, c.reasons[i].count);
    out += '}';
  }
  out += ']';
  append_key(out, "parent");
  if (c.parent_body) {
    out += '{';
    append_key(out, "author", true);
    append_string(out, c.parent_author.value_or(""));
    append_key(out, "body");
    append_string(out, *c.parent_body);
    out += '}';
  } else {
    out += "null";
  }
  append_key(out, "title");
  append_string(out, c.title);
  append_key(out, "url");
  append_string(out, c.url);
  append_key(out, "poster");
  append_string(out, c.poster);
  out += '}';
}

}  // namespace

std::string queue_message(const Req& req, const std::vector<Comment>& items,
                          const std::vector<QueueContext>& contexts, const QueueCounts& counts) {
  std::string out = begin_reply("queue", req, 512 * (items.size() + 1));
  append_key(out, "items");
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_comment(out, items[i]);
    if (i < contexts.size()) {
      out.pop_back();  // the comment's '}': its context goes inside
      append_key(out, "context");
      append_context(out, contexts[i]);
      out += '}';
    }
  }
  out += ']';
  append_key(out, "counts");
  out += '{';
  append_key(out, "pending", true);
  append_int(out, counts.pending);
  append_key(out, "flagged");
  append_int(out, counts.flagged);
  out += "}}";
  return out;
}

std::string like_ok_message(const Req& req, std::int64_t id, std::int64_t likes, bool liked) {
  std::string out = begin_reply("ok", req);
  append_key(out, "id");
  append_int(out, id);
  append_key(out, "likes");
  append_int(out, likes);
  append_key(out, "liked");
  append_bool(out, liked);
  out += '}';
  return out;
}

std::string hot_message(const Req& req, std::string_view thread, const std::vector<Comment>& comments) {
  std::string out = begin_reply("hot", req, 256 * (comments.size() + 1));
  append_key(out, "thread");
  append_string(out, thread);
  append_key(out, "comments");
  append_comments(out, comments);
  out += '}';
  return out;
}

std::string ban_ok_message(const Req& req, std::string_view poster_key, std::optional<std::int64_t> expires) {
  std::string out = begin_reply("ok", req);
  append_key(out, "poster");
  append_string(out, poster_key);
  append_key(out, "expires");
  append_optional_int(out, expires);
  out += '}';
  return out;
}

std::string bans_message(const Req& req, const std::vector<BanEntry>& bans, std::size_t key_chars) {
  std::string out = begin_reply("bans", req, 256 * (bans.size() + 1));
  append_key(out, "bans");
  out += '[';
  for (std::size_t i = 0; i < bans.size(); ++i) {
    const BanEntry& b = bans[i];
    if (i) out += ',';
    out += '{';
    append_key(out, "poster", true);
    append_string(out, std::string_view(b.poster).substr(0, key_chars));
    append_key(out, "at");
    append_int(out, b.at);
    append_key(out, "expires");
    append_optional_int(out, b.expires);
    append_key(out, "moderator");
    append_string(out, b.moderator);
    append_key(out, "reason");
    append_string(out, b.reason);
    append_key(out, "comment");
    append_optional_int(out, b.comment);
    append_key(out, "author");
    append_string(out, b.author);
    append_key(out, "excerpt");
    append_string(out, b.excerpt);
    append_key(out, "posts");
    append_int(out, b.posts);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string filters_message(const Req& req, const std::vector<std::string>& banned,
                            const std::vector<std::string>& suspect) {
  std::string out = begin_reply("filters", req, 16 * (banned.size() + suspect.size() + 4));
  append_key(out, "banned");
  append_strings(out, banned);
  append_key(out, "suspect");
  append_strings(out, suspect);
  out += '}';
  return out;
}

std::string comment_event(const Comment& c, std::int64_t total) {
  return with_comment_and_total("comment", c, total);
}

std::string update_event(const Comment& c, std::int64_t total) {
  return with_comment_and_total("update", c, total);
}

std::string queued_event(const Comment& c) {
  std::string out = with_comment("queued", std::nullopt, c);
  out += '}';
  return out;
}

std::string edited_event(const Comment& c) {
  std::string out = with_comment("edited", std::nullopt, c);
  out += '}';
  return out;
}

std::string likes_event(const Comment& c, std::int64_t total) {
  return with_comment_and_total("likes", c, total);
}

std::string audit_message(const Req& req, const std::vector<AuditEntry>& entries) {
  std::string out = begin_reply("audit", req, 160 * (entries.size() + 1));
  append_key(out, "entries");
  out += '[';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    append_audit_entry(out, entries[i]);
  }
  out += "]}";
  return out;
}

std::string audit_event(const AuditEntry& entry) {
  std::string out = begin_reply("audited", std::nullopt);
  append_key(out, "entry");
  append_audit_entry(out, entry);
  out += '}';
  return out;
}

}  // namespace comments
