#include "store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "store/store.hpp"

namespace comments::server {
namespace {

namespace fs = std::filesystem;

struct CloseDb {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw StoreError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Db open(const std::string& path, int flags, const std::string& what) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) fail(db.get(), what + " " + path);
  return db;
}

void exec(sqlite3* db, const char* sql, const std::string& what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, what);
}

// The first column of the first row of `sql` as text ("" without a row).
std::string single_text(sqlite3* db, const char* sql, const std::string& what) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) fail(db, what);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  const int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return {};
  if (rc != SQLITE_ROW) fail(db, what);
  const auto* text = sqlite3_column_text(raw, 0);
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

// A comments database: it reads, and it has the comments table.
void require_comments_database(sqlite3* db, const std::string& path) {
  const std::string tables =
      single_text(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'comments'",
                  path + " is not a readable SQLite database");
  if (tables != "1") throw StoreError(path + " is not a comments database (it has no comments table)");
}

void require_intact(sqlite3* db, const std::string& path) {
  const std::string verdict = single_text(db, "PRAGMA quick_check", "checking " + path);
  if (verdict != "ok") throw StoreError(path + " failed SQLite's quick_check: " + verdict);
}

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) throw StoreError("opening " + path.string() + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw StoreError("syncing " + path.string() + ": " + std::strerror(saved));
}

// Runs the backup from `src` to `dst` to its end: `pages` per step (all at
// once when negative), pausing between steps. BUSY and LOCKED are passing
// states (another connection holds a lock for a moment): wait and retry,
// up to a bound so a stuck lock fails instead of hanging.
std::int64_t copy_pages(sqlite3* src, sqlite3* dst, int pages, std::chrono::milliseconds pause,
                        std::int64_t& busy_retries, const std::string& what) {
  constexpr std::int64_t max_busy_in_a_row = 5000;  // about 10-50 s of waiting
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  if (backup == nullptr) fail(dst, what);
  std::int64_t busy_in_a_row = 0;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, pages);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      busy_in_a_row = 0;
      std::this_thread::sleep_for(pause);
      continue;
    }
    const int primary = rc & 0xff;
    if ((primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && ++busy_in_a_row < max_busy_in_a_row) {
      ++busy_retries;
      std::this_thread::sleep_for(std::max(pause, std::chrono::milliseconds(2)));
      continue;
    }
    break;
  }
  const std::int64_t copied = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    throw StoreError(what + ": " + sqlite3_errstr(rc) +
                     (busy_in_a_row >= max_busy_in_a_row ? " (still locked after many retries)" : ""));
  }
  return copied;
}

void remove_quietly(const fs::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path.string() + suffix, ec);
}

}  // namespace

BackupReport backup_database(const std::string& db_path, const std::string& to,
                             const BackupOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) {
    throw StoreError("the database " + db_path + " does not exist (or is not a file)");
  }
  const fs::path target(to);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) {
    throw StoreError("cannot write the backup to " + to + ": the folder " + folder.string() +
                     " does not exist");
  }
  if (fs::is_directory(target, ec)) {
    throw StoreError("cannot write the backup to " + to + ": it is a folder; give a file name");
  }
  if (fs::equivalent(db_path, target, ec)) {
    throw StoreError("cannot write the backup over the database itself (" + to + ")");
  }

  // Read-write (never create: a wrong path must not make an empty database),
  // as a WAL reader needs the -shm file.
  Db src = open(db_path, SQLITE_OPEN_READWRITE, "opening the database");
  sqlite3_busy_timeout(src.get(), 5000);
  require_comments_database(src.get(), db_path);
  // One read transaction across every step: all steps read the same snapshot
  // (WAL readers do not block the server's commits, and those commits do not
  // restart the backup, as they would between separate steps). Every commit
  // acknowledged before this point is in the snapshot.
  exec(src.get(), "BEGIN", "starting the snapshot of " + db_path);
  single_text(src.get(), "SELECT count(*) FROM sqlite_schema", "reading " + db_path);

  const fs::path temporary = target.string() + ".tmp-" + std::to_string(::getpid());
  remove_quietly(temporary);
  BackupReport report;
  try {
    {
      Db dst = open(temporary.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                    "cannot create the backup file");
      report.pages = copy_pages(src.get(), dst.get(), options.pages_per_step, options.pause,
                                report.busy_retries, "copying " + db_path + " to " + temporary.string());
      // The copy's header says WAL (as the source): make the backup one
      // self-contained file instead, then check it.
      const std::string mode = single_text(dst.get(), "PRAGMA journal_mode = DELETE",
                                           "finishing " + temporary.string());
      if (mode != "delete") throw StoreError("finishing " + temporary.string() + ": journal mode " + mode);
      require_intact(dst.get(), temporary.string());
    }
    exec(src.get(), "COMMIT", "ending the snapshot of " + db_path);
    fsync_path(temporary, false);
    fs::rename(temporary, target);
    fsync_path(folder, true);
  } catch (const fs::filesystem_error& e) {
    remove_quietly(temporary);
    throw StoreError("cannot write the backup to " + to + ": " + e.code().message());
  } catch (...) {
    remove_quietly(temporary);
    throw;
  }
  report.bytes = static_cast<std::int64_t>(fs::file_size(target, ec));
  return report;
}

void restore_database(const std::string& from, const std::string& db_path) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) throw StoreError("the backup " + from + " does not exist");
  Db src = open(from, SQLITE_OPEN_READONLY, "opening the backup");
  require_comments_database(src.get(), from);
  require_intact(src.get(), from);

  const bool existed = fs::exists(db_path, ec);
  Db dst = open(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "opening the database");
  // An exclusive lock kept until the connection closes: it fails at once
  // while any other process (a running server, a backup) has the file open.
  exec(dst.get(), "PRAGMA locking_mode = EXCLUSIVE", "locking " + db_path);
  if (sqlite3_exec(dst.get(), "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const int primary = sqlite3_errcode(dst.get()) & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      throw StoreError("the database " + db_path +
                       " is in use (is the server running? stop it before restoring)");
    }
    fail(dst.get(), "locking " + db_path);
  }
  exec(dst.get(), "COMMIT", "locking " + db_path);  // the lock stays (exclusive mode)

  std::int64_t retries = 0;
  if (existed) {
    const std::string saved = db_path + ".before-restore";
    remove_quietly(saved);
    {
      Db keep = open(saved, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "cannot create " + saved);
      copy_pages(dst.get(), keep.get(), -1, {}, retries, "saving " + db_path + " to " + saved);
      single_text(keep.get(), "PRAGMA journal_mode = DELETE", "finishing " + saved);
    }
    fsync_path(saved, false);
  }
  copy_pages(src.get(), dst.get(), -1, {}, retries, "restoring " + from + " into " + db_path);
  // Back to WAL (the copied header may say otherwise) with everything in the
  // main file, as the server expects to find it.
  single_text(dst.get(), "PRAGMA journal_mode = WAL", "finishing " + db_path);
  exec(dst.get(), "PRAGMA wal_checkpoint(TRUNCATE)", "finishing " + db_path);
  require_intact(dst.get(), db_path);
}

}  // namespace comments::server
