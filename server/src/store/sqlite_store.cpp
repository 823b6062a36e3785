// SQLite engine of the Store interface: one connection, used only from the
// StoreWorker thread, every statement prepared once and cached, every write
// one transaction. docs/storage.md explains the schema and the settings.
#include "store/sqlite_store.hpp"

#include <sqlite3.h>


#include <cerrno>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "comments/limits.hpp"
#include "comments/text.hpp"
#include "store/queue_sql.hpp"
#include "store/status_code.hpp"
#include "store/store_rows.hpp"
#include "store/wal_write_buffer.hpp"
#include "support/crypto.hpp"

namespace comments::server {

// ---- Case folding for the moderator queue ----------------------------------
//
// SQLite's lower() and LIKE fold ASCII only (this build has no ICU), so the
// queue's case-insensitive filters use a SQL function of our own over core's
// Unicode simple lowercase mapping (text::lower), the same as the console's.

namespace {

std::string_view text_of(sqlite3_value* value) {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(value));
  return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_value_bytes(value)))
               : std::string_view();
}

// contains_folded(text, folded_needle) in SQL: 1 when the lower-cased text
// holds the needle (which the caller lower-cased once). A plain substring
// test, so % and _ are ordinary characters. The fold buffer is reused from
// row to row: a moderator search may scan a million rows.
void sql_contains_folded(sqlite3_context* context, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) == SQLITE_NULL || sqlite3_value_type(args[1]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  try {
    thread_local std::string folded;
    folded.clear();
    text::append_lower(folded, text_of(args[0]));
    sqlite3_result_int(context, folded.find(text_of(args[1])) != std::string::npos ? 1 : 0);
  } catch (...) {  // exceptions must not cross the C API
    sqlite3_result_error_nomem(context);
  }
}

}  // namespace

namespace {

// ---- Small RAII wrappers over the C API --------------------------------------

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : "out of memory";
  if (db) message += " (SQLite code " + std::to_string(sqlite3_extended_errcode(db)) + ")";
  throw StoreError(message);
}

struct ConnectionCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};

// One prepared statement, kept for the life of the connection.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK) throw_sqlite(db, "preparing \"" + std::string(sql) + "\"");
  }

  sqlite3* db() const noexcept { return db_; }
  sqlite3_stmt* get() const noexcept { return stmt_.get(); }

 private:
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

// One use of a cached statement: binds, steps, reads columns, and resets the
// statement when it goes out of scope (so no read stays open by accident).
class Query {
 public:
  explicit Query(Statement& statement) : stmt_(statement.get()), db_(statement.db()) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Query& bind(int index, std::string_view value) {
    check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  // The same without SQLite's own copy (a malloc and a memcpy per value):
  // `value` must outlive this Query, which unbinds it when it goes away.
  Query& bind_unowned(int index, std::string_view value) {
    check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_STATIC));
    return *this;
  }
  Query& bind(int index, const std::optional<std::int64_t>& value) {
    check(value ? sqlite3_bind_int64(stmt_, index, *value) : sqlite3_bind_null(stmt_, index));
    return *this;
  }
  // An author key: NULL when there is none.
  Query& bind_key(int index, std::string_view key) {
    if (key.empty()) {
      check(sqlite3_bind_null(stmt_, index));
      return *this;
    }
    return bind_blob(index, key);
  }
  Query& bind_blob(int index, std::string_view bytes) {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }

  // True while a row is available; false when done; throws on failure.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite(db_, "running \"" + std::string(sqlite3_sql(stmt_)) + "\"");
  }
  // For statements that return no rows.
  void run() {
    while (step()) {
    }
  }

  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return bytes ? std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
  }
  std::string blob(int column) const {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return bytes ? std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw_sqlite(db_, "binding a parameter");
  }

  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

// ---- Schema and migrations -----------------------------------------------------
// migrations[i] takes the schema from version i to i + 1. To change the schema,
// append a step (never edit a shipped one) and raise sqlite_schema_version.

struct Migration {
  const char* summary;
  const char* sql;
};

