// What only the SQLite engine has: the file, WAL mode, PRAGMA user_version.
// (The behaviour both engines share is in store_engine.cpp.)
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "store/sqlite_store.hpp"
#include "store_support.hpp"

using namespace comments;
using namespace comments::server;
using store_test::RawDb;
using store_test::TempDb;

namespace {

// Versions 1 and 2 counted a thread's new published comments with this trigger;
// version 3 drops it (the store counts them per batch).
constexpr const char* count_insert_trigger =
    "CREATE TRIGGER comments_count_insert AFTER INSERT ON comments WHEN NEW.status = 0 BEGIN"
    " INSERT INTO thread_counts(thread, published) VALUES (NEW.thread, 1)"
    " ON CONFLICT(thread) DO UPDATE SET published = published + 1; END";

}  // namespace

TEST_SUITE("sqlite") {

TEST_CASE("an empty file is migrated to the current schema in WAL mode") {
  TempDb tmp;
  { auto store = open_sqlite_store(tmp.path()); }
  RawDb raw(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  for (const char* table : {"comments", "thread_counts", "flags", "bans", "filter_words", "audit",
                            "secrets", "threads", "likes"}) {
    CAPTURE(table);
    CHECK(raw.text(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
                   table + "'") == "1");
  }
}

TEST_CASE("opening refuses what it cannot use, with the reason") {
  TempDb tmp;
  SUBCASE("a missing folder") {
    const std::string path = (tmp.dir() / "no-such-dir" / "c.db").string();
    try {
      open_sqlite_store(path);
      FAIL("open succeeded");
    } catch (const StoreError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  SUBCASE("a file that is not a database") {
    std::ofstream(tmp.path()) << "this is not an SQLite database, just some text long enough";
    CHECK_THROWS_AS(open_sqlite_store(tmp.path()), StoreError);
  }
  SUBCASE("a schema newer than this build") {
    { auto store = open_sqlite_store(tmp.path()); }
    RawDb(tmp.path()).exec("PRAGMA user_version = " + std::to_string(sqlite_schema_version + 1));
    try {
      open_sqlite_store(tmp.path());
      FAIL("open succeeded");
    } catch (const StoreError& e) {
      CHECK(std::string(e.what()).find("newer") != std::string::npos);
    }
  }
}

TEST_CASE("a version 1 file is migrated to the current version and keeps its rows") {
  TempDb tmp;
  std::int64_t id = 0;
  {
    auto store = open_sqlite_store(tmp.path());
    id = store_test::add_v1_rows(*store);
  }
  // What version 1 had: the later versions' columns, table and index taken away again.
  RawDb raw(tmp.path());
  for (const char* sql : {"DROP INDEX comments_hot", "DROP TABLE likes", "ALTER TABLE comments DROP COLUMN likes",
                          "ALTER TABLE comments DROP COLUMN author_key", "ALTER TABLE comments DROP COLUMN edited",
                          "DROP INDEX comments_poster", "DROP TABLE threads", "ALTER TABLE comments DROP COLUMN held",
                          "ALTER TABLE bans DROP COLUMN expires", "ALTER TABLE bans DROP COLUMN moderator",
                          "ALTER TABLE bans DROP COLUMN reason", "ALTER TABLE bans DROP COLUMN comment",
                          count_insert_trigger, "PRAGMA user_version = 1"}) {
    raw.exec(sql);
  }
  auto store = open_sqlite_store(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  store_test::check_migrated_from_v1(*store, id);
}

TEST_CASE("a version 2 file is migrated to the current version and counts each new comment once") {
  TempDb tmp;
  {
    auto store = open_sqlite_store(tmp.path());
    store_test::add(*store, store_test::new_comment("t", "before"));
  }
  RawDb raw(tmp.path());
  // What version 2 had: the trigger, without the later versions' columns, table and index.
  for (const char* sql : {"DROP INDEX comments_hot", "DROP TABLE likes", "ALTER TABLE comments DROP COLUMN likes",
                          "ALTER TABLE comments DROP COLUMN author_key", "ALTER TABLE comments DROP COLUMN edited",
                          count_insert_trigger, "PRAGMA user_version = 2"}) {
    raw.exec(sql);
  }
  auto store = open_sqlite_store(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  CHECK(raw.text("SELECT count(*) FROM sqlite_schema WHERE name = 'comments_count_insert'") == "0");
  CHECK(store->published_count("t") == 1);
  // A batch with two threads, a held post and a reply: each published one counted once.
  std::vector<NewComment> batch;
  batch.push_back(store_test::new_comment("t", "a"));
  batch.push_back(store_test::new_comment("u", "b"));
  batch.push_back(store_test::new_comment("t", "held", std::nullopt, Status::pending));
  batch.push_back(store_test::new_comment("t", "reply", 1));
  const auto results = store->insert(std::move(batch));
  REQUIRE(results.size() == 4);
  CHECK(store->published_count("t") == 3);
  CHECK(store->published_count("u") == 1);
  CHECK(raw.text("SELECT published FROM thread_counts WHERE thread = 't'") ==
        raw.text("SELECT count(*) FROM comments WHERE thread = 't' AND status = 0"));
}

// The WAL's writes are gathered and written at the commit's fsync
// (store/wal_write_buffer.hpp): a commit of far more than one write's worth
// (the unix VFS cuts writes at 128 KiB) must reach the file whole, visible to
// another connection at once and after a reopen.
TEST_CASE("commits of one and of five megabytes of WAL reach the file whole") {
  TempDb tmp;
  const std::string body(3000, 'x');
  std::vector<std::int64_t> ids;
  std::size_t bytes = 0;
  {
    auto store = open_sqlite_store(tmp.path());
    // The second commit gathers more than the buffer holds (4 MiB): written
    // out part by part before the fsync.
    for (const int round : {0, 1}) {
      std::vector<NewComment> batch;
      for (int i = 0; i < (round == 0 ? 300 : 1600); ++i) {
        std::string text = std::to_string(round * 1000 + i) + body;
        bytes += text.size();
        batch.push_back(store_test::new_comment("t" + std::to_string(i % 37), std::move(text)));
      }
      for (const auto& r : store->insert(std::move(batch))) {
        REQUIRE(r);
        ids.push_back(r->id);
      }
      RawDb other(tmp.path());  // the default VFS, no part in the gathering
      CHECK(other.text("SELECT count(*) FROM comments") == std::to_string(ids.size()));
      CHECK(other.text("SELECT sum(length(body)) FROM comments") == std::to_string(bytes));
    }
  }
  auto store = open_sqlite_store(tmp.path());
  RawDb raw(tmp.path());
  CHECK(raw.text("PRAGMA integrity_check") == "ok");
  CHECK(raw.text("SELECT count(*) FROM comments") == "1900");
  CHECK(store->find(ids.back())->body == "2599" + body);
  CHECK(store->published_count("t0") == 9 + 44);
}

TEST_CASE("a file from before likes is migrated: its comments have no likes and can be liked") {
  TempDb tmp;
  std::int64_t id = 0;
  {
    auto store = open_sqlite_store(tmp.path());
    id = store_test::add(*store, store_test::new_comment("t", "old post")).id;
  }
  RawDb raw(tmp.path());
  for (const char* sql : {"DROP INDEX comments_hot", "DROP TABLE likes", "ALTER TABLE comments DROP COLUMN likes"}) {
    raw.exec(sql);
  }
  raw.exec("PRAGMA user_version = 4");  // v5 brought likes
  auto store = open_sqlite_store(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  CHECK(store->find(id)->likes == 0);
  CHECK(store->like(id, "addr", true, 1)->likes == 1);
  CHECK(store->hot("t", 10).at(0).id == id);
  // v6: only liked comments are in the hot order's index.
  CHECK(raw.text("SELECT sql FROM sqlite_master WHERE name = 'comments_hot'").find("likes > 0") != std::string::npos);
}

}  // TEST_SUITE("sqlite")
