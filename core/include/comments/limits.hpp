// The numeric limits of the wire contract (shared/protocol.md), in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace comments::limits {

inline constexpr std::size_t max_frame_bytes = 65536;       // larger closes with 1009
inline constexpr std::size_t max_req_chars = 64;             // `req` echo field
inline constexpr std::size_t max_thread_chars = 200;         // code points, >= 1
inline constexpr std::size_t max_author_chars = 40;          // code points, >= 1
inline constexpr std::size_t max_body_chars = 2000;          // code points, >= 1
inline constexpr std::size_t max_flag_reason_chars = 500;    // code points
inline constexpr std::size_t max_ban_reason_chars = 500;     // code points, a moderator's note
inline constexpr std::size_t max_title_chars = 200;          // a thread's title (join), code points
inline constexpr std::size_t max_url_chars = 2000;           // a thread's url (join), code points
inline constexpr std::size_t ban_excerpt_chars = 80;         // the ban list's excerpt of the post
inline constexpr int max_ban_list = 500;                     // rows of one ban list
inline constexpr int default_join_limit = 10;                // join / more
inline constexpr int max_join_limit = 50;
inline constexpr int default_queue_limit = 50;               // moderator queue
inline constexpr int max_queue_limit = 100;
inline constexpr std::size_t max_pinned = 5;                 // pinned list in a snapshot
inline constexpr int max_links_before_hold = 2;              // more than this holds a post
inline constexpr std::size_t slow_reader_bytes = 1u << 20;   // queued bytes before 1008
inline constexpr int default_rate_per_minute = 5;
inline constexpr std::int64_t rate_window_ms = 60'000;
// An author's own comments (edit, delete, own): the secret the ack gives the
// author's browser is author_secret_bytes random bytes, sent as hex; one
// `own` request names at most max_own_posts of them.
inline constexpr std::size_t author_secret_bytes = 16;
inline constexpr std::size_t max_own_posts = 100;
inline constexpr std::int64_t default_edit_window_ms = 10 * 60'000;

// Filter lists: generous, but bounded so one request cannot exhaust memory.
inline constexpr std::size_t max_filter_words = 20000;
inline constexpr std::size_t max_filter_word_chars = 100;

inline constexpr std::string_view anonymous_author = "网友";

}  // namespace comments::limits
