// Several App instances on one SQLite file, joined by the in-process
// LocalBus (no sockets, no Redis): what one instance commits reaches the
// readers and moderators of the others exactly once, in order; bans and
// filters hold everywhere; out-of-order and repeated bus messages are
// delivered once; after the bus was down, every instance catches up from the
// database (missed comments once each, missed moderation as updates).
#include "app_support.hpp"
#include "bus/local_bus.hpp"

using namespace app_test;

namespace {

struct Node {
  Node(boost::asio::io_context& io, const std::string& path, LocalBusHub& hub, AppOptions options)
      : bus(hub.make_bus()),
        worker(open_sqlite_store(path)),
        app(io, worker, std::move(options), load_startup_state(worker), bus.get()) {
    bus->subscribed(true);
  }
  ~Node() { worker.stop(); }
  std::unique_ptr<LocalBus> bus;
  StoreWorker worker;
  App app;
};

struct Cluster {
  explicit Cluster(int nodes = 2, AppOptions options = AppFixture::default_options()) : hub(io) {
    for (int i = 0; i < nodes; ++i) {
      this->nodes.push_back(std::make_unique<Node>(io, db.path(), hub, options));
    }
  }

  App& app(int i) { return nodes[static_cast<std::size_t>(i)]->app; }

  std::shared_ptr<FakePeer> connect(int node, const std::string& address = "192.0.2.1") {
    auto peer = std::make_shared<FakePeer>(app(node).address_key(address), ++next_id);
    peers.emplace_back(peer, node);
    return peer;
  }
  bool settle(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  // Runs the io_context for `ms` (to see that nothing more arrives).
  void run_for(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) io.run_one_for(std::chrono::milliseconds(5));
  }
  json request(int node, const std::shared_ptr<FakePeer>& peer, json message) {
    const std::string req = "r" + std::to_string(++next_req);
    message["req"] = req;
    app(node).on_text(peer, message.dump());
    std::optional<json> found;
    const bool ok = settle([&] {
      for (const json& m : peer->received) {
        if (m.value("req", "") == req) {
          found = m;
          return true;
        }
      }
      return false;
    });
    REQUIRE_MESSAGE(ok, "no reply to " << message.dump());
    return *found;
  }
  std::shared_ptr<FakePeer> reader(int node, const std::string& address, const std::string& thread) {
    auto peer = connect(node, address);
    REQUIRE(request(node, peer, {{"type", "join"}, {"thread", thread}, {"limit", 10}})["type"] ==
            "snapshot");
    return peer;
  }
  std::shared_ptr<FakePeer> moderator(int node) {
    auto m = connect(node, "198.51.100.7");
    REQUIRE(request(node, m, {{"type", "auth"}, {"token", "test-token"}})["type"] == "ok");
    return m;
  }
  json post(int node, const std::shared_ptr<FakePeer>& peer, const std::string& thread,
            const std::string& body) {
    return request(node, peer, {{"type", "post"}, {"thread", thread}, {"author", "网友"}, {"body", body}});
  }

  store_test::TempDb db;
  boost::asio::io_context io;
  LocalBusHub hub;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<std::pair<std::shared_ptr<FakePeer>, int>> peers;
  std::uint64_t next_id = 0;
  int next_req = 0;
};

AppOptions premoderated() {
  AppOptions options = AppFixture::default_options();
  options.premoderate = true;
  return options;
}

std::vector<std::int64_t> comment_ids(const FakePeer& peer) {
  std::vector<std::int64_t> ids;
  for (const json& m : peer.of_type("comment")) ids.push_back(m["comment"]["id"].get<std::int64_t>());
  return ids;
}

}  // namespace

TEST_CASE("cluster: an id delivered just after the bus came up still folds into the floor later") {
  // The hub on B was loaded while the bus was up, so its ids fold by age alone;
  // before, one delivered in the first settle time after startup never folded,
  // and every later id stayed in the hub's set behind it.
  AppOptions options = AppFixture::default_options();
  options.settle_ms = 300;
  Cluster c(2, options);
  auto author = c.connect(0);
  auto on_b = c.reader(1, "192.0.2.3", "t");
  const auto early = c.post(0, author, "t", "早")["comment"]["id"].get<std::int64_t>();
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 1; }));
  c.run_for(450);
  const auto later = c.post(0, author, "t", "晚")["comment"]["id"].get<std::int64_t>();
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 2; }));
  const ThreadHub* hub = c.app(1).hubs().find("t");
  REQUIRE(hub);
  CHECK(hub->floor >= early);
  CHECK(hub->delivered.count(early) == 0);
  CHECK(hub->delivered.count(later) == 1);  // not settled yet
  CHECK(comment_ids(*on_b) == std::vector<std::int64_t>{early, later});
}

