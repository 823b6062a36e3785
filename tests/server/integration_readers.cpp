// Readers against the real binary: live events between clients, snapshots,
// paging, leave, trimming and the anonymous author.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

std::vector<std::int64_t> ids_of(const json& comments) {
  std::vector<std::int64_t> ids;
  for (const auto& c : comments) ids.push_back(c["id"].get<std::int64_t>());
  return ids;
}

}  // namespace

TEST_CASE("two clients: a post appears as comment in the other; the poster gets only the ack") {
  TestServer test;
  const std::string thread = "live";
  WsClient reader(test.server);
  WsClient poster(test.server);
  WsClient elsewhere(test.server);  // joined to another thread
  WsClient idle(test.server);       // joined to nothing
  REQUIRE(reader.request(join_msg(thread))["type"] == "snapshot");
  REQUIRE(poster.request(join_msg(thread))["type"] == "snapshot");
  REQUIRE(elsewhere.request(join_msg("other"))["type"] == "snapshot");

  const json first = post_ok(poster, thread, "实时推送 live");
  const json event = reader.next();
  CHECK(event["type"] == "comment");
  CHECK(event["comment"] == first);
  CHECK(event["total"] == 1);  // extension: the published count after the event

  const json second = post_ok(poster, thread, "第二条");
  const json event2 = reader.next();
  CHECK(event2["comment"] == second);
  CHECK(event2["total"] == 2);

  CHECK(poster.unexpected_within() == "");
  CHECK(elsewhere.unexpected_within() == "");
  CHECK(idle.unexpected_within() == "");
  CHECK(reader.unexpected_within() == "");

  // Posting to a thread one has not joined is allowed; readers of it hear it.
  const json third = post_ok(idle, thread, "from a non-member");
  CHECK(reader.next()["comment"] == third);
  CHECK(poster.next()["comment"] == third);
  CHECK(idle.unexpected_within() == "");
}

TEST_CASE("a connection may join several threads") {
  TestServer test;
  WsClient reader(test.server);
  WsClient poster(test.server);
  REQUIRE(reader.request(join_msg("a"))["type"] == "snapshot");
  REQUIRE(reader.request(join_msg("b"))["type"] == "snapshot");
  const json in_a = post_ok(poster, "a", "to a");
  const json in_b = post_ok(poster, "b", "to b");
  CHECK(reader.next()["comment"] == in_a);
  CHECK(reader.next()["comment"] == in_b);
}

TEST_CASE("join: snapshot of the N newest, newest first, with total and at most 5 pinned") {
  TestServer test;
  const std::string thread = "snap";
  WsClient client(test.server);
  std::vector<json> posted;
  for (int i = 0; i < 15; ++i) posted.push_back(post_ok(client, thread, "评论 " + std::to_string(i)));
  post_ok(client, "other-thread", "not counted");

  // Pin the six oldest: none of them is among the 10 newest.
  WsClient moderator(test.server);
  auth_moderator(moderator);
  for (int i = 0; i < 6; ++i) {
    const json reply =
        moderator.request({{"type", "moderate"}, {"id", posted[i]["id"]}, {"action", "pin"}});
    REQUIRE(reply["type"] == "ok");
  }
  // A pinned comment that is no longer published is not listed.
  REQUIRE(moderator.request({{"type", "moderate"}, {"id", posted[5]["id"]}, {"action", "reject"}})["type"] ==
          "ok");

  const json snapshot = client.request(join_msg(thread));
  CHECK(snapshot["total"] == 14);
  REQUIRE(snapshot["comments"].size() == 10);  // default limit
  std::vector<std::int64_t> expected;
  for (int i = 14; i >= 6; --i) expected.push_back(posted[i]["id"].get<std::int64_t>());
  expected.push_back(posted[4]["id"].get<std::int64_t>());
  CHECK(ids_of(snapshot["comments"]) == expected);
  CHECK(ids_of(snapshot["pinned"]) ==
        std::vector<std::int64_t>{posted[4]["id"], posted[3]["id"], posted[2]["id"],
                                  posted[1]["id"], posted[0]["id"]});
  for (const auto& c : snapshot["pinned"]) CHECK(c["pinned"] == true);
  for (const auto& c : snapshot["comments"]) CHECK(c["status"] == "published");

  const json three = client.request(join_msg(thread, 3));
  CHECK(ids_of(three["comments"]) ==
        std::vector<std::int64_t>{posted[14]["id"], posted[13]["id"], posted[12]["id"]});
  CHECK(three["pinned"].size() == 5);  // whether or not among the N
  CHECK(three["total"] == 14);

  const json fifty = client.request(join_msg(thread, 50));
  CHECK(fifty["comments"].size() == 14);
}

