// The reader's widget's model (widget/widget_model.hpp) without a browser:
// what the list shows for a thread, this reader's own posts, the reply
// target, muted words (checked by core's ModerationFilter, the code the
// filter module runs), counts and notes, and the rate-limit countdown.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "comments/filter.hpp"
#include "comments/limits.hpp"
#include "widget/widget_model.hpp"

using cmweb::Lang;
using cmweb::Msg;
using cmwidget::ItemKind;
using cmwidget::ListState;
using cmwidget::MutedSave;
using cmwidget::PostFailure;
using cmwidget::WidgetModel;
using comments::Comment;
using comments::Status;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;

Comment make(std::int64_t id, std::string author = "读者", std::string body = "正文",
             Status status = Status::published) {
  Comment c;
  c.id = id;
  c.thread = "t1";
  c.author = std::move(author);
  c.body = std::move(body);
  c.created = t0 + id;
  c.status = status;
  return c;
}

// Newest first, ids from..to descending.
std::vector<Comment> range(std::int64_t newest, std::int64_t oldest) {
  std::vector<Comment> out;
  for (std::int64_t id = newest; id >= oldest; --id) out.push_back(make(id));
  return out;
}

// The filter module's check: core's filter with the muted words as banned words.
struct Muting {
  comments::ModerationFilter filter;
  explicit Muting(std::vector<std::string> words) : filter(comments::FilterLists{std::move(words), {}}) {}
  bool operator()(const Comment& c) const {
    return filter.check(c.author, c.body).verdict == comments::Verdict::block;
  }
};
const Muting no_filter{{}};

std::vector<std::string> keys(const ListState& s) {
  std::vector<std::string> out;
  for (const auto& item : s.items) out.push_back(item.key);
  return out;
}

using Keys = std::vector<std::string>;

// A message of the widget's (English) table, "{n}" filled in.
std::string say(Msg msg, long long n = 0) { return cmweb::fill_in(cmweb::tr(Lang::en, msg), "n", n); }

}  // namespace

TEST_CASE("before the snapshot the list is loading; the snapshot fills it, newest first, pinned on top") {
  WidgetModel m("t1", 10, Lang::en);
  ListState s = m.list(no_filter);
  CHECK(s.items.empty());
  CHECK(s.empty_note == say(Msg::loading));
  CHECK_FALSE(s.loaded);
  CHECK(m.heading().count.empty());

  Comment pinned = make(1);
  pinned.pinned = true;
  m.apply_snapshot({make(3), make(2), pinned}, {pinned}, 3);
  s = m.list(no_filter);
  CHECK(keys(s) == Keys{"c1", "c3", "c2"});
  CHECK(s.loaded);
  CHECK(s.empty_note.empty());
  CHECK(s.items[0].kind == ItemKind::published);

  WidgetModel empty("t1", 10, Lang::en);
  empty.apply_snapshot({}, {}, 0);
  CHECK(empty.list(no_filter).empty_note == say(Msg::empty));
  CHECK(empty.heading().count == say(Msg::count, 0));
}

TEST_CASE("count and total: the heading follows the server's total; a note says only the newest show") {
  WidgetModel m("t1", 3, Lang::en);
  m.apply_snapshot(range(3, 1), {}, 3);
  CHECK(m.heading().count == say(Msg::count, 3));
  CHECK(m.heading().more_note.empty());

  // A new comment with the server's total: the list keeps its limit.
  CHECK(m.apply_event(make(4), 4));
  CHECK(keys(m.list(no_filter)) == Keys{"c4", "c3", "c2"});
  CHECK(m.heading().count == say(Msg::count, 4));
  CHECK(m.heading().more_note == say(Msg::showing_latest, 3));

  // An event of another thread changes nothing, and is not announced.
  Comment other = make(5);
  other.thread = "t2";
  CHECK_FALSE(m.apply_event(other, 9));
  CHECK_FALSE(m.announces(other, no_filter));
  CHECK(m.heading().count == say(Msg::count, 4));
  CHECK(m.announces(make(4), no_filter));
}