TEST_CASE("cluster: a post on A reaches the readers of A and B once each, in order") {
  Cluster c(3);
  auto author = c.connect(0);
  auto on_a = c.reader(0, "192.0.2.2", "t");
  auto on_b = c.reader(1, "192.0.2.3", "t");
  auto on_c = c.reader(2, "192.0.2.4", "t");
  std::vector<std::int64_t> acked;
  for (int i = 0; i < 5; ++i) {
    const json ack = c.post(0, author, "t", "第" + std::to_string(i) + "条");
    REQUIRE(ack["type"] == "ack");
    acked.push_back(ack["comment"]["id"].get<std::int64_t>());
  }
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 5 && on_c->of_type("comment").size() == 5; }));
  c.run_for(200);
  CHECK(comment_ids(*on_a) == acked);
  CHECK(comment_ids(*on_b) == acked);
  CHECK(comment_ids(*on_c) == acked);
  // The totals count each once.
  CHECK(on_b->of_type("comment").back()["total"] == 5);
  CHECK(on_c->of_type("comment").back()["total"] == 5);
  // A later join on B is answered with all of them.
  auto late = c.connect(1, "192.0.2.5");
  const json snapshot = c.request(1, late, {{"type", "join"}, {"thread", "t"}, {"limit", 10}});
  CHECK(snapshot["total"] == 5);
  CHECK(snapshot["comments"].size() == 5);
}

TEST_CASE("cluster: a like on A reaches B's readers with the stored count; the same address on B counts once") {
  Cluster c(2);
  auto author = c.connect(0);
  const std::int64_t id = c.post(0, author, "t", "顶")["comment"]["id"];
  auto on_b = c.reader(1, "192.0.2.3", "t");
  auto liker_a = c.connect(0, "203.0.113.5");
  REQUIRE(c.request(0, liker_a, {{"type", "like"}, {"id", id}})["likes"] == 1);
  REQUIRE(c.settle([&] { return !on_b->of_type("likes").empty(); }));
  CHECK(on_b->of_type("likes").back()["comment"]["id"] == id);
  CHECK(on_b->of_type("likes").back()["comment"]["likes"] == 1);
  // The same address through B: still one, and B's cache already shows it.
  auto liker_b = c.connect(1, "203.0.113.5");
  CHECK(c.request(1, liker_b, {{"type", "like"}, {"id", id}})["likes"] == 1);
  auto late = c.connect(1, "192.0.2.9");
  CHECK(c.request(1, late, {{"type", "join"}, {"thread", "t"}})["comments"][0]["likes"] == 1);
}

TEST_CASE("cluster: held posts reach every moderator; an approve on B updates A's readers") {
  Cluster c(2, premoderated());
  auto mod_a = c.moderator(0);
  auto mod_b = c.moderator(1);
  auto reader_a = c.reader(0, "192.0.2.2", "t");
  auto author = c.connect(0);
  const json ack = c.post(0, author, "t", "等待审核");
  REQUIRE(ack["comment"]["status"] == "pending");
  REQUIRE(c.settle([&] { return mod_b->of_type("queued").size() == 1; }));
  CHECK(mod_a->of_type("queued").size() == 1);
  const json ok = c.request(1, mod_b, {{"type", "moderate"}, {"id", ack["comment"]["id"]}, {"action", "approve"}});
  REQUIRE(ok["type"] == "ok");
  REQUIRE(c.settle([&] { return reader_a->of_type("update").size() == 1; }));
  const json update = reader_a->of_type("update")[0];
  CHECK(update["comment"]["status"] == "published");
  CHECK(update["total"] == 1);
  // Moderators on A see B's audit entry too.
  REQUIRE(c.settle([&] { return !mod_a->of_type("audited").empty(); }));
  c.run_for(200);
  CHECK(reader_a->of_type("comment").empty());  // an update, not a new comment
}

