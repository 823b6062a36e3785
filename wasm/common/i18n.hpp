// The reader-facing strings in the two first-class languages, zh-CN and en.
// One table, looked up by message id; "{n}"/"{name}" are filled by fill_in().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cmweb {

enum class Lang : std::uint8_t { zh_CN, en };

// "zh", "zh-CN", "zh-Hans-CN", ... -> zh_CN; everything else -> en.
Lang parse_lang(std::string_view tag) noexcept;
std::string_view lang_tag(Lang lang) noexcept;  // "zh-CN" / "en"

enum class Msg : std::uint8_t {
  title,             // 网友评论
  count,             // （共{n}条）
  disclaimer,        // the seed page's line
  showing_latest,    // 只显示最新{n}条
  empty,
  loading,
  offline,           // connection lost, reconnecting
  reconnecting_in,   // {n} s
  connect_failed,    // the browser cannot open a WebSocket at all
  post_heading,      // 发表评论
  name_label,
  name_placeholder,
  body_label,
  body_placeholder,
  submit,
  counter,           // {n}/{max}
  counter_over,      // {n} over
  reply,
  replying_to,       // {name}
  reply_to_comment,  // in a comment: replying to {name}
  cancel,
  flag,
  flagged,
  pinned,
  sending,
  edited,            // beside a comment its author edited
  new_comment,       // announced politely: {name}
  muted_heading,
  muted_help,
  muted_save,
  muted_saved,
  muted_hidden,      // {n} hidden
  muted_unavailable,
  err_empty_body,
  err_body_too_long,
  err_name_too_long,
  err_bad_json,
  err_bad_request,
  err_invalid,
  err_blocked,
  err_rate_limited,  // {n} seconds
  err_banned,
  err_unauthorized,
  err_not_found,
  err_internal,
  err_offline,
  err_unknown,
  posted,
  post_interrupted,
  show_more,         // 查看更多评论
  quote_earlier,     // a reply whose parent is not loaded
  report_thanks,     // the confirmation (the reasons are asked by comments-report.js)
  like,              // 顶, before a comment's like count (core's thread texts: as the server's block)
  count_
};

std::string_view tr(Lang lang, Msg msg) noexcept;

// Replaces each "{key}" in `pattern` by `value`.
std::string fill_in(std::string_view pattern, std::string_view key, std::string_view value);
std::string fill_in(std::string_view pattern, std::string_view key, long long value);

// The message for a server error code (and the client-side "offline").
Msg error_message_for(std::string_view code) noexcept;

}  // namespace cmweb
