// Helpers shared by the store tests: a database file in a fresh temporary
// folder (removed afterwards, -wal and -shm included) and builders for posts.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

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

}  // namespace store_test