TEST_CASE("cluster: a ban on A refuses the poster on B; filters saved on B hold on A") {
  Cluster c(2);
  auto mod_a = c.moderator(0);
  auto poster_b = c.connect(1, "192.0.2.66");
  const json ack = c.post(1, poster_b, "t", "一条评论");
  REQUIRE(ack["type"] == "ack");
  REQUIRE(c.request(0, mod_a, {{"type", "ban"}, {"id", ack["comment"]["id"]}})["type"] == "ok");
  bool refused = c.settle([&] {
    return c.post(1, poster_b, "t", "again")["type"] == "error";
  });
  CHECK(refused);

  auto mod_b = c.moderator(1);
  REQUIRE(c.request(1, mod_b, {{"type", "filters"}, {"banned", {"禁词"}}})["type"] == "filters");
  auto poster_a = c.connect(0, "192.0.2.67");
  bool blocked = false;
  REQUIRE(c.settle([&] {
    const json reply = c.post(0, poster_a, "t", "含有禁词");
    blocked = reply.value("code", "") == "blocked";
    return blocked;
  }));
  const json lists = c.request(0, mod_a, {{"type", "filters"}});
  CHECK(lists["banned"] == json::array({"禁词"}));
}

TEST_CASE("cluster: an unban on A lets the poster post on B; an expired ban stops refusing on B") {
  Cluster c(2);
  auto mod_a = c.moderator(0);
  auto poster_b = c.connect(1, "192.0.2.68");
  const json ack = c.post(1, poster_b, "t", "一条评论");
  REQUIRE(ack["type"] == "ack");
  const json banned = c.request(0, mod_a, {{"type", "ban"}, {"id", ack["comment"]["id"]}, {"duration", "1d"}});
  REQUIRE(banned["type"] == "ok");
  REQUIRE(c.settle([&] { return c.post(1, poster_b, "t", "again")["type"] == "error"; }));
  CHECK(c.request(0, mod_a, {{"type", "unban"}, {"poster", banned["poster"]}})["type"] == "ok");
  CHECK(c.settle([&] { return c.post(1, poster_b, "t", "lifted")["type"] == "ack"; }));

  // A ban whose end comes while it is in force: B refuses until then, then
  // lets the poster in by itself (every instance holds the same expiry).
  c.hub.hold(true);
  REQUIRE(c.request(0, mod_a, {{"type", "ban"}, {"id", ack["comment"]["id"]}, {"duration", "1d"}})["type"] == "ok");
  c.hub.hold(false);
  auto held = c.hub.held();
  REQUIRE(held.size() == 1);
  json message = json::parse(held[0]);
  REQUIRE(message["e"][0]["k"] == "ban");
  const std::int64_t soon = now_ms() + 400;
  message["e"][0]["expires"] = soon;
  c.hub.deliver(message.dump());
  CHECK(c.settle([&] { return c.post(1, poster_b, "t", "refused")["code"] == "banned"; }));
  c.run_for(static_cast<int>(std::max<std::int64_t>(0, soon - now_ms())) + 50);
  CHECK(c.post(1, poster_b, "t", "expired")["type"] == "ack");
}

TEST_CASE("cluster: bus messages out of order or repeated are delivered once each") {
  Cluster c(2);
  auto author = c.connect(0);
  auto on_b = c.reader(1, "192.0.2.3", "t");
  c.hub.hold(true);
  const json first = c.post(0, author, "t", "一");
  const json second = c.post(0, author, "t", "二");
  c.hub.hold(false);
  auto held = c.hub.held();
  REQUIRE(held.size() == 2);
  // Second before first, then both again.
  c.hub.deliver(held[1]);
  c.hub.deliver(held[0]);
  c.hub.deliver(held[1]);
  c.hub.deliver(held[0]);
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() >= 2; }));
  c.run_for(200);
  const auto ids = comment_ids(*on_b);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == second["comment"]["id"]);
  CHECK(ids[1] == first["comment"]["id"]);
  CHECK(on_b->of_type("comment").back()["total"] == 2);
}

