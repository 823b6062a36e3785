#include "common/i18n.hpp"

#include <array>

#include "comments/thread_texts.hpp"

namespace cmweb {
namespace {

struct Entry {
  std::string_view zh;
  std::string_view en;
};

constexpr std::array<Entry, static_cast<std::size_t>(Msg::count_)> table{{
    // The thread's own words: the same as the server's HTML block (core).
    {comments::texts::zh_cn.title, comments::texts::en.title},
    {comments::texts::zh_cn.count, comments::texts::en.count},
    {comments::texts::zh_cn.disclaimer, comments::texts::en.disclaimer},
    {"只显示最新{n}条", "Showing the latest {n}"},
    {comments::texts::zh_cn.empty, comments::texts::en.empty},
    {"正在加载评论…", "Loading comments…"},
    {"连接已断开，正在重新连接…", "Offline — reconnecting…"},
    {"{n} 秒后重试", "retrying in {n} s"},
    {"此浏览器无法连接评论服务器。", "This browser cannot connect to the comment server."},
    {"发表评论", "Post a comment"},
    {"昵称", "Name"},
    {"网友", "Anonymous"},
    {"评论内容", "Comment"},
    {"说两句吧…", "Write a comment…"},
    {"发表", "Post"},
    {"{n}/{max}", "{n}/{max}"},
    {"超出 {n} 字", "{n} characters too many"},
    {"回复", "Reply"},
    {"回复 {name}", "Replying to {name}"},
    {"引用 {name}", "{name} wrote"},
    {"取消", "Cancel"},
    {"举报", "Report"},
    {"已举报", "Reported"},
    {comments::texts::zh_cn.pinned, comments::texts::en.pinned},
    {"发送中…", "Sending…"},
    {comments::texts::zh_cn.edited, comments::texts::en.edited},
    {"{name} 发表了新评论", "New comment from {name}"},
    {"屏蔽词", "Muted words"},
    {"包含这些词的评论不再显示给你（以逗号或换行分隔，仅保存在本浏览器）。",
     "Comments containing these words are hidden from you (separate with commas or new lines; "
     "kept in this browser only)."},
    {"保存", "Save"},
    {"已保存", "Saved"},
    {"{n} 条评论因你的屏蔽词而隐藏", "{n} comments hidden by your muted words"},
    {"屏蔽词功能暂时无法加载，评论未经屏蔽显示。请稍后刷新页面。",
     "Muted words could not be loaded, so comments are shown unfiltered. Please reload the page later."},
    {"请先写点内容。", "Please write something first."},
    {"评论太长了，最多 {n} 字。", "The comment is too long: at most {n} characters."},
    {"昵称太长了，最多 {n} 字。", "The name is too long: at most {n} characters."},
    {"服务器无法读取这条消息，请重试。", "The server could not read the message. Please try again."},
    {"请求格式有误，请刷新页面后重试。", "The request was malformed. Please reload the page and try again."},
    {"内容不符合要求（可能为空或过长）。", "The text is not accepted (empty or too long)."},
    {"评论包含不允许的词语，未发表。", "The comment contains words that are not allowed; it was not posted."},
    {"发言太频繁，请 {n} 秒后再试。", "Too many posts. Please try again in {n} s."},
    {"你已被禁止发表评论。", "You are not allowed to post comments."},
    {"没有权限执行此操作。", "You are not allowed to do that."},
    {"该评论已不存在。", "That comment no longer exists."},
    {"服务器出错了，什么也没有保存，请稍后重试。",
     "The server failed and nothing was saved. Please try again later."},
    {"未连接到评论服务器，内容已保留，连接恢复后可再次发表。",
     "Not connected to the comment server. Your text is kept; post it again once reconnected."},
    {"出现未知错误，请重试。", "Something went wrong. Please try again."},
    {"已发表", "Posted"},
    {"连接中断，评论可能未发出，内容已保留。",
     "The connection dropped; the comment may not have been sent. Your text is kept."},
    {"查看更多评论", "Show more comments"},
    {"回复一条较早的评论", "In reply to an earlier comment"},
    {"已举报，谢谢。", "Reported. Thank you."},
    {comments::texts::zh_cn.like, comments::texts::en.like},
}};

// One entry per Msg, both languages: a table shorter than the enum would
// leave its last messages empty (std::array fills them in silently).
constexpr bool every_message_has_both_languages() {
  for (const Entry& entry : table) {
    if (entry.zh.empty() || entry.en.empty()) return false;
  }
  return true;
}
static_assert(every_message_has_both_languages(), "i18n table and enum Msg disagree");

}  // namespace

Lang parse_lang(std::string_view tag) noexcept {
  if (tag.size() >= 2 && (tag[0] == 'z' || tag[0] == 'Z') && (tag[1] == 'h' || tag[1] == 'H') &&
      (tag.size() == 2 || tag[2] == '-' || tag[2] == '_')) {
    return Lang::zh_CN;
  }
  return Lang::en;
}

std::string_view lang_tag(Lang lang) noexcept { return lang == Lang::zh_CN ? "zh-CN" : "en"; }

std::string_view tr(Lang lang, Msg msg) noexcept {
  const auto index = static_cast<std::size_t>(msg);
  if (index >= table.size()) return {};
  return lang == Lang::zh_CN ? table[index].zh : table[index].en;
}

std::string fill_in(std::string_view pattern, std::string_view key, std::string_view value) {
  std::string needle(1, '{');
  needle.append(key);
  needle.push_back('}');
  std::string out;
  out.reserve(pattern.size() + value.size());
  std::size_t pos = 0;
  while (true) {
    const std::size_t found = pattern.find(needle, pos);
    if (found == std::string_view::npos) break;
    out.append(pattern.substr(pos, found - pos));
    out.append(value);
    pos = found + needle.size();
  }
  out.append(pattern.substr(pos));
  return out;
}

std::string fill_in(std::string_view pattern, std::string_view key, long long value) {
  return fill_in(pattern, key, std::to_string(value));
}

Msg error_message_for(std::string_view code) noexcept {
  if (code == "bad_json") return Msg::err_bad_json;
  if (code == "bad_request") return Msg::err_bad_request;
  if (code == "invalid") return Msg::err_invalid;
  if (code == "blocked") return Msg::err_blocked;
  if (code == "rate_limited") return Msg::err_rate_limited;
  if (code == "banned") return Msg::err_banned;
  if (code == "unauthorized") return Msg::err_unauthorized;
  if (code == "not_found") return Msg::err_not_found;
  if (code == "internal") return Msg::err_internal;
  if (code == "offline") return Msg::err_offline;
  return Msg::err_unknown;
}

}  // namespace cmweb
