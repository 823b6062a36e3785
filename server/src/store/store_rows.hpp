// Every row of a store, as stored: what `comment-server copy-store` reads
// from one engine and writes into another (copy_store.hpp). Both engines
// implement it beside Store; it is not part of the serving path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "comments/comment.hpp"
#include "comments/filter.hpp"
#include "comments/moderation.hpp"

namespace comments::server {

struct StoredComment {
  Comment comment;     // id, status, pinned and flags as stored
  std::string poster;  // keyed address hash
  std::string held;    // why it was held (NewComment::held)
  std::string author_key;  // NewComment::author_key ("" when none)
  bool operator==(const StoredComment&) const = default;
};

struct FlagRow {
  std::int64_t comment_id = 0;
  std::string flagger;
  std::string reason;
  std::int64_t at = 0;
  bool operator==(const FlagRow&) const = default;
};

struct LikeRow {
  std::int64_t comment_id = 0;
  std::string liker;
  std::int64_t at = 0;
  bool operator==(const LikeRow&) const = default;
};

struct BanRow {
  std::string poster;
  std::int64_t at = 0;
  std::optional<std::int64_t> expires;
  std::string moderator;
  std::string reason;
  std::optional<std::int64_t> comment;
  bool operator==(const BanRow&) const = default;
};

struct ThreadRow {
  std::string thread;
  std::string title;
  std::string url;
  std::int64_t updated = 0;
  bool operator==(const ThreadRow&) const = default;
};

struct SecretRow {
  std::string name;
  std::string value;  // raw bytes
  bool operator==(const SecretRow&) const = default;
};

class StoreRows {
 public:
  virtual ~StoreRows() = default;

  // True when any table holds a row (a copy's target must be empty).
  virtual bool holds_rows() = 0;

  // Reading, in a stable order: comments and audit by id (every status),
  // flags by (comment, flagger), bans by poster, secrets by name, threads by key.
  virtual std::vector<StoredComment> comments_after(std::int64_t after_id, int limit) = 0;
  virtual std::vector<AuditEntry> audit_after(std::int64_t after_id, int limit) = 0;
  virtual std::vector<FlagRow> all_flags() = 0;
  virtual std::vector<LikeRow> all_likes() = 0;  // by (comment, liker)
  virtual std::vector<BanRow> all_bans() = 0;
  virtual std::vector<SecretRow> all_secrets() = 0;
  virtual std::vector<ThreadRow> all_threads() = 0;

  // Writing: everything between begin_copy and finish_copy is ONE
  // transaction (a failed copy leaves the target empty). Ids are kept;
  // finish_copy moves the id generators past the largest id, then commits
  // (and on PostgreSQL gathers planner statistics, as after any bulk load).
  virtual void begin_copy() = 0;
  virtual void put_comments(const std::vector<StoredComment>& rows) = 0;
  virtual void put_audit(const std::vector<AuditEntry>& rows) = 0;
  virtual void put_flags(const std::vector<FlagRow>& rows) = 0;
  virtual void put_likes(const std::vector<LikeRow>& rows) = 0;
  virtual void put_bans(const std::vector<BanRow>& rows) = 0;
  virtual void put_secrets(const std::vector<SecretRow>& rows) = 0;
  virtual void put_threads(const std::vector<ThreadRow>& rows) = 0;
  virtual void put_filters(const FilterLists& lists) = 0;
  virtual void finish_copy() = 0;
  virtual void abort_copy() noexcept = 0;
};

}  // namespace comments::server
