// What only the PostgreSQL engine has: its schema table, the migration lock
// (instances started together on an empty database), the shared secret, a
// lost connection, the URI's password kept out of messages, and the plan of
// `join` (one index range). The behaviour both engines share is in
// store_engine.cpp. Runs in store_tests_pg only (test suite "pg").
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/open_store.hpp"
#include "store/pg_store.hpp"
#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::add;
using store_test::Engine;
using store_test::new_comment;
using store_test::PgRaw;
using store_test::TestDb;

namespace {

// Numbers the server's statistics views give `sql` (one row, the numbers
// separated by spaces), once the store's session has handed over its own.
// A session hands its statistics to the shared view when it goes idle, at
// most once a second (else only after 10 s idle): so wait a second, make the
// store run a statement that touches no comment (its session then flushes),
// and read until the counters stop changing.
std::vector<std::int64_t> settled_counters(PgRaw& raw, Store& store, const std::string& sql) {
  auto read = [&] {
    raw.exec("SELECT pg_stat_clear_snapshot()");
    return raw.text(sql);
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  (void)store.bans(0);
  std::string last = read();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int same = 0; same < 3 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::string now = read();
    same = now == last ? same + 1 : 0;
    last = now;
  }
  std::vector<std::int64_t> values;
  std::size_t pos = 0;
  while (pos < last.size()) {
    const std::size_t end = last.find(' ', pos);
    values.push_back(std::stoll(last.substr(pos, end - pos)));
    pos = end == std::string::npos ? last.size() : end + 1;
  }
  return values;
}

}  // namespace

TEST_CASE("redact_db hides a URI's password and leaves paths alone") {
  CHECK(redact_db("/var/lib/comments/c.db") == "/var/lib/comments/c.db");
  CHECK(redact_db("postgresql://app:s3cret@db.example:5432/comments") == "postgresql://app:***@db.example:5432/comments");
  CHECK(redact_db("postgres://app@db/comments") == "postgres://app@db/comments");
  CHECK(redact_db("postgresql:///comments?host=/run/pg&password=s3cret&sslmode=require") ==
        "postgresql:///comments?host=/run/pg&password=***&sslmode=require");
  CHECK(redact_db("postgresql://app:p%40ss@h/db?password=x") == "postgresql://app:***@h/db?password=***");
  CHECK(is_postgres_uri("postgresql://h/db"));
  CHECK(is_postgres_uri("postgres://h/db"));
  CHECK_FALSE(is_postgres_uri("postgresql.db"));
  CHECK_FALSE(is_postgres_uri("./postgres://x"));
}

TEST_SUITE("pg") {

TEST_CASE("an empty database is migrated to the current schema") {
  TestDb db(Engine::pg);
  { auto store = db.open(); }
  PgRaw raw(db.spec());
  CHECK(raw.text("SELECT version FROM comments_schema") == std::to_string(pg_schema_version));
  CHECK(raw.text("SELECT count(*) FROM comments_schema") == "1");
  for (const char* table : {"comments", "thread_counts", "flags", "bans", "filter_words", "audit", "secrets", "threads",
                            "likes"}) {
    CAPTURE(table);
    CHECK(raw.text(std::string("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '") +
                   table + "'") == "1");
  }
  CHECK(raw.column("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'comments' "
                   "ORDER BY indexname") ==
        std::vector<std::string>{"comments_flagged", "comments_hot", "comments_pinned", "comments_pkey", "comments_poster",
                                 "comments_published", "comments_status", "comments_thread_status"});
  // Opening again changes nothing.
  { auto again = db.open(); }
  CHECK(raw.text("SELECT count(*) FROM comments_schema") == "1");
}

TEST_CASE("a version 1 database is migrated to the current version and keeps its rows") {
  TestDb db(Engine::pg);
  std::int64_t id = 0;
  {
    auto store = db.open();
    id = store_test::add_v1_rows(*store);
  }
  // What version 1 had: the later versions' columns, tables and indexes taken away again,
  // so that every step runs.
  db.exec("DROP INDEX comments_hot; DROP TABLE likes; ALTER TABLE comments DROP COLUMN likes;"
          " ALTER TABLE comments DROP COLUMN author_key, DROP COLUMN edited;"
          " DROP INDEX comments_poster; DROP TABLE threads; ALTER TABLE comments DROP COLUMN held;"
          " ALTER TABLE bans DROP COLUMN expires, DROP COLUMN moderator, DROP COLUMN reason, DROP COLUMN comment;"
          " UPDATE comments_schema SET version = 1");
  auto store = db.open();
  PgRaw raw(db.spec());
  CHECK(raw.text("SELECT version FROM comments_schema") == std::to_string(pg_schema_version));
  store_test::check_migrated_from_v1(*store, id);
}

TEST_CASE("a database from before likes is migrated: its comments have no likes and can be liked") {
  TestDb db(Engine::pg);
  std::int64_t id = 0;
  {
    auto store = db.open();
    id = add(*store, new_comment("t", "old post")).id;
  }
  db.exec("DROP INDEX comments_hot; DROP TABLE likes; ALTER TABLE comments DROP COLUMN likes;"
          " UPDATE comments_schema SET version = 3");  // v4 brought likes
  auto store = db.open();
  PgRaw raw(db.spec());
  CHECK(raw.text("SELECT version FROM comments_schema") == std::to_string(pg_schema_version));
  CHECK(store->find(id)->likes == 0);
  CHECK(store->like(id, "addr", true, 1)->likes == 1);
  CHECK(store->hot("t", 10).at(0).id == id);
  // v5: only liked comments are in the hot order's index.
  CHECK(raw.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'comments_hot'").find("likes > 0") !=
        std::string::npos);
}

TEST_CASE("a schema newer than this build is refused") {
  TestDb db(Engine::pg);
  { auto store = db.open(); }
  db.exec("UPDATE comments_schema SET version = " + std::to_string(pg_schema_version + 1));
  try {
    db.open();
    FAIL("open succeeded");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("newer") != std::string::npos);
  }
}

