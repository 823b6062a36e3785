// Both engines through the Store interface: every case here runs on SQLite
// (ctest store_tests_sqlite) and on PostgreSQL (store_tests_pg), each on a
// fresh empty database (store_support.hpp, TestDb).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::add;
using store_test::new_comment;
using store_test::TestDb;

namespace {

std::vector<std::int64_t> ids_of(const std::vector<Comment>& comments) {
  std::vector<std::int64_t> ids;
  for (const Comment& c : comments) ids.push_back(c.id);
  return ids;
}

QueueQuery queue_of(QueueStatus status) {
  QueueQuery q;
  q.status = status;
  q.limit = 100;
  return q;
}

}  // namespace

TEST_CASE("reopening keeps every kind of data") {
  TestDb db;
  Comment first;
  std::string key;
  {
    auto store = db.open();
    first = add(*store, new_comment("t", "第一条评论"));
    add(*store, new_comment("t", "reply", first.id));
    store->ban("bad-poster", 5);
    store->save_filters(FilterLists{{"敏感词"}, {"spam"}});
    AuditEntry entry;
    entry.at = 7;
    entry.action = "pin";
    entry.comment = first.id;
    entry.thread = "t";
    entry.moderator = "m1";
    entry.detail = "pinned";
    store->append_audit(entry);
    key = store->secret("address-key", 32);
    store->moderate(first.id, ModerateAction::pin);
  }
  auto store = db.open();
  auto found = store->find(first.id);
  REQUIRE(found);
  CHECK(found->body == "第一条评论");
  CHECK(found->pinned);
  CHECK(store->published_count("t") == 2);
  CHECK(store->latest("t", 10).newest.size() == 2);
  CHECK(store->bans(6) == std::vector<PosterBan>{{"bad-poster", std::nullopt}});
  CHECK(store->load_filters().banned == std::vector<std::string>{"敏感词"});
  CHECK(store->audit(std::nullopt, 10).size() == 1);
  CHECK(store->secret("address-key", 32) == key);
  // ids keep increasing across restarts
  CHECK(add(*store, new_comment("t", "after restart")).id > first.id + 1);
}

TEST_CASE("insert stores a batch in order and checks parents per item") {
  TestDb db;
  auto store = db.open();
  const Comment root = add(*store, new_comment("a", "root"));
  const Comment other = add(*store, new_comment("b", "other thread"));

  auto results = store->insert({
      new_comment("a", "ok reply", root.id),
      new_comment("a", "parent in another thread", other.id),
      new_comment("a", "parent missing", 999999),
      new_comment("a", "held", std::nullopt, Status::pending, "Alice", "p2"),
  });
  REQUIRE(results.size() == 4);
  REQUIRE(results[0]);
  CHECK(results[0]->parent == root.id);
  CHECK(results[0]->id > other.id);
  CHECK_FALSE(results[1]);
  CHECK_FALSE(results[2]);
  REQUIRE(results[3]);
  CHECK(results[3]->id > results[0]->id);
  CHECK(results[3]->status == Status::pending);

  // What insert returned is what is stored.
  CHECK(store->find(results[0]->id) == results[0]);
  CHECK(store->find(results[3]->id) == results[3]);
  CHECK(store->poster_of(results[3]->id) == "p2");
  // Refused items are not stored: only root, ok reply and the pending post are in thread a.
  CHECK(store->queue([] {
              QueueQuery q = queue_of(QueueStatus::all);
              q.thread = "a";
              return q;
            }())
            .size() == 3);
  CHECK(store->published_count("a") == 2);

  SUBCASE("a parent stored earlier in the same batch counts") {
    // ids are assigned in batch order, so the first item's id is the next one.
    const std::int64_t next = results[3]->id + 1;
    auto chained = store->insert({new_comment("a", "parent"), new_comment("a", "child", next)});
    REQUIRE(chained[0]);
    CHECK(chained[0]->id == next);
    REQUIRE(chained[1]);
    CHECK(chained[1]->parent == next);
  }
  SUBCASE("an empty batch is fine") { CHECK(store->insert({}).empty()); }
}

