// The peer's database: one comments table with the indexes its queries use.
// WAL + synchronous=FULL: a committed INSERT is on disk when it returns.
'use strict';

const Database = require('better-sqlite3');

function openDatabase(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS comments (
      id      INTEGER PRIMARY KEY AUTOINCREMENT,
      thread  TEXT    NOT NULL,
      parent  INTEGER,
      author  TEXT    NOT NULL,
      body    TEXT    NOT NULL,
      created INTEGER NOT NULL,
      status  TEXT    NOT NULL DEFAULT 'published',
      pinned  INTEGER NOT NULL DEFAULT 0,
      flags   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS comments_by_thread ON comments (thread, status, id);
    -- The pinned lookup filters on thread and status too: the partial index
    -- carries both, or SQLite walks the whole thread through the index above.
    CREATE INDEX IF NOT EXISTS comments_pinned ON comments (thread, status, id) WHERE pinned = 1;
  `);
  return db;
}

module.exports = { openDatabase };
