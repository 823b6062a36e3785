// The application layer without sockets: the path of a post, held posts,
// slow peers, bans, filters and store failures (fake peers, real SQLite).
#include "app_support.hpp"

using namespace app_test;

TEST_CASE("a post is acked to its author and reaches every other reader once, in commit order") {
  AppFixture f;
  auto author = f.reader("192.0.2.1", "t");
  auto reader = f.reader("192.0.2.2", "t");
  auto elsewhere = f.connect("192.0.2.3");
  f.join(elsewhere, "other-thread");

  // Sent back to back: they may share one group commit.
  for (int i = 0; i < 5; ++i) {
    f.send(author, {{"type", "post"}, {"thread", "t"}, {"body", "第" + std::to_string(i) + "条"},
                    {"req", "p" + std::to_string(i)}});
  }
  REQUIRE(f.settle([&] { return reader->of_type("comment").size() == 5; }));
  std::vector<std::int64_t> acked;
  for (int i = 0; i < 5; ++i) {
    const json ack = f.reply(author, "p" + std::to_string(i));
    REQUIRE(ack["type"] == "ack");
    acked.push_back(ack["comment"]["id"].get<std::int64_t>());
  }
  CHECK(std::is_sorted(acked.begin(), acked.end()));
  // Posts of one io turn reach the store in one hand-off: one commit.
  CHECK(f.worker.stats().batches == 1);

  const auto events = reader->of_type("comment");
  std::vector<std::int64_t> delivered;
  for (std::size_t i = 0; i < events.size(); ++i) {
    delivered.push_back(events[i]["comment"]["id"].get<std::int64_t>());
    CHECK(events[i]["total"] == static_cast<int>(i) + 1);
  }
  CHECK(delivered == acked);
  CHECK(author->of_type("comment").empty());  // the author has the ack instead
  CHECK(elsewhere->of_type("comment").empty());

  // A later reader is answered from the cache, which holds them all.
  auto late = f.connect("192.0.2.4");
  const json snapshot = f.join(late, "t", 3);
  CHECK(snapshot["total"] == 5);
  CHECK(ids_of(snapshot["comments"]) ==
        std::vector<std::int64_t>{acked[4], acked[3], acked[2]});
}

TEST_CASE("a held post is acked as pending and goes to the moderators, not to readers") {
  AppOptions options = AppFixture::default_options();
  options.premoderate = true;
  AppFixture f(options);
  auto moderator = f.moderator();
  auto author = f.connect();
  auto reader = f.reader("192.0.2.9", "t");

  const json ack = f.post(author, "t", "等待审核");
  CHECK(ack["type"] == "ack");
  CHECK(ack["comment"]["status"] == "pending");
  REQUIRE(f.settle([&] { return moderator->of_type("queued").size() == 1; }));
  CHECK(moderator->of_type("queued")[0]["comment"]["id"] == ack["comment"]["id"]);
  CHECK(reader->of_type("comment").empty());
}

TEST_CASE("a reader too slow to take a message is closed and sent nothing more; others go on") {
  AppFixture f;
  auto author = f.connect("192.0.2.1");
  auto slow = f.reader("192.0.2.2", "t");
  auto fast = f.reader("192.0.2.3", "t");

  slow->refuse = true;
  f.post(author, "t", "一");
  REQUIRE(f.settle([&] { return fast->of_type("comment").size() == 1; }));
  CHECK(slow->closed == CloseReason::too_slow);
  CHECK(slow->dropped);

  slow->refuse = false;  // it would take messages again, but it is gone
  f.post(author, "t", "二");
  REQUIRE(f.settle([&] { return fast->of_type("comment").size() == 2; }));
  CHECK(slow->of_type("comment").empty());
  // Its requests are not answered either, until its end is reported.
  f.send(slow, {{"type", "join"}, {"thread", "t"}, {"req", "j"}});
  f.post(author, "t", "三");
  REQUIRE(f.settle([&] { return fast->of_type("comment").size() == 3; }));
  CHECK(slow->received.size() == 1);  // its own first snapshot only

  f.app.disconnected(*slow);
  f.app.disconnected(*fast);
  CHECK(f.app.hubs().find("t") == nullptr);  // the hub goes with its last reader
}

