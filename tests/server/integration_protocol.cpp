// Every message of the wire contract and every error code, against the real
// binary: happy paths, req echo, bad_json / bad_request / invalid bounds,
// binary and malformed frames, the 64 KiB message limit.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "harness.hpp"

using namespace integ;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The reply is an error with `code` (and, when given, the echoed req).
void check_error(const json& reply, std::string_view code) {
  CAPTURE(reply.dump());
  CHECK(reply.value("type", "") == "error");
  CHECK(reply.value("code", "") == code);
  REQUIRE(reply.contains("message"));
  CHECK(reply["message"].is_string());
  CHECK(!reply["message"].get<std::string>().empty());
}

void check_error_of(WsClient& client, const json& request, std::string_view code) {
  CAPTURE(request.dump());
  check_error(client.request(request), code);
}

void check_comment_shape(const json& c) {
  CAPTURE(c.dump());
  REQUIRE(c.is_object());
  CHECK(c["id"].is_number_integer());
  CHECK(c["thread"].is_string());
  CHECK((c["parent"].is_null() || c["parent"].is_number_integer()));
  CHECK(c["author"].is_string());
  CHECK(c["body"].is_string());
  CHECK(c["created"].is_number_integer());
  CHECK(c["status"].is_string());
  CHECK(c["pinned"].is_boolean());
  CHECK(c["flags"].is_number_integer());
}

