// Several comment-server instances on one database and one Redis, against
// the real binary: live events across instances exactly once and in order,
// moderation, bans, filters and the rate limit shared, a kill -9 under load,
// and a Redis outage. The database is PostgreSQL: each test case gets a fresh
// schema on the throw-away cluster of the ctest fixture "postgres"
// (tests/services/postgres.sh; COMMENTS_TEST_PG_DIR), which every instance of
// the case shares. The Redis server is the fixture "redis_server"'s
// (tests/services/redis.sh; COMMENTS_TEST_REDIS_URL), except in the tests of
// an outage, which start and stop a private one.
//
// The test suite "sqlite" (ctest cluster_tests_sqlite) runs the first
// scenario again with the instances on one SQLite file (WAL works across
// processes): a site that adds instances before it moves to PostgreSQL.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "harness.hpp"
#include "pg_test_support.hpp"
#include "private_redis.hpp"

using namespace integ;

namespace {

// The database every instance of a test shares: a fresh schema on the test
// cluster, or one SQLite file in a temporary folder.
enum class Engine { pg, sqlite };

class SharedDb {
 public:
  explicit SharedDb(Engine engine = Engine::pg) {
    if (engine == Engine::pg) schema_.emplace("cluster_");
  }
  // `options` with --db set to this database.
  ServerOptions on_it(ServerOptions options) const {
    if (schema_) {
      options.db_uri = schema_->uri();
    } else {
      options.db = dir_ / "shared.db";
    }
    return options;
  }
  // Test SQL on the schema (PostgreSQL only).
  std::string text(const std::string& sql) const {
    REQUIRE(schema_);
    return schema_->text(sql);
  }
  std::vector<std::string> column(const std::string& sql) const {
    REQUIRE(schema_);
    return pg_test::PgRaw(schema_->uri()).column(sql);
  }

 private:
  TempDir dir_;
  std::optional<pg_test::PgSchema> schema_;
};

std::string redis_url() {
  const char* url = std::getenv("COMMENTS_TEST_REDIS_URL");
  REQUIRE_MESSAGE(url != nullptr,
                  "COMMENTS_TEST_REDIS_URL is not set: run through ctest (fixture redis_server)");
  return url;
}

ServerOptions instance(const SharedDb& db, const std::string& redis) {
  ServerOptions options;
  options.redis = redis;
  return db.on_it(options);
}

// N instances of one installation.
struct Instances {
  explicit Instances(int n, ServerOptions options = {}, std::optional<std::string> redis = std::nullopt,
                     Engine engine = Engine::pg)
      : db(engine) {
    options.redis = redis ? *redis : redis_url();
    for (int i = 0; i < n; ++i) servers.push_back(std::make_unique<ServerProcess>(db.on_it(options)));
  }
  ServerProcess& operator[](int i) { return *servers[static_cast<std::size_t>(i)]; }
  SharedDb db;
  std::vector<std::unique_ptr<ServerProcess>> servers;
};

// A reader joined to one thread, collecting its `comment` and `update` events.
struct Reader {
  Reader(const ServerProcess& server, const std::string& thread, std::string address = "127.0.0.1")
      : ws(std::make_unique<WsClient>(server, from_address(std::move(address)))) {
    const json snapshot = ws->request(join_msg(thread, 50));
    REQUIRE(snapshot["type"] == "snapshot");
    for (const auto& c : snapshot["comments"]) snapshot_ids.push_back(c["id"].get<std::int64_t>());
  }
  // Reads until `done()` holds; false at the deadline or when the connection ends.
  bool until(const std::function<bool()>& done, std::chrono::milliseconds deadline = io_deadline) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          give_up - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!take(left)) return false;
    }
    return true;
  }
  // Reads whatever arrives within `period` of quiet.
  void drain(std::chrono::milliseconds period = 500ms) {
    while (take(period)) {
    }
  }
  bool has_all(const std::vector<std::int64_t>& ids) const {
    const std::set<std::int64_t> got(comments.begin(), comments.end());
    return std::all_of(ids.begin(), ids.end(), [&](std::int64_t id) { return got.contains(id); });
  }

  std::unique_ptr<WsClient> ws;
  std::vector<std::int64_t> snapshot_ids;
  std::vector<std::int64_t> comments;  // ids of `comment` events, in arrival order
  std::vector<json> updates;

 private:
  bool take(std::chrono::milliseconds wait) {
    Incoming in;
    try {
      in = ws->next_incoming(wait);
    } catch (const std::exception&) {
      return false;  // nothing within `wait`
    }
    if (in.closed) return false;
    const json m = json::parse(in.text);
    if (m["type"] == "comment") comments.push_back(m["comment"]["id"].get<std::int64_t>());
    if (m["type"] == "update") updates.push_back(m);
    return true;
  }
};

