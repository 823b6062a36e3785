#include <doctest/doctest.h>

#include "moderator/rule_preview.hpp"

using comments::Comment;
using comments::FilterLists;
using comments::ModerationFilter;
using comments::Verdict;

namespace {

Comment make(std::int64_t id, std::string author, std::string body) {
  Comment c;
  c.id = id;
  c.thread = std::string("t");
  c.author = std::move(author);
  c.body = std::move(body);
  return c;
}

}  // namespace

TEST_CASE("the preview lists what the edited lists block or hold, with reasons, and what changes") {
  const std::vector<Comment> sample = {
      make(6, "读者", "普通的评论"),
      make(5, "读者", "含有敏 感-词"),
      make(4, "可疑的人", "hello"),
      make(3, "读者", "http://a.cn http://b.cn www.c.cn"),
      make(2, "读者", "以前的旧词"),
      make(1, "读者", "ＳＰＡＭ"),
  };
  const ModerationFilter current(FilterLists{{"旧词"}, {}});
  const ModerationFilter proposed(FilterLists{{"敏感词", "spam"}, {"可疑"}});
  const cmmod::PreviewResult r = cmmod::preview_rules(sample, proposed, current);

  CHECK(r.checked == 6);
  CHECK(r.blocked == 2);
  CHECK(r.held == 2);
  CHECK(r.blocked_now == 1);
  CHECK(r.held_now == 1);
  // Newest first: 5 block, 4 hold, 3 hold (links, unchanged), 2 publish (was block), 1 block.
  REQUIRE(r.rows.size() == 5);
  CHECK(r.rows[0].comment.id == 5);
  CHECK(r.rows[0].proposed.verdict == Verdict::block);
  CHECK(r.rows[0].proposed.reason == "banned word: 敏感词");
  CHECK(r.rows[1].proposed.verdict == Verdict::hold);
  CHECK(r.rows[1].proposed.reason == "suspect word: 可疑");
  CHECK(r.rows[2].proposed.reason == "3 links");
  CHECK(r.rows[2].current.verdict == Verdict::hold);
  CHECK(r.rows[3].comment.id == 2);
  CHECK(r.rows[3].proposed.verdict == Verdict::publish);
  CHECK(r.rows[3].current.verdict == Verdict::block);
  CHECK(r.rows[4].proposed.reason == "banned word: spam");
}

TEST_CASE("each row is exactly the filter's decision for that author and text") {
  const ModerationFilter proposed(FilterLists{{"bad"}, {"odd"}});
  const std::vector<Comment> sample = {make(3, "B A D guy", "hi"), make(2, "x", "an ODD one"),
                                       make(1, "x", "fine")};
  const auto r = cmmod::preview_rules(sample, proposed, ModerationFilter{});
  for (const auto& row : r.rows) {
    const auto decision = proposed.check(row.comment.author, row.comment.body);
    CHECK(row.proposed.verdict == decision.verdict);
    CHECK(row.proposed.reason == decision.reason);
  }
  CHECK(r.rows.size() == 2);
  CHECK(cmmod::preview_rules({}, proposed, ModerationFilter{}).rows.empty());
}
