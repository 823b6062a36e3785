// The real comment-server binary on PostgreSQL (--db postgresql://…), on the
// throw-away cluster of tests/services/postgres.sh (ctest integration_tests_pg,
// test suite "pg"): posts and joins, a restart, two instances started at the
// same moment on an empty database, and copy-store from SQLite.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "pg_test_support.hpp"

using namespace integ;

namespace {

// An empty schema of its own, which the server sees as its database.
using pg_test::PgSchema;

ServerOptions on_pg(const PgSchema& schema) {
  ServerOptions options;
  options.db_uri = schema.uri();
  return options;
}

// Runs the binary with `args` and returns its exit status (-1 when killed).
int run_binary(std::vector<std::string> args) {
  args.insert(args.begin(), COMMENT_SERVER_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> bodies_of(const json& comments) {
  std::vector<std::string> bodies;
  for (const auto& c : comments) bodies.push_back(c["body"]);
  return bodies;
}

}  // namespace

TEST_SUITE("pg") {

TEST_CASE("on PostgreSQL: posts, live delivery, joins and a restart") {
  PgSchema schema;
  std::int64_t pinned_id = 0;
  {
    ServerProcess server(on_pg(schema));
    WsClient reader(server);
    WsClient poster(server);
    WsClient moderator(server);
    auth_moderator(moderator);
    REQUIRE(reader.request(join_msg("news/1"))["type"] == "snapshot");
    pinned_id = post_ok(poster, "news/1", "第一条 on PostgreSQL")["id"];
    const json live = reader.recv("comment");
    CHECK(live["comment"]["body"] == "第一条 on PostgreSQL");
    CHECK(live["total"] == 1);
    post_ok(poster, "news/1", "second");
    REQUIRE(moderator.request({{"type", "moderate"}, {"id", pinned_id}, {"action", "pin"}})["type"] == "ok");
    CHECK(server.stop(SIGTERM) == 0);
  }
  CHECK(schema.text("SELECT count(*) FROM comments") == "2");
  ServerProcess server(on_pg(schema));
  WsClient reader(server);
  const json snapshot = reader.request(join_msg("news/1"));
  CHECK(snapshot["total"] == 2);
  CHECK(bodies_of(snapshot["comments"]) == std::vector<std::string>{"second", "第一条 on PostgreSQL"});
  REQUIRE(snapshot["pinned"].size() == 1);
  CHECK(snapshot["pinned"][0]["id"] == pinned_id);
}

TEST_CASE("two instances started at the same moment on an empty database both listen, on one schema") {
  PgSchema schema;
  std::unique_ptr<ServerProcess> a;
  std::unique_ptr<ServerProcess> b;
  std::string error_a, error_b;
  std::thread start_a([&] {
    try {
      a = std::make_unique<ServerProcess>(on_pg(schema));
    } catch (const std::exception& e) {
      error_a = e.what();
    }
  });
  std::thread start_b([&] {
    try {
      b = std::make_unique<ServerProcess>(on_pg(schema));
    } catch (const std::exception& e) {
      error_b = e.what();
    }
  });
  start_a.join();
  start_b.join();
  CHECK(error_a == "");
  CHECK(error_b == "");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(schema.text("SELECT count(*) FROM comments_schema") == "1");
  // One address-hash key (and one cluster id) for both, not one each.
  CHECK(schema.text("SELECT count(*) FROM secrets WHERE name = 'address-hash-key'") == "1");
  CHECK(schema.text("SELECT count(*) FROM secrets") == "2");

  // Both serve the same database: a post on A is in B's snapshot.
  WsClient on_a(*a);
  WsClient on_b(*b);
  const json posted = post_ok(on_a, "shared", "from A");
  const json snapshot = on_b.request(join_msg("shared"));
  REQUIRE(snapshot["comments"].size() == 1);
  CHECK(snapshot["comments"][0]["id"] == posted["id"]);
  const json from_b = post_ok(on_b, "shared", "from B");
  CHECK(from_b["id"].get<std::int64_t>() > posted["id"].get<std::int64_t>());
}

TEST_CASE("copy-store moves a site from SQLite to PostgreSQL") {
  TempDir dir;
  PgSchema schema;
  ServerOptions sqlite_options;
  sqlite_options.db = dir / "comments.db";
  std::vector<std::string> bodies;
  {
    ServerProcess server(sqlite_options);
    WsClient poster(server);
    WsClient troll(server, from_address("127.0.0.9"));
    WsClient moderator(server);
    auth_moderator(moderator);
    for (int i = 0; i < 5; ++i) post_ok(poster, "moved", "comment " + std::to_string(i));
    const json bad = post_ok(troll, "moved", "trouble");
    REQUIRE(moderator.request({{"type", "ban"}, {"id", bad["id"]}})["type"] == "ok");
    REQUIRE(moderator.request({{"type", "filters"}, {"banned", {"敏感词"}}, {"suspect", {}}})["type"] == "filters");
    CHECK(server.stop(SIGTERM) == 0);
  }
  CHECK(run_binary({"copy-store", "--from", sqlite_options.db.string(), "--to", schema.uri()}) == 0);
  // A second copy into the now full target is refused.
  CHECK(run_binary({"copy-store", "--from", sqlite_options.db.string(), "--to", schema.uri()}) == 1);
  // A missing source is refused (not created empty).
  CHECK(run_binary({"copy-store", "--from", (dir / "missing.db").string(), "--to", schema.uri()}) == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "missing.db"));

  ServerProcess server(on_pg(schema));
  WsClient reader(server);
  const json snapshot = reader.request(join_msg("moved"));
  CHECK(snapshot["total"] == 6);
  CHECK(snapshot["comments"][0]["body"] == "trouble");
  // The ban still matches (the address-hash key moved too), the filters apply.
  WsClient troll(server, from_address("127.0.0.9"));
  CHECK(troll.request(post_msg("moved", "again"))["code"] == "banned");
  CHECK(reader.request(post_msg("moved", "敏感词"))["code"] == "blocked");
  const json fresh = post_ok(reader, "moved", "after the move");
  CHECK(fresh["id"].get<std::int64_t>() > snapshot["comments"][0]["id"].get<std::int64_t>());
}

}  // TEST_SUITE("pg")
