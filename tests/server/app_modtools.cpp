// Issue #15's moderator tools in the application layer: bans with an expiry,
// a reason and a list that can lift them; why each queued comment is held,
// its flags by reason, its parent and its article; the queues' totals.
#include "app_support.hpp"

using namespace app_test;

TEST_CASE("ban with a duration and a reason: the ban list says who, when, why and whose; unban lifts it") {
  AppFixture f;
  auto moderator = f.moderator();
  auto troll = f.connect("203.0.113.66");
  f.post(troll, "t", "第一条");
  const json first = f.post(troll, "t", "买买买 http://spam.example");
  const std::int64_t id = first["comment"]["id"];

  // The queue says what a ban from this comment keys on: the short hash.
  const json all = f.request(moderator, {{"type", "queue"}, {"status", "all"}}, "q");
  const std::string key = all["items"][0]["context"]["poster"];
  CHECK(key.size() == 12);
  CHECK(key.find('.') == std::string::npos);  // never the address

  const json banned = f.request(
      moderator, {{"type", "ban"}, {"id", id}, {"duration", "7d"}, {"reason", "广告"}}, "ban");
  REQUIRE(banned["type"] == "ok");
  CHECK(banned["poster"] == key);
  const std::int64_t week = 7LL * 86'400'000;
  CHECK(banned["expires"].get<std::int64_t>() > now_ms() + week - 60'000);
  CHECK(banned["expires"].get<std::int64_t>() <= now_ms() + week);
  CHECK(f.post(troll, "t", "又来了")["code"] == "banned");

  const json list = f.request(moderator, {{"type", "bans"}}, "bans");
  REQUIRE(list["type"] == "bans");
  REQUIRE(list["bans"].size() == 1);
  const json& b = list["bans"][0];
  CHECK(b["poster"] == key);
  CHECK(b["moderator"] == "moderator");
  CHECK(b["reason"] == "广告");
  CHECK(b["comment"] == id);
  CHECK(b["author"] == "网友");
  CHECK(b["excerpt"] == "买买买 http://spam.example");
  CHECK(b["posts"] == 2);
  CHECK(b["expires"] == banned["expires"]);

  // Audited with the duration and the reason.
  REQUIRE(f.settle([&] { return moderator->of_type("audited").size() == 1; }));
  const std::string detail = moderator->of_type("audited")[0]["entry"]["detail"];
  CHECK(detail == "poster " + key + ", 7d, reason: 广告");

  const json lifted = f.request(moderator, {{"type", "unban"}, {"poster", key}}, "unban");
  CHECK(lifted["type"] == "ok");
  CHECK(f.post(troll, "t", "我回来了")["type"] == "ack");
  CHECK(f.request(moderator, {{"type", "bans"}}, "bans2")["bans"].empty());
  REQUIRE(f.settle([&] { return moderator->of_type("audited").size() == 2; }));
  CHECK(moderator->of_type("audited")[1]["entry"]["action"] == "unban");
  // Nothing to lift twice.
  CHECK(f.request(moderator, {{"type", "unban"}, {"poster", key}}, "unban2")["code"] == "not_found");
  CHECK(f.request(moderator, {{"type", "unban"}, {"poster", "XYZ"}}, "unban3")["code"] == "invalid");
}

TEST_CASE("the old ban message still bans for good; bad durations and reasons are refused") {
  AppFixture f;
  auto moderator = f.moderator();
  auto troll = f.connect("203.0.113.70");
  const json post = f.post(troll, "t", "x");
  const json plain = f.request(moderator, {{"type", "ban"}, {"id", post["comment"]["id"]}}, "b1");
  CHECK(plain["type"] == "ok");
  CHECK(plain["expires"].is_null());
  CHECK(f.request(moderator, {{"type", "bans"}}, "l")["bans"][0]["expires"].is_null());
  CHECK(f.request(moderator, {{"type", "ban"}, {"id", post["comment"]["id"]}, {"duration", "2d"}}, "b2")["code"] ==
        "bad_request");
  CHECK(f.request(moderator, {{"type", "ban"}, {"id", post["comment"]["id"]}, {"reason", std::string(501, 'x')}},
                  "b3")["code"] == "invalid");
  auto reader = f.connect("203.0.113.71");
  CHECK(f.request(reader, {{"type", "bans"}}, "l2")["code"] == "unauthorized");
  CHECK(f.request(reader, {{"type", "unban"}, {"poster", "abcdef"}}, "u")["code"] == "unauthorized");
}

TEST_CASE("an expired ban no longer refuses") {
  Policy policy(0, false, {{"poster-a", 1000}, {"poster-b", std::nullopt}}, {});
  CHECK(policy.banned("poster-a", 999));
  CHECK_FALSE(policy.banned("poster-a", 1000));
  CHECK(policy.banned("poster-b", 1'000'000'000'000));
  policy.unban("poster-b");
  CHECK_FALSE(policy.banned("poster-b", 0));
  policy.set_bans({{"poster-c", std::nullopt}});
  CHECK_FALSE(policy.banned("poster-a", 0));
  CHECK(policy.banned("poster-c", 0));
}

TEST_CASE("the queue says why each comment is held, with its flags by reason, parent, article and totals") {
  AppOptions options = AppFixture::default_options();
  AppFixture f(options);
  auto moderator = f.moderator();
  REQUIRE(f.request(moderator, {{"type", "filters"}, {"suspect", {"敏感词"}}}, "f")["type"] == "filters");
  auto reader = f.connect("192.0.2.10");
  // The page names its article; a bad link is left out, the title kept.
  f.request(reader,
            {{"type", "join"}, {"thread", "news/1"}, {"title", "  文章标题  "}, {"url", "javascript:alert(1)"}},
            "j1");
  f.request(reader, {{"type", "join"}, {"thread", "news/1"}, {"url", "https://example.com/news/1"}}, "j2");
  const json parent = f.post(reader, "news/1", "父评论的内容");
  const std::int64_t parent_id = parent["comment"]["id"];
  const json held = f.request(reader,
                              {{"type", "post"}, {"thread", "news/1"}, {"body", "这里有 敏 感-词"}, {"parent", parent_id}},
                              "p-held");
  REQUIRE(held["comment"]["status"] == "pending");
  const json links = f.post(reader, "news/1", "http://a.example http://b.example http://c.example");
  REQUIRE(links["comment"]["status"] == "pending");
  for (int i = 0; i < 3; ++i) {
    auto flagger = f.connect("192.0.2." + std::to_string(20 + i));
    const json ok = f.request(flagger, {{"type", "flag"}, {"id", parent_id}, {"reason", i < 2 ? "spam" : "abuse"}},
                              "flag" + std::to_string(i));
    REQUIRE(ok["type"] == "ok");
  }

  const json pending = f.request(moderator, {{"type", "queue"}, {"status", "pending"}}, "q1");
  REQUIRE(pending["items"].size() == 2);
  CHECK(pending["counts"] == json{{"pending", 2}, {"flagged", 1}});
  const json& by_links = pending["items"][0]["context"];
  CHECK(by_links["held"] == json{{"why", "links"}, {"links", 3}});
  const json& by_word = pending["items"][1]["context"];
  CHECK(by_word["held"] == json{{"why", "word"}, {"word", "敏感词"}});
  CHECK(by_word["parent"] == json{{"author", "网友"}, {"body", "父评论的内容"}});
  CHECK(by_word["title"] == "文章标题");
  CHECK(by_word["url"] == "https://example.com/news/1");

  const json flagged = f.request(moderator, {{"type", "queue"}, {"status", "flagged"}}, "q2");
  REQUIRE(flagged["items"].size() == 1);
  CHECK(flagged["items"][0]["context"]["held"].is_null());
  CHECK(flagged["items"][0]["context"]["reasons"] ==
        json::array({{{"reason", "spam"}, {"count", 2}}, {{"reason", "abuse"}, {"count", 1}}}));
}

TEST_CASE("premoderation says so in the queue") {
  AppOptions options = AppFixture::default_options();
  options.premoderate = true;
  AppFixture f(options);
  auto moderator = f.moderator();
  auto author = f.connect();
  REQUIRE(f.post(author, "t", "普通评论")["comment"]["status"] == "pending");
  const json q = f.request(moderator, {{"type", "queue"}, {"status", "pending"}}, "q");
  CHECK(q["items"][0]["context"]["held"] == json{{"why", "premoderate"}});
  CHECK(q["items"][0]["context"]["parent"].is_null());
}
