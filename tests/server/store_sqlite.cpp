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

TEST_CASE("a version 1 file is migrated to version 2 and keeps its rows") {
  TempDb tmp;
  std::int64_t id = 0;
  {
    auto store = open_sqlite_store(tmp.path());
    id = store_test::add(*store, store_test::new_comment("t", "old post", std::nullopt, Status::pending, "Ann", "hash-a")).id;
    store->ban("hash-a", 5);
  }
  // What version 1 had: version 2's columns, table and index taken away again.
  RawDb raw(tmp.path());
  // (and the likes step's: later steps are taken away too, so every step runs)
  for (const char* sql : {"DROP INDEX comments_hot", "DROP TABLE likes", "ALTER TABLE comments DROP COLUMN likes",
                          "DROP INDEX comments_poster", "DROP TABLE threads", "ALTER TABLE comments DROP COLUMN held",
                          "ALTER TABLE bans DROP COLUMN expires", "ALTER TABLE bans DROP COLUMN moderator",
                          "ALTER TABLE bans DROP COLUMN reason", "ALTER TABLE bans DROP COLUMN comment",
                          "PRAGMA user_version = 1"}) {
    raw.exec(sql);
  }
  auto store = open_sqlite_store(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  CHECK(store->find(id)->body == "old post");
  CHECK(store->queue_context({*store->find(id)})[0].held.empty());
  CHECK(store->bans(0) == std::vector<PosterBan>{{"hash-a", std::nullopt}});
  const auto list = store->ban_list(0, 10);
  REQUIRE(list.size() == 1);
  CHECK(list[0].moderator.empty());
  CHECK(list[0].author == "Ann");
  CHECK(list[0].posts == 1);
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
  raw.exec("PRAGMA user_version = " + std::to_string(sqlite_schema_version - 1));
  auto store = open_sqlite_store(tmp.path());
  CHECK(raw.text("PRAGMA user_version") == std::to_string(sqlite_schema_version));
  CHECK(store->find(id)->likes == 0);
  CHECK(store->like(id, "addr", true, 1)->likes == 1);
  CHECK(store->hot("t", 10).at(0).id == id);
}

}  // TEST_SUITE("sqlite")
