// ThreadView: the newest published comments, the pinned ones and the total,
// kept right through posts, moderation updates and pages.
#include <doctest/doctest.h>

#include <limits>
#include <vector>

#include "comments/limits.hpp"
#include "comments/thread_view.hpp"

using namespace comments;

namespace {

Comment published(std::int64_t id) {
  Comment c;
  c.id = id;
  c.thread = "k";
  c.author = "网友";
  c.body = "评论 " + std::to_string(id);
  c.created = 1605107052000 + id;
  return c;
}

Comment with_status(std::int64_t id, Status s) {
  Comment c = published(id);
  c.status = s;
  return c;
}

Comment pinned(std::int64_t id) {
  Comment c = published(id);
  c.pinned = true;
  return c;
}

std::vector<std::int64_t> ids(const std::vector<Comment>& list) {
  std::vector<std::int64_t> out;
  for (const Comment& c : list) out.push_back(c.id);
  return out;
}

using Ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("reset keeps shape: newest first, published only, no duplicates, bounded") {
  ThreadView view(3);
  view.reset({published(2), published(5), with_status(4, Status::pending), published(5), published(1),
              published(3)},
             {pinned(1), pinned(9), published(8)}, 2);
  CHECK(ids(view.newest()) == Ids{5, 3, 2});
  CHECK(ids(view.pinned()) == Ids{9, 1});  // only pinned ones are kept in the pinned list
  CHECK(view.total() == 3);                // never below what is held
  CHECK(view.capacity() == 3);

  std::vector<Comment> many;
  for (std::int64_t id = 1; id <= 8; ++id) many.push_back(pinned(id));
  view.reset({}, many, 40);
  CHECK(ids(view.pinned()) == Ids{8, 7, 6, 5, 4});
  CHECK(view.pinned().size() == limits::max_pinned);
  CHECK(view.total() == 40);
}

TEST_CASE("a new post goes in front; the list stays within capacity") {
  ThreadView view(3);
  view.reset({published(3), published(2), published(1)}, {}, 3);
  CHECK(view.apply(published(4), 4));
  CHECK(ids(view.newest()) == Ids{4, 3, 2});
  CHECK(view.total() == 4);

  // The same comment again (an ack and then an event): no duplicate, no change.
  CHECK_FALSE(view.apply(published(4), 4));
  CHECK(ids(view.newest()) == Ids{4, 3, 2});

  // Without a total the view estimates: a new comment among the newest counts one more.
  CHECK(view.apply(published(6)));
  CHECK(ids(view.newest()) == Ids{6, 4, 3});
  CHECK(view.total() == 5);

  // Out-of-order arrival lands in id order.
  CHECK(view.apply(published(5), 6));
  CHECK(ids(view.newest()) == Ids{6, 5, 4});
  CHECK(view.total() == 6);
}

TEST_CASE("an update replaces a comment in place") {
  ThreadView view(5);
  view.reset({published(3), published(2), published(1)}, {}, 3);
  Comment edited = published(2);
  edited.flags = 4;
  CHECK(view.apply(edited, 3));
  CHECK(ids(view.newest()) == Ids{3, 2, 1});
  REQUIRE(view.find(2) != nullptr);
  CHECK(view.find(2)->flags == 4);
  CHECK(view.total() == 3);
}

TEST_CASE("anything not published is removed") {
  for (const Status s : {Status::pending, Status::rejected, Status::deleted}) {
    ThreadView view(3);
    view.reset({pinned(3), published(2), published(1)}, {pinned(3)}, 3);
    CHECK(view.apply(with_status(3, s)));
    CHECK(ids(view.newest()) == Ids{2, 1});
    CHECK(view.pinned().empty());
    CHECK(view.total() == 2);  // estimated: it was held, so it was published
    CHECK(view.find(3) == nullptr);
  }

  ThreadView view(3);
  view.reset({published(3), published(2), published(1)}, {}, 10);
  // A pending post never shows (an ack of a held post).
  CHECK_FALSE(view.apply(with_status(11, Status::pending)));
  CHECK(view.total() == 10);
  // The event's total wins over the estimate.
  CHECK(view.apply(with_status(2, Status::deleted), 7));
  CHECK(view.total() == 7);
  CHECK(ids(view.newest()) == Ids{3, 1});
}

TEST_CASE("needs_refill after a removal while older comments exist") {
  ThreadView view(3);
  view.reset({published(5), published(4), published(3)}, {}, 5);
  CHECK_FALSE(view.needs_refill());
  view.apply(with_status(4, Status::deleted), 4);
  CHECK(view.needs_refill());
  // The page reply behind the oldest held (id 3) fills it up again.
  view.append_older({published(2), published(1)});
  CHECK(ids(view.newest()) == Ids{5, 3, 2});
  CHECK_FALSE(view.needs_refill());

  ThreadView whole(3);
  whole.reset({published(2), published(1)}, {}, 2);
  CHECK_FALSE(whole.needs_refill());  // the thread has only two
}

TEST_CASE("grow: a reader paging back keeps more, and a new snapshot refills up to it") {
  ThreadView view(2);
  view.reset({published(5), published(4)}, {}, 5);
  CHECK_FALSE(view.needs_refill());
  view.grow(2);
  CHECK(view.capacity() == 4);
  CHECK(view.needs_refill());
  view.append_older({published(3), published(2)});
  CHECK(ids(view.newest()) == Ids{5, 4, 3, 2});
  CHECK_FALSE(view.needs_refill());
  // A new post keeps all four shown (the oldest drops out, not a whole page).
  view.apply(published(6), 6);
  CHECK(ids(view.newest()) == Ids{6, 5, 4, 3});
  // A reconnect's snapshot holds only the join's limit: the rest is asked for again.
  view.reset({published(6), published(5)}, {}, 6);
  CHECK(view.needs_refill());
  view.grow(10);
  view.append_older({published(4), published(3), published(2), published(1)});
  CHECK(ids(view.newest()) == Ids{6, 5, 4, 3, 2, 1});
  CHECK_FALSE(view.needs_refill());  // all six are here
}

TEST_CASE("append_older skips duplicates, newer ids and unpublished ones") {
  ThreadView view(6);
  view.reset({published(9), published(8)}, {}, 20);
  view.append_older({published(8), published(10), published(7), with_status(6, Status::pending),
                     published(5), published(5), published(4), published(3), published(2)});
  CHECK(ids(view.newest()) == Ids{9, 8, 7, 5, 4, 3});

  ThreadView empty(2);
  empty.append_older({published(4), published(3), published(2)});
  CHECK(ids(empty.newest()) == Ids{4, 3});
  CHECK(empty.total() == 2);
}

TEST_CASE("an older comment is not slotted in where unseen ones may sit") {
  ThreadView view(5);
  // Holds 10 and 9 while the thread has 6 published: older ones are not loaded.
  view.reset({published(10), published(9)}, {}, 6);
  CHECK_FALSE(view.apply(published(2)));  // approved long ago: belongs to a later page
  CHECK(ids(view.newest()) == Ids{10, 9});
  CHECK(view.total() == 6);
  CHECK(view.apply(published(2), 7));  // the server's total still counts it
  CHECK(view.total() == 7);
  CHECK(ids(view.newest()) == Ids{10, 9});

  // When the view holds the whole thread, an approved older comment takes its place.
  ThreadView whole(5);
  whole.reset({published(10), published(9)}, {}, 2);
  CHECK(whole.apply(published(2)));
  CHECK(ids(whole.newest()) == Ids{10, 9, 2});
  CHECK(whole.total() == 3);
}

TEST_CASE("pinned: newest first, at most max_pinned, unpin removes") {
  ThreadView view(2);
  view.reset({published(20), published(19)}, {}, 20);
  for (std::int64_t id = 1; id <= 7; ++id) view.apply(pinned(id), 20);
  CHECK(ids(view.pinned()) == Ids{7, 6, 5, 4, 3});
  CHECK(ids(view.newest()) == Ids{20, 19});  // old pinned comments stay out of the newest list
  CHECK(view.total() == 20);

  // Pinning one of the newest shows it in both lists, once each.
  CHECK(view.apply(pinned(20), 20));
  CHECK(ids(view.pinned()) == Ids{20, 7, 6, 5, 4});
  CHECK(view.find(20)->pinned);
  CHECK(ids(view.newest()) == Ids{20, 19});

  Comment unpinned = published(6);
  CHECK(view.apply(unpinned, 20));
  CHECK(ids(view.pinned()) == Ids{20, 7, 5, 4});
  CHECK_FALSE(view.apply(unpinned, 20));  // already so

  // Deleting a pinned comment removes it from both lists.
  CHECK(view.apply(with_status(20, Status::deleted), 19));
  CHECK(ids(view.pinned()) == Ids{7, 5, 4});
  CHECK(ids(view.newest()) == Ids{19});
  CHECK(view.needs_refill());
}

TEST_CASE("find looks in both lists") {
  ThreadView view(1);
  view.reset({published(5)}, {pinned(2)}, 5);
  CHECK(view.find(5) != nullptr);
  CHECK(view.find(2) != nullptr);
  CHECK(view.find(3) == nullptr);
}

TEST_CASE("a zero-capacity view keeps only pinned comments and the total") {
  ThreadView view(0);
  view.reset({published(3)}, {pinned(1)}, 3);
  CHECK(view.newest().empty());
  CHECK(view.apply(published(4), 4));
  CHECK(view.newest().empty());
  CHECK(view.total() == 4);
  CHECK_FALSE(view.needs_refill());
}

TEST_CASE("the estimated total saturates at INT64_MAX instead of overflowing") {
  // Found by tests/fuzz/fuzz_thread_view: a total of INT64_MAX (from a
  // snapshot or a comment event) and one more new comment was signed overflow.
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  ThreadView view(3);
  view.reset({published(1)}, {}, max);
  CHECK(view.apply(published(2)));  // in the list: changed, though the total cannot grow
  CHECK(view.total() == max);
  CHECK(view.apply(published(3), max));
  CHECK_FALSE(view.apply(published(3)));  // known: nothing changes
  CHECK(view.apply(published(4)));
  CHECK(view.total() == max);
  CHECK(ids(view.newest()) == Ids{4, 3, 2});
}
