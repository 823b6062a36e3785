#include "moderator/strings.hpp"

#include <iterator>

namespace cmmod {
namespace {

struct Entry {
  std::string_view zh;
  std::string_view en;
};

constexpr Entry table[] = {
    {"评论审核台", "Moderation console"},
    {"正在连接…", "Connecting…"},
    {"已连接", "Connected"},
    {"审核员登录", "Moderator sign-in"},
    {"审核令牌", "Moderator token"},
    {"令牌只保存在本标签页的会话中，关闭标签页即失效；同源文章页上的评论框会因此进入审核模式。",
     "The token is kept for this browser tab's session only and is gone when the tab closes; "
     "comment widgets on article pages of the same site switch to moderator mode meanwhile."},
    {"登录", "Sign in"},
    {"正在登录…", "Signing in…"},
    {"请输入审核令牌。", "Please enter the moderator token."},
    {"令牌不正确，未登录。", "That token is not right; you are not signed in."},
    {"错误次数太多，请 {n} 秒后再试。", "Too many wrong tokens. Try again in {n} s."},
    {"已以审核员身份登录", "Signed in as a moderator"},
    {"退出登录", "Sign out"},
    {"English", "中文"},
    {"快捷键", "Keys"},
    {"审核队列", "Queues"},
    {"过滤词", "Filter lists"},
    {"审核日志", "Audit log"},
    {"待审核", "Pending"},
    {"被举报", "Flagged"},
    {"已发表", "Published"},
    {"已拒绝", "Rejected"},
    {"已删除", "Deleted"},
    {"全部", "All"},
    {"{n} 条新的", "{n} new"},
    {"评论状态", "Comment status"},
    {"线程（文章）", "Thread"},
    {"作者包含", "Author contains"},
    {"内容包含", "Text contains"},
    {"筛选", "Filter"},
    {"清除", "Clear"},
    {"已选 {n} 条", "{n} selected"},
    {"通过", "Approve"},
    {"拒绝", "Reject"},
    {"删除", "Delete"},
    {"置顶", "Pin"},
    {"取消置顶", "Unpin"},
    {"置顶/取消置顶", "Pin / unpin"},
    {"封禁发帖人", "Ban poster"},
    {"确认封禁", "Confirm ban"},
    {"再按一次 b（或点“确认封禁”）封禁这 {n} 条评论的发帖人，Esc 取消。封禁按发帖人的网络地址生效。",
     "Press b again (or “Confirm ban”) to ban the poster of these {n} comments; Esc cancels. "
     "A ban applies to the poster's network address."},
    {"再按一次 b（或点“确认封禁”）封禁这条评论的发帖人，Esc 取消。封禁按发帖人的网络地址生效。",
     "Press b again (or “Confirm ban”) to ban the poster of this comment; Esc cancels. "
     "A ban applies to the poster's network address."},
    {"操作", "Actions"},
    {"{action}：{n} 条已完成", "{action}: {n} done"},
    {"{action} #{id} 失败：{reason}", "{action} #{id} failed: {reason}"},
    {"已封禁 {n} 条评论的发帖人", "Banned the posters of {n} comments"},
    {"已封禁这条评论的发帖人", "Banned the poster of this comment"},
    {"没有当前或选中的评论。", "No comment is current or selected."},
    {"这个队列里没有评论。", "No comments in this queue."},
    {"正在加载…", "Loading…"},
    {"加载更早的评论", "Load older comments"},
    {"已经全部加载。", "Everything is loaded."},
    {"已发表", "published"},
    {"待审核", "pending"},
    {"已拒绝", "rejected"},
    {"已删除", "deleted"},
    {"已置顶", "pinned"},
    {"举报 {n}", "{n} flags"},
    {"发帖人已封禁", "poster banned"},
    {"回复 #{id}", "reply to #{id}"},
    {"选择 #{id}", "Select #{id}"},
    {"评论", "Comments"},
    {"新的待审评论：{name}", "New comment to review from {name}"},
    {"另一位审核员处理了 #{id}", "Another moderator acted on #{id}"},
    {"禁止词（一行一个；含有即拒绝发表）", "Banned words (one per line: a post containing one is refused)"},
    {"可疑词（一行一个；含有即转人工审核）", "Suspect words (one per line: a post containing one is held for review)"},
    {"匹配时不分全角半角和大小写，并忽略空格、标点、符号和不可见字符（“敏 感-词”等于“敏感词”）；"
     "正文超过 2 个链接的评论也会转人工审核。",
     "Matching ignores full-width forms and case, and skips spaces, punctuation, symbols and "
     "invisible characters (“s p-a m” matches “spam”); a body with more than 2 links is held too."},
    {"保存过滤词", "Save lists"},
    {"还原", "Revert"},
    {"已保存：新的过滤词对此后的每条发言生效。", "Saved: the lists apply to every post from now on."},
    {"有未保存的修改。", "Unsaved changes."},
    {"无法保存：{reason}", "Cannot save: {reason}"},
    {"规则预览", "Rule preview"},
    {"在已加载的 {n} 条评论中，编辑后的过滤词会拒绝 {b} 条、转审 {h} 条（现在：拒绝 {b0} 条、转审 {h0} 条）。",
     "Of {n} loaded comments, the edited lists would block {b} and hold {h} (now: {b0} blocked, "
     "{h0} held)."},
    {"预览在浏览器里运行服务器的同一套过滤代码：同样的作者和内容再发一次，服务器就会这样判定。",
     "The preview runs the server's own filter code in the browser: a post with the same author "
     "and text gets exactly this decision."},
    {"编辑后的过滤词不会拦下已加载的任何评论。", "The edited lists would stop none of the loaded comments."},
    {"判定", "Decision"},
    {"原因", "Reason"},
    {"评论", "Comment"},
    {"现在", "Now"},
    {"拒绝发表", "blocked"},
    {"转人工审核", "held"},
    {"发表", "published"},
    {"禁止词：{w}", "banned word: {w}"},
    {"可疑词：{w}", "suspect word: {w}"},
    {"{n} 个链接", "{n} links"},
    {"时间", "Time"},
    {"操作", "Action"},
    {"线程", "Thread"},
    {"审核员会话", "Moderator session"},
    {"详情", "Detail"},
    {"{id}（你）", "{id} (you)"},
    {"还没有审核记录。", "No moderation actions yet."},
    {"修改过滤词", "filters"},
    {"封禁", "ban"},
    {"键盘快捷键", "Keyboard shortcuts"},
    {"关闭", "Close"},
    {"选中了评论时，操作作用于全部选中的评论，否则作用于当前这一条。",
     "With comments selected an action applies to all of them, otherwise to the current one."},
    {"下一条", "Next comment"},
    {"上一条", "Previous comment"},
    {"通过（发表；举报数清零）", "Approve (publish; clears the flags)"},
    {"拒绝", "Reject"},
    {"删除", "Delete"},
    {"置顶 / 取消置顶", "Pin / unpin"},
    {"封禁发帖人（按两次确认）", "Ban the poster (press twice to confirm)"},
    {"选择 / 取消选择", "Select / deselect"},
    {"搜索内容", "Search the text"},
    {"显示 / 隐藏本帮助", "Show / hide this help"},
    {"取消选择、取消封禁确认、关闭帮助", "Clear the selection, cancel a ban, close this help"},
};
static_assert(std::size(table) == static_cast<std::size_t>(M::count_),
              "one zh/en pair per message id");

}  // namespace

std::string_view text(cmweb::Lang lang, M id) noexcept {
  const auto index = static_cast<std::size_t>(id);
  if (index >= std::size(table)) return {};
  return lang == cmweb::Lang::zh_CN ? table[index].zh : table[index].en;
}

}  // namespace cmmod
