// SQL the two engines share word for word: the queue's context and totals
// and the moderators' ban list. Parameters are written $1, $2 … in the order
// they are bound (PostgreSQL's form; SQLite takes it as a named parameter
// and binds it by that same index).
#pragma once

#include <string>
#include <string_view>

#include "comments/limits.hpp"
#include "comments/text.hpp"

namespace comments::server {

// One comment's held reason, poster, parent and thread title/link ($1: id).
inline constexpr const char* context_sql =
    "SELECT c.held, c.poster, p.author, p.body, COALESCE(t.title, ''), COALESCE(t.url, '')"
    " FROM comments c LEFT JOIN comments p ON p.id = c.parent LEFT JOIN threads t ON t.thread = c.thread"
    " WHERE c.id = $1";

// One comment's current flags by reason, most first ($1: id).
inline constexpr const char* flag_reasons_sql =
    "SELECT reason, count(*) FROM flags WHERE comment_id = $1 GROUP BY reason ORDER BY count(*) DESC, reason";

// The pending and flagged queues' sizes (the partial/status indexes count them).
inline constexpr const char* queue_counts_sql =
    "SELECT (SELECT count(*) FROM comments WHERE status = 1), (SELECT count(*) FROM comments WHERE flags > 0)";

// The comments in a queue now (pending, or flagged) with when each last came
// to the moderators' attention, at or after $1, oldest first, at most $2
// (Store::queue_events). A pending comment's time is its creation or its
// author's last edit (an edit holds it again); a flagged one's is its latest
// flag. Both halves of the OR have an index (status, the flagged partial
// one); the flags of a comment are its primary key's prefix.
inline constexpr const char* queue_events_sql =
    "SELECT * FROM (SELECT id, thread, parent, author, body, created, status, pinned, flags, edited, likes,"
    " CASE WHEN status = 1 THEN (CASE WHEN edited > created THEN edited ELSE created END)"
    " ELSE (SELECT max(f.at) FROM flags f WHERE f.comment_id = comments.id) END AS at"
    " FROM comments WHERE status = 1 OR flags > 0) q"
    " WHERE at >= $1 ORDER BY at, id LIMIT $2";

// The bans in force at $1, newest first, at most $2, each with the poster's
// last name used, the body of the comment banned from and the poster's
// comment count (comments_poster answers both per ban).
inline constexpr const char* ban_list_sql =
    "SELECT b.poster, b.at, b.expires, b.moderator, b.reason, b.comment,"
    " COALESCE((SELECT c.author FROM comments c WHERE c.poster = b.poster ORDER BY c.id DESC LIMIT 1), ''),"
    " COALESCE((SELECT c.body FROM comments c WHERE c.id = b.comment), ''),"
    " (SELECT count(*) FROM comments c WHERE c.poster = b.poster)"
    " FROM bans b WHERE b.expires IS NULL OR b.expires > $1 ORDER BY b.at DESC, b.poster LIMIT $2";

// The start of the comment banned from, as the ban list shows it.
inline std::string ban_excerpt(std::string_view body) {
  const std::string_view head = text::leading_code_points(body, limits::ban_excerpt_chars);
  std::string excerpt(head);
  if (head.size() < body.size()) excerpt += "…";
  return excerpt;
}

}  // namespace comments::server
