// Likes (顶) through the application layer: one per address (the keyed hash
// bans and rate limits use), taken back by liked:false, counted live to every
// reader of the thread, the 最热 order, the per-connection limit.
#include "app_support.hpp"

using namespace app_test;

namespace {

json like(AppFixture& f, const std::shared_ptr<FakePeer>& peer, std::int64_t id, bool liked,
          const std::string& req) {
  return f.request(peer, {{"type", "like"}, {"id", id}, {"liked", liked}}, req);
}

// The last `likes` event `peer` got for comment `id`, or null.
json last_likes(const std::shared_ptr<FakePeer>& peer, std::int64_t id) {
  json found;
  for (const json& m : peer->of_type("likes")) {
    if (m["comment"]["id"] == id) found = m;
  }
  return found;
}

}  // namespace

TEST_CASE("app: a like counts once per address, liked:false takes it back, every reader sees the count") {
  AppFixture f;
  auto author = f.reader("192.0.2.1", "t");
  const std::int64_t id = f.post(author, "t", "顶我")["comment"]["id"];
  auto other = f.reader("192.0.2.9", "t");      // another reader of the thread
  auto tab_a = f.reader("203.0.113.5", "t");    // two connections from one address
  auto tab_b = f.reader("203.0.113.5", "t");

  json ok = like(f, tab_a, id, true, "l1");
  CHECK(ok == json::parse(R"({"type":"ok","req":"l1","id":)" + std::to_string(id) + R"(,"likes":1,"liked":true})"));
  REQUIRE(f.settle([&] { return !last_likes(other, id).is_null(); }));
  const json event = last_likes(other, id);
  CHECK(event["total"] == 1);
  CHECK(event["comment"]["likes"] == 1);
  CHECK(event["comment"]["body"] == "顶我");
  CHECK(last_likes(tab_a, id)["comment"]["likes"] == 1);  // the liker's other views count too

  // The same address from its second connection: still one.
  ok = like(f, tab_b, id, true, "l2");
  CHECK(ok["likes"] == 1);
  CHECK(ok["liked"] == true);
  // A second address counts.
  CHECK(like(f, other, id, true, "l3")["likes"] == 2);
  REQUIRE(f.settle([&] { return last_likes(author, id)["comment"]["likes"] == 2; }));

  // Taken back (from either connection of the address), once.
  CHECK(like(f, tab_b, id, false, "l4")["likes"] == 1);
  CHECK(like(f, tab_a, id, false, "l5")["likes"] == 1);
  REQUIRE(f.settle([&] { return last_likes(author, id)["comment"]["likes"] == 1; }));

  // A join now (answered from the hub's cache) and the store agree.
  CHECK(f.join(f.connect("192.0.2.77"), "t")["comments"][0]["likes"] == 1);
  CHECK(f.stored("t", 10).newest.at(0).likes == 1);
}

TEST_CASE("app: likes of what is not published are not_found; like and hot validate their fields") {
  AppFixture f;
  auto reader = f.reader("192.0.2.1", "t");
  json e = like(f, reader, 424242, true, "x1");
  CHECK(e["type"] == "error");
  CHECK(e["code"] == "not_found");
  e = f.request(reader, {{"type", "like"}, {"id", 1}, {"liked", "yes"}}, "x2");
  CHECK(e["code"] == "bad_request");
  CHECK(e["message"].get<std::string>().find("liked") != std::string::npos);
  e = f.request(reader, {{"type", "hot"}, {"thread", "t"}, {"limit", 0}}, "x3");
  CHECK(e["code"] == "invalid");
}

TEST_CASE("app: hot lists the thread's most liked first") {
  AppFixture f;
  auto author = f.reader("192.0.2.1", "t");
  std::vector<std::int64_t> ids;
  for (const char* body : {"one", "two", "three"}) ids.push_back(f.post(author, "t", body)["comment"]["id"]);
  int n = 0;
  for (const char* address : {"198.51.100.1", "198.51.100.2"}) {
    like(f, f.connect(address), ids[0], true, "a" + std::to_string(++n));
  }
  like(f, f.connect("198.51.100.3"), ids[2], true, "b");
  const json hot = f.request(author, {{"type", "hot"}, {"thread", "t"}}, "h");
  CHECK(hot["type"] == "hot");
  CHECK(hot["thread"] == "t");
  CHECK(ids_of(hot["comments"]) == std::vector<std::int64_t>{ids[0], ids[2], ids[1]});
  CHECK(hot["comments"][0]["likes"] == 2);
}

TEST_CASE("app: likes beyond the per-connection burst are refused likes_too_fast with the wait") {
  AppOptions options = AppFixture::default_options();
  options.likes_per_minute = 1;  // a burst of like_burst, then one a minute
  AppFixture f(options);
  auto author = f.reader("192.0.2.1", "t");
  const std::int64_t id = f.post(author, "t", "flood me")["comment"]["id"];
  auto flooder = f.connect("203.0.113.66");
  const int burst = static_cast<int>(ReaderRequests::like_burst);
  for (int i = 0; i < burst; ++i) {
    CHECK(like(f, flooder, id, i % 2 == 0, "f" + std::to_string(i))["type"] == "ok");
  }
  const json refused = like(f, flooder, id, true, "over");
  CHECK(refused["code"] == "rate_limited");
  CHECK(refused["retry_after_ms"].get<std::int64_t>() > 0);
  // Another connection has its own budget.
  CHECK(like(f, f.connect("203.0.113.66"), id, true, "other")["type"] == "ok");
}