TEST_CASE("cluster: after the bus was down, every instance catches up once from the database") {
  Cluster c(2);
  auto author = c.connect(0);
  auto on_a = c.reader(0, "192.0.2.2", "t");
  auto on_b = c.reader(1, "192.0.2.3", "t");
  const json before = c.post(0, author, "t", "之前");
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 1; }));
  const json doomed = c.post(1, c.connect(1, "192.0.2.9"), "t", "将被删除");
  REQUIRE(c.settle([&] { return on_a->of_type("comment").size() == 2; }));

  c.hub.set_down(true);
  // Posting goes on (acked after commit); B hears nothing meanwhile.
  std::vector<std::int64_t> missed;
  for (int i = 0; i < 3; ++i) {
    const json ack = c.post(0, author, "t", "断线中" + std::to_string(i));
    REQUIRE(ack["type"] == "ack");
    missed.push_back(ack["comment"]["id"].get<std::int64_t>());
  }
  auto mod_a = c.moderator(0);
  REQUIRE(c.request(0, mod_a, {{"type", "moderate"}, {"id", doomed["comment"]["id"]}, {"action", "delete"}})["type"] == "ok");
  c.run_for(200);
  CHECK(on_b->of_type("comment").size() == 2);
  CHECK(on_b->of_type("update").empty());

  c.hub.set_down(false);
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 5 && !on_b->of_type("update").empty(); }));
  c.run_for(300);
  std::vector<std::int64_t> expected = {before["comment"]["id"].get<std::int64_t>(),
                                        doomed["comment"]["id"].get<std::int64_t>()};
  expected.insert(expected.end(), missed.begin(), missed.end());
  CHECK(comment_ids(*on_b) == expected);
  CHECK(comment_ids(*on_a) == expected);  // A delivered its own at commit: nothing twice
  const auto updates = on_b->of_type("update");
  REQUIRE(updates.size() == 1);
  CHECK(updates[0]["comment"]["id"] == doomed["comment"]["id"]);
  CHECK(updates[0]["comment"]["status"] == "deleted");
  // B's cache is the store's thread again.
  auto late = c.connect(1, "192.0.2.5");
  const json snapshot = c.request(1, late, {{"type", "join"}, {"thread", "t"}, {"limit", 10}});
  CHECK(snapshot["total"] == 4);
  CHECK(snapshot["comments"].size() == 4);
}

TEST_CASE("cluster: a comment from the bus while a hub is still loading reaches the joiner once") {
  Cluster c(2);
  auto author = c.connect(0);
  // B's hub for "t" does not exist yet; A's post is held on the bus.
  c.hub.hold(true);
  const json ack = c.post(0, author, "t", "加载中");
  c.hub.hold(false);
  REQUIRE(c.hub.held().size() == 1);
  // A reader joins on B (its load is queued) and the event arrives at once,
  // before the load lands: the comment must reach it once, in the snapshot
  // or as an event, not both.
  auto joiner = c.connect(1, "192.0.2.8");
  c.app(1).on_text(joiner, json{{"type", "join"}, {"thread", "t"}, {"limit", 10}, {"req", "j"}}.dump());
  c.hub.deliver(c.hub.held()[0]);
  REQUIRE(c.settle([&] { return !joiner->of_type("snapshot").empty(); }));
  c.run_for(200);
  const json snapshot = joiner->of_type("snapshot")[0];
  auto seen = ids_of(snapshot["comments"]);
  for (const auto id : comment_ids(*joiner)) seen.push_back(id);
  CHECK(seen == std::vector<std::int64_t>{ack["comment"]["id"].get<std::int64_t>()});
  CHECK(snapshot["total"] == 1);
}

TEST_CASE("cluster: an author's edit on A reaches the readers of B; a rejection on B reaches the author on A") {
  Cluster c(2);
  auto mod_a = c.moderator(0);
  auto mod_b = c.moderator(1);
  auto author = c.reader(0, "192.0.2.1", "t");
  auto on_b = c.reader(1, "192.0.2.3", "t");
  const json ack = c.post(0, author, "t", "原来的文字");
  REQUIRE(c.settle([&] { return on_b->of_type("comment").size() == 1; }));
  const json ok = c.request(0, author, {{"type", "edit"}, {"id", ack["comment"]["id"]},
                                        {"secret", ack["secret"]}, {"body", "改过的文字"}});
  REQUIRE(ok["type"] == "ok");
  REQUIRE(c.settle([&] { return on_b->of_type("update").size() == 1; }));
  const json update = on_b->of_type("update")[0];
  CHECK(update["comment"]["body"] == "改过的文字");
  CHECK(update["comment"]["edited"] == ok["comment"]["edited"]);
  // Moderators on both instances see the new text.
  REQUIRE(c.settle([&] { return mod_b->of_type("edited").size() == 1 && mod_a->of_type("edited").size() == 1; }));
  CHECK(mod_b->of_type("edited")[0]["comment"]["body"] == "改过的文字");

  // A held post of the author's, rejected on B: the author's connection on A is told.
  REQUIRE(c.request(0, mod_a, {{"type", "filters"}, {"suspect", {"待审"}}})["type"] == "filters");
  const json held = c.post(0, author, "t", "这条需要待审");
  REQUIRE(held["comment"]["status"] == "pending");
  REQUIRE(c.request(1, mod_b, {{"type", "moderate"}, {"id", held["comment"]["id"]}, {"action", "reject"}})["type"] ==
          "ok");
  REQUIRE(c.settle([&] { return author->of_type("update").size() == 2; }));
  CHECK(author->of_type("update")[1]["comment"]["status"] == "rejected");
  CHECK(on_b->of_type("update").size() == 1);  // readers are not told
}

