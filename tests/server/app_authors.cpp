// The application layer without sockets: an author's own comments — edit and
// delete within the window, proved by the ack's secret, and `own`, which keeps
// a held post visible to its author (fake peers, real SQLite).
#include "app_support.hpp"
#include "support/crypto.hpp"

using namespace app_test;

namespace {

struct Posted {
  std::int64_t id = 0;
  std::string secret;
};

Posted posted(const json& ack) {
  REQUIRE(ack["type"] == "ack");
  return Posted{ack["comment"]["id"].get<std::int64_t>(), ack["secret"].get<std::string>()};
}

json edit(AppFixture& f, const std::shared_ptr<FakePeer>& peer, const Posted& p, const std::string& body) {
  return f.request(peer, {{"type", "edit"}, {"id", p.id}, {"secret", p.secret}, {"body", body}},
                   "edit-" + std::to_string(++f.next_req));
}

json remove(AppFixture& f, const std::shared_ptr<FakePeer>& peer, const Posted& p) {
  return f.request(peer, {{"type", "delete"}, {"id", p.id}, {"secret", p.secret}},
                   "delete-" + std::to_string(++f.next_req));
}

json own(AppFixture& f, const std::shared_ptr<FakePeer>& peer, const std::string& thread,
         const std::vector<Posted>& posts) {
  json claims = json::array();
  for (const Posted& p : posts) claims.push_back({{"id", p.id}, {"secret", p.secret}});
  return f.request(peer, {{"type", "own"}, {"thread", thread}, {"posts", claims}},
                   "own-" + std::to_string(++f.next_req));
}

}  // namespace

TEST_CASE("the ack gives its author a secret and when the edit window closes; only its hash is stored") {
  AppFixture f;
  auto author = f.connect();
  const json ack = f.post(author, "t", "第一条");
  const std::string secret = ack["secret"].get<std::string>();
  CHECK(secret.size() == 32);
  CHECK(secret.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(ack["edit_until"] == ack["comment"]["created"].get<std::int64_t>() + 600'000);
  CHECK(f.post(author, "t", "第二条")["secret"] != secret);  // one per post

  std::promise<std::string> key;
  f.worker.run([&](Store& store) { key.set_value(store.owned({ack["comment"]["id"].get<std::int64_t>()})[0].author_key); });
  const std::string stored = key.get_future().get();
  CHECK(stored.size() == 32);
  CHECK(stored.find(secret) == std::string::npos);
  CHECK(stored == author_key(secret));
}

TEST_CASE("an edit within the window: every reader sees the new text, marked edited") {
  AppFixture f;
  auto author = f.reader("192.0.2.1", "t");
  auto reader = f.reader("192.0.2.2", "t");
  const Posted p = posted(f.post(author, "t", "原来的文字"));

  const json ok = edit(f, author, p, "  改过的文字 ");
  REQUIRE(ok["type"] == "ok");
  CHECK(ok["comment"]["body"] == "改过的文字");
  CHECK(ok["comment"]["status"] == "published");
  CHECK(ok["comment"].contains("edited"));
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 1; }));
  const json update = reader->of_type("update")[0];
  CHECK(update["comment"]["body"] == "改过的文字");
  CHECK(update["comment"]["edited"] == ok["comment"]["edited"]);
  CHECK(update["total"] == 1);
  // A later reader is answered from the cache, which holds the new text.
  const json snapshot = f.join(f.connect("192.0.2.3"), "t");
  CHECK(snapshot["comments"][0]["body"] == "改过的文字");
  CHECK(f.stored("t", 10).newest[0].body == "改过的文字");
}