TEST_CASE("a large batch over many threads keeps batch order, every column and the counts") {
  TestDb db;
  auto store = db.open();
  const Comment first = add(*store, new_comment("t0", "before"));
  // Values an array parameter must carry unchanged.
  const std::vector<std::string> bodies = {"", "NULL", "{a,b}", "\"quoted\" \\ back\\slash", "逗号，中文 ,;'", "x\ny\tz"};
  std::map<std::string, std::int64_t> published{{"t0", 1}};
  std::vector<NewComment> batch;
  for (int i = 0; i < 300; ++i) {
    const std::string thread = "t" + std::to_string(i % 37);
    const Status status = i % 5 == 4 ? Status::pending : Status::published;
    NewComment post = new_comment(thread, bodies[i % bodies.size()] + std::to_string(i), std::nullopt, status,
                                  i % 3 ? "网友" : "", "poster-" + std::to_string(i));
    if (i % 7 == 0) post.parent = first.id;  // thread t0 only for i % 37 == 0; elsewhere another thread's
    if (i % 4 == 0) post.author_key = std::string("\0\x01{\"}\\", 6) + std::to_string(i);
    if (status == Status::pending) post.held = "word:词" + std::to_string(i);
    const bool stored = !post.parent || thread == "t0";
    if (stored && status == Status::published) ++published[thread];
    batch.push_back(std::move(post));
  }
  const auto results = store->insert(batch);
  REQUIRE(results.size() == batch.size());
  std::int64_t last = first.id;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    CAPTURE(i);
    const NewComment& post = batch[i];
    if (post.parent && post.thread != "t0") {
      CHECK_FALSE(results[i]);
      continue;
    }
    REQUIRE(results[i]);
    // Refused posts draw no id: the stored ones are consecutive, in batch order.
    CHECK(results[i]->id == last + 1);
    last = results[i]->id;
    CHECK(results[i]->body == post.body);
    CHECK(store->find(results[i]->id) == results[i]);
    CHECK(store->poster_of(results[i]->id) == post.poster);
    const auto owned = store->owned({results[i]->id});
    REQUIRE(owned.size() == 1);
    CHECK(owned[0].author_key == post.author_key);
    if (post.status == Status::pending) CHECK(store->queue_context({*results[i]})[0].held == post.held);
  }
  for (const auto& [thread, count] : published) {
    CAPTURE(thread);
    CHECK(store->published_count(thread) == count);
  }
  // A second batch adds to the counts the first one created.
  store->insert({new_comment("t1", "again"), new_comment("t2", "again"), new_comment("t1", "and again")});
  CHECK(store->published_count("t1") == published["t1"] + 2);
  CHECK(store->published_count("t2") == published["t2"] + 1);
}

TEST_CASE("a batch refuses only its posts with a missing parent or one in another thread") {
  TestDb db;
  auto store = db.open();
  const Comment a = add(*store, new_comment("a", "root a"));
  const Comment b = add(*store, new_comment("b", "root b"));
  std::vector<NewComment> batch = {
      new_comment("a", "reply to a", a.id),
      new_comment("b", "parent in another thread", a.id),
      new_comment("c", "new thread"),
      new_comment("a", "parent missing", 999999),
      new_comment("b", "reply to b", b.id, Status::pending),
      new_comment("a", "parent not a comment", 0),
      new_comment("b", "another reply to b", b.id),
      new_comment("a", "parent in another thread too", b.id),
  };
  std::vector<bool> stored = {true, false, true, false, true, false, true, false};
  SUBCASE("a small batch") {}
  SUBCASE("a large batch (PostgreSQL: one statement)") {
    for (int i = 0; i < 40; ++i) {
      batch.push_back(new_comment("d", "filler " + std::to_string(i)));
      stored.push_back(true);
    }
  }
  const auto results = store->insert(batch);
  REQUIRE(results.size() == batch.size());
  std::int64_t last = b.id;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    CAPTURE(i);
    REQUIRE(results[i].has_value() == stored[i]);
    if (!stored[i]) continue;
    CHECK(results[i]->id == last + 1);
    last = results[i]->id;
    CHECK(results[i]->parent == batch[i].parent);
    CHECK(store->find(results[i]->id) == results[i]);
  }
  CHECK(store->published_count("a") == 2);
  CHECK(store->published_count("b") == 2);
  CHECK(store->published_count("c") == 1);
  CHECK(store->published_count("d") == static_cast<std::int64_t>(batch.size()) - 8);
  QueueQuery all = queue_of(QueueStatus::all);
  all.limit = 100;
  CHECK(store->queue(all).size() == 6 + batch.size() - 8);
}

TEST_CASE("a parent stored earlier in the same batch counts, one stored later does not") {
  TestDb db;
  auto store = db.open();
  const Comment old = add(*store, new_comment("x", "old"));
  // ids are drawn in batch order by the posts stored, so the batch's first
  // stored post gets old.id + 1, the next + 2, ...
  const std::int64_t next = old.id + 1;
  std::vector<NewComment> batch = {
      new_comment("x", "reply to a later post", next + 1),  // refused: not stored yet
      new_comment("x", "root", std::nullopt),               // next
      new_comment("x", "reply to root", next),              // next + 1
      new_comment("y", "root's id, another thread", next),  // refused
      new_comment("x", "reply to the reply", next + 1),     // next + 2
      new_comment("x", "reply to old", old.id),             // next + 3
      new_comment("x", "parent missing", 999999),           // refused
      new_comment("y", "held reply", std::nullopt, Status::pending),  // next + 4
  };
  std::vector<std::optional<std::int64_t>> ids = {std::nullopt, next,        next + 1,    std::nullopt,
                                                  next + 2,     next + 3,    std::nullopt, next + 4};
  std::int64_t fillers = 0;
  SUBCASE("a small batch") {}
  SUBCASE("a large batch (PostgreSQL: finds the same-batch parent and goes post by post)") {
    for (; fillers < 40; ++fillers) {
      batch.push_back(new_comment("z", "filler"));
      ids.push_back(next + 5 + fillers);
    }
  }
  const auto results = store->insert(batch);
  REQUIRE(results.size() == batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    CAPTURE(i);
    REQUIRE(results[i].has_value() == ids[i].has_value());
    if (!results[i]) continue;
    CHECK(results[i]->id == *ids[i]);
    CHECK(store->find(results[i]->id) == results[i]);
  }
  CHECK(store->published_count("x") == 5);
  CHECK(store->published_count("y") == 0);
  // The next batch, without such parents, carries on after them.
  CHECK(add(*store, new_comment("y", "later", next + 4)).id == next + 5 + fillers);
  CHECK(store->published_count("y") == 1);
}