TEST_CASE("cluster: after a bus gap, a moderator on B gets what A held, flagged and did meanwhile, once each, in order") {
  Cluster c(2, premoderated());
  auto mod_a = c.moderator(0);
  auto mod_b = c.moderator(1);
  auto author = c.connect(0);
  const json h0 = c.post(0, author, "t", "之前")["comment"];
  REQUIRE(c.settle([&] { return mod_b->of_type("queued").size() == 1; }));
  // In flight when the link goes: committed on A, its bus message reaches B
  // only after the replay below.
  c.hub.hold(true);
  const json p1 = c.post(0, author, "t", "在途")["comment"];
  c.hub.hold(false);
  const std::vector<std::string> late = c.hub.held();
  REQUIRE(late.size() == 1);
  c.run_for(5);  // distinct times: the replay's order is by time

  c.hub.set_down(true);
  const json p2 = c.post(0, author, "t", "断线中")["comment"];
  c.run_for(5);
  const json approved = c.request(0, mod_a, {{"type", "moderate"}, {"id", h0["id"]}, {"action", "approve"}});
  REQUIRE(approved["type"] == "ok");
  c.run_for(5);
  REQUIRE(c.request(0, c.connect(0, "192.0.2.8"), {{"type", "flag"}, {"id", h0["id"]}, {"reason", "spam"}})["type"] ==
          "ok");
  c.run_for(5);
  // B's own moderator acts meanwhile: B's moderators get it live, once.
  REQUIRE(c.request(1, mod_b, {{"type", "moderate"}, {"id", h0["id"]}, {"action", "pin"}})["type"] == "ok");
  c.run_for(200);
  REQUIRE(mod_b->of_type("queued").size() == 1);
  REQUIRE(mod_b->of_type("audited").size() == 1);
  const std::size_t before_replay = mod_b->received.size();
  const std::size_t a_before_replay = mod_a->received.size();

  c.hub.set_down(false);
  REQUIRE(c.settle([&] { return mod_b->of_type("queued").size() == 4 && mod_b->of_type("audited").size() == 2; }));
  // The message that was in flight arrives now: delivered already.
  for (const std::string& m : late) c.hub.deliver(m);
  c.run_for(300);

  // What B's moderator got since the bus came back, in order.
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (std::size_t i = before_replay; i < mod_b->received.size(); ++i) {
    const json& m = mod_b->received[i];
    const std::string type = m.value("type", "");
    if (type == "queued") got.emplace_back(type, m["comment"]["id"].get<std::int64_t>());
    if (type == "audited") got.emplace_back(type, m["entry"]["comment"].get<std::int64_t>());
  }
  const std::int64_t h0_id = h0["id"];
  const std::vector<std::pair<std::string, std::int64_t>> expected = {
      {"queued", p1["id"]}, {"queued", p2["id"]}, {"audited", h0_id}, {"queued", h0_id}};
  CHECK(got == expected);
  const json approve_entry = mod_b->of_type("audited").back()["entry"];
  CHECK(approve_entry["action"] == "approve");
  const json flagged = mod_b->of_type("queued").back()["comment"];
  CHECK(flagged["flags"] == 1);
  CHECK(flagged["pinned"] == true);  // as it is now

  // A's moderator gets B's pin, once, and nothing of A's own again.
  std::vector<json> on_a;
  for (std::size_t i = a_before_replay; i < mod_a->received.size(); ++i) {
    const std::string type = mod_a->received[i].value("type", "");
    if (type == "queued" || type == "audited") on_a.push_back(mod_a->received[i]);
  }
  REQUIRE(on_a.size() == 1);
  CHECK(on_a[0]["type"] == "audited");
  CHECK(on_a[0]["entry"]["action"] == "pin");

  // Live again: a post held on A reaches B's moderator once.
  const json after = c.post(0, author, "t", "之后")["comment"];
  REQUIRE(c.settle([&] { return mod_b->of_type("queued").size() == 5; }));
  CHECK(mod_b->of_type("queued").back()["comment"]["id"] == after["id"]);
}
