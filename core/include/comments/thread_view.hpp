// A thread as readers see it: the newest published comments (newest first),
// the pinned ones, and the published total. Kept up to date by new posts and
// moderation updates. Used by the browser widget for what it shows, and by the
// server as a per-thread cache that answers `join` without touching storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "comments/comment.hpp"

namespace comments {

class ThreadView {
 public:
  // `capacity`: how many newest comments are kept (the N shown, or more).
  explicit ThreadView(std::size_t capacity = 10);

  // Replaces everything (from a snapshot or a storage read).
  // `newest` newest first; `pinned` newest first.
  void reset(std::vector<Comment> newest, std::vector<Comment> pinned, std::int64_t total);

  // Applies a comment as it is now (a new post, an `update`, an ack).
  // Returns true when what a reader sees changed. Anything not published is
  // removed; a published one is inserted by id or replaced. `total` is the
  // published count after the change when known (the server sends it in
  // `comment` and `update` events); without it the view estimates it.
  bool apply(const Comment& c, std::optional<std::int64_t> total = std::nullopt);

  // Appends older comments (a `page` reply) behind the newest ones, up to capacity.
  void append_older(const std::vector<Comment>& older_newest_first);

  // Keeps `extra` more of the newest comments from now on (a reader paging
  // back, "show more"): needs_refill() then asks for the older ones.
  void grow(std::size_t extra) noexcept { capacity_ += extra; }

  // True when a removal left fewer comments than capacity while the total says
  // more exist: the holder should fetch a page (`more` before oldest id).
  bool needs_refill() const noexcept;

  const std::vector<Comment>& newest() const noexcept { return newest_; }
  const std::vector<Comment>& pinned() const noexcept { return pinned_; }
  std::int64_t total() const noexcept { return total_; }
  std::size_t capacity() const noexcept { return capacity_; }
  // A comment of this view by id (newest or pinned), or nullptr.
  const Comment* find(std::int64_t id) const noexcept;

 private:
  std::size_t capacity_;
  std::vector<Comment> newest_;   // newest first, <= capacity_
  std::vector<Comment> pinned_;   // newest first, <= limits::max_pinned
  std::int64_t total_ = 0;
};

}  // namespace comments