TEST_CASE("latest gives the newest published, the pinned and the total") {
  TestDb db;
  auto store = db.open();
  std::vector<Comment> published;
  for (int i = 0; i < 12; ++i) {
    published.push_back(add(*store, new_comment("t", "c" + std::to_string(i))));
    add(*store, new_comment("t", "pending", std::nullopt, Status::pending));
    add(*store, new_comment("other", "elsewhere"));
  }
  // Pin 7 published ones (the oldest seven) and one pending one.
  for (int i = 0; i < 7; ++i) store->moderate(published[static_cast<std::size_t>(i)].id, ModerateAction::pin);
  const auto held = store->queue(queue_of(QueueStatus::pending));
  store->moderate(held.front().id, ModerateAction::pin);

  const ThreadSnapshot snap = store->latest("t", 5);
  CHECK(snap.total == 12);
  CHECK(ids_of(snap.newest) == std::vector<std::int64_t>{published[11].id, published[10].id, published[9].id,
                                                          published[8].id, published[7].id});
  // At most five pinned, newest first, published only.
  CHECK(ids_of(snap.pinned) == std::vector<std::int64_t>{published[6].id, published[5].id, published[4].id,
                                                          published[3].id, published[2].id});
  CHECK(std::all_of(snap.pinned.begin(), snap.pinned.end(), [](const Comment& c) { return c.pinned; }));

  CHECK(store->latest("nobody-here", 10).total == 0);
  CHECK(store->latest("nobody-here", 10).newest.empty());
  CHECK(store->latest("t", 0).newest.empty());
}

TEST_CASE("page walks back through published comments") {
  TestDb db;
  auto store = db.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(add(*store, new_comment("t", "c")).id);
    add(*store, new_comment("t", "hidden", std::nullopt, Status::rejected));
  }
  CHECK(ids_of(store->page("t", ids[5], 3)) == std::vector<std::int64_t>{ids[4], ids[3], ids[2]});
  CHECK(ids_of(store->page("t", ids[1], 10)) == std::vector<std::int64_t>{ids[0]});
  CHECK(store->page("t", ids[0], 10).empty());
  CHECK(store->page("other", ids[9] + 1, 10).empty());
}

TEST_CASE("after walks forward through published comments, oldest first") {
  TestDb db;
  auto store = db.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(add(*store, new_comment("t", "c" + std::to_string(i))).id);
    add(*store, new_comment("t", "held", std::nullopt, Status::pending));
    add(*store, new_comment("elsewhere", "other thread"));
  }
  CHECK(ids_of(store->after("t", ids[5], 3)) == std::vector<std::int64_t>{ids[6], ids[7], ids[8]});
  CHECK(ids_of(store->after("t", 0, 2)) == std::vector<std::int64_t>{ids[0], ids[1]});
  CHECK(ids_of(store->after("t", ids[8], 10)) == std::vector<std::int64_t>{ids[9]});
  CHECK(store->after("t", ids[9], 10).empty());
  CHECK(store->after("t", 0, 0).empty());
  CHECK(store->after("nobody", 0, 10).empty());
  // A comment that stops being published leaves the catch-up; one that is
  // approved later shows up at its own (older) id.
  store->moderate(ids[7], ModerateAction::remove);
  CHECK(ids_of(store->after("t", ids[5], 3)) == std::vector<std::int64_t>{ids[6], ids[8], ids[9]});
  const auto held = store->queue(queue_of(QueueStatus::pending));
  REQUIRE_FALSE(held.empty());
  const std::int64_t approved = held.back().id;  // the oldest held one, after ids[0]
  store->moderate(approved, ModerateAction::approve);
  CHECK(ids_of(store->after("t", ids[0], 2)) == std::vector<std::int64_t>{approved, ids[1]});
}

