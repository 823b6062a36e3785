#include <doctest/doctest.h>

#include "moderator/queue_model.hpp"
#include "moderator/tests/test_comments.hpp"

using cmmod::Queue;
using cmmod::QueueFilter;
using cmmod::QueueModel;
using comments::Comment;
using comments::Status;

using cmmod::testing::make;

namespace {

std::vector<std::int64_t> ids(const QueueModel& m) { return cmmod::testing::ids_of(m.items()); }

}  // namespace

TEST_CASE("in_queue: status tabs, flagged, and the filters the server applies") {
  CHECK(cmmod::in_queue(make(1, Status::pending), Queue::pending, {}));
  CHECK_FALSE(cmmod::in_queue(make(1, Status::published), Queue::pending, {}));
  CHECK(cmmod::in_queue(make(1, Status::published, 2), Queue::flagged, {}));
  CHECK_FALSE(cmmod::in_queue(make(1, Status::published, 0), Queue::flagged, {}));
  CHECK(cmmod::in_queue(make(1, Status::deleted), Queue::all, {}));

  QueueFilter f;
  f.thread = "t1";
  CHECK(cmmod::in_queue(make(1), Queue::all, f));
  f.thread = std::string("t");  // exact, not a prefix
  CHECK_FALSE(cmmod::in_queue(make(1), Queue::all, f));

  QueueFilter by_author;
  by_author.author = "READ";
  CHECK(cmmod::in_queue(make(1, Status::pending, 0, "a reader"), Queue::all, by_author));
  by_author.author = "读";
  CHECK(cmmod::in_queue(make(1), Queue::all, by_author));
  QueueFilter by_text;
  by_text.text = "长三角";
  CHECK(cmmod::in_queue(make(1, Status::pending, 0, "x", "推进长三角一体化"), Queue::all, by_text));
  CHECK_FALSE(cmmod::in_queue(make(1, Status::pending, 0, "x", "基层治理"), Queue::all, by_text));
  by_text.text = "ÉTÉ";
  CHECK(cmmod::in_queue(make(1, Status::pending, 0, "x", "un été chaud"), Queue::all, by_text));
}

TEST_CASE("pages load newest first; a short page is the end") {
  QueueModel m;
  m.reset(Queue::pending, {});
  m.append_page({make(9), make(7), make(5)}, 3);
  CHECK(ids(m) == std::vector<std::int64_t>{9, 7, 5});
  CHECK_FALSE(m.at_end());
  CHECK(m.cursor_id() == 9);
  CHECK(m.oldest_id() == 5);
  m.append_page({make(4)}, 3);
  CHECK(ids(m) == std::vector<std::int64_t>{9, 7, 5, 4});
  CHECK(m.at_end());
}

TEST_CASE("a comment that leaves the queue takes its selection along; the cursor stays in place") {
  QueueModel m;
  m.reset(Queue::pending, {});
  m.append_page({make(9), make(7), make(5)}, 50);
  m.move_cursor(1);
  REQUIRE(m.cursor_id() == 7);
  CHECK(m.toggle_selected(7));
  CHECK(m.apply(make(7, Status::published)));
  CHECK(ids(m) == std::vector<std::int64_t>{9, 5});
  CHECK(m.selected_count() == 0);
  CHECK(m.cursor_id() == 5);  // the next one, where the removed one was
  CHECK(m.apply(make(5, Status::rejected)));
  CHECK(m.cursor_id() == 9);  // the last one left: the one before
  CHECK(m.apply(make(9, Status::deleted)));
  CHECK(m.items().empty());
  CHECK_FALSE(m.cursor_id().has_value());
  CHECK(m.current() == nullptr);
}

TEST_CASE("live arrivals: inserted by id, replaced in place, older than the loaded pages left to paging") {
  QueueModel m;
  m.reset(Queue::all, {});
  m.append_page({make(9), make(7)}, 2);  // a full page: more may exist
  CHECK(m.apply(make(12)));
  CHECK(ids(m) == std::vector<std::int64_t>{12, 9, 7});
  CHECK(m.apply(make(8)));
  CHECK(ids(m) == std::vector<std::int64_t>{12, 9, 8, 7});
  CHECK_FALSE(m.apply(make(3)));  // the next page brings it
  CHECK_FALSE(m.apply(make(9)));  // unchanged
  CHECK(m.apply(make(9, Status::published, 1)));
  CHECK(m.find(9)->flags == 1);

  QueueModel done;
  done.reset(Queue::all, {});
  done.append_page({make(9)}, 50);  // the end: nothing older exists but what arrives
  CHECK(done.apply(make(3)));
  CHECK(ids(done) == std::vector<std::int64_t>{9, 3});

  QueueModel filtered;
  QueueFilter f;
  f.thread = "t2";
  filtered.reset(Queue::pending, f);
  filtered.append_page({}, 50);
  CHECK_FALSE(filtered.apply(make(5)));  // another thread
  CHECK(filtered.apply(make(6, Status::pending, 0, "a", "b", "t2")));
  CHECK(filtered.cursor_id() == 6);
}

TEST_CASE("the cursor moves within the list; actions target the selection in list order, else the cursor") {
  QueueModel m;
  m.reset(Queue::pending, {});
  m.append_page({make(9), make(7), make(5)}, 50);
  m.move_cursor(-1);
  CHECK(m.cursor_id() == 9);
  m.move_cursor(5);
  CHECK(m.cursor_id() == 5);
  REQUIRE(m.targets().size() == 1);
  CHECK(m.targets()[0].id == 5);

  CHECK(m.toggle_selected(5));
  CHECK(m.toggle_selected(9));
  CHECK_FALSE(m.toggle_selected(42));  // not listed
  auto targets = m.targets();
  REQUIRE(targets.size() == 2);
  CHECK(targets[0].id == 9);
  CHECK(targets[1].id == 5);
  CHECK_FALSE(m.toggle_selected(9));  // deselects
  CHECK(m.selected_count() == 1);
  m.clear_selection();
  CHECK(m.targets().size() == 1);

  m.set_cursor(7);
  CHECK(m.current()->id == 7);
  m.set_cursor(42);  // not listed: unchanged
  CHECK(m.current()->id == 7);

  m.reset(Queue::rejected, {});
  CHECK(m.items().empty());
  CHECK(m.targets().empty());
  CHECK(cmmod::wire_name(m.queue()) == "rejected");
}

TEST_CASE("select all: every loaded comment, in list order; again clears; a new page is not selected") {
  QueueModel m;
  m.reset(Queue::pending, {});
  m.append_page({make(9), make(7), make(5)}, 3);
  CHECK_FALSE(m.all_selected());
  m.select_all(true);
  CHECK(m.all_selected());
  CHECK(m.selected_count() == 3);
  CHECK(cmmod::testing::ids_of(m.targets()) == std::vector<std::int64_t>{9, 7, 5});
  m.append_page({make(3)}, 3);
  CHECK_FALSE(m.all_selected());
  m.select_all(true);
  CHECK(m.selected_count() == 4);
  m.select_all(false);
  CHECK(m.selected_count() == 0);
  CHECK_FALSE(m.all_selected());
}