TEST_CASE("moderators get an edit of a published comment as `edited`, one that holds it as `queued`") {
  AppFixture f;
  auto moderator = f.moderator();
  REQUIRE(f.request(moderator, {{"type", "filters"}, {"suspect", {"加微信"}}}, "fl")["type"] == "filters");
  auto author = f.reader("192.0.2.1", "t");
  const Posted p = posted(f.post(author, "t", "原来的文字"));

  const json ok = edit(f, author, p, "改过的文字");
  REQUIRE(ok["type"] == "ok");
  REQUIRE(f.settle([&] { return moderator->of_type("edited").size() == 1; }));
  const json edited = moderator->of_type("edited")[0];
  CHECK(edited["comment"]["body"] == "改过的文字");
  CHECK(edited["comment"]["status"] == "published");
  CHECK(edited["comment"]["edited"] == ok["comment"]["edited"]);
  CHECK(moderator->of_type("queued").empty());

  // Held by the edit: a held post like any other, not `edited` as well.
  REQUIRE(edit(f, author, p, "请加微信")["type"] == "ok");
  REQUIRE(f.settle([&] { return moderator->of_type("queued").size() == 1; }));
  CHECK(moderator->of_type("queued")[0]["comment"]["edited"].is_number_integer());
  CHECK(moderator->of_type("edited").size() == 1);
  // A delete is no edit (its events go out with its reply).
  REQUIRE(remove(f, author, p)["type"] == "ok");
  CHECK(moderator->of_type("edited").size() == 1);
}

TEST_CASE("an edit goes through the filter: a suspect word holds it, a banned word refuses it") {
  AppFixture f;
  auto moderator = f.moderator();
  REQUIRE(f.request(moderator, {{"type", "filters"}, {"banned", {"敏感词"}}, {"suspect", {"加微信"}}}, "fl")["type"] ==
          "filters");
  auto author = f.reader("192.0.2.1", "t");
  auto reader = f.reader("192.0.2.2", "t");
  const Posted p = posted(f.post(author, "t", "正常的评论"));

  const json blocked = edit(f, author, p, "有敏感词");
  CHECK(blocked["type"] == "error");
  CHECK(blocked["code"] == "blocked");
  CHECK(f.stored("t", 10).newest[0].body == "正常的评论");

  const json held = edit(f, author, p, "请加微信");
  REQUIRE(held["type"] == "ok");
  CHECK(held["comment"]["status"] == "pending");
  // Readers see it go; moderators see it held, with the word that held it.
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 1; }));
  CHECK(reader->of_type("update")[0]["comment"]["status"] == "pending");
  CHECK(reader->of_type("update")[0]["total"] == 0);
  REQUIRE(f.settle([&] { return moderator->of_type("queued").size() == 1; }));
  CHECK(moderator->of_type("queued")[0]["comment"]["body"] == "请加微信");
  const json queue = f.request(moderator, {{"type", "queue"}, {"status", "pending"}}, "q");
  REQUIRE(queue["items"].size() == 1);
  CHECK(queue["items"][0]["context"]["held"]["word"] == "加微信");
  // Still its author's: `own` shows it waiting.
  const json mine = own(f, author, "t", {p});
  REQUIRE(mine["comments"].size() == 1);
  CHECK(mine["comments"][0]["status"] == "pending");
}

TEST_CASE("a delete within the window removes the comment for every reader") {
  AppFixture f;
  auto author = f.reader("192.0.2.1", "t");
  auto reader = f.reader("192.0.2.2", "t");
  const Posted p = posted(f.post(author, "t", "说错了"));
  const json ok = remove(f, author, p);
  REQUIRE(ok["type"] == "ok");
  CHECK(ok["comment"]["status"] == "deleted");
  REQUIRE(f.settle([&] { return reader->of_type("update").size() == 1; }));
  CHECK(reader->of_type("update")[0]["comment"]["status"] == "deleted");
  CHECK(reader->of_type("update")[0]["total"] == 0);
  // Gone: a second delete or an edit finds nothing.
  const json again = remove(f, author, p);
  CHECK(again["code"] == "not_found");
  CHECK(edit(f, author, p, "x")["code"] == "not_found");
}