TEST_CASE("moderate applies each action and keeps the published count") {
  TestDb db;
  auto store = db.open();
  const Comment held = add(*store, new_comment("t", "held", std::nullopt, Status::pending));
  CHECK(store->published_count("t") == 0);

  auto approved = store->moderate(held.id, ModerateAction::approve);
  REQUIRE(approved);
  CHECK(approved->before.status == Status::pending);
  CHECK(approved->after.status == Status::published);
  CHECK(store->published_count("t") == 1);

  auto pinned = store->moderate(held.id, ModerateAction::pin);
  REQUIRE(pinned);
  CHECK_FALSE(pinned->before.pinned);
  CHECK(pinned->after.pinned);
  CHECK(store->moderate(held.id, ModerateAction::unpin)->after.pinned == false);

  auto rejected = store->moderate(held.id, ModerateAction::reject);
  REQUIRE(rejected);
  CHECK(rejected->after.status == Status::rejected);
  CHECK(store->published_count("t") == 0);
  // Rejecting again changes nothing and the count stays right.
  store->moderate(held.id, ModerateAction::reject);
  CHECK(store->published_count("t") == 0);

  store->moderate(held.id, ModerateAction::approve);
  auto removed = store->moderate(held.id, ModerateAction::remove);
  REQUIRE(removed);
  CHECK(removed->after.status == Status::deleted);
  CHECK(store->published_count("t") == 0);
  CHECK(store->find(held.id)->status == Status::deleted);

  CHECK_FALSE(store->moderate(424242, ModerateAction::approve));
}

TEST_CASE("flags count each flagger once until the next approve") {
  TestDb db;
  auto store = db.open();
  const Comment c = add(*store, new_comment("t", "flag me"));

  CHECK(store->flag(c.id, "addr-1", "spam", 1)->flags == 1);
  CHECK(store->flag(c.id, "addr-1", "spam again", 2)->flags == 1);
  CHECK(store->flag(c.id, "addr-2", "", 3)->flags == 2);
  CHECK(store->find(c.id)->flags == 2);

  auto approved = store->moderate(c.id, ModerateAction::approve);
  REQUIRE(approved);
  CHECK(approved->before.flags == 2);
  CHECK(approved->after.flags == 0);
  // The flaggers were forgotten: the same address counts again.
  CHECK(store->flag(c.id, "addr-1", "still spam", 4)->flags == 1);

  // Only published comments can be flagged.
  store->moderate(c.id, ModerateAction::reject);
  CHECK_FALSE(store->flag(c.id, "addr-3", "", 5));
  CHECK(store->find(c.id)->flags == 1);
  CHECK_FALSE(store->flag(999999, "addr-1", "", 6));
}

TEST_CASE("likes count each liker once, a second like is a no-op and unlike takes it back") {
  TestDb db;
  Comment c;
  {
    auto store = db.open();
    c = add(*store, new_comment("t", "like me"));
    CHECK(store->like(c.id, "addr-1", true, 1)->likes == 1);
    CHECK(store->like(c.id, "addr-1", true, 2)->likes == 1);  // the same address again
    CHECK(store->like(c.id, "addr-2", true, 3)->likes == 2);
    CHECK(store->like(c.id, "addr-1", false, 4)->likes == 1);
    CHECK(store->like(c.id, "addr-1", false, 5)->likes == 1);  // nothing left to take back
    CHECK(store->like(c.id, "addr-3", false, 6)->likes == 1);  // never liked it
    CHECK(store->find(c.id)->likes == 1);
    CHECK(store->latest("t", 10).newest.at(0).likes == 1);
  }
  // Kept across a reopen, and the liker still known: a repeat does not count.
  auto store = db.open();
  CHECK(store->find(c.id)->likes == 1);
  CHECK(store->like(c.id, "addr-2", true, 7)->likes == 1);

  // Only published comments can be liked; the count stays through moderation.
  store->moderate(c.id, ModerateAction::reject);
  CHECK_FALSE(store->like(c.id, "addr-4", true, 8));
  CHECK(store->find(c.id)->likes == 1);
  store->moderate(c.id, ModerateAction::approve);
  CHECK(store->find(c.id)->likes == 1);
  CHECK_FALSE(store->like(999999, "addr-1", true, 9));
}

