// Backup and restore of the SQLite database with SQLite's online backup API
// (docs/server.md "Backups and restore"). Both run in their own process
// (`comment-server backup` / `comment-server restore`), beside or instead of
// the server; failures throw StoreError with one sentence naming the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace comments::server {

struct BackupOptions {
  // Pages copied per sqlite3_backup_step, and the pause between steps: the
  // copy yields the disk to the running server between chunks.
  int pages_per_step = 1024;
  std::chrono::milliseconds pause{2};
};

struct BackupReport {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;       // size of the finished backup file
  std::int64_t busy_retries = 0;  // steps answered BUSY/LOCKED and retried
};

// Copies the database at `db_path` (which must exist and be a comments
// database) to `to`, safely while a server writes to it: the copy is one
// consistent snapshot (a read transaction held across the chunked steps, so
// commits made meanwhile neither block it nor restart it), taken when this
// is called: every commit finished before the call is in it. Written to a
// temporary file beside `to`, checked (quick_check), fsynced and renamed, so
// `to` is either the old file or a whole new backup. The backup file is a
// single self-contained file (rollback journal mode, no -wal beside it).
BackupReport backup_database(const std::string& db_path, const std::string& to,
                             const BackupOptions& options = {});

// Replaces the database at `db_path` with the backup `from`, only while no
// process has `db_path` open (the server must be stopped: refused otherwise).
// `from` is checked first (quick_check; a comments database). An existing
// `db_path` is first saved, whole, as `db_path`.before-restore. The copy goes
// through SQLite's backup API into `db_path`'s own connection, so its -wal
// and -shm files stay consistent with it.
void restore_database(const std::string& from, const std::string& db_path);

}  // namespace comments::server
