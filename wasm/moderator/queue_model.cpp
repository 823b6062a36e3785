#include "moderator/queue_model.hpp"

#include <algorithm>

#include "comments/text.hpp"

namespace cmmod {

using comments::Comment;
using comments::Status;

namespace {

bool contains_folded(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  // The same lower-casing as the server's queue search (core text::lower).
  return comments::text::lower(haystack).find(comments::text::lower(needle)) != std::string::npos;
}

}  // namespace

std::string_view wire_name(Queue q) noexcept {
  switch (q) {
    case Queue::pending: return "pending";
    case Queue::flagged: return "flagged";
    case Queue::published: return "published";
    case Queue::rejected: return "rejected";
    case Queue::deleted: return "deleted";
    case Queue::all: return "all";
  }
  return "all";
}

bool in_queue(const Comment& c, Queue q, const QueueFilter& f) {
  bool status_ok = false;
  switch (q) {
    case Queue::pending: status_ok = c.status == Status::pending; break;
    case Queue::flagged: status_ok = c.flags > 0; break;
    case Queue::published: status_ok = c.status == Status::published; break;
    case Queue::rejected: status_ok = c.status == Status::rejected; break;
    case Queue::deleted: status_ok = c.status == Status::deleted; break;
    case Queue::all: status_ok = true; break;
  }
  if (!status_ok) return false;
  if (!f.thread.empty() && c.thread != f.thread) return false;
  return contains_folded(c.author, f.author) && contains_folded(c.body, f.text);
}

void QueueModel::reset(Queue q, QueueFilter f) {
  queue_ = q;
  filter_ = std::move(f);
  items_.clear();
  selected_.clear();
  cursor_.reset();
  at_end_ = false;
}

void QueueModel::append_page(const std::vector<Comment>& page, int requested) {
  for (const Comment& c : page) {
    if (find(c.id) != nullptr) continue;
    // Pages come newest first and older than what is loaded: keep id order anyway.
    auto at = std::find_if(items_.begin(), items_.end(),
                           [&](const Comment& listed) { return listed.id < c.id; });
    items_.insert(at, c);
  }
  if (static_cast<int>(page.size()) < requested) at_end_ = true;
  if (!cursor_ && !items_.empty()) cursor_ = items_.front().id;
}

bool QueueModel::apply(const Comment& c) {
  auto listed = std::find_if(items_.begin(), items_.end(),
                             [&](const Comment& item) { return item.id == c.id; });
  const bool belongs = in_queue(c, queue_, filter_);
  if (listed != items_.end()) {
    if (belongs) {
      if (*listed == c) return false;
      *listed = c;
      return true;
    }
    const auto index = static_cast<std::size_t>(listed - items_.begin());
    items_.erase(listed);
    selected_.erase(c.id);
    if (cursor_ == c.id) fix_cursor(index);
    return true;
  }
  if (!belongs) return false;
  // Older than every loaded comment while more pages exist: the next page
  // brings it in its place.
  if (!at_end_ && !items_.empty() && c.id < items_.back().id) return false;
  auto at = std::find_if(items_.begin(), items_.end(),
                         [&](const Comment& item) { return item.id < c.id; });
  items_.insert(at, c);
  if (!cursor_) cursor_ = c.id;
  return true;
}

void QueueModel::fix_cursor(std::size_t removed_index) {
  // The cursor stays where it was in the list: on the comment after the removed one.
  if (items_.empty()) {
    cursor_.reset();
    return;
  }
  cursor_ = items_[std::min(removed_index, items_.size() - 1)].id;
}

void QueueModel::move_cursor(int delta) {
  if (items_.empty()) return;
  std::ptrdiff_t index = 0;
  if (cursor_) {
    auto it = std::find_if(items_.begin(), items_.end(),
                           [&](const Comment& item) { return item.id == *cursor_; });
    index = it == items_.end() ? 0 : (it - items_.begin()) + delta;
  }
  index = std::clamp<std::ptrdiff_t>(index, 0, static_cast<std::ptrdiff_t>(items_.size()) - 1);
  cursor_ = items_[static_cast<std::size_t>(index)].id;
}

void QueueModel::set_cursor(std::int64_t id) {
  if (find(id) != nullptr) cursor_ = id;
}

const Comment* QueueModel::current() const noexcept { return cursor_ ? find(*cursor_) : nullptr; }

bool QueueModel::toggle_selected(std::int64_t id) {
  if (find(id) == nullptr) return false;
  if (selected_.erase(id) != 0) return false;
  selected_.insert(id);
  return true;
}

std::vector<Comment> QueueModel::targets() const {
  std::vector<Comment> out;
  if (selected_.empty()) {
    if (const Comment* c = current()) out.push_back(*c);
    return out;
  }
  for (const Comment& c : items_) {
    if (selected_.count(c.id) != 0) out.push_back(c);
  }
  return out;
}

const Comment* QueueModel::find(std::int64_t id) const noexcept {
  for (const Comment& c : items_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::optional<std::int64_t> QueueModel::oldest_id() const noexcept {
  if (items_.empty()) return std::nullopt;
  return items_.back().id;
}

void QueueModel::select_all(bool on) {
  selected_.clear();
  if (!on) return;
  for (const comments::Comment& c : items_) selected_.insert(c.id);
}

}  // namespace cmmod
