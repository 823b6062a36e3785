// The /embed/latest HTML fragment: structure, escaping, languages.
#include <doctest/doctest.h>

#include "http/embed.hpp"
#include "http/embed_query.hpp"

using namespace comments;
using namespace comments::server;

namespace {

Comment make(std::int64_t id, std::string author, std::string body, bool pinned = false) {
  Comment c;
  c.id = id;
  c.thread = std::string(1, 't');  // not = "t": GCC 12 -Wrestrict false positive (PR 105329)
  c.author = std::move(author);
  c.body = std::move(body);
  c.created = 1605107052000;  // 2020-11-11T15:04:12Z
  c.pinned = pinned;
  return c;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("embed: html_escape covers the five special characters") {
  CHECK(html_escape(R"(<a href="x" onclick='y'>&</a>)") ==
        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(html_escape("网友评论") == "网友评论");
  CHECK(html_escape_multiline("a<b>\nc\r\nd\re") == "a&lt;b&gt;<br>c<br>d<br>e");
}

TEST_CASE("embed: zh-CN fragment has the agreed structure, newest first, pinned on top") {
  const std::vector<Comment> newest{make(3, "甲", "第三"), make(2, "乙", "第二", true),
                                    make(1, "丙", "第一")};
  const std::vector<Comment> pinned{make(2, "乙", "第二", true)};
  const EmbedClock month_later{1605107052000 + 30LL * 86'400'000, 480};
  const auto html = render_embed_fragment("2020-11-11-caowenze", 7, newest, pinned, 10,
                                          EmbedLang::zh_cn, month_later);
  CHECK(html.starts_with(R"(<section class="cm-thread" data-thread="2020-11-11-caowenze" data-total="7" data-utc-offset="480" lang="zh-CN">)"));
  CHECK(html.find(R"(<h2 class="cm-title">网友评论<span class="cm-count">（共7条）</span></h2>)") !=
        std::string::npos);
  CHECK(html.find(R"(<p class="cm-disclaimer">评论内容只代表网友观点,与本站立场无关!</p>)") !=
        std::string::npos);
  CHECK(html.find(R"(<ol class="cm-list">)") != std::string::npos);
  // Pinned first and only once, then the others newest first.
  const auto pinned_at = html.find(R"(<li class="cm-comment cm-pinned" id="cm-c-2" data-id="2">)");
  const auto third_at = html.find(R"(<li class="cm-comment" id="cm-c-3" data-id="3">)");
  const auto first_at = html.find(R"(<li class="cm-comment" id="cm-c-1" data-id="1">)");
  REQUIRE(pinned_at != std::string::npos);
  REQUIRE(third_at != std::string::npos);
  REQUIRE(first_at != std::string::npos);
  CHECK(pinned_at < third_at);
  CHECK(third_at < first_at);
  CHECK(count(html, "id=\"cm-c-2\"") == 1);
  CHECK(html.find(R"(<span class="cm-pin-mark">置顶</span>)") != std::string::npos);
  // Never a UTC clock time: an old comment's date in the site's zone (23:04
  // in Beijing), the words the widget shows when it takes over.
  CHECK(html.find(R"(<time class="cm-time" datetime="2020-11-11T15:04:12.000Z">2020-11-11</time>)") !=
        std::string::npos);
  CHECK(html.find(R"(<span class="cm-author">甲</span>)") != std::string::npos);
  CHECK(html.find(R"(<div class="cm-body">第三</div>)") != std::string::npos);
  CHECK(html.find("cm-empty") == std::string::npos);
}

TEST_CASE("embed: every user text is escaped, thread key included") {
  const std::vector<Comment> newest{
      make(1, "<script>alert(1)</script>", "<img src=x onerror=\"alert(2)\">\nline two")};
  const auto html = render_embed_fragment("t\"><script>", 1, newest, {}, 10, EmbedLang::en, {});
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;<br>line two") !=
        std::string::npos);
  CHECK(html.find(R"(data-thread="t&quot;&gt;&lt;script&gt;")") != std::string::npos);
}

TEST_CASE("embed: English texts, limit and the empty thread") {
  const std::vector<Comment> newest{make(3, "a", "x"), make(2, "b", "y"), make(1, "c", "z")};
  const auto html = render_embed_fragment("t", 3, newest, {}, 2, EmbedLang::en, {});
  CHECK(html.find(R"(lang="en")") != std::string::npos);
  CHECK(html.find(R"(<h2 class="cm-title">Comments<span class="cm-count">(3)</span></h2>)") !=
        std::string::npos);
  CHECK(html.find("Comments are the views of their authors, not of this site.") != std::string::npos);
  CHECK(count(html, "<li ") == 2);
  CHECK(html.find("cm-c-1") == std::string::npos);

  const auto empty = render_embed_fragment("t", 0, {}, {}, 10, EmbedLang::zh_cn, {});
  CHECK(empty.find(R"(data-total="0")") != std::string::npos);
  CHECK(empty.find(R"(<p class="cm-empty">还没有评论，来说两句吧。</p>)") != std::string::npos);
  CHECK(count(empty, "<li ") == 0);
}

TEST_CASE("embed: lang parameter") {
  const auto zh = parse_embed_lang("zh-CN");
  REQUIRE(zh.ok());
  CHECK(*zh == EmbedLang::zh_cn);
  const auto en = parse_embed_lang("EN-us");
  REQUIRE(en.ok());
  CHECK(*en == EmbedLang::en);
  const auto fr = parse_embed_lang("fr");
  REQUIRE_FALSE(fr.ok());
  CHECK(fr.error().id == ErrorId::embed_lang_unknown);
}

TEST_CASE("embed: the query's failures have stable ids") {
  const auto query = parse_embed_query("thread=a%2Fb&limit=3&lang=en");
  REQUIRE(query.ok());
  CHECK(query->thread == "a/b");
  CHECK(query->limit == 3);
  CHECK(query->lang == EmbedLang::en);
  const std::pair<const char*, ErrorId> cases[] = {
      {"limit=3", ErrorId::embed_thread_missing},
      {"thread=", ErrorId::embed_thread_invalid},
      {"thread=a%0Ab", ErrorId::embed_thread_invalid},
      {"thread=a&limit=51", ErrorId::embed_limit_invalid},
      {"thread=a&limit=x", ErrorId::embed_limit_invalid},
      {"thread=a&lang=fr", ErrorId::embed_lang_unknown},
  };
  for (const auto& [text, id] : cases) {
    CAPTURE(text);
    const auto parsed = parse_embed_query(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().id == id);
  }
}

TEST_CASE("embed: times in the site's zone or relative, as the widget writes them") {
  const Comment c = make(1, "甲", "第一");
  const std::int64_t at = c.created;
  const auto five_minutes = render_embed_fragment("t", 1, {c}, {}, 10, EmbedLang::zh_cn, {at + 5 * 60'000, 480});
  CHECK(five_minutes.find(">5 分钟前</time>") != std::string::npos);
  const auto en_hours = render_embed_fragment("t", 1, {c}, {}, 10, EmbedLang::en, {at + 3 * 3'600'000, 480});
  CHECK(en_hours.find(">3 hours ago</time>") != std::string::npos);
  // Old: the date where the site is (UTC+9: already the 12th), never a clock time.
  const auto tokyo = render_embed_fragment("t", 1, {c}, {}, 10, EmbedLang::zh_cn, {at + 40LL * 86'400'000, 540});
  CHECK(tokyo.find(">2020-11-12</time>") != std::string::npos);
  CHECK(tokyo.find("data-utc-offset=\"540\"") != std::string::npos);
}

TEST_CASE("embed: a liked comment shows its count (and carries it for the widget); none without likes") {
  Comment liked = make(2, "甲", "被顶");
  liked.likes = 3;
  const std::vector<Comment> newest{liked, make(1, "乙", "没人顶")};
  const EmbedClock clock{1605107052000, 480};
  auto html = render_embed_fragment("t", 2, newest, {}, 10, EmbedLang::zh_cn, clock);
  CHECK(html.find(R"(<li class="cm-comment" id="cm-c-2" data-id="2" data-likes="3">)") != std::string::npos);
  CHECK(html.find(R"(<span class="cm-likes">顶 3</span>)") != std::string::npos);
  CHECK(html.find(R"(<li class="cm-comment" id="cm-c-1" data-id="1">)") != std::string::npos);
  CHECK(count(html, "cm-likes") == 1);
  html = render_embed_fragment("t", 2, newest, {}, 10, EmbedLang::en, clock);
  CHECK(html.find(R"(<span class="cm-likes">Like 3</span>)") != std::string::npos);
}

TEST_CASE("embed: an edited comment is marked 已编辑 before its time, as the widget marks it; others are not") {
  Comment edited = make(2, "甲", "改过的", true);
  edited.edited = edited.created + 60'000;
  const std::vector<Comment> newest{edited, make(1, "乙", "没改过")};
  const EmbedClock clock{1605107052000, 480};
  auto html = render_embed_fragment("t", 2, newest, {edited}, 10, EmbedLang::zh_cn, clock);
  CHECK(html.find(R"(<span class="cm-pin-mark">置顶</span> <span class="cm-edited">已编辑</span> <time)") !=
        std::string::npos);
  CHECK(count(html, "cm-edited") == 1);
  html = render_embed_fragment("t", 2, newest, {}, 10, EmbedLang::en, clock);
  CHECK(html.find(R"(<span class="cm-author">甲</span> <span class="cm-edited">edited</span> <time)") !=
        std::string::npos);
  CHECK(count(html, "cm-edited") == 1);
}