TEST_CASE("a wrong secret, an unknown id and a closed window are refused with their own codes") {
  AppFixture f;
  auto author = f.connect();
  const Posted p = posted(f.post(author, "t", "我的评论"));
  Posted wrong = p;
  wrong.secret = std::string(32, 'a');
  const json refused = edit(f, author, wrong, "改");
  CHECK(refused["code"] == "unauthorized");
  CHECK(remove(f, author, wrong)["code"] == "unauthorized");
  Posted unknown = p;
  unknown.id = 424242;
  CHECK(edit(f, author, unknown, "改")["code"] == "not_found");
  CHECK(f.stored("t", 10).newest[0].body == "我的评论");

  // --edit-window 0: authors cannot change anything.
  AppOptions options = AppFixture::default_options();
  options.edit_window_ms = 0;
  AppFixture closed(options);
  auto late = closed.connect();
  const json ack = closed.post(late, "t", "太迟了");
  CHECK(ack["edit_until"] == ack["comment"]["created"]);
  const Posted q = posted(ack);
  const json too_late = edit(closed, late, q, "改");
  CHECK(too_late["code"] == "invalid");
  CHECK(too_late["message"].get<std::string>().find("within") != std::string::npos);
  CHECK(remove(closed, late, q)["code"] == "invalid");
  CHECK(closed.stored("t", 10).newest[0].body == "太迟了");
}

TEST_CASE("a banned author cannot edit, but may delete") {
  AppFixture f;
  auto moderator = f.moderator();
  auto author = f.connect();
  const Posted p = posted(f.post(author, "t", "我的评论"));
  REQUIRE(f.request(moderator, {{"type", "ban"}, {"id", p.id}}, "b")["type"] == "ok");
  CHECK(edit(f, author, p, "改")["code"] == "banned");
  CHECK(remove(f, author, p)["type"] == "ok");
}

TEST_CASE("a held post stays visible to its author on a new connection, until approved or rejected") {
  AppOptions options = AppFixture::default_options();
  options.premoderate = true;
  AppFixture f(options);
  auto moderator = f.moderator();
  auto first = f.reader("192.0.2.1", "t");
  const Posted held = posted(f.post(first, "t", "等待审核的评论"));
  const Posted other = posted(f.post(first, "t", "另一条"));

  // A reload: a new connection, the same browser's secrets.
  auto again = f.reader("192.0.2.1", "t");
  json mine = own(f, again, "t", {held, other});
  CHECK(mine["type"] == "own");
  CHECK(mine["thread"] == "t");
  CHECK(mine["edit_window_ms"] == 600'000);
  CHECK(ids_of(mine["comments"]) == std::vector<std::int64_t>{other.id, held.id});  // newest first
  CHECK(mine["comments"][1]["status"] == "pending");
  // Someone else's secret, another thread, or an unknown id: nothing.
  Posted forged = held;
  forged.secret = std::string(32, 'b');
  CHECK(own(f, again, "t", {forged})["comments"].empty());
  CHECK(own(f, again, "other", {held})["comments"].empty());
  CHECK(own(f, again, "t", {Posted{424242, held.secret}})["comments"].empty());
  auto stranger = f.reader("192.0.2.77", "t");

  // Rejected: the author's connection is told (readers are not); `own` says so too, after a reload.
  REQUIRE(f.request(moderator, {{"type", "moderate"}, {"id", held.id}, {"action", "reject"}}, "r")["type"] == "ok");
  REQUIRE(f.settle([&] { return again->of_type("update").size() == 1; }));
  CHECK(again->of_type("update")[0]["comment"]["status"] == "rejected");
  REQUIRE(f.settle([&] { return first->of_type("update").size() == 1; }));  // the posting connection too
  CHECK(stranger->of_type("update").empty());
  auto third = f.reader("192.0.2.1", "t");
  mine = own(f, third, "t", {held});
  REQUIRE(mine["comments"].size() == 1);
  CHECK(mine["comments"][0]["status"] == "rejected");

  // Approved: simply a comment, for everyone.
  REQUIRE(f.request(moderator, {{"type", "moderate"}, {"id", other.id}, {"action", "approve"}}, "a")["type"] == "ok");
  REQUIRE(f.settle([&] { return stranger->of_type("update").size() == 1; }));
  CHECK(stranger->of_type("update")[0]["comment"]["status"] == "published");
}