std::int64_t total_of(WsClient& client, std::string_view thread) {
  const json snapshot = client.request(join_msg(thread));
  REQUIRE(snapshot.value("type", "") == "snapshot");
  return snapshot["total"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("readers' messages: join, post, more, flag, leave happy paths") {
  TestServer test;
  WsClient reader(test.server);
  const std::string thread = "2020-11-11-caowenze";

  json snapshot = reader.request(join_msg(thread));
  CHECK(snapshot["type"] == "snapshot");
  CHECK(snapshot["thread"] == thread);
  CHECK(snapshot["total"] == 0);
  CHECK(snapshot["comments"] == json::array());
  CHECK(snapshot["pinned"] == json::array());

  const auto before = now_ms();
  const json ack = reader.request(post_msg(thread, "推进长三角一体化发展", std::string_view("读者")));
  const auto after = now_ms();
  REQUIRE(ack["type"] == "ack");
  const json c = ack["comment"];
  check_comment_shape(c);
  CHECK(c["thread"] == thread);
  CHECK(c["parent"].is_null());
  CHECK(c["author"] == "读者");
  CHECK(c["body"] == "推进长三角一体化发展");
  CHECK(c["status"] == "published");
  CHECK(c["pinned"] == false);
  CHECK(c["flags"] == 0);
  // Server clock in Unix milliseconds (a minute of slack: same machine, noisy).
  CHECK(c["created"].get<std::int64_t>() >= before - 60'000);
  CHECK(c["created"].get<std::int64_t>() <= after + 60'000);

  const json reply_post =
      reader.request({{"type", "post"}, {"thread", thread}, {"body", "回复"}, {"parent", c["id"]}});
  REQUIRE(reply_post["type"] == "ack");
  CHECK(reply_post["comment"]["parent"] == c["id"]);
  CHECK(reply_post["comment"]["id"].get<std::int64_t>() > c["id"].get<std::int64_t>());

  const json page = reader.request(
      {{"type", "more"}, {"thread", thread}, {"before", reply_post["comment"]["id"]}, {"limit", 5}});
  CHECK(page["type"] == "page");
  CHECK(page["thread"] == thread);
  REQUIRE(page["comments"].size() == 1);
  CHECK(page["comments"][0] == c);

  const json flagged = reader.request({{"type", "flag"}, {"id", c["id"]}, {"reason", "广告"}});
  CHECK(flagged["type"] == "ok");
  const json flagged_no_reason = reader.request({{"type", "flag"}, {"id", reply_post["comment"]["id"]}});
  CHECK(flagged_no_reason["type"] == "ok");

  const json left = reader.request({{"type", "leave"}, {"thread", thread}});
  CHECK(left["type"] == "ok");
}

TEST_CASE("moderators' messages: auth, queue, moderate, ban, filters, audit happy paths") {
  TestServer test;
  WsClient poster(test.server);
  const json c = post_ok(poster, "t", "a comment to moderate");

  WsClient moderator(test.server);
  const json auth = moderator.request({{"type", "auth"}, {"token", test_mod_token}});
  CHECK(auth["type"] == "ok");
  CHECK(auth["role"] == "moderator");

  const json queue = moderator.request({{"type", "queue"}, {"status", "published"}});
  CHECK(queue["type"] == "queue");
  REQUIRE(queue["items"].size() == 1);
  // The comment object, plus the extension `context` (why it is queued).
  json item = queue["items"][0];
  CHECK(item["context"]["held"].is_null());
  CHECK(item["context"]["poster"].get<std::string>().size() == 12);
  item.erase("context");
  CHECK(item == c);
  CHECK(queue["counts"] == json{{"pending", 0}, {"flagged", 0}});

  const json pinned = moderator.request({{"type", "moderate"}, {"id", c["id"]}, {"action", "pin"}});
  CHECK(pinned["type"] == "ok");
  CHECK(pinned["comment"]["pinned"] == true);
  CHECK(pinned["comment"]["id"] == c["id"]);

  const json filters = moderator.request({{"type", "filters"}});
  CHECK(filters["type"] == "filters");
  CHECK(filters["banned"].is_array());
  CHECK(filters["suspect"].is_array());
  const json set = moderator.request(
      {{"type", "filters"}, {"banned", {"敏感词"}}, {"suspect", {"可疑"}}});
  CHECK(set["type"] == "filters");
  CHECK(set["banned"] == json({"敏感词"}));
  CHECK(set["suspect"] == json({"可疑"}));

  const json banned = moderator.request({{"type", "ban"}, {"id", c["id"]}});
  CHECK(banned["type"] == "ok");

  const json audit = moderator.request({{"type", "audit"}});
  CHECK(audit["type"] == "audit");
  CHECK(audit["entries"].is_array());
  CHECK(audit["entries"].size() >= 3);  // pin, filters, ban
}

TEST_CASE("req is echoed in every direct reply, errors included") {
  TestServer test;
  WsClient client(test.server);
  const std::string longest(64, 'r');
  CHECK(client.request({{"type", "join"}, {"thread", "t"}, {"req", "j1"}})["req"] == "j1");
  const json ack = client.request(
      {{"type", "post"}, {"thread", "t"}, {"body", "x"}, {"req", longest}});
  CHECK(ack["type"] == "ack");
  CHECK(ack["req"] == longest);
  CHECK(client.request({{"type", "more"}, {"thread", "t"}, {"before", 1000}, {"req", "请求"}})["req"] ==
        "请求");
  CHECK(client.request({{"type", "flag"}, {"id", ack["comment"]["id"]}, {"req", "f"}})["req"] == "f");
  CHECK(client.request({{"type", "leave"}, {"thread", "t"}, {"req", "l"}})["req"] == "l");
  CHECK(client.request({{"type", "auth"}, {"token", test_mod_token}, {"req", "a"}})["req"] == "a");
  CHECK(client.request({{"type", "queue"}, {"status", "all"}, {"req", "q"}})["req"] == "q");
  CHECK(client.request({{"type", "filters"}, {"req", "fi"}})["req"] == "fi");
  CHECK(client.request({{"type", "audit"}, {"req", "au"}})["req"] == "au");
  CHECK(client.request({{"type", "moderate"}, {"id", ack["comment"]["id"]}, {"action", "pin"},
                        {"req", "m"}})["req"] == "m");
  CHECK(client.request({{"type", "ban"}, {"id", ack["comment"]["id"]}, {"req", "b"}})["req"] == "b");
  // Errors echo a valid req too.
  const json error = client.request({{"type", "post"}, {"thread", "t"}, {"body", ""}, {"req", "e"}});
  check_error(error, "invalid");
  CHECK(error["req"] == "e");
  const json unknown = client.request({{"type", "dance"}, {"req", "u"}});
  check_error(unknown, "bad_request");
  CHECK(unknown["req"] == "u");
}

TEST_CASE("fields a server does not know are ignored") {
  TestServer test;
  WsClient client(test.server);
  const json snapshot = client.request(
      {{"type", "join"}, {"thread", "t"}, {"colour", "blue"}, {"nested", {{"a", 1}}}, {"n", nullptr}});
  CHECK(snapshot["type"] == "snapshot");
  const json ack = client.request({{"type", "post"}, {"thread", "t"}, {"body", "hello"},
                                   {"parent", nullptr}, {"x-extra", {1, 2, 3}}});
  CHECK(ack["type"] == "ack");
  CHECK(!ack["comment"].contains("x-extra"));
}

TEST_CASE("bad_json: a frame that is not a JSON object") {
  TestServer test;
  WsClient client(test.server);
  for (const std::string frame :
       {"not json", "{", "[1,2]", "\"text\"", "42", "null", "true", "{\"type\":\"join\",}", ""}) {
    CAPTURE(frame);
    client.send_text(frame);
    const json reply = client.next();
    check_error(reply, "bad_json");
    CHECK(!reply.contains("req"));
  }
  // Still open and working.
  CHECK(client.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("bad_request: unknown, missing or mistyped type") {
  TestServer test;
  WsClient client(test.server);
  check_error_of(client, json::object(), "bad_request");
  check_error_of(client, {{"type", "dance"}}, "bad_request");
  check_error_of(client, {{"type", 5}}, "bad_request");
  check_error_of(client, {{"type", nullptr}}, "bad_request");
  check_error_of(client, {{"type", "JOIN"}, {"thread", "t"}}, "bad_request");
  check_error_of(client, {{"type", "snapshot"}}, "bad_request");  // a server message, not a request
  CHECK(client.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("bad_request: missing or mistyped fields") {
  TestServer test;
  WsClient client(test.server);
  const json c = post_ok(client, "t", "target");
  const std::vector<json> readers = {
      {{"type", "join"}},
      {{"type", "join"}, {"thread", 5}},
      {{"type", "join"}, {"thread", "t"}, {"limit", "10"}},
      {{"type", "leave"}},
      {{"type", "leave"}, {"thread", {"t"}}},
      {{"type", "more"}, {"thread", "t"}},
      {{"type", "more"}, {"thread", "t"}, {"before", "9"}},
      {{"type", "more"}, {"thread", "t"}, {"before", 9}, {"limit", true}},
      {{"type", "post"}, {"body", "b"}},
      {{"type", "post"}, {"thread", "t"}},
      {{"type", "post"}, {"thread", "t"}, {"body", 5}},
      {{"type", "post"}, {"thread", "t"}, {"body", "b"}, {"author", 5}},
      {{"type", "post"}, {"thread", "t"}, {"body", "b"}, {"parent", "1"}},
      {{"type", "post"}, {"thread", "t"}, {"body", {"b"}}},
      {{"type", "flag"}},
      {{"type", "flag"}, {"id", "1"}},
      {{"type", "flag"}, {"id", c["id"]}, {"reason", 5}},
      {{"type", "auth"}},
      {{"type", "auth"}, {"token", 5}},
  };
  for (const auto& request : readers) check_error_of(client, request, "bad_request");

  auth_moderator(client);
  const std::vector<json> moderators = {
      {{"type", "queue"}, {"status", 5}},
      {{"type", "queue"}, {"status", "all"}, {"limit", "5"}},
      {{"type", "queue"}, {"status", "all"}, {"thread", 5}},
      {{"type", "queue"}, {"status", "all"}, {"before", "x"}},
      {{"type", "moderate"}, {"action", "pin"}},
      {{"type", "moderate"}, {"id", "1"}, {"action", "pin"}},
      {{"type", "moderate"}, {"id", c["id"]}},
      {{"type", "moderate"}, {"id", c["id"]}, {"action", 1}},
      {{"type", "ban"}},
      {{"type", "ban"}, {"id", "1"}},
      {{"type", "filters"}, {"banned", "词"}},
      {{"type", "filters"}, {"banned", {1, 2}}},
      {{"type", "filters"}, {"suspect", {{"a", 1}}}},
      {{"type", "audit"}, {"limit", "5"}},
  };
  for (const auto& request : moderators) check_error_of(client, request, "bad_request");
  // Nothing of that changed anything.
  CHECK(client.request(join_msg("t"))["comments"][0] == c);
}

TEST_CASE("bad_request: a bad req is refused and not echoed") {
  TestServer test;
  WsClient client(test.server);
  const std::vector<json> bad_reqs = {5, std::string(65, 'r'), json::array(), json::object(), true};
  for (const auto& req : bad_reqs) {
    const json request = {{"type", "join"}, {"thread", "t"}, {"req", req}};
    CAPTURE(request.dump());
    const json reply = client.request(request);
    check_error(reply, "bad_request");
    CHECK(!reply.contains("req"));
  }
  // 64 characters (code points, not bytes) is still a valid req.
  const std::string chinese_req = repeat("请", 64);
  CHECK(client.request({{"type", "join"}, {"thread", "t"}, {"req", chinese_req}})["req"] ==
        chinese_req);
}

TEST_CASE("bad_request: an unknown moderate action or queue status") {
  TestServer test;
  WsClient client(test.server);
  const json c = post_ok(client, "t", "target");
  auth_moderator(client);
  const json action =
      client.request({{"type", "moderate"}, {"id", c["id"]}, {"action", "explode"}, {"req", "x"}});
  check_error(action, "bad_request");
  CHECK(action["req"] == "x");
  check_error_of(client, {{"type", "moderate"}, {"id", c["id"]}, {"action", "Approve"}}, "bad_request");
  check_error_of(client, {{"type", "queue"}, {"status", "weird"}}, "bad_request");
  check_error_of(client, {{"type", "queue"}, {"status", "PENDING"}}, "bad_request");
  CHECK(client.request(join_msg("t"))["comments"][0] == c);
}

TEST_CASE("invalid: every bound of the contract, and the edge values that pass") {
  TestServer test;
  WsClient client(test.server);
  const std::string thread = "t";

  // body: 1-2000 code points after trimming.
  check_error_of(client, post_msg(thread, ""), "invalid");
  check_error_of(client, post_msg(thread, " \n\t\u3000 "), "invalid");
  check_error_of(client, post_msg(thread, repeat("长", 2001)), "invalid");
  CHECK(post_ok(client, thread, repeat("长", 2000))["body"] == repeat("长", 2000));
  const std::string padded = std::string(" ").append(repeat("x", 2000)).append(" ");
  CHECK(post_ok(client, thread, padded)["body"] == repeat("x", 2000));

  // author: at most 40 code points, no control characters.
  check_error_of(client, post_msg(thread, "b", repeat("名", 41)), "invalid");
  check_error_of(client, post_msg(thread, "b", std::string_view("bad\x01name")), "invalid");
  check_error_of(client, post_msg(thread, "b", std::string_view("tab\tname")), "invalid");
  check_error_of(client, post_msg(thread, "b", std::string_view("c1\xc2\x85name")), "invalid");
  CHECK(post_ok(client, thread, "b", repeat("名", 40))["author"] == repeat("名", 40));

  // thread key: 1-200 characters, no control characters (join, more and post alike).
  for (const std::string& bad : {std::string(), repeat("k", 201), std::string("a\x7f" "b"),
                                std::string("line\nbreak")}) {
    CAPTURE(bad);
    check_error_of(client, join_msg(bad), "invalid");
    check_error_of(client, {{"type", "more"}, {"thread", bad}, {"before", 10}}, "invalid");
    check_error_of(client, {{"type", "leave"}, {"thread", bad}}, "invalid");
    check_error_of(client, post_msg(bad, "body"), "invalid");
  }
  CHECK(client.request(join_msg(repeat("键", 200)))["type"] == "snapshot");
  CHECK(post_ok(client, repeat("键", 200), "edge")["thread"] == repeat("键", 200));

  // join / more limit: 1-50.
  for (const int bad : {0, -1, 51, 1000}) {
    CAPTURE(bad);
    check_error_of(client, join_msg(thread, bad), "invalid");
    check_error_of(client, {{"type", "more"}, {"thread", thread}, {"before", 10}, {"limit", bad}},
                   "invalid");
  }
  CHECK(client.request(join_msg(thread, 1))["type"] == "snapshot");
  CHECK(client.request(join_msg(thread, 50))["type"] == "snapshot");
  CHECK(client.request({{"type", "more"}, {"thread", thread}, {"before", 10}, {"limit", 50}})["type"] ==
        "page");

  // flag reason: at most 500 characters.
  const json target = post_ok(client, thread, "flag me");
  check_error_of(client, {{"type", "flag"}, {"id", target["id"]}, {"reason", repeat("因", 501)}},
                 "invalid");
  CHECK(client.request({{"type", "flag"}, {"id", target["id"]}, {"reason", repeat("因", 500)}})["type"] ==
        "ok");

  // queue / audit limit: 1-100.
  auth_moderator(client);
  for (const int bad : {0, 101}) {
    CAPTURE(bad);
    check_error_of(client, {{"type", "queue"}, {"status", "all"}, {"limit", bad}}, "invalid");
    check_error_of(client, {{"type", "audit"}, {"limit", bad}}, "invalid");
  }
  CHECK(client.request({{"type", "queue"}, {"status", "all"}, {"limit", 100}})["type"] == "queue");
  CHECK(client.request({{"type", "queue"}, {"status", "all"}, {"limit", 1}})["items"].size() == 1);

  // Nothing invalid was stored: the four good posts (the edge thread's one aside).
  CHECK(total_of(client, thread) == 4);
}

TEST_CASE("not_found: flag, moderate, ban of a missing id; flag of an unpublished comment") {
  ServerOptions options;
  options.premoderate = true;
  TestServer test(options);
  WsClient client(test.server);
  const json pending = post_ok(client, "t", "waiting for a moderator");
  REQUIRE(pending["status"] == "pending");
  check_error_of(client, {{"type", "flag"}, {"id", 999999}}, "not_found");
  check_error_of(client, {{"type", "flag"}, {"id", pending["id"]}}, "not_found");
  auth_moderator(client);
  check_error_of(client, {{"type", "moderate"}, {"id", 999999}, {"action", "approve"}}, "not_found");
  check_error_of(client, {{"type", "ban"}, {"id", 999999}}, "not_found");
}

TEST_CASE("not_found: a parent that is missing or in another thread") {
  TestServer test;
  WsClient client(test.server);
  const json elsewhere = post_ok(client, "thread-a", "in thread a");
  const json here = post_ok(client, "thread-b", "in thread b");
  check_error_of(client,
                 {{"type", "post"}, {"thread", "thread-b"}, {"body", "reply"}, {"parent", elsewhere["id"]}},
                 "not_found");
  check_error_of(client,
                 {{"type", "post"}, {"thread", "thread-b"}, {"body", "reply"}, {"parent", 987654}},
                 "not_found");
  const json reply = client.request(
      {{"type", "post"}, {"thread", "thread-b"}, {"body", "reply"}, {"parent", here["id"]}});
  CHECK(reply["type"] == "ack");
  CHECK(reply["comment"]["parent"] == here["id"]);
  CHECK(total_of(client, "thread-b") == 2);
  CHECK(total_of(client, "thread-a") == 1);
}

TEST_CASE("unauthorized: every moderator request before auth, a wrong token, no token configured") {
  TestServer test;
  WsClient client(test.server);
  const json c = post_ok(client, "t", "target");
  const std::vector<json> moderator_requests = {
      {{"type", "queue"}, {"status", "all"}},
      {{"type", "moderate"}, {"id", c["id"]}, {"action", "delete"}},
      {{"type", "ban"}, {"id", c["id"]}},
      {{"type", "filters"}},
      {{"type", "filters"}, {"banned", {"x"}}},
      {{"type", "audit"}},
  };
  for (const auto& request : moderator_requests) check_error_of(client, request, "unauthorized");
  check_error_of(client, {{"type", "auth"}, {"token", "wrong-token"}}, "unauthorized");
  check_error_of(client, {{"type", "auth"}, {"token", ""}}, "unauthorized");
  for (const auto& request : moderator_requests) check_error_of(client, request, "unauthorized");
  // Nothing happened: the comment is still there, the poster still posts.
  CHECK(client.request(join_msg("t"))["comments"][0] == c);
  post_ok(client, "t", "still allowed");

  ServerOptions no_token;
  no_token.mod_token = std::nullopt;
  TestServer off(no_token);
  WsClient other(off.server);
  check_error_of(other, {{"type", "auth"}, {"token", test_mod_token}}, "unauthorized");
  check_error_of(other, {{"type", "auth"}, {"token", ""}}, "unauthorized");
  check_error_of(other, {{"type", "queue"}, {"status", "all"}}, "unauthorized");
}

TEST_CASE("a binary frame gets bad_request and the connection stays open") {
  TestServer test;
  WsClient client(test.server);
  client.send_binary(R"({"type":"join","thread":"t"})");
  check_error(client.next(), "bad_request");
  client.send_binary(std::string("\x00\xff\x10", 3));
  check_error(client.next(), "bad_request");
  CHECK(client.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("a text frame that is not valid UTF-8 closes with 1007") {
  TestServer test;
  WsClient client(test.server);
  CHECK(client.request(join_msg("t"))["type"] == "snapshot");
  client.send_text_allowing_close("{\"type\":\"post\",\"thread\":\"t\",\"body\":\"\xff\xfe\"}");
  const int code = client.wait_closed();
  CAPTURE(client.end_description());
  CHECK(code == 1007);
  // Nothing was stored, and the server serves others.
  WsClient other(test.server);
  CHECK(total_of(other, "t") == 0);
}

TEST_CASE("a message over 65536 bytes closes with 1009; exactly 65536 is fine") {
  TestServer test;
  WsClient client(test.server);
  // {"type":"join","thread":"t","pad":"xxx…"} padded to an exact size.
  const auto join_of_size = [](std::size_t bytes) {
    const std::string head = R"({"type":"join","thread":"t","pad":")";
    const std::string tail = "\"}";
    return head + std::string(bytes - head.size() - tail.size(), 'x') + tail;
  };
  const std::string exact = join_of_size(65536);
  REQUIRE(exact.size() == 65536);
  client.send_text(exact);
  CHECK(client.next()["type"] == "snapshot");

  client.send_text_allowing_close(join_of_size(65537));
  const int code = client.wait_closed();
  CAPTURE(client.end_description());
  CHECK(code == 1009);

  WsClient other(test.server);
  CHECK(other.request(join_msg("t"))["type"] == "snapshot");
}

TEST_CASE("likes on the real server: one per address over two connections, taken back, live to another reader; hot") {
  TestServer test;
  WsClient author(test.server);
  WsClient tab_a(test.server);  // the test's connections all come from 127.0.0.1: one address
  WsClient tab_b(test.server);
  const std::string thread = "likes-integration";
  REQUIRE(author.request(join_msg(thread))["type"] == "snapshot");
  const json older = author.request(post_msg(thread, "旧的", std::string_view("甲")));
  const json newer = author.request(post_msg(thread, "新的", std::string_view("乙")));
  const std::int64_t id = older["comment"]["id"];

  json ok = tab_a.request({{"type", "like"}, {"id", id}});
  CHECK(ok["type"] == "ok");
  CHECK(ok["likes"] == 1);
  CHECK(ok["liked"] == true);
  const json event = author.recv("likes");
  CHECK(event["comment"]["id"] == id);
  CHECK(event["comment"]["likes"] == 1);
  CHECK(tab_b.request({{"type", "like"}, {"id", id}, {"liked", true}})["likes"] == 1);  // same address

  const json hot = author.request({{"type", "hot"}, {"thread", thread}, {"limit", 10}});
  REQUIRE(hot["type"] == "hot");
  REQUIRE(hot["comments"].size() == 2);
  CHECK(hot["comments"][0]["id"] == id);  // the older one, liked, first
  CHECK(hot["comments"][1]["id"] == newer["comment"]["id"]);

  ok = tab_b.request({{"type", "like"}, {"id", id}, {"liked", false}});
  CHECK(ok["likes"] == 0);
  CHECK(ok["liked"] == false);
  CHECK(author.recv("likes")["comment"]["likes"] == 0);

  const json bad = tab_a.request({{"type", "like"}, {"id", id}, {"liked", 1}});
  CHECK(bad["code"] == "bad_request");
  CHECK(tab_a.request({{"type", "like"}, {"id", 999999}})["code"] == "not_found");
}