TEST_CASE("a page over the limit: a removal asks for a page, which fills the list up to the limit only") {
  WidgetModel m("t1", 3, Lang::en);
  m.apply_snapshot(range(10, 8), {}, 10);
  CHECK_FALSE(m.needs_refill());
  Comment removed = make(9, "读者", "正文", Status::deleted);
  CHECK(m.apply_event(removed, 9));
  CHECK(keys(m.list(no_filter)) == Keys{"c10", "c8"});
  REQUIRE(m.needs_refill());
  CHECK(m.refill_limit() == 1);
  CHECK(m.thread().newest().back().id == 8);  // the page is `more` before 8

  // The server sends more than was asked: the list still shows three.
  CHECK(m.apply_page(range(7, 3)));
  CHECK(keys(m.list(no_filter)) == Keys{"c10", "c8", "c7"});
  CHECK_FALSE(m.needs_refill());
  CHECK(m.heading().count == say(Msg::count, 9));
  CHECK(m.heading().more_note == say(Msg::showing_latest, 3));
  CHECK_FALSE(m.apply_page({}));
}

TEST_CASE("own post: sending at once, then the ack; the same comment as an event is listed once") {
  WidgetModel m("t1", 10, Lang::en);
  m.apply_snapshot({make(1)}, {}, 1);
  CHECK(m.check_post("", "你好").empty());
  auto post = m.draft_post("", "你好", t0 + 50);
  const int id = post.local_id;
  CHECK(post.comment.author == comments::limits::anonymous_author);
  m.add_sending(std::move(post));
  ListState s = m.list(no_filter);
  CHECK(keys(s) == Keys{"s" + std::to_string(id), "c1"});
  CHECK(s.items[0].kind == ItemKind::sending);

  // The broadcast reaches this reader before the ack does.
  Comment mine = make(2, std::string(comments::limits::anonymous_author), "你好");
  CHECK(m.apply_event(mine, 2));
  CHECK(m.post_acked(id, mine));
  s = m.list(no_filter);
  CHECK(keys(s) == Keys{"c2", "c1"});
  CHECK(s.items[0].kind == ItemKind::published);
  CHECK(m.own_posts().empty());
  CHECK(m.heading().count == say(Msg::count, 2));

  // And the other way round: the ack first, then the event.
  auto second = m.draft_post("我", "再说一句", t0 + 60);
  const int second_id = second.local_id;
  CHECK(second_id != id);
  m.add_sending(std::move(second));
  Comment again = make(3, "我", "再说一句");
  CHECK(m.post_acked(second_id, again));
  CHECK_FALSE(m.apply_event(again, 3));  // already shown: nothing changes
  CHECK(keys(m.list(no_filter)) == Keys{"c3", "c2", "c1"});
  // A reply that is not for a post waiting here changes nothing.
  CHECK_FALSE(m.post_acked(second_id, again));
}

TEST_CASE("held post: it leaves the widget's list (the author's part shows it) until a moderator approves it") {
  WidgetModel m("t1", 10, Lang::en);
  m.apply_snapshot({make(1)}, {}, 1);
  auto post = m.draft_post("我", "带链接的评论", t0);
  const int id = post.local_id;
  m.add_sending(std::move(post));
  Comment held = make(2, "我", "带链接的评论", Status::pending);
  CHECK_FALSE(m.post_acked(id, held));  // held: the form does not say "posted"
  CHECK(keys(m.list(no_filter)) == Keys{"c1"});
  CHECK(m.own_posts().empty());
  CHECK(m.heading().count == say(Msg::count, 1));  // readers' count: published only

  SUBCASE("approved: an update publishes it") {
    Comment approved = held;
    approved.status = Status::published;
    CHECK(m.apply_event(approved, 2));
    const ListState s = m.list(no_filter);
    CHECK(keys(s) == Keys{"c2", "c1"});
    CHECK(s.items[0].kind == ItemKind::published);
  }
  SUBCASE("edited by its author: still not listed; rejected: nothing changes") {
    Comment edited = held;
    edited.body = "改过的";
    edited.edited = t0 + 1000;
    CHECK_FALSE(m.apply_event(edited, 1));
    Comment rejected = held;
    rejected.status = Status::rejected;
    CHECK_FALSE(m.apply_event(rejected, 1));
    CHECK(keys(m.list(no_filter)) == Keys{"c1"});
  }
}