TEST_CASE("a refused connection says why and never shows the password") {
  const std::string uri =
      store_test::pg_uri_with_database(store_test::pg_admin_uri(), "no_such_database_here");
  // The password as a URI parameter (the host is a socket path, so the
  // userinfo form is shown in redact_db's test above).
  const std::string with_password = uri + "&password=hunter2-secret";
  try {
    open_store(with_password);
    FAIL("open succeeded");
  } catch (const StoreError& e) {
    const std::string message = e.what();
    CAPTURE(message);
    CHECK(message.find("no_such_database_here") != std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("instances opening an empty database at the same moment all start, on one schema and one key") {
  TestDb db(Engine::pg);
  constexpr int instances = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(instances);
  std::vector<std::string> keys(instances);
  for (int i = 0; i < instances; ++i) {
    threads.emplace_back([&, i] {
      try {
        auto store = db.open();
        keys[static_cast<std::size_t>(i)] = store->secret("address-key", 32);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& error : errors) CHECK(error == "");
  for (const std::string& key : keys) CHECK(key == keys[0]);
  CHECK(keys[0].size() == 32);
  CHECK(db.text("SELECT count(*) FROM comments_schema") == "1");
  CHECK(db.text("SELECT count(*) FROM secrets") == "1");
}

TEST_CASE("two instances on one database see each other's writes and draw distinct increasing ids") {
  TestDb db(Engine::pg);
  auto a = db.open();
  auto b = db.open();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(add(i % 2 ? *a : *b, new_comment("t", "c" + std::to_string(i))).id);
  }
  CHECK(std::set<std::int64_t>(ids.begin(), ids.end()).size() == ids.size());
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(a->published_count("t") == 10);
  CHECK(b->latest("t", 50).newest.size() == 10);
  b->ban("troll", 1);
  CHECK(a->bans(2) == std::vector<PosterBan>{{"troll", std::nullopt}});
  a->save_filters(FilterLists{{"x"}, {}});
  CHECK(b->load_filters().banned == std::vector<std::string>{"x"});
}

TEST_CASE("a lost connection fails the call that finds it, and the next call reconnects") {
  TestDb db(Engine::pg);
  auto store = db.open();
  const Comment before = add(*store, new_comment("t", "before"));
  PgRaw raw(db.spec());
  // End the store's session (every session of this test but this one), as
  // a server restart or a network cut would.
  raw.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
           "WHERE application_name = '" + db.name() + "' AND pid <> pg_backend_pid()");
  CHECK_THROWS_AS(store->insert({new_comment("t", "lost"), new_comment("t", "lost too")}), StoreError);
  // The next use resets the connection and prepares its statements again.
  const Comment after = add(*store, new_comment("t", "after"));
  CHECK(after.id > before.id);
  CHECK(store->published_count("t") == 2);
  CHECK(store->latest("t", 10).newest.size() == 2);
  CHECK(raw.text("SELECT count(*) FROM comments WHERE body LIKE 'lost%'") == "0");
}

TEST_CASE("join reads one range of comments_published, whatever the thread's size") {
  TestDb db(Engine::pg);
  auto store = db.open();
  // 20,000 comments in three threads, every 5th held: the big thread's
  // published entries are interleaved with everything else.
  std::vector<std::int64_t> big;
  for (int start = 0; start < 20'000; start += 5'000) {
    std::vector<NewComment> batch;
    for (int i = start; i < start + 5'000; ++i) {
      batch.push_back(new_comment(i % 3 ? "big" : (i % 2 ? "small" : "other"), "c" + std::to_string(i),
                                  std::nullopt, i % 5 ? Status::published : Status::pending));
    }
    for (const auto& r : store->insert(batch)) {
      if (r && r->thread == "big" && r->status == Status::published) big.push_back(r->id);
    }
  }
  store->moderate(big[3], ModerateAction::pin);
  PgRaw raw(db.spec());
  raw.exec("ANALYZE");

  // The plan of the same statements, as the planner sees them now.
  const std::string plan_newest = [&] {
    std::string plan;
    for (const std::string& line :
         raw.column("EXPLAIN SELECT id FROM comments WHERE thread = 'big' AND status = 0 "
                    "ORDER BY id + 0 DESC LIMIT 50"))
      plan += line + "\n";
    return plan;
  }();
  CAPTURE(plan_newest);
  CHECK(plan_newest.find("Index Scan Backward using comments_published") != std::string::npos);
  CHECK(plan_newest.find("Seq Scan") == std::string::npos);
  CHECK(plan_newest.find("Sort") == std::string::npos);

  // And what the store's own statement did, from the server's statistics:
  // one scan of comments_published reading 50 entries, no sequential scan.
  const std::string counters =
      "SELECT (SELECT idx_scan FROM pg_stat_user_indexes WHERE schemaname = current_schema() AND indexrelname = 'comments_published') || ' ' ||"
      " (SELECT idx_tup_read FROM pg_stat_user_indexes WHERE schemaname = current_schema() AND indexrelname = 'comments_published') || ' ' ||"
      " (SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'comments')";
  const auto before = settled_counters(raw, *store, counters);
  const ThreadSnapshot snap = store->latest("big", 50);
  const auto after = settled_counters(raw, *store, counters);
  REQUIRE(before.size() == 3);
  REQUIRE(after.size() == 3);
  CHECK(snap.newest.size() == 50);
  CHECK(snap.newest.front().id == big.back());
  CHECK(snap.total == static_cast<std::int64_t>(big.size()));
  REQUIRE(snap.pinned.size() == 1);
  CHECK(snap.pinned[0].id == big[3]);
  CHECK(after[0] - before[0] == 1);   // one index scan
  CHECK(after[1] - before[1] <= 51);  // of about 50 entries (not the thread's thousands)
  CHECK(after[2] == before[2]);       // no sequential scan of comments
}

TEST_CASE("a batch of replies looks each parent up by its key, never scanning comments") {
  TestDb db(Engine::pg);
  auto store = db.open();
  std::vector<NewComment> fill;
  for (int i = 0; i < 5'000; ++i) fill.push_back(new_comment("t" + std::to_string(i % 10), "c" + std::to_string(i)));
  const auto parents = store->insert(fill);
  PgRaw raw(db.spec());
  raw.exec("ANALYZE");
  // Checked as a hash of the whole table instead (what PostgreSQL chose for
  // an EXISTS here), every batch would read every comment.
  std::vector<NewComment> replies;
  for (int i = 0; i < 100; ++i) {
    const Comment& parent = *parents[static_cast<std::size_t>(i * 47)];
    replies.push_back(new_comment(i % 9 ? parent.thread : "elsewhere", "reply " + std::to_string(i), parent.id));
  }
  const std::string counters =
      "SELECT seq_scan || ' ' || idx_scan FROM pg_stat_user_tables "
      "WHERE schemaname = current_schema() AND relname = 'comments'";
  const auto before = settled_counters(raw, *store, counters);
  const auto results = store->insert(replies);
  const auto after = settled_counters(raw, *store, counters);
  REQUIRE(before.size() == 2);
  REQUIRE(after.size() == 2);
  for (std::size_t i = 0; i < results.size(); ++i) CHECK(results[i].has_value() == (i % 9 != 0));
  CHECK(after[0] == before[0]);         // no sequential scan of comments
  CHECK(after[1] - before[1] >= 100);  // a lookup per reply
}

}  // TEST_SUITE("pg")
