// The words around a thread's comments that both the server's HTML block
// (/embed/latest and the page include) and the widget show. One definition,
// so the block a reader sees first and the widget that takes it over in place
// read the same: no heading or count that changes wording at the hand-over.
#pragma once

#include <string_view>

namespace comments::texts {

struct ThreadTexts {
  std::string_view lang;        // the lang attribute: "zh-CN" / "en"
  std::string_view title;       // the heading
  std::string_view count;       // after the heading; "{n}" is the thread's total
  std::string_view disclaimer;  // the line under the heading (the seed page's own)
  std::string_view pinned;      // the badge of a pinned comment
  std::string_view empty;       // a thread without comments
  std::string_view like;        // a comment's like button and count (顶 3)
  std::string_view edited;      // beside a comment its author edited
};

inline constexpr ThreadTexts zh_cn{"zh-CN", "网友评论", "（共{n}条）",
                                   "评论内容只代表网友观点,与本站立场无关!", "置顶",
                                   "还没有评论，来说两句吧。", "顶", "已编辑"};
inline constexpr ThreadTexts en{"en", "Comments", "({n})",
                                "Comments are the views of their authors, not of this site.",
                                "Pinned", "No comments yet. Be the first to write one.", "Like", "edited"};

}  // namespace comments::texts
