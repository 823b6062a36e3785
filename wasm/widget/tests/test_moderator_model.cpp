// Moderator mode's held list (widget/moderator_model.hpp): held comments
// newest first, leaving when a moderator decides, and flag counts newer than
// what readers were told.
#include <doctest/doctest.h>

#include "widget/moderator_model.hpp"

using cmwidget::HeldComments;
using comments::Comment;
using comments::Status;

namespace {

Comment held(std::int64_t id, Status status = Status::pending, std::int32_t flags = 0) {
  Comment c;
  c.id = id;
  c.thread = "t1";
  c.author = "读者";
  c.body = "待审";
  c.status = status;
  c.flags = flags;
  return c;
}

std::vector<std::int64_t> ids(const HeldComments& h) {
  std::vector<std::int64_t> out;
  for (const Comment& c : h.items()) out.push_back(c.id);
  return out;
}

}  // namespace

TEST_CASE("held comments: arrivals in id order; approve, reject or delete takes them out") {
  HeldComments h;
  h.reset({held(5), held(2)});
  CHECK(h.apply(held(3)).held);
  CHECK(ids(h) == std::vector<std::int64_t>{5, 3, 2});
  CHECK(h.holds(3));

  const auto approved = h.apply(held(3, Status::published));
  CHECK(approved.held);
  CHECK(approved.flags);  // first seen published: its flag count is known now
  CHECK(ids(h) == std::vector<std::int64_t>{5, 2});
  CHECK_FALSE(h.holds(3));
  CHECK(h.apply(held(5, Status::rejected)).held);
  CHECK(ids(h) == std::vector<std::int64_t>{2});
  // A comment that was never held and is not now changes nothing.
  CHECK_FALSE(h.apply(held(9, Status::deleted)).held);
}

TEST_CASE("flag counts: a moderator's copy follows the newest count readers were not told") {
  HeldComments h;
  Comment c = held(7, Status::published, 0);
  CHECK(h.flags(c) == 0);
  CHECK(h.apply(held(7, Status::published, 2)).flags);
  CHECK(h.flags(c) == 2);  // the widget's copy still says 0
  CHECK_FALSE(h.apply(held(7, Status::published, 2)).flags);
  CHECK(h.apply(held(7, Status::published, 0)).flags);  // an approve cleared them
  CHECK(h.flags(held(7, Status::published, 2)) == 0);
}