TEST_CASE("hot lists a thread's published comments by likes, newest first among equals") {
  TestDb db;
  auto store = db.open();
  const Comment a = add(*store, new_comment("t", "a"));
  const Comment b = add(*store, new_comment("t", "b"));
  const Comment c = add(*store, new_comment("t", "c"));
  const Comment d = add(*store, new_comment("t", "d"));
  const Comment held = add(*store, new_comment("t", "held", std::nullopt, Status::pending));
  add(*store, new_comment("other", "elsewhere"));
  for (const char* liker : {"x", "y", "z"}) store->like(b.id, liker, true, 1);
  for (const char* liker : {"x", "y"}) store->like(a.id, liker, true, 1);
  store->like(d.id, "x", true, 1);
  CHECK(ids_of(store->hot("t", 10)) == std::vector<std::int64_t>{b.id, a.id, d.id, c.id});
  CHECK(ids_of(store->hot("t", 2)) == std::vector<std::int64_t>{b.id, a.id});
  CHECK(store->hot("t", 1).at(0).likes == 3);
  store->moderate(b.id, ModerateAction::remove);  // gone from the view
  CHECK(ids_of(store->hot("t", 10)) == std::vector<std::int64_t>{a.id, d.id, c.id});
  CHECK(store->hot("none", 10).empty());
  // A like taken back puts the comment among those nobody likes, by id.
  store->like(d.id, "x", false, 2);
  CHECK(ids_of(store->hot("t", 10)) == std::vector<std::int64_t>{a.id, d.id, c.id});
  store->like(a.id, "x", false, 2);
  store->like(a.id, "y", false, 2);
  CHECK(ids_of(store->hot("t", 10)) == std::vector<std::int64_t>{d.id, c.id, a.id});
  CHECK(ids_of(store->hot("t", 2)) == std::vector<std::int64_t>{d.id, c.id});
  (void)held;
}

TEST_CASE("hot fills the list with the newest comments nobody liked yet, up to the limit") {
  TestDb db;
  auto store = db.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(add(*store, new_comment("t", "c" + std::to_string(i))).id);
  store->like(ids[1], "x", true, 1);
  CHECK(ids_of(store->hot("t", 4)) == std::vector<std::int64_t>{ids[1], ids[5], ids[4], ids[3]});
  CHECK(ids_of(store->hot("t", 1)) == std::vector<std::int64_t>{ids[1]});
  CHECK(store->hot("t", 100).size() == 6);
}

TEST_CASE("queue filters by status, thread, author and text, newest first") {
  TestDb db;
  auto store = db.open();
  const Comment p1 = add(*store, new_comment("news/1", "Hello World", std::nullopt, Status::published, "Alice"));
  const Comment p2 = add(*store, new_comment("news/1", "长三角一体化发展", std::nullopt, Status::pending, "张三"));
  const Comment p3 = add(*store, new_comment("news/12", "100% sure_thing", std::nullopt, Status::pending, "bob"));
  const Comment p4 = add(*store, new_comment("news/1", "1000 surely", std::nullopt, Status::rejected, "Bobby"));
  const Comment p5 = add(*store, new_comment("news/1", "ÄRGER über Straße", std::nullopt, Status::published, "ÖZIL"));
  const Comment p6 = add(*store, new_comment("news/1", "gone", std::nullopt, Status::published, "x"));
  store->moderate(p6.id, ModerateAction::remove);
  store->flag(p1.id, "addr", "", 1);
  store->flag(p5.id, "addr", "", 1);
  store->moderate(p5.id, ModerateAction::reject);  // flagged stays flagged whatever the status

  auto ids = [&](QueueQuery q) { return ids_of(store->queue(q)); };
  using V = std::vector<std::int64_t>;

  CHECK(ids(queue_of(QueueStatus::published)) == V{p1.id});
  CHECK(ids(queue_of(QueueStatus::pending)) == V{p3.id, p2.id});
  CHECK(ids(queue_of(QueueStatus::rejected)) == V{p5.id, p4.id});
  CHECK(ids(queue_of(QueueStatus::deleted)) == V{p6.id});
  CHECK(ids(queue_of(QueueStatus::flagged)) == V{p5.id, p1.id});
  CHECK(ids(queue_of(QueueStatus::all)) == V{p6.id, p5.id, p4.id, p3.id, p2.id, p1.id});

  SUBCASE("thread matches exactly, not as a prefix") {
    QueueQuery q = queue_of(QueueStatus::pending);
    q.thread = "news/1";
    CHECK(ids(q) == V{p2.id});
  }
  SUBCASE("author is a case-insensitive substring") {
    QueueQuery q = queue_of(QueueStatus::all);
    q.author = "BOB";
    CHECK(ids(q) == V{p4.id, p3.id});
    q.author = "alI";
    CHECK(ids(q) == V{p1.id});
    q.author = "张";
    CHECK(ids(q) == V{p2.id});
    q.author = "özil";  // beyond ASCII too
    CHECK(ids(q) == V{p5.id});
  }
  SUBCASE("text is a case-insensitive substring of the body") {
    QueueQuery q = queue_of(QueueStatus::all);
    q.text = "hello world";
    CHECK(ids(q) == V{p1.id});
    q.text = "一体化";
    CHECK(ids(q) == V{p2.id});
    q.text = "三角一";
    CHECK(ids(q) == V{p2.id});
    q.text = "äRGER";
    CHECK(ids(q) == V{p5.id});
    q.text = "一体 化";  // a substring, not a folded match
    CHECK(ids(q).empty());
  }
  SUBCASE("% and _ are ordinary characters") {
    QueueQuery q = queue_of(QueueStatus::all);
    q.text = "0%";
    CHECK(ids(q) == V{p3.id});
    q.text = "%";
    CHECK(ids(q) == V{p3.id});
    q.text = "e_t";
    CHECK(ids(q) == V{p3.id});
    q.text = "_";
    CHECK(ids(q) == V{p3.id});
    q.text = "sure_";
    CHECK(ids(q) == V{p3.id});
  }
  SUBCASE("filters combine, before pages and limit caps") {
    QueueQuery q = queue_of(QueueStatus::all);
    q.thread = "news/1";
    q.text = "R";  // Hello World, surely, ÄRGER (and 100% sure_thing, in another thread)
    CHECK(ids(q) == V{p5.id, p4.id, p1.id});
    q.before = p5.id;
    CHECK(ids(q) == V{p4.id, p1.id});
    QueueQuery all = queue_of(QueueStatus::all);
    all.limit = 2;
    CHECK(ids(all) == V{p6.id, p5.id});
    all.before = p5.id;
    CHECK(ids(all) == V{p4.id, p3.id});
  }
}


