// Moderation against the real binary: premoderation, updates, flags, bans,
// the filter lists, the queue's filters and the audit log.
#include <doctest/doctest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

json moderate(WsClient& moderator, const json& id, std::string_view action) {
  const json reply = moderator.request({{"type", "moderate"}, {"id", id}, {"action", action}});
  CAPTURE(reply.dump());
  REQUIRE(reply["type"] == "ok");
  return reply["comment"];
}

json set_filters(WsClient& moderator, const json& lists) {
  json request = lists;
  request["type"] = "filters";
  const json reply = moderator.request(request);
  CAPTURE(reply.dump());
  REQUIRE(reply["type"] == "filters");
  return reply;
}

std::int64_t total_of(WsClient& client, std::string_view thread) {
  const json snapshot = client.request(join_msg(thread));
  REQUIRE(snapshot["type"] == "snapshot");
  return snapshot["total"].get<std::int64_t>();
}

std::vector<std::int64_t> queue_ids(WsClient& moderator, json request) {
  request["type"] = "queue";
  const json reply = moderator.request(request);
  CAPTURE(reply.dump());
  REQUIRE(reply["type"] == "queue");
  std::vector<std::int64_t> ids;
  for (const auto& c : reply["items"]) ids.push_back(c["id"].get<std::int64_t>());
  return ids;
}

}  // namespace

TEST_CASE("premoderate: pending ack, moderators get queued, approve sends update to readers") {
  ServerOptions options;
  options.premoderate = true;
  TestServer test(options);
  const std::string thread = "premod";
  WsClient reader(test.server);
  REQUIRE(reader.request(join_msg(thread))["type"] == "snapshot");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  WsClient second_moderator(test.server);
  auth_moderator(second_moderator);
  WsClient not_moderator(test.server);
  WsClient poster(test.server);

  const json pending = post_ok(poster, thread, "等待审核的评论");
  CHECK(pending["status"] == "pending");
  const json queued = moderator.recv("queued");
  CHECK(queued["comment"] == pending);
  CHECK(second_moderator.recv("queued")["comment"] == pending);  // every moderator
  CHECK(reader.unexpected_within() == "");  // readers never see pending comments
  CHECK(not_moderator.unexpected_within() == "");
  CHECK(total_of(not_moderator, thread) == 0);

  const json approved = moderate(moderator, pending["id"], "approve");
  CHECK(approved["status"] == "published");
  CHECK(approved["id"] == pending["id"]);
  CHECK(approved["body"] == pending["body"]);
  const json update = reader.next();
  CHECK(update["type"] == "update");
  CHECK(update["comment"] == approved);
  CHECK(update["total"] == 1);
  CHECK(poster.unexpected_within() == "");  // the poster did not join the thread
  CHECK(total_of(not_moderator, thread) == 1);
}

TEST_CASE("moderate: update only when what readers see changes") {
  TestServer test;
  const std::string thread = "updates";
  WsClient reader(test.server);
  REQUIRE(reader.request(join_msg(thread))["type"] == "snapshot");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  set_filters(moderator, {{"suspect", {"可疑"}}});
  WsClient poster(test.server);

  const json published = post_ok(poster, thread, "公开的评论");
  REQUIRE(reader.next()["type"] == "comment");
  const json held = post_ok(poster, thread, "可疑的评论");
  REQUIRE(held["status"] == "pending");
  CHECK(reader.unexpected_within() == "");

  // Nothing readers see changes: no update.
  CHECK(moderate(moderator, held["id"], "pin")["pinned"] == true);      // pending, pinned
  CHECK(moderate(moderator, held["id"], "reject")["status"] == "rejected");
  CHECK(moderate(moderator, held["id"], "delete")["status"] == "deleted");
  CHECK(moderate(moderator, held["id"], "unpin")["pinned"] == false);
  CHECK(moderate(moderator, published["id"], "approve")["status"] == "published");  // already
  CHECK(moderate(moderator, published["id"], "unpin")["pinned"] == false);          // already
  CHECK(reader.unexpected_within() == "");

  // Each of these changes what readers see: one update each, with the total.
  const json pinned = moderate(moderator, published["id"], "pin");
  json update = reader.next();
  CHECK(update["type"] == "update");
  CHECK(update["comment"] == pinned);
  CHECK(update["comment"]["pinned"] == true);
  CHECK(update["total"] == 1);
  moderate(moderator, published["id"], "pin");  // again: no change
  CHECK(reader.unexpected_within() == "");

  moderate(moderator, published["id"], "unpin");
  update = reader.next();
  CHECK(update["comment"]["pinned"] == false);

  moderate(moderator, published["id"], "delete");
  update = reader.next();
  CHECK(update["comment"]["status"] == "deleted");
  CHECK(update["total"] == 0);
  moderate(moderator, published["id"], "reject");  // deleted -> rejected: still unseen
  CHECK(reader.unexpected_within() == "");

  moderate(moderator, held["id"], "approve");  // deleted -> published
  update = reader.next();
  CHECK(update["comment"]["id"] == held["id"]);
  CHECK(update["comment"]["status"] == "published");
  CHECK(update["total"] == 1);
  CHECK(reader.unexpected_within() == "");
}

