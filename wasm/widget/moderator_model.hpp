// Moderator mode's state as data (moderator_mode.hpp renders it): the
// thread's held comments, newest first, and flag counts newer than the
// widget's copy of a comment (readers get no event for flags, or for an
// approve that only clears them; moderators do). Pure C++, in the
// moderators' build of the widget only; tested in wasm/widget/tests.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "comments/comment.hpp"

namespace cmwidget {

class HeldComments {
 public:
  // What applying a comment changed.
  struct Change {
    bool flags = false;  // a published comment's flag count: the reader list's buttons
    bool held = false;   // the held list
  };

  // A `queue` reply of the thread's pending comments (newest first).
  void reset(std::vector<comments::Comment> held) { held_ = std::move(held); }
  // A comment of the thread as it is now (after an action here, a `queued`
  // event, or one refetched after another moderator's action).
  Change apply(const comments::Comment& c);
  bool holds(std::int64_t id) const;
  // How many flags `c` has now.
  std::int32_t flags(const comments::Comment& c) const;
  const std::vector<comments::Comment>& items() const noexcept { return held_; }

 private:
  std::vector<comments::Comment> held_;
  std::map<std::int64_t, std::int32_t> flags_now_;
};

}  // namespace cmwidget