std::int64_t id_of(const json& comment) { return comment["id"].get<std::int64_t>(); }

void check_once(const Reader& reader, const std::vector<std::int64_t>& expected) {
  std::vector<std::int64_t> got = reader.comments;
  std::sort(got.begin(), got.end());
  std::vector<std::int64_t> want = expected;
  std::sort(want.begin(), want.end());
  CHECK(got == want);
}

// Every id of `thread` in the database, through a fresh connection to `server`.
std::set<std::int64_t> stored_ids(const ServerProcess& server, const std::string& thread) {
  WsClient client(server);
  std::set<std::int64_t> ids;
  json page = client.request(join_msg(thread, 50));
  REQUIRE(page["type"] == "snapshot");
  for (;;) {
    const auto& list = page["comments"];
    if (list.empty()) break;
    std::int64_t oldest = INT64_MAX;
    for (const auto& c : list) {
      ids.insert(id_of(c));
      oldest = std::min(oldest, id_of(c));
    }
    page = client.request({{"type", "more"}, {"thread", thread}, {"before", oldest}, {"limit", 50}});
    REQUIRE(page["type"] == "page");
  }
  return ids;
}

// Readers on three instances; A and B post. Each reader gets every comment
// once, and each instance's comments in that instance's order.
void live_once_and_in_order(Engine engine) {
  Instances cluster(3, {}, std::nullopt, engine);
  const std::string thread = "viral";
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < 3; ++i) readers.push_back(std::make_unique<Reader>(cluster[i], thread));
  WsClient on_a(cluster[0], from_address("127.0.0.2"));
  WsClient on_b(cluster[1], from_address("127.0.0.3"));
  std::vector<std::int64_t> from_a;
  std::vector<std::int64_t> from_b;
  for (int i = 0; i < 10; ++i) {
    from_a.push_back(id_of(post_ok(on_a, thread, "A" + std::to_string(i))));
    if (i % 2 == 0) from_b.push_back(id_of(post_ok(on_b, thread, "B" + std::to_string(i))));
  }
  std::vector<std::int64_t> all = from_a;
  all.insert(all.end(), from_b.begin(), from_b.end());
  for (auto& r : readers) {
    CHECK(r->until([&] { return r->has_all(all); }));
    r->drain();
    check_once(*r, all);
    // One instance's comments arrive in its id order.
    for (const auto* origin : {&from_a, &from_b}) {
      std::vector<std::int64_t> seen;
      for (const std::int64_t id : r->comments) {
        if (std::find(origin->begin(), origin->end(), id) != origin->end()) seen.push_back(id);
      }
      CHECK(seen == *origin);
    }
  }
}

}  // namespace

TEST_CASE("cluster: a post on A is live on B and C exactly once, each instance's posts in order") {
  live_once_and_in_order(Engine::pg);
}

TEST_SUITE("sqlite") {
TEST_CASE("cluster on one SQLite file: a post on A is live on B and C exactly once, in order") {
  live_once_and_in_order(Engine::sqlite);
}
}  // TEST_SUITE("sqlite")

TEST_CASE("cluster: a moderator on B approves a post held on A; readers on A see it") {
  ServerOptions options;
  options.premoderate = true;
  Instances cluster(2, options);
  Reader reader(cluster[0], "held");
  WsClient moderator(cluster[1], from_address("127.0.0.9"));
  auth_moderator(moderator);
  WsClient poster(cluster[0], from_address("127.0.0.4"));
  const json held = post_ok(poster, "held", "等待审核");
  REQUIRE(held["status"] == "pending");
  // The moderator on B sees it live.
  CHECK(moderator.recv("queued")["comment"]["id"] == held["id"]);
  const json ok = moderator.request({{"type", "moderate"}, {"id", held["id"]}, {"action", "approve"}});
  REQUIRE(ok["type"] == "ok");
  CHECK(reader.until([&] { return !reader.updates.empty(); }));
  REQUIRE(!reader.updates.empty());
  CHECK(reader.updates[0]["comment"]["id"] == held["id"]);
  CHECK(reader.updates[0]["comment"]["status"] == "published");
  CHECK(reader.updates[0]["total"] == 1);
}