TEST_CASE("flags: distinct per client address, reported to moderators, reset by approve") {
  TestServer test;
  WsClient poster(test.server);
  const json c = post_ok(poster, "t", "有争议的评论");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  WsClient first(test.server, from_address("127.0.0.2"));
  WsClient first_again(test.server, from_address("127.0.0.2"));  // same address, new connection
  WsClient second(test.server, from_address("127.0.0.3"));

  CHECK(first.request({{"type", "flag"}, {"id", c["id"]}, {"reason", "spam"}})["type"] == "ok");
  json queued = moderator.recv("queued");
  CHECK(queued["comment"]["id"] == c["id"]);
  CHECK(queued["comment"]["flags"] == 1);

  CHECK(first.request({{"type", "flag"}, {"id", c["id"]}})["type"] == "ok");
  CHECK(first_again.request({{"type", "flag"}, {"id", c["id"]}})["type"] == "ok");
  const json flagged = moderator.request({{"type", "queue"}, {"status", "flagged"}});
  REQUIRE(flagged["items"].size() == 1);
  CHECK(flagged["items"][0]["flags"] == 1);  // one address, however often

  CHECK(second.request({{"type", "flag"}, {"id", c["id"]}})["type"] == "ok");
  queued = moderator.recv("queued");
  while (queued["comment"]["flags"] == 1) queued = moderator.recv("queued");  // repeats of address 1
  CHECK(queued["comment"]["flags"] == 2);

  const json approved = moderate(moderator, c["id"], "approve");
  CHECK(approved["flags"] == 0);
  CHECK(approved["status"] == "published");
  CHECK(queue_ids(moderator, {{"status", "flagged"}}).empty());

  // Flaggers are forgotten by approve: the same address counts again.
  CHECK(first.request({{"type", "flag"}, {"id", c["id"]}})["type"] == "ok");
  const json again = moderator.request({{"type", "queue"}, {"status", "flagged"}});
  REQUIRE(again["items"].size() == 1);
  CHECK(again["items"][0]["flags"] == 1);
}

