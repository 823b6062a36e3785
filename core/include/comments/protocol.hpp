// The wire contract (shared/protocol.md, documented in full in docs/protocol.md):
// client messages parsed and validated into typed requests, and every server
// message serialised. Nothing here throws; bad input becomes an Error
// (result.hpp) whose id maps to the contract's code (wire_code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "comments/comment.hpp"
#include "comments/moderation.hpp"
#include "comments/result.hpp"

namespace comments {

enum class ErrorCode : std::uint8_t {
  bad_json,      // not a JSON object
  bad_request,   // unknown type, missing or mistyped field, bad req, unknown action/status
  invalid,       // a value out of bounds
  blocked,       // the moderation filter refused the text
  rate_limited,  // with retry_after_ms
  banned,
  unauthorized,
  not_found,
  internal,      // the server failed; nothing was half-done
};

std::string_view to_string(ErrorCode c) noexcept;

// The wire code an error is sent with: the one mapping from ErrorId to
// ErrorCode. Ids that never reach the wire (command line, HTTP, a comment
// read by the browser) map to `internal`.
ErrorCode wire_code(ErrorId id) noexcept;

using Req = std::optional<std::string>;

// An error reply: what failed, the req it answers, and for rate_limited how
// long to wait. Its `code` on the wire is wire_code(error.id).
struct ErrorReply {
  Error error;
  Req req;                                     // echoed when the request had a valid one
  std::optional<std::int64_t> retry_after_ms;  // rate_limited only
};

// ---- Client -> server requests (all fields already validated) -------------

struct JoinRequest {
  std::string thread;
  int limit = 10;
  // Extension: the article's title and link, as the page says (shown to
  // moderators). Kept only when valid: a title of 1-200 characters without
  // control characters (trimmed), an http(s) URL of at most 2000 characters
  // without whitespace or control characters; otherwise left out.
  std::optional<std::string> title;
  std::optional<std::string> url;
};
struct LeaveRequest {  // extension: stop receiving a thread's events
  std::string thread;
};
struct MoreRequest {
  std::string thread;
  std::int64_t before = 0;
  int limit = 10;
};
struct PostRequest {
  std::string thread;
  std::string author;  // trimmed; the anonymous name when empty/blank/missing
  std::string body;    // trimmed
  std::optional<std::int64_t> parent;
};
struct FlagRequest {
  std::int64_t id = 0;
  std::string reason;  // may be empty
};
// Extension: an author's own comments, each proved by the secret the post's
// ack gave (32 lower-case hex digits).
struct OwnClaim {
  std::int64_t id = 0;
  std::string secret;
};
// Edits the body of one's own comment within the edit window.
struct EditRequest {
  std::int64_t id = 0;
  std::string secret;
  std::string body;  // trimmed, as a post's
};
// Deletes one's own comment within the edit window.
struct DeleteRequest {
  std::int64_t id = 0;
  std::string secret;
};
// Asks for one's own comments of a thread (held ones are shown to their author).
struct OwnRequest {
  std::string thread;
  std::vector<OwnClaim> posts;  // at most limits::max_own_posts
};
// Extension: this reader's like (顶) of a published comment, set (`liked`
// true, the default) or taken back (false). Idempotent: the server keeps one
// like per comment and client address.
struct LikeRequest {
  std::int64_t id = 0;
  bool liked = true;
};
// Extension: the thread's most liked published comments ("最热").
struct HotRequest {
  std::string thread;
  int limit = 10;
};
struct AuthRequest {
  std::string token;
};

struct QueueRequest {
  QueueStatus status = QueueStatus::pending;
  std::optional<std::string> thread;  // exact
  std::optional<std::string> author;  // case-insensitive substring
  std::optional<std::string> text;    // case-insensitive substring of body
  std::optional<std::int64_t> before;
  int limit = 50;
};

struct ModerateRequest {
  std::int64_t id = 0;
  ModerateAction action = ModerateAction::approve;
};
struct BanRequest {
  std::int64_t id = 0;
  BanDuration duration = BanDuration::permanent;  // extension: `duration`
  std::string reason;                             // extension: trimmed, may be empty
};
// Extension: the bans in force, newest first.
struct BansRequest {};
// Extension: lifts the ban whose poster key (as `bans` lists it) is `poster`.
struct UnbanRequest {
  std::string poster;
};
// `{"type":"filters"}` reads (both empty); otherwise the given lists are set.
struct FiltersRequest {
  std::optional<std::vector<std::string>> banned;
  std::optional<std::vector<std::string>> suspect;
  bool is_read() const noexcept { return !banned && !suspect; }
};
// Extension: the moderation audit log, newest first.
struct AuditRequest {
  std::optional<std::int64_t> before;  // entries with id < before
  int limit = 50;                      // 1-100
};

using Request = std::variant<JoinRequest, LeaveRequest, MoreRequest, PostRequest, FlagRequest,
                             AuthRequest, QueueRequest, ModerateRequest, BanRequest,
                             FiltersRequest, AuditRequest, BansRequest, UnbanRequest, EditRequest,
                             DeleteRequest, OwnRequest, LikeRequest, HotRequest>;

// One parsed frame: its `req` (set when the frame had a valid one, to be
// echoed by the reply, an error reply included) and the validated request or
// why there is none.
struct ClientMessage {
  Req req;
  Result<Request> request;
};

// Parses one text frame (already known to be valid UTF-8 and <= 64 KiB).
ClientMessage parse_client_message(std::string_view frame);

// ---- Server -> client messages ---------------------------------------------
// Each returns the serialised JSON text of one frame. `req` is echoed when set.

std::string error_message(const ErrorReply& e);
std::string snapshot_message(const Req& req, std::string_view thread, std::int64_t total,
                             const std::vector<Comment>& newest,
                             const std::vector<Comment>& pinned);
std::string page_message(const Req& req, std::string_view thread,
                         const std::vector<Comment>& comments);
std::string ack_message(const Req& req, const Comment& c);
// Extension: the ack with the author's secret (for edit, delete and own) and
// when the edit window closes (Unix ms). Sent only to the posting connection.
std::string ack_message(const Req& req, const Comment& c, std::string_view secret, std::int64_t edit_until);
// Extension: the reply to `own`: the claimed comments of `thread` whose
// secret matched, any status, newest first, and the server's edit window.
std::string own_message(const Req& req, std::string_view thread, const std::vector<Comment>& comments,
                        std::int64_t edit_window_ms);
std::string ok_message(const Req& req);
std::string ok_role_message(const Req& req, std::string_view role);
std::string ok_comment_message(const Req& req, const Comment& c);
std::string queue_message(const Req& req, const std::vector<Comment>& items);
// The same with each item's `context` (contexts[i] belongs to items[i]) and
// the queues' totals (`counts`): what the server sends.
std::string queue_message(const Req& req, const std::vector<Comment>& items,
                          const std::vector<QueueContext>& contexts, const QueueCounts& counts);
// Extension: the reply to `like`: the comment's count now and whether this
// reader's address likes it.
std::string like_ok_message(const Req& req, std::int64_t id, std::int64_t likes, bool liked);
// Extension: the reply to `hot`: most likes first, newest first among equals.
std::string hot_message(const Req& req, std::string_view thread, const std::vector<Comment>& comments);
// Extension: the reply to `ban` (the poster key and when it ends).
std::string ban_ok_message(const Req& req, std::string_view poster_key,
                           std::optional<std::int64_t> expires);
// Extension: the reply to `bans`; each entry's poster is shortened to
// `key_chars` characters (never the whole hash, never an address).
std::string bans_message(const Req& req, const std::vector<BanEntry>& bans, std::size_t key_chars);
std::string filters_message(const Req& req, const std::vector<std::string>& banned,
                            const std::vector<std::string>& suspect);

// Events. `total` (an extension) is the thread's published count after the event.
std::string comment_event(const Comment& c, std::int64_t total);
std::string update_event(const Comment& c, std::int64_t total);
std::string queued_event(const Comment& c);
// Extension: its author edited a comment and moderators get no `queued` for
// it (it is published): the comment as it is now, so a console shows the new text.
std::string edited_event(const Comment& c);
// Extension: a comment's like count changed (sent to every reader of its
// thread): the comment as it is now and the thread's total, so a client
// applies it like an update.
std::string likes_event(const Comment& c, std::int64_t total);

// Extension: the reply to `audit`.
std::string audit_message(const Req& req, const std::vector<AuditEntry>& entries);
// Extension: pushed to every moderator after each moderation action.
std::string audit_event(const AuditEntry& entry);

}  // namespace comments