TEST_CASE("a reader that left or went gets no more comments") {
  AppFixture f;
  auto author = f.connect("192.0.2.1");
  auto leaving = f.reader("192.0.2.2", "t");
  auto staying = f.reader("192.0.2.3", "t");
  CHECK(f.request(leaving, {{"type", "leave"}, {"thread", "t"}}, "leave")["type"] == "ok");
  f.post(author, "t", "你好");
  REQUIRE(f.settle([&] { return staying->of_type("comment").size() == 1; }));
  CHECK(leaving->of_type("comment").empty());
  CHECK(f.app.hubs().find("t")->peers.size() == 1);
}

TEST_CASE("a ban refuses the poster's next post and no one else's") {
  AppFixture f;
  auto moderator = f.moderator();
  auto troll = f.connect("203.0.113.66");
  auto other = f.connect("203.0.113.67");
  const json first = f.post(troll, "t", "广告");
  const json banned =
      f.request(moderator, {{"type", "ban"}, {"id", first["comment"]["id"]}}, "ban");
  CHECK(banned["type"] == "ok");
  REQUIRE(f.settle([&] { return moderator->of_type("audited").size() == 1; }));
  CHECK(moderator->of_type("audited")[0]["entry"]["action"] == "ban");

  const json refused = f.post(troll, "t", "又来了");
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "banned");
  // Reconnecting from the same address does not help.
  CHECK(f.post(f.connect("203.0.113.66"), "t", "换个连接")["code"] == "banned");
  CHECK(f.post(other, "t", "正常评论")["type"] == "ack");
}

TEST_CASE("filter changes apply to the next post: banned blocks, suspect holds, partial updates merge") {
  AppFixture f;
  auto moderator = f.moderator();
  auto author = f.connect();
  const json set = f.request(moderator, {{"type", "filters"}, {"banned", {"传销"}}}, "f1");
  REQUIRE(set["type"] == "filters");
  const json blocked = f.post(author, "t", "加入传销吧");
  CHECK(blocked["code"] == "blocked");

  // Setting only the suspect list keeps the banned one.
  const json both = f.request(moderator, {{"type", "filters"}, {"suspect", {"投资"}}}, "f2");
  CHECK(both["banned"] == json::array({"传销"}));
  CHECK(both["suspect"] == json::array({"投资"}));
  const json held = f.post(author, "t", "稳赚投资");
  CHECK(held["comment"]["status"] == "pending");
  CHECK(f.post(author, "t", "加入传销吧")["code"] == "blocked");

  // A list that cannot be a filter is refused whole, and nothing changes.
  const json bad = f.request(moderator, {{"type", "filters"}, {"banned", {""}}}, "f3");
  CHECK(bad["code"] == "invalid");
  CHECK(f.post(author, "t", "加入传销吧")["code"] == "blocked");
}

TEST_CASE("the rate limit counts per address, across connections") {
  AppOptions options = AppFixture::default_options();
  options.rate_per_minute = 2;
  AppFixture f(options);
  CHECK(f.post(f.connect("192.0.2.50"), "t", "一")["type"] == "ack");
  CHECK(f.post(f.connect("192.0.2.50"), "t", "二")["type"] == "ack");
  const json limited = f.post(f.connect("192.0.2.50"), "t", "三");
  CHECK(limited["code"] == "rate_limited");
  CHECK(limited["retry_after_ms"].get<std::int64_t>() > 0);
  CHECK(f.post(f.connect("192.0.2.51"), "t", "别人")["type"] == "ack");
}

TEST_CASE("a failed commit is answered internal and reaches no reader") {
  AppFixture f;
  auto author = f.connect("192.0.2.1");
  auto reader = f.reader("192.0.2.2", "t");
  f.failing->store(true);
  const json failed = f.post(author, "t", "写不进去");
  CHECK(failed["code"] == "internal");
  f.failing->store(false);
  f.post(author, "t", "写进去了");
  REQUIRE(f.settle([&] { return reader->of_type("comment").size() == 1; }));
  CHECK(reader->of_type("comment")[0]["comment"]["body"] == "写进去了");
  CHECK(reader->of_type("comment")[0]["total"] == 1);
}

TEST_CASE("moderator requests need a signed-in moderator; a wrong token is refused") {
  AppFixture f;
  auto reader = f.connect();
  CHECK(f.request(reader, {{"type", "queue"}, {"status", "pending"}}, "q")["code"] == "unauthorized");
  CHECK(f.request(reader, {{"type", "auth"}, {"token", "wrong"}}, "a")["code"] == "unauthorized");
  CHECK(f.app.moderator_count() == 0);
  f.moderator();
  CHECK(f.app.moderator_count() == 1);
}