constexpr Migration migrations[] = {
    {"v1: comments, per-thread counts, flags, bans, filters, audit, secrets", R"sql(
CREATE TABLE comments (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, increases with time
  thread   TEXT    NOT NULL,
  parent   INTEGER REFERENCES comments(id),
  author   TEXT    NOT NULL,
  body     TEXT    NOT NULL,
  created  INTEGER NOT NULL,                    -- Unix ms
  status   INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),  -- 0 published 1 pending 2 rejected 3 deleted
  pinned   INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  flags    INTEGER NOT NULL DEFAULT 0 CHECK (flags >= 0),
  poster   TEXT    NOT NULL                     -- keyed hash of the client address
);
-- latest/page (thread = ? AND status = 0 ORDER BY id DESC) and the queue's
-- thread + status filter.
CREATE INDEX comments_thread_status ON comments(thread, status, id DESC);
-- The queue by status alone.
CREATE INDEX comments_status ON comments(status, id DESC);
-- Pinned published comments of a thread: a handful of rows at most.
CREATE INDEX comments_pinned ON comments(thread, id DESC) WHERE status = 0 AND pinned = 1;
-- The flagged queue.
CREATE INDEX comments_flagged ON comments(id DESC) WHERE flags > 0;

-- Published comments per thread, kept by triggers inside the writing
-- transaction so `total` is one primary-key lookup however large the thread.
CREATE TABLE thread_counts (
  thread    TEXT PRIMARY KEY,
  published INTEGER NOT NULL CHECK (published >= 0)
) WITHOUT ROWID;
CREATE TRIGGER comments_count_insert AFTER INSERT ON comments WHEN NEW.status = 0
BEGIN
  INSERT INTO thread_counts(thread, published) VALUES (NEW.thread, 1)
    ON CONFLICT(thread) DO UPDATE SET published = published + 1;
END;
CREATE TRIGGER comments_count_publish AFTER UPDATE OF status ON comments
  WHEN NEW.status = 0 AND OLD.status <> 0
BEGIN
  INSERT INTO thread_counts(thread, published) VALUES (NEW.thread, 1)
    ON CONFLICT(thread) DO UPDATE SET published = published + 1;
END;
CREATE TRIGGER comments_count_unpublish AFTER UPDATE OF status ON comments
  WHEN OLD.status = 0 AND NEW.status <> 0
BEGIN
  UPDATE thread_counts SET published = published - 1 WHERE thread = OLD.thread;
END;
CREATE TRIGGER comments_count_delete AFTER DELETE ON comments WHEN OLD.status = 0
BEGIN
  UPDATE thread_counts SET published = published - 1 WHERE thread = OLD.thread;
END;

-- One row per (comment, flagger): a second flag from the same address does
-- not count. approve deletes the comment's rows and zeroes comments.flags.
CREATE TABLE flags (
  comment_id INTEGER NOT NULL REFERENCES comments(id),
  flagger    TEXT    NOT NULL,
  reason     TEXT    NOT NULL,
  at         INTEGER NOT NULL,
  PRIMARY KEY (comment_id, flagger)
) WITHOUT ROWID;

CREATE TABLE bans (
  poster TEXT PRIMARY KEY,
  at     INTEGER NOT NULL
) WITHOUT ROWID;

-- The moderation filter's word lists, in the moderator's order.
CREATE TABLE filter_words (
  list     TEXT    NOT NULL CHECK (list IN ('banned', 'suspect')),
  position INTEGER NOT NULL,
  word     TEXT    NOT NULL,
  PRIMARY KEY (list, position)
) WITHOUT ROWID;

CREATE TABLE audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  at        INTEGER NOT NULL,
  action    TEXT    NOT NULL,
  comment   INTEGER,
  thread    TEXT    NOT NULL,
  moderator TEXT    NOT NULL,
  detail    TEXT    NOT NULL
);

-- Persistent random secrets (e.g. the key of the address hash).
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
    {"v2: ban expiry and who/why, why a comment was held, thread titles, posts by poster", R"sql(
-- A ban's end (NULL: permanent), who made it, why, and the comment it was
-- made from. An expired ban stays (the ban list shows only those in force).
ALTER TABLE bans ADD COLUMN expires   INTEGER;
ALTER TABLE bans ADD COLUMN moderator TEXT NOT NULL DEFAULT '';
ALTER TABLE bans ADD COLUMN reason    TEXT NOT NULL DEFAULT '';
ALTER TABLE bans ADD COLUMN comment   INTEGER;
-- Why a post was held when it came in: 'word:W', 'links:N', 'premoderate'.
ALTER TABLE comments ADD COLUMN held TEXT NOT NULL DEFAULT '';
-- A poster's comments (the ban list's last name used and post count).
CREATE INDEX comments_poster ON comments(poster, id DESC);
-- Each thread's article title and link, as its pages last said (join).
CREATE TABLE threads (
  thread  TEXT    PRIMARY KEY,
  title   TEXT    NOT NULL,
  url     TEXT    NOT NULL,
  updated INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    {"v3: new comments counted by the store, one upsert per thread and batch", R"sql(
-- A trigger on INSERT made every INSERT a statement that writes twice, so
-- SQLite kept a statement journal of the pages each post touched (copies
-- of whole pages, spilled to a temporary file past 64 KiB: ~10 % of the
-- server's CPU per post, bench ingest). The store now adds a batch's new
-- published comments to thread_counts itself, in the same transaction. The
-- triggers for status changes and deletes stay.
DROP TRIGGER comments_count_insert;
)sql"},
    {"v4: an author's own comments: the hash of the author's secret, when it was edited", R"sql(
-- SHA-256 of the secret the post's ack gave its author (NULL: none, e.g. stored
-- before), and when the author last edited the body (Unix ms; NULL: never).
ALTER TABLE comments ADD COLUMN author_key BLOB;
ALTER TABLE comments ADD COLUMN edited INTEGER;
)sql"},
    {"v5: likes, one per comment and address, the count on the comment, the hot order", R"sql(
-- How many addresses like the comment (顶), kept with its likes rows in one
-- transaction so a comment read carries it without a join.
ALTER TABLE comments ADD COLUMN likes INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0);
-- One row per (comment, liker): a second like from the same address does not count.
CREATE TABLE likes (
  comment_id INTEGER NOT NULL REFERENCES comments(id),
  liker      TEXT    NOT NULL,  -- keyed hash of the client address
  at         INTEGER NOT NULL,
  PRIMARY KEY (comment_id, liker)
) WITHOUT ROWID;
-- The hot view: a thread's published comments by likes, newest first among equals.
CREATE INDEX comments_hot ON comments(thread, likes DESC, id DESC) WHERE status = 0;
)sql"},
    {"v6: the hot order indexes liked comments only, so a new post skips it", R"sql(
-- Every new post has no likes yet: indexing only liked ones spares each post
-- one b-tree insert in a page of its thread (and that page in the WAL, the
-- fsync and the checkpoint). hot() reads the comments nobody liked yet from
-- comments_thread_status, newest first, after the liked ones.
DROP INDEX comments_hot;
CREATE INDEX comments_hot ON comments(thread, likes DESC, id DESC) WHERE status = 0 AND likes > 0;
)sql"},
};
static_assert(std::size(migrations) == static_cast<std::size_t>(sqlite_schema_version),
              "one migration step per schema version");

constexpr const char* comment_columns =
    "id, thread, parent, author, body, created, status, pinned, flags, edited, likes";

std::optional<std::int64_t> optional_int(const Query& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.int64(column);
}