TEST_CASE("failed post: its text comes back; an interrupted one is recognised in the next snapshot") {
  WidgetModel m("t1", 10, Lang::en);
  m.apply_snapshot({}, {}, 0);
  auto post = m.draft_post("我", "第一条", t0);
  int id = post.local_id;
  m.add_sending(std::move(post));
  std::string body;
  CHECK(m.post_failed(id, "blocked", std::nullopt, t0, body) == PostFailure::refused);
  CHECK(body == "第一条");
  CHECK(m.list(no_filter).items.empty());
  CHECK(m.post_failed(id, "blocked", std::nullopt, t0, body) == PostFailure::not_ours);

  post = m.draft_post("我", "第二条", t0);
  id = post.local_id;
  m.add_sending(std::move(post));
  CHECK(m.post_failed(id, "offline", std::nullopt, t0, body) == PostFailure::interrupted);
  CHECK(body == "第二条");
  const Comment* arrived = m.apply_snapshot({make(7, "我", "第二条")}, {}, 1);
  REQUIRE(arrived != nullptr);
  CHECK(arrived->id == 7);
  // Only the snapshot right after the drop counts.
  CHECK(m.apply_snapshot({make(7, "我", "第二条")}, {}, 1) == nullptr);
}

TEST_CASE("the form's text is checked as the server would") {
  WidgetModel m("t1", 10, Lang::en);
  CHECK(m.check_post("我", "") == say(Msg::err_empty_body));
  CHECK(m.check_post("我", std::string(2001, 'x')) == say(Msg::err_body_too_long, 2000));
  CHECK(m.check_post(std::string(41, 'n'), "ok") == say(Msg::err_name_too_long, 40));
  CHECK(m.check_post(std::string(40, 'n'), std::string(2000, 'x')).empty());
}

TEST_CASE("rate limit: the countdown rounds seconds up and lifts when the wait is over") {
  WidgetModel m("t1", 10, Lang::en);
  auto post = m.draft_post("我", "太快了", t0);
  const int id = post.local_id;
  m.add_sending(std::move(post));
  std::string body;
  CHECK(m.post_failed(id, "rate_limited", 2500, t0, body) == PostFailure::rate_limited);
  CHECK(body == "太快了");
  CHECK(m.rate_limited(t0));
  CHECK(m.rate_limit_tick(t0) == say(Msg::err_rate_limited, 3));
  CHECK(m.rate_limit_tick(t0 + 1600) == say(Msg::err_rate_limited, 1));
  CHECK(m.rate_limited(t0 + 2499));
  CHECK(m.rate_limit_tick(t0 + 2500).empty());
  CHECK_FALSE(m.rate_limited(t0 + 2500));

  // No retry_after_ms: the server's window; never less than a second.
  m.start_rate_limit(0, t0);
  CHECK(m.rate_limit_tick(t0) == say(Msg::err_rate_limited, 1));
  auto again = m.draft_post("我", "再来", t0);
  const int again_id = again.local_id;
  m.add_sending(std::move(again));
  CHECK(m.post_failed(again_id, "rate_limited", std::nullopt, t0, body) == PostFailure::rate_limited);
  CHECK(m.rate_limit_tick(t0) == say(Msg::err_rate_limited, comments::limits::rate_window_ms / 1000));
}