TEST_CASE("posters and bans") {
  TestDb db;
  auto store = db.open();
  const Comment c = add(*store, new_comment("t", "x", std::nullopt, Status::published, "a", "hash-1"));
  CHECK(store->poster_of(c.id) == "hash-1");
  CHECK_FALSE(store->poster_of(c.id + 1));
  CHECK(store->bans(0).empty());
  store->ban("hash-1", 10);
  store->ban("hash-1", 20);  // banning twice keeps one entry
  store->ban("hash-0", 30);
  CHECK(store->bans(40) == std::vector<PosterBan>{{"hash-1", std::nullopt}, {"hash-0", std::nullopt}});
}

TEST_CASE("bans expire, are lifted by their key, and list who, when, why and the poster's posts") {
  TestDb db;
  auto store = db.open();
  add(*store, new_comment("t", "an older post", std::nullopt, Status::published, "旧名字", "abc123def456-poster"));
  const Comment bad = add(*store, new_comment("t", std::string(100, 'x') + " spam spam", std::nullopt,
                                              Status::published, "新名字", "abc123def456-poster"));
  add(*store, new_comment("t", "someone else", std::nullopt, Status::published, "other", "fff000-other"));
  const std::int64_t day = 86'400'000;
  store->ban(NewBan{"abc123def456-poster", 1000, 1000 + day, "alice", "spam links", bad.id});
  store->ban(NewBan{"fff000-other", 2000, std::nullopt, "bob", "", std::nullopt});

  // In force: both; the newest first in the list.
  CHECK(store->bans(1500).size() == 2);
  const auto list = store->ban_list(1500, 100);
  REQUIRE(list.size() == 2);
  CHECK(list[0].poster == "fff000-other");
  CHECK(list[0].expires == std::nullopt);
  CHECK(list[0].moderator == "bob");
  CHECK(list[0].comment == std::nullopt);
  CHECK(list[0].excerpt.empty());
  CHECK(list[0].posts == 1);
  const BanEntry& b = list[1];
  CHECK(b.at == 1000);
  CHECK(b.expires == 1000 + day);
  CHECK(b.moderator == "alice");
  CHECK(b.reason == "spam links");
  CHECK(b.comment == bad.id);
  CHECK(b.author == "新名字");  // the last name used
  CHECK(b.excerpt == std::string(80, 'x') + "…");
  CHECK(b.posts == 2);

  // Past its expiry the ban is no longer in force, nor listed.
  CHECK(store->bans(1000 + day) == std::vector<PosterBan>{{"fff000-other", std::nullopt}});
  CHECK(store->ban_list(1000 + day, 100).size() == 1);

  // Banning again replaces the ban (a new expiry, here permanent).
  store->ban(NewBan{"abc123def456-poster", 3000, std::nullopt, "carol", "again", bad.id});
  CHECK(store->ban_list(1000 + 2 * day, 100).size() == 2);
  CHECK(store->ban_list(0, 1).front().moderator == "carol");

  // Lifted by the key the list shows (the hash's first characters).
  CHECK(store->unban("abc123def456") == std::vector<std::string>{"abc123def456-poster"});
  CHECK(store->unban("abc123def456").empty());
  CHECK(store->bans(0) == std::vector<PosterBan>{{"fff000-other", std::nullopt}});
}