TEST_CASE("cluster: a ban on A refuses the poster on C; filters saved on B apply on A") {
  Instances cluster(3);
  WsClient poster_c(cluster[2], from_address("127.0.0.5"));
  const json first = post_ok(poster_c, "t", "first");
  WsClient moderator_a(cluster[0], from_address("127.0.0.9"));
  auth_moderator(moderator_a);
  REQUIRE(moderator_a.request({{"type", "ban"}, {"id", first["id"]}})["type"] == "ok");
  // Within a second, on every instance (polled: no timing assertion below 5 s).
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  json reply;
  do {
    reply = poster_c.request(post_msg("t", "after the ban"));
    if (reply["type"] == "error") break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < give_up);
  CHECK(reply["code"] == "banned");
  WsClient same_poster_b(cluster[1], from_address("127.0.0.5"));
  CHECK(same_poster_b.request(post_msg("t", "elsewhere"))["code"] == "banned");
  // The ban is one row in PostgreSQL, under the poster's address hash, made
  // with the one key every instance shares.
  CHECK(cluster.db.column("SELECT poster FROM bans") ==
        cluster.db.column("SELECT poster FROM comments WHERE id = " + std::to_string(id_of(first))));
  CHECK(cluster.db.text("SELECT count(*) FROM secrets WHERE name = 'address-hash-key'") == "1");

  WsClient moderator_b(cluster[1], from_address("127.0.0.9"));
  auth_moderator(moderator_b);
  REQUIRE(moderator_b.request({{"type", "filters"}, {"banned", {"禁词"}}})["type"] == "filters");
  WsClient poster_a(cluster[0], from_address("127.0.0.6"));
  json blocked;
  const auto filter_deadline = std::chrono::steady_clock::now() + 5s;
  do {
    blocked = poster_a.request(post_msg("t", "含有禁词的评论"));
    if (blocked["type"] == "error") break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < filter_deadline);
  CHECK(blocked["code"] == "blocked");
  CHECK(moderator_a.request({{"type", "filters"}})["banned"] == json::array({"禁词"}));
  CHECK(cluster.db.column("SELECT word FROM filter_words WHERE list = 'banned'") ==
        std::vector<std::string>{"禁词"});
}

TEST_CASE("cluster: a 1-day ban on A is listed on B with who and why; an unban on B lets the poster post on A and C") {
  Instances cluster(3);
  WsClient poster_c(cluster[2], from_address("127.0.0.7"));
  const json first = post_ok(poster_c, "t", "spam spam");
  WsClient moderator_a(cluster[0], from_address("127.0.0.9"));
  auth_moderator(moderator_a);
  const json banned =
      moderator_a.request({{"type", "ban"}, {"id", first["id"]}, {"duration", "1d"}, {"reason", "spam"}});
  REQUIRE(banned["type"] == "ok");
  REQUIRE(banned["expires"].is_number_integer());
  WsClient moderator_b(cluster[1], from_address("127.0.0.9"));
  auth_moderator(moderator_b);
  const json list = moderator_b.request({{"type", "bans"}});
  REQUIRE(list["bans"].size() == 1);
  CHECK(list["bans"][0]["poster"] == banned["poster"]);
  CHECK(list["bans"][0]["expires"] == banned["expires"]);
  CHECK(list["bans"][0]["reason"] == "spam");
  CHECK(list["bans"][0]["excerpt"] == "spam spam");
  // The ban holds on A first (so the unban below is what lets the poster in there).
  WsClient poster_a(cluster[0], from_address("127.0.0.7"));
  const auto ban_deadline = std::chrono::steady_clock::now() + 5s;
  json refused;
  do {
    refused = poster_a.request(post_msg("t", "before the unban"));
    if (refused["type"] == "error") break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < ban_deadline);
  REQUIRE(refused["code"] == "banned");
  REQUIRE(moderator_b.request({{"type", "unban"}, {"poster", banned["poster"]}})["type"] == "ok");
  // Within a second, on every instance (polled: no timing assertion below 5 s).
  for (int node : {0, 2}) {
    WsClient poster(cluster[node], from_address("127.0.0.7"));
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    json reply;
    do {
      reply = poster.request(post_msg("t", "after the unban"));
      if (reply["type"] == "ack") break;
      std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < give_up);
    CAPTURE(node);
    CHECK(reply["type"] == "ack");
  }
  CHECK(moderator_a.request({{"type", "bans"}})["bans"].empty());
}

