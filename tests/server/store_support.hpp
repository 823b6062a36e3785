// Helpers shared by the store tests: a database file in a fresh temporary
// folder (removed afterwards, -wal and -shm included), TestDb (a fresh empty
// database of the engine under test: SQLite or PostgreSQL, chosen by the
// environment, see engine()) and builders for posts.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string_view>
#include <vector>
#include <memory>
#include <sstream>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "pg_test_support.hpp"
#include "store/open_store.hpp"
#include "store/store.hpp"

namespace store_test {

class TempDb {
 public:
  TempDb() {
    std::string pattern = (std::filesystem::temp_directory_path() / "comments-store-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    dir_ = pattern;
  }
  ~TempDb() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string path() const { return (dir_ / "comments.db").string(); }

 private:
  std::filesystem::path dir_;
};

// A second, raw connection to the same file, for checks the Store interface
// does not offer (schema version, failure injection).
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error(sql + ": " + message);
    }
  }
  // First column of the first row as text (empty when no row).
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---- The engine under test -------------------------------------------------
//
// COMMENTS_TEST_STORE=pg runs the engine-neutral store tests on PostgreSQL
// (ctest's store_tests_pg), anything else (or unset) on SQLite. The
// PostgreSQL cluster is named by COMMENTS_TEST_PG_URI (a libpq URI of a
// database whose user may CREATE DATABASE), or by COMMENTS_TEST_PG_DIR, the
// folder where tests/services/postgres.sh wrote `uri`. Missing either is a
// failure, not a skip.
enum class Engine { sqlite, pg };

inline Engine engine() {
  const char* name = std::getenv("COMMENTS_TEST_STORE");
  return name && std::string_view(name) == "pg" ? Engine::pg : Engine::sqlite;
}

using pg_test::pg_admin_uri;
using pg_test::PgRaw;

// `uri` with its database name replaced by `database`.
inline std::string pg_uri_with_database(const std::string& uri, const std::string& database) {
  const std::size_t start = uri.find("://") + 3;
  const std::size_t query = uri.find('?', start);
  const std::size_t slash = uri.find('/', start);
  const std::size_t path_end = query == std::string::npos ? uri.size() : query;
  const std::size_t path_start = slash != std::string::npos && slash < path_end ? slash : path_end;
  return uri.substr(0, path_start) + "/" + database + uri.substr(path_end);
}

// A fresh, empty database of the engine under test (or of `which`), gone
// afterwards: a file in a temporary folder, or on PostgreSQL a schema of its
// own, selected by the URI's options=-csearch_path=… (a CREATE DATABASE per
// test costs a second; a schema is what the store sees as its database).
class TestDb {
 public:
  explicit TestDb(Engine which = engine()) : engine_(which) {
    if (engine_ == Engine::pg) schema_.emplace("comments_test_");
  }
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  Engine which() const { return engine_; }
  // PostgreSQL: the schema's name, also every session's application_name.
  const std::string& name() const { return schema_ ? schema_->name() : no_name_; }
  // The --db value: a file path or a libpq URI.
  std::string spec() const {
    if (engine_ == Engine::sqlite) return files_.path();
    return schema_->uri();
  }
  std::unique_ptr<comments::server::Store> open() const { return comments::server::open_store(spec()); }
  // A temporary folder for other files of the test.
  const std::filesystem::path& dir() const { return files_.dir(); }

  // Test SQL on a second connection.
  void exec(const std::string& sql) const {
    if (engine_ == Engine::pg) PgRaw(spec()).exec(sql);
    else RawDb(spec()).exec(sql);
  }
  std::string text(const std::string& sql) const {
    if (engine_ == Engine::pg) return PgRaw(spec()).text(sql);
    return RawDb(spec()).text(sql);
  }

  // From now on, inserting a comment whose body is `body` fails inside the
  // engine (as a full disk would), with the message "injected failure".
  void inject_insert_failure(const std::string& body) const {
    if (engine_ == Engine::pg) {
      exec("CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           "IF NEW.body = '" + body + "' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$");
      exec("CREATE TRIGGER inject_failure BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION inject_failure()");
    } else {
      exec("CREATE TRIGGER inject_failure BEFORE INSERT ON comments WHEN NEW.body = '" + body +
           "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    }
  }

 private:
  Engine engine_;
  TempDb files_;
  std::optional<pg_test::PgSchema> schema_;
  std::string no_name_;
};

inline comments::server::NewComment new_comment(
    std::string thread, std::string body, std::optional<std::int64_t> parent = std::nullopt,
    comments::Status status = comments::Status::published, std::string author = "网友",
    std::string poster = "poster-hash") {
  comments::server::NewComment c;
  c.thread = std::move(thread);
  c.parent = parent;
  c.author = std::move(author);
  c.body = std::move(body);
  c.created = 1605107052000;
  c.status = status;
  c.poster = std::move(poster);
  return c;
}

// Inserts one post and returns the stored comment (fails the caller's test
// through the exception when the store refuses it).
inline comments::Comment add(comments::server::Store& store, comments::server::NewComment c) {
  auto results = store.insert({std::move(c)});
  if (results.size() != 1 || !results[0]) throw std::runtime_error("insert did not store the post");
  return *results[0];
}

// The rows a version 1 schema could hold (a held post, a ban), for the
// engines' migration tests: they store them, take the later versions away,
// reopen, and hand the post's id to check_migrated_from_v1.
inline std::int64_t add_v1_rows(comments::server::Store& store) {
  const std::int64_t id =
      add(store, new_comment("t", "old post", std::nullopt, comments::Status::pending, "Ann", "hash-a")).id;
  store.ban("hash-a", 5);
  return id;
}

inline void check_migrated_from_v1(comments::server::Store& store, std::int64_t id) {
  CHECK(store.find(id)->body == "old post");
  // Stored before authors had secrets: nobody can edit it.
  CHECK(store.owned({id})[0].author_key.empty());
  CHECK_FALSE(store.find(id)->edited);
  CHECK(store.queue_context({*store.find(id)})[0].held.empty());
  CHECK(store.bans(0) == std::vector<comments::PosterBan>{{"hash-a", std::nullopt}});
  const auto list = store.ban_list(0, 10);
  REQUIRE(list.size() == 1);
  CHECK(list[0].moderator.empty());
  CHECK(list[0].author == "Ann");
  CHECK(list[0].posts == 1);
}

}  // namespace store_test