TEST_CASE("reply target: set on a shown comment, carried by the post, cancelled") {
  WidgetModel m("t1", 10, Lang::en);
  m.apply_snapshot({make(5, "张三")}, {}, 1);
  CHECK(m.start_reply(99).empty());  // not shown: no target
  CHECK_FALSE(m.reply_to());
  CHECK(m.start_reply(5) == cmweb::fill_in(cmweb::tr(Lang::en, Msg::replying_to), "name", "张三"));
  CHECK(m.reply_to() == 5);
  auto post = m.draft_post("我", "同意", t0);
  CHECK(post.comment.parent == 5);
  m.add_sending(std::move(post));
  CHECK_FALSE(m.reply_to());  // sent: the next post is not a reply

  m.start_reply(5);
  m.cancel_reply();
  CHECK_FALSE(m.reply_to());
  CHECK_FALSE(m.draft_post("我", "另一条", t0).comment.parent);
}

TEST_CASE("muted words: nothing shows until the filter module is here, then muted comments are counted") {
  WidgetModel m("t1", 10, Lang::en);
  m.load_muted_words("广告，spam\n 推广 ");
  CHECK(m.muted_words() == std::vector<std::string>{"广告", "spam", "推广"});
  m.apply_snapshot({make(3, "a", "买广告位"), make(2, "b", "正常评论"), make(1, "SpamBot", "hi")}, {}, 3);
  const Muting muting(m.muted_words());

  // Waiting for the module: no published comment may flash up.
  CHECK(m.filter_pending());
  ListState s = m.list(muting);
  CHECK(s.items.empty());
  CHECK_FALSE(s.loaded);
  CHECK(s.empty_note == say(Msg::loading));
  CHECK_FALSE(m.announces(make(4, "c", "新评论"), muting));

  CHECK_FALSE(m.filter_arrived(true));
  s = m.list(muting);
  CHECK(keys(s) == Keys{"c2"});
  CHECK(s.hidden_note == say(Msg::muted_hidden, 2));
  CHECK(s.loaded);
  CHECK_FALSE(m.announces(make(4, "c", "推广一下"), muting));
  CHECK(m.announces(make(4, "c", "新评论"), muting));

  // Everything muted: no "no comments yet" either.
  WidgetModel all("t1", 10, Lang::en);
  all.load_muted_words("广告");
  all.apply_snapshot({make(1, "a", "广告")}, {}, 1);
  all.filter_arrived(true);
  s = all.list(Muting{all.muted_words()});
  CHECK(s.items.empty());
  CHECK(s.empty_note.empty());
  CHECK(s.hidden_note == say(Msg::muted_hidden, 1));
}

TEST_CASE("muted words: without the filter module comments show unfiltered, and saving says why not") {
  WidgetModel m("t1", 10, Lang::en);
  m.load_muted_words("广告");
  m.apply_snapshot({make(1, "a", "广告")}, {}, 1);
  CHECK_FALSE(m.filter_arrived(false));
  CHECK_FALSE(m.filter_arrived(true));  // one answer counts
  ListState s = m.list(Muting{m.muted_words()});
  CHECK(keys(s) == Keys{"c1"});
  CHECK(s.hidden_note == say(Msg::muted_unavailable));
  CHECK(m.begin_save({"别的"}) == MutedSave::unavailable);
  CHECK(m.begin_save({}) == MutedSave::save);
}

TEST_CASE("muted words: a save before the module is here waits for it") {
  WidgetModel m("t1", 10, Lang::en);
  CHECK_FALSE(m.filter_pending());  // no words: nothing to wait for
  const auto words = cmwidget::split_words("一、二,三\r\n\n四");
  CHECK(words == std::vector<std::string>{"一", "二", "三", "四"});
  CHECK(cmwidget::join_words(words) == "一\n二\n三\n四");
  CHECK(m.begin_save(words) == MutedSave::wait_for_filter);
  CHECK(m.filter_arrived(true));  // the waiting save runs now
  CHECK(m.begin_save(words) == MutedSave::check);
  m.commit_muted_words(words);
  CHECK(m.muted_words() == words);
}