TEST_CASE("cluster: the rate limit is counted across instances") {
  ServerOptions options;
  options.rate = 3;
  Instances cluster(3, options);
  WsClient on_a(cluster[0], from_address("127.0.0.7"));
  WsClient on_b(cluster[1], from_address("127.0.0.7"));
  WsClient on_c(cluster[2], from_address("127.0.0.7"));
  post_ok(on_a, "t", "1");
  post_ok(on_b, "t", "2");
  post_ok(on_c, "t", "3");
  for (WsClient* client : {&on_a, &on_b, &on_c}) {
    const json limited = client->request(post_msg("t", "one too many"));
    CHECK(limited["code"] == "rate_limited");
    CHECK(limited["retry_after_ms"].get<std::int64_t>() > 0);
    CHECK(limited["retry_after_ms"].get<std::int64_t>() <= 60'000);
  }
  // Another address has its own budget.
  WsClient other(cluster[2], from_address("127.0.0.8"));
  post_ok(other, "t", "mine");
}

TEST_CASE("cluster: kill -9 of one instance under load: every acked post is stored and reached every reader") {
  Instances cluster(3);
  const std::string thread = "load";
  std::vector<std::unique_ptr<Reader>> readers;  // two on each instance
  for (int i = 0; i < 6; ++i) readers.push_back(std::make_unique<Reader>(cluster[i % 3], thread));

  std::mutex mutex;
  std::vector<std::int64_t> acked;
  std::atomic<int> acks{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      try {
        WsClient client(cluster[w % 3], from_address("127.0.1." + std::to_string(w + 1)));
        for (int i = 0; i < 25 && !stop; ++i) {
          const json reply = client.request(post_msg(thread, "w" + std::to_string(w) + "-" + std::to_string(i)));
          if (reply["type"] != "ack") break;
          std::lock_guard lock(mutex);
          acked.push_back(id_of(reply["comment"]));
          ++acks;
        }
      } catch (const std::exception&) {
        // The instance went away under this writer: its acked posts count.
      }
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + io_deadline;
  while (acks < 40 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(5ms);
  cluster[2].kill_hard();
  for (auto& t : writers) t.join();
  REQUIRE(acks >= 40);

  // In the database: PostgreSQL's own rows, read directly.
  std::set<std::int64_t> stored;
  for (const auto& id : cluster.db.column("SELECT id FROM comments WHERE thread = '" + thread + "'")) {
    stored.insert(std::stoll(id));
  }
  for (const std::int64_t id : acked) CHECK(stored.contains(id));
  // And served: a fresh reader's pages hold the same ids.
  CHECK(stored_ids(cluster[0], thread) == stored);
  // Readers on A and B (C's went with it).
  for (std::size_t i = 0; i < readers.size(); ++i) {
    if (i % 3 == 2) continue;
    Reader& r = *readers[i];
    CHECK(r.until([&] { return r.has_all(acked); }));
    r.drain();
    std::set<std::int64_t> distinct(r.comments.begin(), r.comments.end());
    CHECK(distinct.size() == r.comments.size());  // none twice
    for (const std::int64_t id : r.comments) CHECK(stored.contains(id));
  }
}

TEST_CASE("cluster: Redis stopped for 5 s and started again: posting goes on, every reader catches up once") {
  PrivateRedis redis;
  REQUIRE(!redis.url().empty());

  Instances cluster(2, {}, redis.url());
  const std::string thread = "outage";
  Reader on_a(cluster[0], thread);
  Reader on_b(cluster[1], thread);
  WsClient poster_a(cluster[0], from_address("127.0.0.2"));
  WsClient poster_b(cluster[1], from_address("127.0.0.3"));
  std::vector<std::int64_t> all;
  all.push_back(id_of(post_ok(poster_a, thread, "before A")));
  all.push_back(id_of(post_ok(poster_b, thread, "before B")));
  REQUIRE(on_a.until([&] { return on_a.has_all(all); }));
  REQUIRE(on_b.until([&] { return on_b.has_all(all); }));

  redis.down();
  const auto down_at = std::chrono::steady_clock::now();
  // Posting keeps working: acked after commit.
  for (int i = 0; i < 3; ++i) {
    all.push_back(id_of(post_ok(poster_a, thread, "during A" + std::to_string(i))));
    all.push_back(id_of(post_ok(poster_b, thread, "during B" + std::to_string(i))));
  }
  std::this_thread::sleep_until(down_at + 5s);
  redis.up();
  all.push_back(id_of(post_ok(poster_a, thread, "after A")));

  for (Reader* r : {&on_a, &on_b}) {
    CHECK(r->until([&] { return r->has_all(all); }));
    r->drain(1s);
    // Exactly once: the ones the poster's own instance delivered at commit are
    // not sent again by the catch-up.
    check_once(*r, all);
  }
  // And the system still works live afterwards.
  const std::int64_t later = id_of(post_ok(poster_b, thread, "later B"));
  CHECK(on_a.until([&] { return on_a.has_all({later}); }));
}

TEST_CASE("cluster: Redis stopped for 5 s: a moderator on B gets what was held and done on A meanwhile, once") {
  PrivateRedis redis;
  REQUIRE(!redis.url().empty());
  ServerOptions options;
  options.premoderate = true;
  Instances cluster(2, options, redis.url());
  WsClient moderator_a(cluster[0], from_address("127.0.0.8"));
  auth_moderator(moderator_a);
  WsClient moderator_b(cluster[1], from_address("127.0.0.9"));
  auth_moderator(moderator_b);
  WsClient poster(cluster[0], from_address("127.0.0.4"));
  const json before = post_ok(poster, "held", "之前");
  CHECK(moderator_b.recv("queued")["comment"]["id"] == before["id"]);

  redis.down();
  const auto down_at = std::chrono::steady_clock::now();
  const json during = post_ok(poster, "held", "断线中");
  REQUIRE(during["status"] == "pending");
  std::this_thread::sleep_for(20ms);  // the replay orders by time
  REQUIRE(moderator_a.request({{"type", "moderate"}, {"id", before["id"]}, {"action", "approve"}})["type"] == "ok");
  std::this_thread::sleep_until(down_at + 5s);
  CHECK(moderator_b.unexpected_within() == "");  // nothing reached B meanwhile
  redis.up();

  // Replayed from the database once B is back: the held post, then the action.
  const json replayed = moderator_b.next();
  CHECK(replayed["type"] == "queued");
  CHECK(replayed["comment"]["id"] == during["id"]);
  const json audited = moderator_b.next();
  CHECK(audited["type"] == "audited");
  CHECK(audited["entry"]["action"] == "approve");
  CHECK(audited["entry"]["comment"] == before["id"]);
  // Live again, and nothing was sent twice.
  const json after = post_ok(poster, "held", "之后");
  const json live = moderator_b.next();
  CHECK(live["type"] == "queued");
  CHECK(live["comment"]["id"] == after["id"]);
  CHECK(moderator_b.unexpected_within(1s) == "");
}

TEST_CASE("--reuse-port: two instances share one port") {
  SharedDb db;
  ServerOptions first = instance(db, redis_url());
  first.reuse_port = true;
  ServerProcess a(first);
  ServerOptions second = first;
  second.port = a.port();
  ServerProcess b(second);
  CHECK(b.port() == a.port());
  // Both accept; a post through either reaches a reader on the other.
  Reader reader_a(a, "shared-port");
  WsClient client(b);
  const json ack = post_ok(client, "shared-port", "through the shared port");
  CHECK(reader_a.until([&] { return reader_a.has_all({id_of(ack)}); }));
  // Without --reuse-port the port is refused.
  ServerOptions third = instance(db, redis_url());
  third.port = a.port();
  CHECK_THROWS(ServerProcess{third});
}

TEST_CASE("--redis: an instance says `listening on` only once it is subscribed") {
  SharedDb db;
  PrivateRedis redis;
  REQUIRE(!redis.url().empty());
  redis.down();

  std::atomic<bool> listening{false};
  std::unique_ptr<ServerProcess> server;
  std::string failure;
  std::thread starter([&] {
    try {
      server = std::make_unique<ServerProcess>(instance(db, redis.url()));
      listening = true;
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  std::this_thread::sleep_for(1500ms);
  CHECK_FALSE(listening.load());  // Redis is down: not listening yet
  redis.up();
  starter.join();
  REQUIRE_MESSAGE(listening.load(), failure);
  // And it works: a post reaches a reader on a second instance.
  ServerProcess other(instance(db, redis.url()));
  Reader reader(other, "late-start");
  WsClient client(*server);
  const json ack = post_ok(client, "late-start", "subscribed");
  CHECK(reader.until([&] { return reader.has_all({id_of(ack)}); }));
}