TEST_CASE("queue context: why held, flags by reason, the parent, the thread's title; queue counts") {
  TestDb db;
  auto store = db.open();
  const Comment parent = add(*store, new_comment("news/1", "the parent's text", std::nullopt, Status::published, "Ann"));
  auto held_post = new_comment("news/1", "buy 敏感词 now", parent.id, Status::pending, "Bob", "poster-b");
  held_post.held = "word:敏感词";
  const Comment held = add(*store, held_post);
  auto premod = new_comment("news/2", "plain", std::nullopt, Status::pending);
  premod.held = "premoderate";
  const Comment waiting = add(*store, premod);
  store->flag(parent.id, "f1", "spam", 1);
  store->flag(parent.id, "f2", "spam", 2);
  store->flag(parent.id, "f3", "abuse", 3);
  store->set_thread_info("news/1", "First title", "https://example.com/1", 5);
  store->set_thread_info("news/1", "新标题", "https://example.com/news/1", 6);  // the latest wins

  const auto contexts = store->queue_context({*store->find(held.id), *store->find(waiting.id), *store->find(parent.id)});
  REQUIRE(contexts.size() == 3);
  CHECK(contexts[0].held == "word:敏感词");
  CHECK(contexts[0].poster == "poster-b");
  CHECK(contexts[0].parent_author == "Ann");
  CHECK(contexts[0].parent_body == "the parent's text");
  CHECK(contexts[0].title == "新标题");
  CHECK(contexts[0].url == "https://example.com/news/1");
  CHECK(contexts[0].reasons.empty());
  CHECK(contexts[1].held == "premoderate");
  CHECK(contexts[1].title.empty());
  CHECK_FALSE(contexts[1].parent_body);
  CHECK(contexts[2].held.empty());
  CHECK(contexts[2].reasons == std::vector<FlagReasonCount>{{"spam", 2}, {"abuse", 1}});

  QueueCounts counts = store->queue_counts();
  CHECK(counts.pending == 2);
  CHECK(counts.flagged == 1);
  // An approve forgets the flags, reasons and all.
  store->moderate(parent.id, ModerateAction::approve);
  CHECK(store->queue_context({*store->find(parent.id)})[0].reasons.empty());
  CHECK(store->queue_counts().flagged == 0);
}

TEST_CASE("queue events: what entered a queue since a time, oldest first, as it is now") {
  TestDb db;
  auto store = db.open();
  const auto at = [](NewComment c, std::int64_t created) {
    c.created = created;
    return c;
  };
  const Comment old_held = add(*store, at(new_comment("t", "old held", std::nullopt, Status::pending), 1000));
  const Comment held = add(*store, at(new_comment("t", "held", std::nullopt, Status::pending), 2000));
  const Comment flagged = add(*store, at(new_comment("t", "flagged", std::nullopt, Status::published), 500));
  const Comment quiet = add(*store, at(new_comment("t", "quiet", std::nullopt, Status::published), 600));
  const Comment approved = add(*store, at(new_comment("t", "approved", std::nullopt, Status::pending), 2500));
  store->flag(flagged.id, "f1", "spam", 1500);
  store->flag(flagged.id, "f2", "spam", 3000);  // the latest flag is its time
  store->flag(quiet.id, "f1", "spam", 800);     // flagged before `since` only
  store->moderate(approved.id, ModerateAction::approve);  // left the queue
  // A held post edited later by its author: its time is the edit.
  REQUIRE(store->change_own(old_held.id, AuthorChange{std::string("edited"), Status::pending, {}, 3500}));

  const std::vector<QueueEvent> events = store->queue_events(1200, 100);
  REQUIRE(events.size() == 3);
  CHECK(events[0].comment.id == held.id);
  CHECK(events[0].at == 2000);
  CHECK(events[1].comment.id == flagged.id);
  CHECK(events[1].at == 3000);
  CHECK(events[1].comment.flags == 2);
  CHECK(events[2].comment.id == old_held.id);
  CHECK(events[2].at == 3500);
  CHECK(events[2].comment.body == "edited");
  // Ties by id; at most `limit`, the oldest.
  CHECK(store->queue_events(0, 2).size() == 2);
  CHECK(store->queue_events(0, 2)[0].comment.id == quiet.id);
  CHECK(store->queue_events(0, 0).empty());
  CHECK(store->queue_events(3501, 10).empty());
}

TEST_CASE("filters are saved and replaced as whole lists, in order") {
  TestDb db;
  auto store = db.open();
  CHECK(store->load_filters().banned.empty());
  CHECK(store->load_filters().suspect.empty());
  store->save_filters(FilterLists{{"敏感词", "zebra", "apple"}, {"广告", "http"}});
  FilterLists loaded = store->load_filters();
  CHECK(loaded.banned == std::vector<std::string>{"敏感词", "zebra", "apple"});
  CHECK(loaded.suspect == std::vector<std::string>{"广告", "http"});
  store->save_filters(FilterLists{{}, {"only"}});
  loaded = store->load_filters();
  CHECK(loaded.banned.empty());
  CHECK(loaded.suspect == std::vector<std::string>{"only"});
}

TEST_CASE("audit entries get increasing ids and page newest first") {
  TestDb db;
  auto store = db.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    AuditEntry e;
    e.at = 100 + i;
    e.action = i == 4 ? "filters" : "approve";
    if (i != 4) e.comment = i + 1;
    e.thread = i == 4 ? "" : "t";
    e.moderator = "session-7";
    e.detail = "pending -> published";
    const AuditEntry stored = store->append_audit(e);
    CHECK(stored.action == e.action);
    ids.push_back(stored.id);
  }
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == ids.size());

  auto newest = store->audit(std::nullopt, 2);
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].id == ids[4]);
  CHECK_FALSE(newest[0].comment);
  CHECK(newest[0].thread.empty());
  CHECK(newest[1].id == ids[3]);
  CHECK(newest[1].comment == 4);
  CHECK(newest[1].at == 103);
  CHECK(newest[1].moderator == "session-7");
  CHECK(newest[1].detail == "pending -> published");
  auto older = store->audit(ids[1], 10);
  REQUIRE(older.size() == 1);
  CHECK(older[0].id == ids[0]);
}

