// Storage behind one small interface, so another engine (PostgreSQL, say) can
// be added without touching sessions or handlers. The interface speaks the
// comment model and its own request types, never the wire protocol (this
// layer cannot include comments/protocol.hpp: the application layer
// translates). SQLite is the embedded
// default (sqlite_store.hpp). A Store is used from one thread at a time: the
// StoreWorker's (store_worker.hpp). Failures throw StoreError; callers answer
// `internal` and nothing is half-done (every write is one transaction).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "comments/comment.hpp"
#include "comments/filter.hpp"
#include "comments/moderation.hpp"

namespace comments::server {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A validated post on its way into storage.
struct NewComment {
  std::string thread;
  std::optional<std::int64_t> parent;
  std::string author;
  std::string body;
  std::int64_t created = 0;  // Unix ms
  Status status = Status::published;
  std::string poster;        // keyed hash of the client address (never the address)
  std::string held;          // why it is pending: "word:W", "links:N", "premoderate" (QueueContext)
  std::string author_key;    // SHA-256 of the author's secret (support/crypto.hpp), raw bytes
};

// The comment `item` became when stored with `id` (what insert returns).
inline Comment stored_comment(const NewComment& item, std::int64_t id) {
  Comment stored;
  stored.id = id;
  stored.thread = item.thread;
  stored.parent = item.parent;
  stored.author = item.author;
  stored.body = item.body;
  stored.created = item.created;
  stored.status = item.status;
  return stored;
}

// A comment and the hash of its author's secret ("" when it has none: stored
// before authors had secrets).
struct OwnedComment {
  Comment comment;
  std::string author_key;
};

// What an author's edit or delete writes.
struct AuthorChange {
  std::optional<std::string> body;  // the new body (and `edited` = at); nullopt: the status only
  Status status = Status::published;
  std::string held;                 // why it is held now; "" keeps what is stored
  std::int64_t at = 0;              // Unix ms
};

// A ban as a moderator makes it.
struct NewBan {
  std::string poster;                   // keyed address hash
  std::int64_t at = 0;                  // Unix ms
  std::optional<std::int64_t> expires;  // Unix ms; nullopt: permanent
  std::string moderator;
  std::string reason;
  std::optional<std::int64_t> comment;  // the comment banned from
};

// The outcome of one post of a batch: the stored comment, or nullopt when its
// parent is not a comment of the same thread (the post is not stored).
using InsertResult = std::optional<Comment>;

struct ThreadSnapshot {
  std::vector<Comment> newest;  // newest published first, at most `limit`
  std::vector<Comment> pinned;  // pinned published, newest first, at most limits::max_pinned
  std::int64_t total = 0;       // published comments in the thread
};

// Which comments a moderator's queue lists (the application translates the
// wire's `queue` request into this).
struct QueueQuery {
  QueueStatus status = QueueStatus::pending;
  std::optional<std::string> thread;  // exact
  std::optional<std::string> author;  // case-insensitive substring
  std::optional<std::string> text;    // case-insensitive substring of body
  std::optional<std::int64_t> before;  // ids below this
  int limit = 50;
};

struct Moderated {
  Comment before;
  Comment after;
};

// A comment in a moderator queue now, with when it last came to a
// moderator's attention (Unix ms, the writing instance's clock): held
// (created), held again by its author's edit (edited), or its latest flag.
struct QueueEvent {
  Comment comment;
  std::int64_t at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores a batch of posts in ONE transaction (group commit): when this
  // returns, every stored post is durable. Results are in batch order.
  virtual std::vector<InsertResult> insert(const std::vector<NewComment>& batch) = 0;

  virtual ThreadSnapshot latest(std::string_view thread, int limit) = 0;
  // Published comments of `thread` with id < before, newest first.
  virtual std::vector<Comment> page(std::string_view thread, std::int64_t before, int limit) = 0;
  // Published comments of `thread` with id > after_id, oldest first, at most
  // `limit` (the catch-up read of an instance that may have missed events).
  virtual std::vector<Comment> after(std::string_view thread, std::int64_t after_id, int limit) = 0;
  virtual std::optional<Comment> find(std::int64_t id) = 0;
  virtual std::int64_t published_count(std::string_view thread) = 0;

