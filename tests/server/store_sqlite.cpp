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
                            "secrets"}) {
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

}  // TEST_SUITE("sqlite")