TEST_CASE("secrets are random, persistent and fixed in size") {
  TestDb db;
  auto store = db.open();
  const std::string key = store->secret("address-key", 32);
  CHECK(key.size() == 32);
  CHECK(store->secret("address-key", 32) == key);
  const std::string other = store->secret("other", 32);
  CHECK(other != key);
  CHECK_THROWS_AS(store->secret("address-key", 16), StoreError);
}

TEST_CASE("a failing write rolls the whole batch back and the store keeps working") {
  TestDb db;
  auto store = db.open();
  const Comment before = add(*store, new_comment("t", "before"));
  // Inject a failure from inside the engine through a second connection: any
  // row whose body is "boom" aborts its statement, as a full disk would.
  db.inject_insert_failure("boom");

  try {
    store->insert({new_comment("t", "fine"), new_comment("t", "boom"), new_comment("t", "fine too")});
    FAIL("insert succeeded");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("injected failure") != std::string::npos);
  }
  CHECK(store->published_count("t") == 1);
  CHECK(ids_of(store->latest("t", 10).newest) == std::vector<std::int64_t>{before.id});

  const Comment after = add(*store, new_comment("t", "after"));
  CHECK(after.id > before.id);
  CHECK(store->published_count("t") == 2);
}

TEST_CASE("an author's own comments: the key is kept, edits and deletes keep the count right") {
  TestDb db;
  auto store = db.open();
  const std::string key(32, '\x7f');
  NewComment mine = new_comment("t", "原来的文字");
  mine.author_key = key;
  const Comment published = add(*store, mine);
  mine.status = Status::pending;
  mine.body = "等待审核的";
  const Comment held = add(*store, mine);
  const Comment keyless = add(*store, new_comment("t", "旧评论"));
  CHECK(store->published_count("t") == 2);

  auto owned = store->owned({held.id, published.id, keyless.id, 424242});
  std::sort(owned.begin(), owned.end(),
            [](const OwnedComment& a, const OwnedComment& b) { return a.comment.id < b.comment.id; });
  REQUIRE(owned.size() == 3);
  CHECK(owned[0].comment == published);
  CHECK(owned[0].author_key == key);
  CHECK(owned[1].comment.status == Status::pending);
  CHECK(owned[1].author_key == key);
  CHECK(owned[2].author_key.empty());  // stored without one
  CHECK(store->owned({}).empty());

  SUBCASE("an edit replaces the body and says when; held now, it leaves the count") {
    auto edited = store->change_own(published.id, AuthorChange{std::string("改过的"), Status::pending, "word:推广", 99});
    REQUIRE(edited);
    CHECK(edited->before == published);
    CHECK(edited->after.body == "改过的");
    CHECK(edited->after.edited == std::optional<std::int64_t>(99));
    CHECK(edited->after.status == Status::pending);
    CHECK(store->find(published.id)->edited == std::optional<std::int64_t>(99));
    CHECK(store->published_count("t") == 1);
    const auto context = store->queue_context({edited->after});
    REQUIRE(context.size() == 1);
    CHECK(context[0].held == "word:推广");
    // A comment that stays published keeps the count.
    auto again = store->change_own(keyless.id, AuthorChange{std::string("新"), Status::published, {}, 100});
    REQUIRE(again);
    CHECK(again->after.status == Status::published);
    CHECK(store->published_count("t") == 1);
    CHECK(store->latest("t", 10).newest.front().edited == std::optional<std::int64_t>(100));
  }
  SUBCASE("a delete changes the status only; rejected or deleted comments are not changed") {
    auto deleted = store->change_own(published.id, AuthorChange{std::nullopt, Status::deleted, {}, 99});
    REQUIRE(deleted);
    CHECK(deleted->after.status == Status::deleted);
    CHECK(deleted->after.body == published.body);
    CHECK_FALSE(deleted->after.edited);
    CHECK(store->published_count("t") == 1);
    CHECK_FALSE(store->change_own(published.id, AuthorChange{std::string("x"), Status::published, {}, 100}));
    store->moderate(held.id, ModerateAction::reject);
    CHECK_FALSE(store->change_own(held.id, AuthorChange{std::nullopt, Status::deleted, {}, 100}));
    CHECK(store->find(held.id)->status == Status::rejected);
    CHECK_FALSE(store->change_own(424242, AuthorChange{std::nullopt, Status::deleted, {}, 100}));
  }
}