namespace {

// Whether any file in `dir` (the database and its journal) holds `text`.
bool stored_anywhere(const std::filesystem::path& dir, const std::string& text) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("client addresses are stored only as keyed hashes, never in the clear") {
  ServerOptions options;
  options.trust_proxy = true;
  TestServer test(options);
  ConnectOptions proxied;
  proxied.forwarded_for = "203.0.113.250, 198.51.100.234";
  WsClient via_proxy(test.server, proxied);
  const json c = post_ok(via_proxy, "t", "posted through a proxy");
  CHECK(via_proxy.request({{"type", "flag"}, {"id", c["id"]}})["type"] == "ok");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  REQUIRE(moderator.request({{"type", "ban"}, {"id", c["id"]}})["type"] == "ok");
  CHECK(via_proxy.request(post_msg("t", "again"))["code"] == "banned");
  CHECK(test.server.stop(SIGTERM) == 0);  // everything written out
  CHECK(!stored_anywhere(test.dir.path(), "198.51.100.234"));
  CHECK(!stored_anywhere(test.dir.path(), "203.0.113.250"));
  CHECK(stored_anywhere(test.dir.path(), "posted through a proxy"));  // the search does find text
}

TEST_CASE("ban: later posts from that poster's address answer banned; others still post") {
  TestServer test;
  WsClient troll(test.server, from_address("127.0.0.4"));
  WsClient neighbour(test.server, from_address("127.0.0.5"));
  const json c = post_ok(troll, "t", "惹事的评论");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  CHECK(moderator.request({{"type", "ban"}, {"id", c["id"]}})["type"] == "ok");

  const json refused = troll.request(post_msg("t", "again"));
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "banned");
  WsClient troll_reconnected(test.server, from_address("127.0.0.4"));
  CHECK(troll_reconnected.request(post_msg("t", "new connection"))["code"] == "banned");
  post_ok(neighbour, "t", "unaffected");
  CHECK(total_of(neighbour, "t") == 2);  // the banned posts were not stored
  // The banned reader still reads.
  CHECK(troll.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("filters: get, set, partial set, folded matching, suspect and links hold, fold-to-nothing is invalid") {
  TestServer test;
  WsClient moderator(test.server);
  auth_moderator(moderator);
  WsClient poster(test.server);
  const std::string thread = "filters";

  json lists = set_filters(moderator, {{"banned", {"敏感词", "ＢａｄＷｏｒｄ"}}, {"suspect", {"推广"}}});
  CHECK(lists["banned"].size() == 2);
  CHECK(lists["suspect"] == json({"推广"}));
  const json read = moderator.request({{"type", "filters"}});
  CHECK(read["banned"] == lists["banned"]);
  CHECK(read["suspect"] == lists["suspect"]);

  // Banned words match after folding, anywhere, in body or author: blocked, nothing stored.
  for (const std::string body : {"这里有敏感词", "敏 感-词", "敏\u200b感词", "前缀敏感词后缀", "a badword b",
                                 "BAD WORD", "ｂａｄ－ｗｏｒｄ", "b.a.d.w.o.r.d"}) {
    CAPTURE(body);
    const json reply = poster.request(post_msg(thread, body));
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "blocked");
  }
  CHECK(poster.request(post_msg(thread, "正常内容", std::string_view("敏感词大王")))["code"] == "blocked");
  CHECK(total_of(poster, thread) == 0);
  WsClient queue_reader(test.server);
  auth_moderator(queue_reader);
  CHECK(queue_ids(queue_reader, {{"status", "all"}}).empty());

  // Suspect words hold the post as pending, in body or author.
  CHECK(post_ok(poster, thread, "欢迎推 广")["status"] == "pending");
  CHECK(post_ok(poster, thread, "正常", std::string_view("推广员"))["status"] == "pending");
  // More than two links hold it; two do not; https://www.x counts once.
  CHECK(post_ok(poster, thread, "http://a.cn https://b.cn www.c.cn")["status"] == "pending");
  CHECK(post_ok(poster, thread, "ＨＴＴＰ：／／a.cn HTTPS://b.cn WWW.c.cn")["status"] == "pending");
  CHECK(post_ok(poster, thread, "https://www.a.cn https://www.b.cn")["status"] == "published");
  CHECK(post_ok(poster, thread, "http://a.cn http://b.cn")["status"] == "published");
  CHECK(post_ok(poster, thread, "ｈｔｔｐ://a.cn ｗｗｗ.b.cn HTTPS://c.cn")["status"] == "pending");

  // Setting one list keeps the other.
  lists = set_filters(moderator, {{"suspect", {"广告"}}});
  CHECK(lists["suspect"] == json({"广告"}));
  CHECK(lists["banned"] == read["banned"]);
  lists = set_filters(moderator, {{"banned", json::array()}});
  CHECK(lists["banned"] == json::array());
  CHECK(lists["suspect"] == json({"广告"}));
  // Takes effect for the next post.
  CHECK(post_ok(poster, thread, "敏感词 now allowed")["status"] == "published");
  CHECK(post_ok(poster, thread, "看广告")["status"] == "pending");

  // A word that folds to nothing is invalid and changes nothing.
  for (const json& words : {json({"-- ", "ok"}), json({"\u200b"}), json({""}), json({"\u3000!?"})}) {
    CAPTURE(words.dump());
    const json reply = moderator.request({{"type", "filters"}, {"banned", words}});
    CHECK(reply["type"] == "error");
    CHECK(reply["code"] == "invalid");
  }
  const json unchanged = moderator.request({{"type", "filters"}});
  CHECK(unchanged["banned"] == json::array());
  CHECK(unchanged["suspect"] == json({"广告"}));
}

TEST_CASE("queue: status, thread, author, text, before and limit filters, newest first") {
  TestServer test;
  WsClient moderator(test.server);
  auth_moderator(moderator);
  set_filters(moderator, {{"suspect", {"待审"}}});
  WsClient poster(test.server);
  const json a = post_ok(poster, "t1", "Hello World", std::string_view("Alice"));
  const json b = post_ok(poster, "t1", "待审 content", std::string_view("ALICE Smith"));
  const json c = post_ok(poster, "t2", "hello again", std::string_view("Bob"));
  const json d = post_ok(poster, "t2", "长三角 一体化", std::string_view("王五"));
  moderate(moderator, d["id"], "reject");
  const auto id = [](const json& x) { return x["id"].get<std::int64_t>(); };

  CHECK(queue_ids(moderator, {{"status", "all"}}) ==
        std::vector<std::int64_t>{id(d), id(c), id(b), id(a)});
  CHECK(queue_ids(moderator, {{"status", "published"}}) == std::vector<std::int64_t>{id(c), id(a)});
  CHECK(queue_ids(moderator, {{"status", "pending"}}) == std::vector<std::int64_t>{id(b)});
  CHECK(queue_ids(moderator, {{"status", "rejected"}}) == std::vector<std::int64_t>{id(d)});
  CHECK(queue_ids(moderator, {{"status", "deleted"}}).empty());
  CHECK(queue_ids(moderator, {{"status", "all"}, {"thread", "t1"}}) ==
        std::vector<std::int64_t>{id(b), id(a)});
  CHECK(queue_ids(moderator, {{"status", "all"}, {"thread", "t"}}).empty());  // exact match
  CHECK(queue_ids(moderator, {{"status", "all"}, {"author", "alice"}}) ==
        std::vector<std::int64_t>{id(b), id(a)});
  CHECK(queue_ids(moderator, {{"status", "all"}, {"text", "HELLO"}}) ==
        std::vector<std::int64_t>{id(c), id(a)});
  CHECK(queue_ids(moderator, {{"status", "all"}, {"text", "三角"}}) == std::vector<std::int64_t>{id(d)});
  CHECK(queue_ids(moderator, {{"status", "published"}, {"thread", "t1"}, {"author", "ali"},
                              {"text", "world"}}) == std::vector<std::int64_t>{id(a)});
  CHECK(queue_ids(moderator, {{"status", "all"}, {"before", id(c)}}) ==
        std::vector<std::int64_t>{id(b), id(a)});
  CHECK(queue_ids(moderator, {{"status", "all"}, {"limit", 2}}) == std::vector<std::int64_t>{id(d), id(c)});
  CHECK(queue_ids(moderator, {{"status", "flagged"}}).empty());
}

TEST_CASE("audit: moderation actions are logged newest first and pushed to moderators as audited") {
  TestServer test;
  WsClient poster(test.server);
  const json c = post_ok(poster, "audit-thread", "被审计的评论");
  WsClient acting(test.server);
  auth_moderator(acting);
  WsClient watching(test.server);
  auth_moderator(watching);

  moderate(acting, c["id"], "pin");
  json audited = watching.recv("audited");
  CHECK(audited["entry"]["action"] == "pin");
  CHECK(audited["entry"]["comment"] == c["id"]);
  CHECK(audited["entry"]["thread"] == "audit-thread");
  CHECK(audited["entry"]["id"].is_number_integer());
  CHECK(audited["entry"]["at"].is_number_integer());
  const std::string detail = audited.dump();
  CHECK(detail.find(std::string(test_mod_token)) == std::string::npos);  // never the token

  moderate(acting, c["id"], "reject");
  CHECK(watching.recv("audited")["entry"]["action"] == "reject");
  REQUIRE(acting.request({{"type", "ban"}, {"id", c["id"]}})["type"] == "ok");
  CHECK(watching.recv("audited")["entry"]["action"] == "ban");
  set_filters(acting, {{"banned", {"禁词"}}});
  CHECK(watching.recv("audited")["entry"]["action"] == "filters");
  // Readers never hear of it.
  CHECK(poster.unexpected_within() == "");

  const json log = acting.request({{"type", "audit"}});
  REQUIRE(log["type"] == "audit");
  std::vector<std::string> actions;
  for (const auto& entry : log["entries"]) actions.push_back(entry["action"]);
  CHECK(actions == std::vector<std::string>{"filters", "ban", "reject", "pin"});
  const auto newest = log["entries"][0]["id"].get<std::int64_t>();
  const json older = acting.request({{"type", "audit"}, {"before", newest}, {"limit", 2}});
  REQUIRE(older["entries"].size() == 2);
  CHECK(older["entries"][0]["action"] == "ban");
  CHECK(older["entries"][1]["action"] == "reject");
  CHECK(poster.request({{"type", "audit"}})["code"] == "unauthorized");
}

TEST_CASE("sign-in lock-out: after 10 wrong tokens every auth from that address is refused") {
  TestServer test;
  WsClient guesser(test.server, from_address("127.0.0.6"));
  for (int i = 0; i < 10; ++i) {
    CHECK(guesser.request({{"type", "auth"}, {"token", "guess-" + std::to_string(i)}})["code"] ==
          "unauthorized");
  }
  // Guessing on at full speed learns nothing: the right token is refused too.
  for (int i = 0; i < 200; ++i) {
    const json reply = guesser.request({{"type", "auth"}, {"token", "guess"}});
    REQUIRE(reply["code"] == "rate_limited");
  }
  const json right = guesser.request({{"type", "auth"}, {"token", test_mod_token}});
  CHECK(right["code"] == "rate_limited");
  CHECK(right["retry_after_ms"].get<std::int64_t>() > 0);
  WsClient reconnected(test.server, from_address("127.0.0.6"));
  CHECK(reconnected.request({{"type", "auth"}, {"token", test_mod_token}})["code"] ==
        "rate_limited");
  // Another address signs in.
  WsClient moderator(test.server, from_address("127.0.0.7"));
  auth_moderator(moderator);
}