Comment read_comment(const Query& row) {
  Comment c;
  c.id = row.int64(0);
  c.thread = row.text(1);
  if (!row.is_null(2)) c.parent = row.int64(2);
  c.author = row.text(3);
  c.body = row.text(4);
  c.created = row.int64(5);
  c.status = status_from_code(row.int64(6));
  c.pinned = row.int64(7) != 0;
  c.flags = static_cast<std::int32_t>(row.int64(8));
  c.edited = optional_int(row, 9);
  c.likes = static_cast<std::int32_t>(row.int64(10));
  return c;
}

// Transparent hashing so cache lookups by SQL text do not allocate.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view sql) const noexcept {
    return std::hash<std::string_view>{}(sql);
  }
};

class SqliteStore final : public Store, public StoreRows {
 public:
  SqliteStore(const std::string& path, int cache_mib) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                                   wal_write_buffer_vfs());
    db_.reset(raw);
    if (rc != SQLITE_OK) throw_sqlite(db_.get(), "opening database " + path);
    sqlite3_extended_result_codes(db_.get(), 1);

    // Waits (rather than failing at once) if another process, such as a
    // backup, holds the write lock for a moment.
    check(sqlite3_busy_timeout(db_.get(), 5000), "setting busy_timeout");
    exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
    const std::string mode = single_text("PRAGMA journal_mode = WAL");
    if (mode != "wal") {
      throw StoreError("opening database " + path + ": WAL mode unavailable (journal_mode is " +
                       mode + ")");
    }
    // FULL: each commit fsyncs the WAL, so an acknowledged post survives power
    // loss as well as kill -9 (docs/storage.md, Durability). The WAL's write
    // buffer (wal_write_buffer.hpp) relies on it: FULL syncs before the WAL
    // index tells other connections of new frames.
    exec("PRAGMA synchronous = FULL", "setting synchronous = FULL");
    // 32 MiB of page cache by default (SQLite's own is 2 MiB): keeps the hot
    // index pages of large threads in memory and halves the cost of big
    // batches, which otherwise spill dirty pages before they commit (measured,
    // storage.md). A negative cache_size is in KiB.
    const std::string cache_size = "PRAGMA cache_size = -" + std::to_string(cache_mib * 1024);
    exec(cache_size.c_str(), "setting cache_size");
    // A multi-row INSERT (insert_rows) keeps a statement journal, a copy of
    // each page before the statement changed it: in memory, not spilled to a
    // temporary file past 64 KiB (measured: a pwrite to /var/tmp per post).
    exec("PRAGMA temp_store = MEMORY", "setting temp_store = MEMORY");
    check(sqlite3_create_function_v2(db_.get(), "contains_folded", 2,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     nullptr, sql_contains_folded, nullptr, nullptr, nullptr),
          "registering contains_folded");
    migrate(path);
  }

  ~SqliteStore() override {
    statements_.clear();
    // Lets SQLite refresh planner statistics where they changed (cheap).
    sqlite3_exec(db_.get(), "PRAGMA optimize", nullptr, nullptr, nullptr);
  }

  std::vector<InsertResult> insert(const std::vector<NewComment>& batch) override {
    std::vector<InsertResult> results(batch.size());
    if (batch.empty()) return results;
    Transaction transaction(*this);
    PublishedCounts published;
    std::vector<std::size_t> pending;  // indexes into batch of checked posts not yet inserted
    pending.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const NewComment& item = batch[i];
      if (item.parent && !is_comment_of_thread(*item.parent, item.thread)) {
        // The parent may be a post of this batch still waiting in `pending`.
        if (pending.empty()) continue;
        insert_rows(batch, pending, results);
        if (!is_comment_of_thread(*item.parent, item.thread)) continue;
      }
      pending.push_back(i);
      if (item.status == Status::published) published.add(item.thread);
    }
    insert_rows(batch, pending, results);
    add_published(published);
    transaction.commit();
    return results;
  }

  ThreadSnapshot latest(std::string_view thread, int limit) override {
    ThreadSnapshot snapshot;
    // The hot path of every join. INDEXED BY (here and in page_before) pins
    // the plan: without it SQLite may walk the whole thread's published
    // entries looking for pinned ones (measured: 0.5 s at 1M comments), and
    // if an index went missing the statement fails loudly instead of slowly.
    // One read transaction: the three answers describe the same moment even
    // if another process writes to the file.
    ReadTransaction transaction(*this);
    snapshot.newest = page_before(thread, std::nullopt, limit);
    {
      Query q(statement(std::string("SELECT ") + comment_columns +
                        " FROM comments INDEXED BY comments_pinned"
                        " WHERE thread = ? AND status = 0 AND pinned = 1"
                        " ORDER BY id DESC LIMIT ?"));
      q.bind(1, thread).bind(2, static_cast<std::int64_t>(limits::max_pinned));
      while (q.step()) snapshot.pinned.push_back(read_comment(q));
    }
    snapshot.total = published_count(thread);
    transaction.finish();
    return snapshot;
  }

  std::vector<Comment> page(std::string_view thread, std::int64_t before, int limit) override {
    return page_before(thread, before, limit);
  }

  std::vector<Comment> after(std::string_view thread, std::int64_t after_id, int limit) override {
    std::vector<Comment> comments;
    if (limit <= 0) return comments;
    Query q(statement(std::string("SELECT ") + comment_columns +
                      " FROM comments INDEXED BY comments_thread_status"
                      " WHERE thread = ? AND status = 0 AND id > ?"
                      " ORDER BY id LIMIT ?"));
    q.bind(1, thread).bind(2, after_id).bind(3, static_cast<std::int64_t>(limit));
    while (q.step()) comments.push_back(read_comment(q));
    return comments;
  }

  std::optional<Comment> find(std::int64_t id) override {
    Query q(statement(std::string("SELECT ") + comment_columns + " FROM comments WHERE id = ?"));
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_comment(q);
  }

  std::int64_t published_count(std::string_view thread) override {
    Query q(statement("SELECT published FROM thread_counts WHERE thread = ?"));
    q.bind(1, thread);
    return q.step() ? q.int64(0) : 0;
  }

  std::optional<Moderated> moderate(std::int64_t id, ModerateAction action) override {
    Transaction transaction(*this);
    std::optional<Comment> before = find(id);
    if (!before) return std::nullopt;  // nothing written; the rollback is a no-op
    switch (action) {
      case ModerateAction::approve: {
        Query forget(statement("DELETE FROM flags WHERE comment_id = ?"));
        forget.bind(1, id).run();
        Query q(statement("UPDATE comments SET status = 0, flags = 0 WHERE id = ?"));
        q.bind(1, id).run();
        break;
      }
      case ModerateAction::reject:
        set_status(id, Status::rejected);
        break;
      case ModerateAction::remove:
        set_status(id, Status::deleted);
        break;
      case ModerateAction::pin:
      case ModerateAction::unpin: {
        Query q(statement("UPDATE comments SET pinned = ? WHERE id = ?"));
        q.bind(1, std::int64_t{action == ModerateAction::pin ? 1 : 0}).bind(2, id).run();
        break;
      }
    }
    std::optional<Comment> after = find(id);
    transaction.commit();
    return Moderated{std::move(*before), std::move(*after)};
  }

  std::vector<OwnedComment> owned(const std::vector<std::int64_t>& ids) override {
    std::vector<OwnedComment> out;
    ReadTransaction transaction(*this);
    for (std::int64_t id : ids) {
      Query q(statement(std::string("SELECT ") + comment_columns + ", author_key FROM comments WHERE id = ?"));
      q.bind(1, id);
      if (q.step()) out.push_back({read_comment(q), q.blob(11)});
    }
    transaction.finish();
    return out;
  }

  std::optional<Moderated> change_own(std::int64_t id, const AuthorChange& change) override {
    Transaction transaction(*this);
    std::optional<Comment> before = find(id);
    if (!before || (before->status != Status::published && before->status != Status::pending)) {
      return std::nullopt;
    }
    if (change.body) {
      Query q(statement("UPDATE comments SET body = ?, edited = ? WHERE id = ?"));
      q.bind(1, *change.body).bind(2, change.at).bind(3, id).run();
    }
    if (!change.held.empty()) {
      Query q(statement("UPDATE comments SET held = ? WHERE id = ?"));
      q.bind(1, change.held).bind(2, id).run();
    }
    if (change.status != before->status) set_status(id, change.status);
    std::optional<Comment> after = find(id);
    transaction.commit();
    return Moderated{std::move(*before), std::move(*after)};
  }

  std::optional<Comment> flag(std::int64_t id, std::string_view flagger, std::string_view reason,
                              std::int64_t at) override {
    Transaction transaction(*this);
    std::optional<Comment> target = find(id);
    if (!target || target->status != Status::published) return std::nullopt;
    bool first_from_flagger = false;
    {
      Query q(statement(
          "INSERT INTO flags (comment_id, flagger, reason, at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (comment_id, flagger) DO NOTHING"));
      q.bind(1, id).bind(2, flagger).bind(3, reason).bind(4, at).run();
      first_from_flagger = sqlite3_changes(db_.get()) == 1;
    }
    if (first_from_flagger) {
      Query q(statement("UPDATE comments SET flags = flags + 1 WHERE id = ?"));
      q.bind(1, id).run();
      ++target->flags;
    }
    transaction.commit();
    return target;
  }

  std::optional<Comment> like(std::int64_t id, std::string_view liker, bool liked, std::int64_t at) override {
    Transaction transaction(*this);
    std::optional<Comment> target = find(id);
    if (!target || target->status != Status::published) return std::nullopt;
    if (liked) {
      Query q(statement("INSERT INTO likes (comment_id, liker, at) VALUES (?, ?, ?) "
                        "ON CONFLICT (comment_id, liker) DO NOTHING"));
      q.bind(1, id).bind(2, liker).bind(3, at).run();
    } else {
      Query q(statement("DELETE FROM likes WHERE comment_id = ? AND liker = ?"));
      q.bind(1, id).bind(2, liker).run();
    }
    if (sqlite3_changes(db_.get()) == 1) {
      const int change = liked ? 1 : -1;
      Query q(statement("UPDATE comments SET likes = likes + ? WHERE id = ?"));
      q.bind(1, std::int64_t{change}).bind(2, id).run();
      target->likes += change;
    }
    transaction.commit();
    return target;
  }

  std::vector<Comment> hot(std::string_view thread, int limit) override {
    std::vector<Comment> comments;
    if (limit <= 0) return comments;
    // Liked comments from the partial index, then the rest (likes = 0) newest
    // first: the order of (likes DESC, id DESC) in two ranges.
    Query liked(statement(std::string("SELECT ") + comment_columns +
                          " FROM comments INDEXED BY comments_hot"
                          " WHERE thread = ? AND status = 0 AND likes > 0 ORDER BY likes DESC, id DESC LIMIT ?"));
    liked.bind(1, thread).bind(2, static_cast<std::int64_t>(limit));
    while (liked.step()) comments.push_back(read_comment(liked));
    const auto missing = static_cast<std::int64_t>(limit) - static_cast<std::int64_t>(comments.size());
    if (missing <= 0) return comments;
    Query rest(statement(std::string("SELECT ") + comment_columns +
                         " FROM comments INDEXED BY comments_thread_status"
                         " WHERE thread = ? AND status = 0 AND likes = 0 ORDER BY id DESC LIMIT ?"));
    rest.bind(1, thread).bind(2, missing);
    while (rest.step()) comments.push_back(read_comment(rest));
    return comments;
  }

  std::vector<Comment> queue(const QueueQuery& request) override {
    std::vector<Comment> items;
    if (request.limit <= 0) return items;
    // The SQL depends only on which filters are present (at most 96 shapes),
    // so each shape is prepared once and cached like the fixed statements.
    // Status conditions are literals so SQLite can pick the partial indexes.
    std::string sql = std::string("SELECT ") + comment_columns + " FROM comments WHERE 1";
    sql += queue_status_condition(request.status);
    if (request.thread) sql += " AND thread = ?";
    // Not LIKE: it folds ASCII only and would need % and _ escaped.
    if (request.author) sql += " AND contains_folded(author, ?)";
    if (request.text) sql += " AND contains_folded(body, ?)";
    if (request.before) sql += " AND id < ?";
    sql += " ORDER BY id DESC LIMIT ?";

    Query q(statement(sql));
    int index = 0;
    if (request.thread) q.bind(++index, std::string_view(*request.thread));
    if (request.author) q.bind(++index, std::string_view(text::lower(*request.author)));
    if (request.text) q.bind(++index, std::string_view(text::lower(*request.text)));
    if (request.before) q.bind(++index, *request.before);
    q.bind(++index, static_cast<std::int64_t>(request.limit));
    while (q.step()) items.push_back(read_comment(q));
    return items;
  }

  std::optional<std::string> poster_of(std::int64_t id) override {
    Query q(statement("SELECT poster FROM comments WHERE id = ?"));
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return q.text(0);
  }

  std::vector<QueueContext> queue_context(const std::vector<Comment>& items) override {
    std::vector<QueueContext> contexts;
    contexts.reserve(items.size());
    ReadTransaction transaction(*this);
    for (const Comment& c : items) {
      QueueContext context;
      {
        Query q(statement(context_sql));
        q.bind(1, c.id);
        if (q.step()) {
          context.held = q.text(0);
          context.poster = q.text(1);
          if (!q.is_null(3)) {
            context.parent_author = q.text(2);
            context.parent_body = q.text(3);
          }
          context.title = q.text(4);
          context.url = q.text(5);
        }
      }
      if (c.flags > 0) {
        Query q(statement(flag_reasons_sql));
        q.bind(1, c.id);
        while (q.step()) context.reasons.push_back({q.text(0), q.int64(1)});
      }
      contexts.push_back(std::move(context));
    }
    transaction.finish();
    return contexts;
  }

  QueueCounts queue_counts() override {
    Query q(statement(queue_counts_sql));
    if (!q.step()) return {};
    return {q.int64(0), q.int64(1)};
  }

  std::vector<QueueEvent> queue_events(std::int64_t since, int limit) override {
    std::vector<QueueEvent> events;
    if (limit <= 0) return events;
    Query q(statement(queue_events_sql));
    q.bind(1, since).bind(2, static_cast<std::int64_t>(limit));
    while (q.step()) events.push_back({read_comment(q), q.int64(11)});
    return events;
  }

  void set_thread_info(std::string_view thread, std::string_view title, std::string_view url,
                       std::int64_t at) override {
    Query q(statement(
        "INSERT INTO threads (thread, title, url, updated) VALUES (?, ?, ?, ?) ON CONFLICT (thread) DO UPDATE"
        " SET title = excluded.title, url = excluded.url, updated = excluded.updated"));
    q.bind(1, thread).bind(2, title).bind(3, url).bind(4, at).run();
  }

  void ban(const NewBan& ban) override {
    Query q(statement(
        "INSERT INTO bans (poster, at, expires, moderator, reason, comment) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (poster) DO UPDATE SET at = excluded.at, expires = excluded.expires,"
        " moderator = excluded.moderator, reason = excluded.reason, comment = excluded.comment"));
    q.bind(1, ban.poster).bind(2, ban.at).bind(3, ban.expires).bind(4, ban.moderator).bind(5, ban.reason);
    q.bind(6, ban.comment).run();
  }

  std::vector<std::string> unban(std::string_view key) override {
    std::vector<std::string> posters;
    if (key.empty()) return posters;
    Transaction transaction(*this);
    {
      Query q(statement("SELECT poster FROM bans WHERE substr(poster, 1, ?) = ? ORDER BY poster"));
      q.bind(1, static_cast<std::int64_t>(key.size())).bind(2, key);
      while (q.step()) posters.push_back(q.text(0));
    }
    for (const std::string& poster : posters) {
      Query q(statement("DELETE FROM bans WHERE poster = ?"));
      q.bind(1, poster).run();
    }
    transaction.commit();
    return posters;
  }

  std::vector<PosterBan> bans(std::int64_t now) override {
    std::vector<PosterBan> rows;
    Query q(statement("SELECT poster, expires FROM bans WHERE expires IS NULL OR expires > ? ORDER BY at, poster"));
    q.bind(1, now);
    while (q.step()) rows.push_back({q.text(0), optional_int(q, 1)});
    return rows;
  }

  std::vector<BanEntry> ban_list(std::int64_t now, int limit) override {
    std::vector<BanEntry> entries;
    Query q(statement(ban_list_sql));
    q.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
    while (q.step()) {
      entries.push_back(BanEntry{q.text(0), q.int64(1), optional_int(q, 2), q.text(3), q.text(4),
                                 optional_int(q, 5), q.text(6), ban_excerpt(q.text(7)), q.int64(8)});
    }
    return entries;
  }

  FilterLists load_filters() override {
    FilterLists lists;
    Query q(statement("SELECT list, word FROM filter_words ORDER BY list, position"));
    while (q.step()) {
      (q.text(0) == "banned" ? lists.banned : lists.suspect).push_back(q.text(1));
    }
    return lists;
  }

  void save_filters(const FilterLists& lists) override {
    Transaction transaction(*this);
    Query(statement("DELETE FROM filter_words")).run();
    write_filters(lists);
    transaction.commit();
  }

  AuditEntry append_audit(AuditEntry entry) override {
    Query q(statement(
        "INSERT INTO audit (at, action, comment, thread, moderator, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    q.bind(1, entry.at)
        .bind(2, entry.action)
        .bind(3, entry.comment)
        .bind(4, entry.thread)
        .bind(5, entry.moderator)
        .bind(6, entry.detail)
        .run();
    entry.id = sqlite3_last_insert_rowid(db_.get());
    return entry;
  }

  std::vector<AuditEntry> audit(std::optional<std::int64_t> before, int limit) override {
    std::vector<AuditEntry> entries;
    if (limit <= 0) return entries;
    Query q(statement(before ? "SELECT id, at, action, comment, thread, moderator, detail FROM audit"
                               " WHERE id < ? ORDER BY id DESC LIMIT ?"
                             : "SELECT id, at, action, comment, thread, moderator, detail FROM audit"
                               " ORDER BY id DESC LIMIT ?"));
    int index = 0;
    if (before) q.bind(++index, *before);
    q.bind(++index, static_cast<std::int64_t>(limit));
    while (q.step()) entries.push_back(read_audit(q));
    return entries;
  }

  std::string secret(std::string_view name, std::size_t bytes) override {
    Transaction transaction(*this);
    {
      Query q(statement("SELECT value FROM secrets WHERE name = ?"));
      q.bind(1, name);
      if (q.step()) {
        std::string value = q.blob(0);
        // A key must never silently change size (a shorter key is a weaker one).
        if (value.size() != bytes) {
          throw StoreError("secret \"" + std::string(name) + "\" holds " +
                           std::to_string(value.size()) + " bytes, " + std::to_string(bytes) +
                           " requested");
        }
        return value;
      }
    }
    std::string value = server::random_bytes(bytes);
    Query q(statement("INSERT INTO secrets (name, value) VALUES (?, ?)"));
    q.bind(1, name).bind_blob(2, value).run();
    transaction.commit();
    return value;
  }


  // ---- StoreRows (copy-store) -----------------------------------------------

  bool holds_rows() override {
    Query q(statement(
        "SELECT EXISTS (SELECT 1 FROM comments) OR EXISTS (SELECT 1 FROM flags) OR EXISTS (SELECT 1 FROM likes)"
        " OR EXISTS (SELECT 1 FROM bans) OR EXISTS (SELECT 1 FROM filter_words)"
        " OR EXISTS (SELECT 1 FROM audit) OR EXISTS (SELECT 1 FROM secrets)"
        " OR EXISTS (SELECT 1 FROM thread_counts) OR EXISTS (SELECT 1 FROM threads)"));
    return q.step() && q.int64(0) != 0;
  }

  std::vector<StoredComment> comments_after(std::int64_t after_id, int limit) override {
    std::vector<StoredComment> rows;
    Query q(statement(std::string("SELECT ") + comment_columns +
                      ", poster, held, author_key FROM comments WHERE id > ? ORDER BY id LIMIT ?"));
    q.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
    while (q.step()) rows.push_back({read_comment(q), q.text(11), q.text(12), q.blob(13)});
    return rows;
  }

  std::vector<AuditEntry> audit_after(std::int64_t after_id, int limit) override {
    std::vector<AuditEntry> entries;
    Query q(statement("SELECT id, at, action, comment, thread, moderator, detail FROM audit"
                      " WHERE id > ? ORDER BY id LIMIT ?"));
    q.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
    while (q.step()) entries.push_back(read_audit(q));
    return entries;
  }

  std::vector<FlagRow> all_flags() override {
    std::vector<FlagRow> rows;
    Query q(statement("SELECT comment_id, flagger, reason, at FROM flags ORDER BY comment_id, flagger"));
    while (q.step()) rows.push_back({q.int64(0), q.text(1), q.text(2), q.int64(3)});
    return rows;
  }

  std::vector<LikeRow> all_likes() override {
    std::vector<LikeRow> rows;
    Query q(statement("SELECT comment_id, liker, at FROM likes ORDER BY comment_id, liker"));
    while (q.step()) rows.push_back({q.int64(0), q.text(1), q.int64(2)});
    return rows;
  }

  std::vector<BanRow> all_bans() override {
    std::vector<BanRow> rows;
    Query q(statement("SELECT poster, at, expires, moderator, reason, comment FROM bans ORDER BY poster"));
    while (q.step()) rows.push_back({q.text(0), q.int64(1), optional_int(q, 2), q.text(3), q.text(4), optional_int(q, 5)});
    return rows;
  }

  std::vector<ThreadRow> all_threads() override {
    std::vector<ThreadRow> rows;
    Query q(statement("SELECT thread, title, url, updated FROM threads ORDER BY thread"));
    while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2), q.int64(3)});
    return rows;
  }

  std::vector<SecretRow> all_secrets() override {
    std::vector<SecretRow> rows;
    Query q(statement("SELECT name, value FROM secrets ORDER BY name"));
    while (q.step()) rows.push_back({q.text(0), q.blob(1)});
    return rows;
  }

  void begin_copy() override {
    Query(statement("BEGIN IMMEDIATE")).run();
    in_copy_ = true;
  }

  void put_comments(const std::vector<StoredComment>& rows) override {
    PublishedCounts published;
    for (const StoredComment& row : rows) {
      const Comment& c = row.comment;
      Query q(statement(
          "INSERT INTO comments (id, thread, parent, author, body, created, status, pinned, flags, poster, held,"
          " edited, author_key, likes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      q.bind(1, c.id)
          .bind(2, c.thread)
          .bind(3, c.parent)
          .bind(4, c.author)
          .bind(5, c.body)
          .bind(6, c.created)
          .bind(7, status_code(c.status))
          .bind(8, std::int64_t{c.pinned ? 1 : 0})
          .bind(9, std::int64_t{c.flags})
          .bind(10, row.poster)
          .bind(11, row.held)
          .bind(12, c.edited)
          .bind_key(13, row.author_key)
          .bind(14, std::int64_t{c.likes})
          .run();
      if (c.status == Status::published) published.add(c.thread);
    }
    add_published(published);
  }

  void put_audit(const std::vector<AuditEntry>& rows) override {
    for (const AuditEntry& e : rows) {
      Query q(statement(
          "INSERT INTO audit (id, at, action, comment, thread, moderator, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"));
      q.bind(1, e.id).bind(2, e.at).bind(3, e.action).bind(4, e.comment).bind(5, e.thread).bind(6, e.moderator);
      q.bind(7, e.detail).run();
    }
  }

  void put_flags(const std::vector<FlagRow>& rows) override {
    for (const FlagRow& f : rows) {
      Query q(statement("INSERT INTO flags (comment_id, flagger, reason, at) VALUES (?, ?, ?, ?)"));
      q.bind(1, f.comment_id).bind(2, f.flagger).bind(3, f.reason).bind(4, f.at).run();
    }
  }

  void put_likes(const std::vector<LikeRow>& rows) override {
    for (const LikeRow& l : rows) {
      Query q(statement("INSERT INTO likes (comment_id, liker, at) VALUES (?, ?, ?)"));
      q.bind(1, l.comment_id).bind(2, l.liker).bind(3, l.at).run();
    }
  }

  void put_bans(const std::vector<BanRow>& rows) override {
    for (const BanRow& b : rows) {
      Query q(statement("INSERT INTO bans (poster, at, expires, moderator, reason, comment) VALUES (?, ?, ?, ?, ?, ?)"));
      q.bind(1, b.poster).bind(2, b.at).bind(3, b.expires).bind(4, b.moderator).bind(5, b.reason).bind(6, b.comment);
      q.run();
    }
  }

  void put_threads(const std::vector<ThreadRow>& rows) override {
    for (const ThreadRow& t : rows) {
      Query q(statement("INSERT INTO threads (thread, title, url, updated) VALUES (?, ?, ?, ?)"));
      q.bind(1, t.thread).bind(2, t.title).bind(3, t.url).bind(4, t.updated).run();
    }
  }

  void put_secrets(const std::vector<SecretRow>& rows) override {
    for (const SecretRow& s : rows) {
      Query q(statement("INSERT INTO secrets (name, value) VALUES (?, ?)"));
      q.bind(1, s.name).bind_blob(2, s.value).run();
    }
  }

  void put_filters(const FilterLists& lists) override { write_filters(lists); }

  // AUTOINCREMENT continues after the largest id ever inserted (kept in
  // sqlite_sequence), so inserting the copied ids is all it needs.
  void finish_copy() override {
    Query(statement("COMMIT")).run();
    in_copy_ = false;
  }

  void abort_copy() noexcept override {
    if (in_copy_) rollback();
    in_copy_ = false;
  }

 private:
  static AuditEntry read_audit(const Query& q) {
    AuditEntry e;
    e.id = q.int64(0);
    e.at = q.int64(1);
    e.action = q.text(2);
    if (!q.is_null(3)) e.comment = q.int64(3);
    e.thread = q.text(4);
    e.moderator = q.text(5);
    e.detail = q.text(6);
    return e;
  }

  void write_filters(const FilterLists& lists) {
    auto save = [this](std::string_view list, const std::vector<std::string>& words) {
      std::int64_t position = 0;
      for (const std::string& word : words) {
        Query q(statement("INSERT INTO filter_words (list, position, word) VALUES (?, ?, ?)"));
        q.bind(1, list).bind(2, position++).bind(3, word).run();
      }
    };
    save("banned", lists.banned);
    save("suspect", lists.suspect);
  }

  bool in_copy_ = false;

  // BEGIN IMMEDIATE takes the write lock up front, so a transaction never
  // fails half-way with SQLITE_BUSY on its first write. Anything not
  // committed is rolled back when the object goes away (also on throw).
  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) {
      Query(store_.statement("BEGIN IMMEDIATE")).run();
    }
    ~Transaction() {
      if (!committed_) store_.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
      Query(store_.statement("COMMIT")).run();
      committed_ = true;
    }

   private:
    SqliteStore& store_;
    bool committed_ = false;
  };

  // A deferred transaction around several reads (no write lock).
  class ReadTransaction {
   public:
    explicit ReadTransaction(SqliteStore& store) : store_(store) {
      Query(store_.statement("BEGIN")).run();
    }
    ~ReadTransaction() {
      if (!finished_) store_.rollback();
    }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    void finish() {
      Query(store_.statement("COMMIT")).run();
      finished_ = true;
    }

   private:
    SqliteStore& store_;
    bool finished_ = false;
  };

  // Rolls back whatever transaction is open. SQLite may already have rolled
  // back by itself after an I/O error, hence the autocommit check.
  void rollback() noexcept {
    if (!sqlite3_get_autocommit(db_.get())) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  Statement& statement(std::string_view sql) {
    if (auto found = statements_.find(sql); found != statements_.end()) return found->second;
    return statements_.try_emplace(std::string(sql), db_.get(), sql).first->second;
  }

  void check(int rc, std::string_view what) {
    if (rc != SQLITE_OK) throw_sqlite(db_.get(), what);
  }

  void exec(const char* sql, std::string_view what) {
    check(sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr), what);
  }

  // The first column of the first row of a one-off statement, as text.
  std::string single_text(std::string_view sql) {
    Statement once(db_.get(), sql);
    Query q(once);
    return q.step() ? q.text(0) : std::string();
  }

  std::int64_t user_version() {
    Statement once(db_.get(), "PRAGMA user_version");
    Query q(once);
    return q.step() ? q.int64(0) : 0;
  }

  // Brings the schema to sqlite_schema_version, one step per transaction so
  // an interrupted upgrade resumes from the last finished step.
  void migrate(const std::string& path) {
    for (;;) {
      Transaction transaction(*this);
      const std::int64_t version = user_version();
      if (version > sqlite_schema_version) {
        throw StoreError("opening database " + path + ": its schema is version " +
                         std::to_string(version) + ", newer than this server's (" +
                         std::to_string(sqlite_schema_version) + ")");
      }
      if (version == sqlite_schema_version) {
        transaction.commit();
        return;
      }
      const Migration& step = migrations[version];
      check(sqlite3_exec(db_.get(), step.sql, nullptr, nullptr, nullptr),
            "migrating database " + path + " (" + step.summary + ")");
      exec(("PRAGMA user_version = " + std::to_string(version + 1)).c_str(),
           "recording the schema version");
      transaction.commit();
    }
  }

  // New published comments per thread, added to thread_counts once per
  // thread at the end of a write (migration v3 says why not by a trigger).
  struct PublishedCounts {
    std::map<std::string, std::int64_t, std::less<>> by_thread;  // sorted: neighbouring keys
    void add(const std::string& thread) { ++by_thread[thread]; }
  };

  // Runs `run(start, rows)` over [0, count) in chunks of at most
  // max_rows_per_statement rows, each a power of two: multi-row statements
  // of a handful of shapes, each prepared once and cached.
  static constexpr std::size_t max_rows_per_statement = 64;
  template <typename Run>
  static void in_chunks(std::size_t count, Run run) {
    for (std::size_t start = 0; start < count;) {
      std::size_t rows = max_rows_per_statement;
      while (rows > count - start) rows /= 2;
      run(start, rows);
      start += rows;
    }
  }

  // "(?, ?), (?, ?)" for rows = 2, columns = 2.
  static std::string values_rows(std::size_t rows, std::size_t columns) {
    std::string row = "(?";
    for (std::size_t c = 1; c < columns; ++c) row += ", ?";
    row += ")";
    std::string sql = row;
    for (std::size_t r = 1; r < rows; ++r) sql += ", " + row;
    return sql;
  }

  // The posts batch[pending[...]], in multi-row INSERTs. One statement per
  // chunk, not per post: every INSERT also reads and rewrites
  // AUTOINCREMENT's sqlite_sequence row, opens a cursor per index and keeps
  // a statement journal, once per statement (callgrind, bench/RESULTS.md).
  // Clears `pending`.
  void insert_rows(const std::vector<NewComment>& batch, std::vector<std::size_t>& pending,
                   std::vector<InsertResult>& results) {
    constexpr std::size_t columns = 9;
    in_chunks(pending.size(), [&](std::size_t start, std::size_t rows) {
      Query q(statement(
          "INSERT INTO comments (thread, parent, author, body, created, status, poster, held, author_key) VALUES " +
          values_rows(rows, columns)));
      for (std::size_t r = 0; r < rows; ++r) {
        const NewComment& item = batch[pending[start + r]];
        const int at = static_cast<int>(r * columns);  // parameters before this row's
        // The batch outlives the statement: its strings are bound, not copied.
        q.bind_unowned(at + 1, item.thread)
            .bind(at + 2, item.parent)
            .bind_unowned(at + 3, item.author)
            .bind_unowned(at + 4, item.body)
            .bind(at + 5, item.created)
            .bind(at + 6, status_code(item.status))
            .bind_unowned(at + 7, item.poster)
            .bind_unowned(at + 8, item.held);
        q.bind_key(at + 9, item.author_key);
      }
      q.run();
      // The rows got consecutive ids in VALUES order: AUTOINCREMENT gives each
      // the largest id so far + 1, and this transaction is the only writer.
      const std::int64_t first = sqlite3_last_insert_rowid(db_.get()) - static_cast<std::int64_t>(rows) + 1;
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t i = pending[start + r];
        results[i] = stored_comment(batch[i], first + static_cast<std::int64_t>(r));
      }
    });
    pending.clear();
  }

  // thread_counts += the batch's published comments, in multi-row upserts
  // (one statement per chunk of threads, not one per thread: each statement
  // keeps its own statement journal, the CHECK on published can abort it).
  void add_published(const PublishedCounts& published) {
    std::vector<std::pair<std::string_view, std::int64_t>> counts(published.by_thread.begin(),
                                                                   published.by_thread.end());
    in_chunks(counts.size(), [&](std::size_t start, std::size_t rows) {
      Query q(statement("INSERT INTO thread_counts (thread, published) VALUES " + values_rows(rows, 2) +
                        " ON CONFLICT (thread) DO UPDATE SET published = published + excluded.published"));
      for (std::size_t r = 0; r < rows; ++r) {
        const int at = static_cast<int>(r * 2);
        q.bind_unowned(at + 1, counts[start + r].first).bind(at + 2, counts[start + r].second);
      }
      q.run();
    });
  }

  bool is_comment_of_thread(std::int64_t id, std::string_view thread) {
    Query q(statement("SELECT thread FROM comments WHERE id = ?"));
    q.bind(1, id);
    return q.step() && q.text(0) == thread;
  }

  void set_status(std::int64_t id, Status status) {
    Query q(statement("UPDATE comments SET status = ? WHERE id = ?"));
    q.bind(1, status_code(status)).bind(2, id).run();
  }

  std::vector<Comment> page_before(std::string_view thread, std::optional<std::int64_t> before,
                                   int limit) {
    std::vector<Comment> comments;
    if (limit <= 0) return comments;
    Query q(statement(std::string("SELECT ") + comment_columns +
                      " FROM comments INDEXED BY comments_thread_status"
                      " WHERE thread = ? AND status = 0 AND id < ?"
                      " ORDER BY id DESC LIMIT ?"));
    q.bind(1, thread)
        .bind(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
        .bind(3, static_cast<std::int64_t>(limit));
    while (q.step()) comments.push_back(read_comment(q));
    return comments;
  }


  // Declared first so it is destroyed last: statements finalize before close.
  Connection db_;
  std::unordered_map<std::string, Statement, SqlHash, std::equal_to<>> statements_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, int cache_mib) {
  return std::make_unique<SqliteStore>(path, cache_mib);
}

std::int64_t sqlite_memory_used() { return sqlite3_memory_used(); }

}  // namespace comments::server
