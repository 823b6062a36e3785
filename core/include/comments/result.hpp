// The one way core/ and server/ report a failed parse or validation: a
// Result<T> holding either the value or an Error, whose ErrorId is stable.
//
// An ErrorId's number (and so its name(), "comments.parse.101") never changes
// once released: tests assert ids, logs and people quote them. The message is
// one sentence for a person and may be reworded at will. Numbers are grouped
// by hundreds (docs/architecture.md "Errors"); a retired id is never reused.
//
// Hand-written because std::expected is C++23 (this is C++20, g++ 12) and
// the browser build has no exceptions: nothing here throws, and value() or
// error() on the wrong alternative is a precondition violation (assert).
// Failures of the machine (the store's StoreError) stay exceptions.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace comments {

enum class ErrorId : std::uint16_t {
  // 1xx: parsing a client message (docs/protocol.md)
  message_not_json = 101,       // the frame is not valid JSON
  message_not_object = 102,     // the frame is JSON but not an object
  type_missing = 103,           // "type" is absent or not a string
  type_unknown = 104,           // "type" names no message of the protocol
  req_invalid = 105,            // "req" is not a string of at most 64 characters
  nesting_too_deep = 106,       // arrays/objects nested deeper than the parser allows
  field_missing = 107,          // a required field is absent or null
  field_mistyped = 108,         // a field has the wrong JSON type (or is no int64)
  choice_unknown = 109,         // a status/action string is none of the allowed ones
  number_out_of_range = 110,    // an integer field outside its bounds (limit, id)
  binary_frame = 111,           // a binary WebSocket frame instead of a text one

  // 2xx: comment fields and text
  thread_key_invalid = 201,     // a thread key is not 1-200 characters without controls
  author_too_long = 202,        // the trimmed author exceeds its length
  author_control_chars = 203,   // the author contains control characters
  body_empty = 204,             // the trimmed body is empty
  body_too_long = 205,          // the trimmed body exceeds its length
  flag_reason_too_long = 206,   // a flag's reason exceeds its length
  search_text_too_long = 207,   // a queue search text (author/text) exceeds its length
  comment_not_object = 208,     // a comment read from a server message is not an object
  comment_field_missing = 209,  // a comment field is missing or of the wrong type
  comment_field_invalid = 210,  // a comment field is out of range (flags, status)
  ban_reason_invalid = 211,     // a ban's reason is too long or holds control characters
  poster_key_invalid = 212,     // an unban's poster key is not hex of 4-64 digits
  author_secret_invalid = 213,  // an author secret is not 32 lower-case hex digits
  own_list_too_long = 214,      // an `own` request names more comments than allowed

  // 3xx: filter lists and words
  filter_word_invalid_utf8 = 301,      // a filter word is not valid UTF-8
  filter_word_too_long = 302,          // a filter word exceeds its length
  filter_word_folds_to_nothing = 303,  // a filter word has nothing left after folding
  filter_list_too_long = 304,          // a filter list has too many words

  // 4xx: the server's command line and configuration
  option_value_missing = 401,    // an option needs a value and got none (or an empty one)
  option_value_invalid = 402,    // an option's value is malformed or out of range
  option_takes_no_value = 403,   // a flag option was given `=value`
  option_unknown = 404,          // an argument no option matches
  option_refused = 405,          // an option refused on purpose (the token itself)
  option_required = 406,         // a required option (--port, --db) is absent
  log_level_unknown = 407,       // COMMENTS_LOG_LEVEL names no level
  mod_token_unreadable = 408,    // --mod-token-file cannot be read
  mod_token_empty = 409,         // --mod-token-file holds no token
  moderators_file_unreadable = 420,  // the --moderators file cannot be read or written
  moderators_file_invalid = 421,     // a line of the moderators file is malformed
  moderator_exists = 422,            // `moderator add` of a name already in the file
  moderator_unknown = 423,           // `moderator revoke` of a name not in the file

  // 5xx: HTTP queries and page includes
  embed_thread_missing = 501,    // /embed/latest without thread=
  embed_thread_invalid = 502,    // thread= is not a valid thread key
  embed_limit_invalid = 503,     // limit= is not a whole number from 1 to 50
  embed_lang_unknown = 504,      // lang= is neither zh-CN nor en
  include_unreadable = 505,      // an include directive's parameters cannot be read
  include_extra_param = 506,     // an include has parameters besides virtual=
  include_nginx_variable = 507,  // an include uses nginx variables ($name)
  include_unknown_param = 508,   // an include's query has a parameter we do not know
  percent_encoding_invalid = 509,  // a broken %XX escape, or %00
  origin_invalid = 510,          // an origin is not scheme://host[:port]

  // 6xx: the WebSocket upgrade request
  ws_version_unsupported = 601,  // Sec-WebSocket-Version is not 13
  ws_key_invalid = 602,          // Sec-WebSocket-Key is not 16 bytes in base64

  // 7xx: a well-formed request the server refuses (error replies only)
  post_blocked = 701,            // the moderation filter blocked the post
  rate_limited = 702,            // too many posts (or sign-in attempts); retry later
  poster_banned = 703,           // the poster is banned
  not_moderator = 704,           // a moderator request before a successful auth
  moderation_off = 705,          // auth while the server has no moderator token
  token_wrong = 706,             // auth with the wrong token
  comment_not_found = 707,       // no comment has the given id
  server_failed = 708,           // the server failed; nothing was half-done
  connections_per_address_full = 709,  // an upgrade over --max-connections-per-address (HTTP 429)
  connections_full = 710,        // an upgrade over --max-connections in total (HTTP 503)
  messages_too_fast = 711,       // a message over --max-messages-per-second; retry later
  embed_rate_limited = 712,      // /embed/latest over --embed-rate per address (HTTP 429)
  ban_not_found = 713,           // unban of a poster key no ban in force has
  author_secret_wrong = 714,     // edit/delete with a secret that is not the comment's
  edit_window_closed = 715,      // edit/delete after the author's window has closed
  // 720: numbered apart from the ids above so parallel additions do not collide.
  likes_too_fast = 720,          // likes (顶) over the per-connection limit; retry later
};

// The stable dotted name of an id, e.g. "comments.parse.101", for logs and messages.
std::string_view name(ErrorId id) noexcept;

struct Error {
  ErrorId id{};
  std::string message;  // one sentence for a person; may be reworded freely
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value) {}
  Result(T&& value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return checked(); }
  const T& value() const& { return checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!value_);
    return error_;
  }

 private:
  T& checked() {
    assert(value_);
    return *value_;
  }
  const T& checked() const {
    assert(value_);
    return *value_;
  }

  // Not a std::variant: this compiles to less code (the reader's Wasm
  // download). error_ means something only while value_ is empty.
  std::optional<T> value_;
  Error error_{};
};

// Pure validation: fine (default) or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return ok(); }

  const Error& error() const {
    assert(error_);
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace comments