TEST_CASE("reports and ids") {
  WidgetModel m("t1", 10, Lang::en);
  m.apply_snapshot({make(2), make(1)}, {}, 2);
  m.set_flagged(1);
  m.set_flagged(1);
  const ListState s = m.list(no_filter);
  CHECK_FALSE(s.items[0].flagged);
  CHECK(s.items[1].flagged);

  CHECK(cmwidget::parse_id("1234") == 1234);
  CHECK_FALSE(cmwidget::parse_id(""));
  CHECK_FALSE(cmwidget::parse_id("12a"));
  CHECK_FALSE(cmwidget::parse_id("-3"));
  CHECK_FALSE(cmwidget::parse_id("1234567890123456789"));
}

TEST_CASE("show more: each press keeps `limit` more, asked for with `more`, until all are shown") {
  WidgetModel m("t1", 3, Lang::zh_CN);
  m.apply_snapshot(range(8, 6), {}, 8);
  CHECK(m.heading().more_note == "只显示最新3条");
  CHECK_FALSE(m.needs_refill());
  m.show_more();
  REQUIRE(m.needs_refill());
  CHECK(m.refill_limit() == 3);
  CHECK(m.thread().newest().back().id == 6);  // `more` before 6
  CHECK(m.apply_page(range(5, 3)));
  CHECK(keys(m.list(no_filter)) == Keys{"c8", "c7", "c6", "c5", "c4", "c3"});
  CHECK(m.heading().more_note == "只显示最新6条");
  m.show_more();
  CHECK(m.refill_limit() == 3);
  CHECK(m.apply_page(range(2, 1)));
  CHECK_FALSE(m.needs_refill());
  CHECK(m.heading().more_note.empty());  // all eight are shown: no note, no button
  // A reconnect's snapshot brings the join's limit only: the rest is asked for again.
  m.apply_snapshot(range(8, 6), {}, 8);
  CHECK(m.needs_refill());
}

TEST_CASE("quotes: a reply shows its parent's author and the start of its text; parents not in the view are not quoted") {
  WidgetModel m("t1", 2, Lang::zh_CN);
  const std::string long_body(70, 'x');
  m.apply_snapshot({make(3, "乙", "第一行\n第二行"), make(2, "甲", long_body)}, {}, 3);
  const cmwidget::Quote a = m.quote_of(2);
  CHECK(a.known);
  CHECK(a.author == "甲");
  CHECK(a.excerpt == std::string(cmwidget::quote_chars, 'x') + "…");
  CHECK(m.quote_of(3).excerpt == "第一行 第二行");  // one line
  CHECK_FALSE(m.quote_of(1).known);  // never loaded here
  // Deleted: no longer quoted.
  m.apply_event(make(2, "甲", long_body, Status::deleted), 2);
  CHECK_FALSE(m.quote_of(2).known);
  // "Show more" brings older ones into the view: quoted again.
  m.show_more();
  m.apply_page({make(1, "丙", "最早")});
  CHECK(m.quote_of(1).author == "丙");
}

TEST_CASE("likes: a `likes` event's comment changes the count where it is shown, nothing else") {
  WidgetModel m("t1", 10, Lang::zh_CN);
  m.apply_snapshot(range(8, 1), {}, 8);
  Comment liked = make(5);
  liked.likes = 4;
  CHECK(m.apply_event(liked, std::nullopt));
  CHECK(m.find(5)->likes == 4);
  CHECK_FALSE(m.apply_event(liked, std::nullopt));  // the same count
  CHECK(m.thread().total() == 8);                    // a known comment: the total stays
  CHECK(keys(m.list(no_filter)).size() == 8);
}
