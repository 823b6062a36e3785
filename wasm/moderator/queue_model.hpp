// What the console's queue view holds: the comments of one queue (status tab
// plus thread/author/text filters) newest first, the cursor the j/k keys move
// and the selection the x key builds. Pure C++ (no DOM), so the rules for live
// changes sit in one place: a comment as it now is goes in, stays, or leaves
// according to whether the server's `queue` query would still return it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "comments/comment.hpp"

namespace cmmod {

enum class Queue : std::uint8_t { pending, flagged, published, rejected, deleted, all };
inline constexpr Queue all_queues[] = {Queue::pending,  Queue::flagged, Queue::published,
                                       Queue::rejected, Queue::deleted, Queue::all};

// The wire name of a queue status ("pending", ..., "all").
std::string_view wire_name(Queue q) noexcept;

struct QueueFilter {
  std::string thread;  // exact; empty: any
  std::string author;  // case-insensitive substring; empty: any
  std::string text;    // case-insensitive substring of the body; empty: any
  bool operator==(const QueueFilter&) const = default;
};

// True when `c` is in queue `q`: its status (flagged: published with flags),
// and it passes every filter given. Case folding here is the simple lower-case
// of ASCII and the common Latin/Greek/Cyrillic ranges (the server folds with
// the C library's towlower); for Chinese text case does not arise.
bool in_queue(const comments::Comment& c, Queue q, const QueueFilter& f);

class QueueModel {
 public:
  // Starts a new query: empties the list, the cursor and the selection.
  void reset(Queue q, QueueFilter f);

  // Appends an older page (newest first) as the server returned it.
  // `requested` is the limit asked for: a shorter page means the end.
  void append_page(const std::vector<comments::Comment>& page, int requested);

  // A comment as it now is: replaced where listed, inserted by id when it now
  // belongs to the queue (and is not older than the loaded pages), removed when
  // it no longer belongs. Returns true when the list changed.
  bool apply(const comments::Comment& c);

  // ---- Cursor and selection
  void move_cursor(int delta);
  void set_cursor(std::int64_t id);
  const comments::Comment* current() const noexcept;
  std::optional<std::int64_t> cursor_id() const noexcept { return cursor_; }
  // Toggles the selection of `id`; returns whether it is now selected.
  bool toggle_selected(std::int64_t id);
  void clear_selection() { selected_.clear(); }
  // Selects every loaded comment (the page), or none.
  void select_all(bool on);
  bool all_selected() const noexcept { return !items_.empty() && selected_.size() == items_.size(); }
  bool is_selected(std::int64_t id) const { return selected_.count(id) != 0; }
  std::size_t selected_count() const noexcept { return selected_.size(); }
  // What an action applies to: the selection in list order, or else the
  // comment under the cursor.
  std::vector<comments::Comment> targets() const;

  Queue queue() const noexcept { return queue_; }
  const QueueFilter& filter() const noexcept { return filter_; }
  const std::vector<comments::Comment>& items() const noexcept { return items_; }
  const comments::Comment* find(std::int64_t id) const noexcept;
  // The id to pass as `before` for the next page; nullopt when none is loaded.
  std::optional<std::int64_t> oldest_id() const noexcept;
  bool at_end() const noexcept { return at_end_; }

 private:
  void fix_cursor(std::size_t removed_index);

  Queue queue_ = Queue::pending;
  QueueFilter filter_;
  std::vector<comments::Comment> items_;  // newest first (id descending)
  std::set<std::int64_t> selected_;
  std::optional<std::int64_t> cursor_;
  bool at_end_ = false;
};

}  // namespace cmmod
