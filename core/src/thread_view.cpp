// The reader's view of one thread. Both lists are kept newest first (ids
// increase with time, so newest first is descending id) and free of
// duplicates; only published comments are ever held.
#include "comments/thread_view.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "comments/limits.hpp"

namespace comments {

namespace {

bool newer(const Comment& a, const Comment& b) { return a.id > b.id; }

// Sorts newest first, drops unpublished comments and repeated ids, and keeps
// at most `bound`: input from a snapshot or storage is trusted for content,
// not for shape. An insertion sort, not std::sort: the lists are short (a
// view's capacity) and come newest first already (a snapshot, a storage
// read), where it takes one pass; and it is a small part of std::sort's code
// in every reader's download (about 600 B of the widget's Wasm, gzipped).
// Of repeated ids the first is kept.
void normalise(std::vector<Comment>& list, std::size_t bound) {
  std::erase_if(list, [](const Comment& c) { return c.status != Status::published; });
  for (std::size_t i = 1; i < list.size(); ++i) {
    for (std::size_t j = i; j > 0 && newer(list[j], list[j - 1]); --j) std::swap(list[j], list[j - 1]);
  }
  list.erase(std::unique(list.begin(), list.end(),
                         [](const Comment& a, const Comment& b) { return a.id == b.id; }),
             list.end());
  if (list.size() > bound) list.resize(bound);
}

std::vector<Comment>::iterator find_id(std::vector<Comment>& list, std::int64_t id) {
  return std::find_if(list.begin(), list.end(), [id](const Comment& c) { return c.id == id; });
}

// Inserts or replaces `c` in a newest-first list bounded by `bound`.
// Returns true when the list changed.
bool upsert(std::vector<Comment>& list, const Comment& c, std::size_t bound) {
  if (auto it = find_id(list, c.id); it != list.end()) {
    if (*it == c) return false;
    *it = c;
    return true;
  }
  const auto at = std::lower_bound(list.begin(), list.end(), c, newer);
  if (static_cast<std::size_t>(at - list.begin()) >= bound) return false;
  list.insert(at, c);
  if (list.size() > bound) list.pop_back();
  return true;
}

bool erase_id(std::vector<Comment>& list, std::int64_t id) {
  if (auto it = find_id(list, id); it != list.end()) {
    list.erase(it);
    return true;
  }
  return false;
}

}  // namespace

ThreadView::ThreadView(std::size_t capacity) : capacity_(capacity) {}

void ThreadView::reset(std::vector<Comment> newest, std::vector<Comment> pinned,
                       std::int64_t total) {
  normalise(newest, capacity_);
  std::erase_if(pinned, [](const Comment& c) { return !c.pinned; });
  normalise(pinned, limits::max_pinned);
  newest_ = std::move(newest);
  pinned_ = std::move(pinned);
  total_ = std::max<std::int64_t>(total, static_cast<std::int64_t>(newest_.size()));
}

bool ThreadView::apply(const Comment& c, std::optional<std::int64_t> total) {
  const std::int64_t total_before = total_;
  bool lists_changed = false;

  if (c.status != Status::published) {
    const bool in_newest = erase_id(newest_, c.id);
    const bool in_pinned = erase_id(pinned_, c.id);
    lists_changed = in_newest || in_pinned;
    // It was published (the view held it) and no longer is.
    if (lists_changed && !total) total_ = std::max<std::int64_t>(total_ - 1, 0);
  } else {
    const bool known = find(c.id) != nullptr;
    // A comment older than everything held belongs at the end only when the
    // view holds the whole thread; otherwise older unseen comments may sit
    // between, and it is left to a later page.
    const bool holds_all = static_cast<std::int64_t>(newest_.size()) >= total_before;
    const bool fits = newest_.empty() ? holds_all
                                      : (c.id > newest_.back().id || holds_all);
    if (find_id(newest_, c.id) != newest_.end() || fits) {
      lists_changed = upsert(newest_, c, capacity_) || lists_changed;
    }
    if (c.pinned) {
      lists_changed = upsert(pinned_, c, limits::max_pinned) || lists_changed;
    } else {
      lists_changed = erase_id(pinned_, c.id) || lists_changed;
    }
    // Estimate: a comment the view did not hold that belongs among the
    // newest is taken for a newly published one. Saturated: a server may
    // have sent a total of INT64_MAX, and one more must not overflow.
    if (!known && !total && fits && total_ < std::numeric_limits<std::int64_t>::max()) ++total_;
  }

  if (total) total_ = std::max<std::int64_t>(*total, 0);
  total_ = std::max<std::int64_t>(total_, static_cast<std::int64_t>(newest_.size()));
  return lists_changed || total_ != total_before;
}

void ThreadView::append_older(const std::vector<Comment>& older_newest_first) {
  for (const Comment& c : older_newest_first) {
    if (newest_.size() >= capacity_) break;
    if (c.status != Status::published) continue;
    // Only strictly older than what is held: keeps the order and no duplicates.
    if (!newest_.empty() && c.id >= newest_.back().id) continue;
    newest_.push_back(c);
  }
  total_ = std::max<std::int64_t>(total_, static_cast<std::int64_t>(newest_.size()));
}

bool ThreadView::needs_refill() const noexcept {
  return newest_.size() < capacity_ && total_ > static_cast<std::int64_t>(newest_.size());
}

const Comment* ThreadView::find(std::int64_t id) const noexcept {
  for (const auto* list : {&newest_, &pinned_}) {
    for (const Comment& c : *list) {
      if (c.id == id) return &c;
    }
  }
  return nullptr;
}

}  // namespace comments
