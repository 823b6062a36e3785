// The no-JavaScript HTML fragment served at GET /embed/latest: the latest
// published comments of a thread as the seed page's "网友评论" block. The
// widget takes this block over in place, so its structure is a contract
// (docs/server.md "The /embed/latest fragment"):
//
//   <section class="cm-thread" data-thread="K" data-total="T" data-utc-offset="480" lang="zh-CN|en">
//     <h2 class="cm-title">网友评论<span class="cm-count">（共T条）</span></h2>
//     <p class="cm-disclaimer">…</p>
//     <ol class="cm-list">
//       <li class="cm-comment cm-pinned" id="cm-c-ID" data-id="ID" data-likes="N">  (data-likes when N > 0)
//         <span class="cm-author">…</span> <span class="cm-pin-mark">置顶</span>
//         <span class="cm-edited">已编辑</span>  (when its author edited it, as the widget marks it)
//         <time class="cm-time" datetime="ISO">3 分钟前</time>  (relative_time: never a clock time)
//         <span class="cm-likes">顶 N</span>  (when N > 0)
//         <div class="cm-body">line<br>line</div></li>
//     </ol>
//   </section>
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "comments/comment.hpp"
#include "comments/result.hpp"
#include "comments/text.hpp"

namespace comments::server {

enum class EmbedLang { zh_cn, en };

// "zh-CN" / "en" (case-insensitive; "zh", "zh-Hans" and "en-*" accepted);
// embed_lang_unknown for anything else.
Result<EmbedLang> parse_embed_lang(std::string_view text);

// Escapes & < > " ' for text and attribute values (core: the widget uses it too).
using text::html_escape;

// Escaped text with line breaks (\n, \r\n, \r) as <br>.
std::string html_escape_multiline(std::string_view text);

// The clock the times are written against: "3 分钟前" at `now_ms`, and older
// comments' dates in the site's zone (--time-zone, minutes east of UTC), the
// same words the widget shows when it takes the block over (core's
// relative_time). The block carries the offset (data-utc-offset) so the
// widget dates old comments in the same zone.
struct EmbedClock {
  std::int64_t now_ms = 0;
  int utc_offset_minutes = 480;
};

// The fragment: `pinned` first (marked), then the first `limit` of `newest`
// (newest first) without those already shown as pinned. `total` is the thread's
// published count.
std::string render_embed_fragment(std::string_view thread, std::int64_t total,
                                  const std::vector<Comment>& newest,
                                  const std::vector<Comment>& pinned, int limit, EmbedLang lang,
                                  const EmbedClock& clock);

}  // namespace comments::server