  // Applies a moderation action; nullopt when no comment has that id.
  // approve: status published and flags reset to 0 (and the flaggers forgotten);
  // reject/delete: status rejected/deleted; pin/unpin: pinned.
  virtual std::optional<Moderated> moderate(std::int64_t id, ModerateAction action) = 0;

  // The comments among `ids` that exist, with their author keys (any order).
  virtual std::vector<OwnedComment> owned(const std::vector<std::int64_t>& ids) = 0;
  // Applies an author's change to comment `id` while it is published or
  // pending (flags and pin stay); nullopt otherwise (nothing written).
  virtual std::optional<Moderated> change_own(std::int64_t id, const AuthorChange& change) = 0;

  // Records a flag from `flagger` (keyed address hash) on a published comment;
  // a second flag from the same flagger since the last approve does not count.
  // Returns the comment with its new flags count; nullopt unless published.
  virtual std::optional<Comment> flag(std::int64_t id, std::string_view flagger,
                                      std::string_view reason, std::int64_t at) = 0;

  // Sets (`liked`) or takes back the like of `liker` (keyed address hash) on
  // a published comment: one like per comment and liker, so a repeat is a
  // no-op. Returns the comment with its count after it; nullopt unless
  // published (nothing written then).
  virtual std::optional<Comment> like(std::int64_t id, std::string_view liker, bool liked,
                                      std::int64_t at) = 0;
  // The most liked published comments of `thread` (most likes first, newest
  // first among equals), at most `limit`.
  virtual std::vector<Comment> hot(std::string_view thread, int limit) = 0;

  // The moderator queue: newest first, every given filter applied.
  virtual std::vector<Comment> queue(const QueueQuery& q) = 0;

  // What the queue shows beside each comment (contexts[i] for items[i]):
  // why it was held, its flags by reason, its parent, its thread's title
  // and link, its poster's full hash (the application shortens it).
  virtual std::vector<QueueContext> queue_context(const std::vector<Comment>& items) = 0;
  // How many comments the pending and the flagged queue hold.
  virtual QueueCounts queue_counts() = 0;
  // The comments pending or flagged now whose QueueEvent::at is at or after
  // `since`, oldest `at` first (ties by id), at most `limit`: what the
  // moderators of an instance that lost its bus may have missed.
  virtual std::vector<QueueEvent> queue_events(std::int64_t since, int limit) = 0;

  // A thread's article title and link as its pages last said (join).
  virtual void set_thread_info(std::string_view thread, std::string_view title, std::string_view url,
                               std::int64_t at) = 0;

  // Keyed hash of whoever posted comment `id`.
  virtual std::optional<std::string> poster_of(std::int64_t id) = 0;
  // Bans a poster; a poster already banned gets this ban instead (new
  // expiry, moderator, reason).
  virtual void ban(const NewBan& ban) = 0;
  void ban(std::string_view poster, std::int64_t at) { ban(NewBan{std::string(poster), at, {}, {}, {}, {}}); }
  // Lifts the bans whose poster hash starts with `key`; returns the posters
  // lifted (none when no ban has that key).
  virtual std::vector<std::string> unban(std::string_view key) = 0;
  // The bans in force at `now` (expired ones are kept but not listed).
  virtual std::vector<PosterBan> bans(std::int64_t now) = 0;
  // The same for moderators, newest first, at most `limit`.
  virtual std::vector<BanEntry> ban_list(std::int64_t now, int limit) = 0;

  virtual FilterLists load_filters() = 0;
  virtual void save_filters(const FilterLists& lists) = 0;

  // Audit log of moderation actions; append assigns the id.
  virtual AuditEntry append_audit(AuditEntry entry) = 0;
  virtual std::vector<AuditEntry> audit(std::optional<std::int64_t> before, int limit) = 0;

  // A persistent random secret (created on first use), e.g. the key of the
  // address hash. Returned as raw bytes.
  virtual std::string secret(std::string_view name, std::size_t bytes) = 0;
};

}  // namespace comments::server