TEST_CASE("more: pages of published comments older than before, newest first") {
  TestServer test;
  const std::string thread = "paging";
  WsClient client(test.server);
  std::vector<json> posted;
  for (int i = 0; i < 23; ++i) posted.push_back(post_ok(client, thread, "第" + std::to_string(i) + "楼"));
  post_ok(client, "elsewhere", "other thread");
  WsClient moderator(test.server);
  auth_moderator(moderator);
  REQUIRE(moderator.request({{"type", "moderate"}, {"id", posted[7]["id"]}, {"action", "delete"}})["type"] ==
          "ok");

  const json snapshot = client.request(join_msg(thread, 5));
  std::vector<std::int64_t> seen = ids_of(snapshot["comments"]);
  REQUIRE(seen.size() == 5);
  for (;;) {
    const json page = client.request(
        {{"type", "more"}, {"thread", thread}, {"before", seen.back()}, {"limit", 4}});
    REQUIRE(page["type"] == "page");
    CHECK(page["thread"] == thread);
    CHECK(page["comments"].size() <= 4);
    if (page["comments"].empty()) break;
    for (const auto id : ids_of(page["comments"])) {
      CHECK(id < seen.back());  // strictly older, newest first, no repeats
      seen.push_back(id);
    }
  }
  std::vector<std::int64_t> expected;
  for (int i = 22; i >= 0; --i) {
    if (i != 7) expected.push_back(posted[i]["id"].get<std::int64_t>());
  }
  CHECK(seen == expected);

  // The default limit is 10.
  const json defaults =
      client.request({{"type", "more"}, {"thread", thread}, {"before", posted[22]["id"]}});
  CHECK(defaults["comments"].size() == 10);
  // Before an id from another thread, or a huge one, still pages this thread.
  const json from_top = client.request({{"type", "more"}, {"thread", thread}, {"before", 1LL << 50}});
  CHECK(from_top["comments"][0]["id"] == posted[22]["id"]);
}

TEST_CASE("leave stops a thread's events") {
  TestServer test;
  WsClient reader(test.server);
  WsClient poster(test.server);
  REQUIRE(reader.request(join_msg("a"))["type"] == "snapshot");
  REQUIRE(reader.request(join_msg("b"))["type"] == "snapshot");
  post_ok(poster, "a", "before leaving");
  CHECK(reader.next()["type"] == "comment");

  CHECK(reader.request({{"type", "leave"}, {"thread", "a"}})["type"] == "ok");
  post_ok(poster, "a", "after leaving");
  const json in_b = post_ok(poster, "b", "still joined here");
  const json next = reader.next();
  CHECK(next["comment"] == in_b);  // a's comment never came
  CHECK(reader.unexpected_within() == "");
  // Leaving a thread one is not in is harmless.
  CHECK(reader.request({{"type", "leave"}, {"thread", "never-joined"}})["type"] == "ok");
}

TEST_CASE("trimming of Unicode whitespace (U+3000) and the anonymous author 网友") {
  TestServer test;
  WsClient client(test.server);
  const json trimmed = post_ok(client, "t", "\u3000\u3000 正文内容\n第二行 \u3000\n", std::string_view("\u3000 张三 \u3000"));
  CHECK(trimmed["body"] == "正文内容\n第二行");
  CHECK(trimmed["author"] == "张三");
  CHECK(post_ok(client, "t", "no author")["author"] == "网友");
  CHECK(post_ok(client, "t", "empty author", std::string_view(""))["author"] == "网友");
  CHECK(post_ok(client, "t", "blank author", std::string_view(" \u3000\t "))["author"] == "网友");
  // Inner whitespace is kept; 40 code points counted after trimming.
  CHECK(post_ok(client, "t", "b", std::string_view("  李 四  "))["author"] == "李 四");
  CHECK(post_ok(client, "t", "b", "\u3000" + repeat("名", 40) + "\u3000")["author"] == repeat("名", 40));
  // Stored as trimmed: the snapshot shows the same text.
  const json snapshot = client.request(join_msg("t", 50));
  bool found = false;
  for (const auto& c : snapshot["comments"]) found = found || c["id"] == trimmed["id"];
  CHECK(found);
  for (const auto& c : snapshot["comments"]) {
    if (c["id"] == trimmed["id"]) CHECK(c["body"] == "正文内容\n第二行");
  }
}
