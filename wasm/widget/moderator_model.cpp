#include "widget/moderator_model.hpp"

#include <algorithm>

namespace cmwidget {

using comments::Comment;
using comments::Status;

HeldComments::Change HeldComments::apply(const Comment& c) {
  Change change;
  if (c.status == Status::published) {
    auto known = flags_now_.find(c.id);
    if (known == flags_now_.end() || known->second != c.flags) {
      flags_now_[c.id] = c.flags;
      change.flags = true;
    }
  }
  auto it = std::find_if(held_.begin(), held_.end(), [&](const Comment& h) { return h.id == c.id; });
  const bool held_now = c.status == Status::pending;
  if (it != held_.end()) {
    if (held_now) {
      *it = c;
    } else {
      held_.erase(it);
    }
    change.held = true;
  } else if (held_now) {
    held_.insert(std::find_if(held_.begin(), held_.end(), [&](const Comment& h) { return h.id < c.id; }),
                 c);
    change.held = true;
  }
  return change;
}

bool HeldComments::holds(std::int64_t id) const {
  return std::any_of(held_.begin(), held_.end(), [id](const Comment& h) { return h.id == id; });
}

std::int32_t HeldComments::flags(const Comment& c) const {
  const auto known = flags_now_.find(c.id);
  return known != flags_now_.end() ? known->second : c.flags;
}

}  // namespace cmwidget
