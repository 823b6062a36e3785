// The console's queue-side state (moderator/console_model.hpp): what a
// moderator action does to the queue, the counts of new arrivals, the
// two-step ban, and the preview's sample.
#include <doctest/doctest.h>

#include "moderator/console_model.hpp"
#include "moderator/tests/test_comments.hpp"

using cmmod::Action;
using cmmod::ActionStep;
using cmmod::ConsoleModel;
using cmmod::Queue;
using comments::Comment;
using comments::Status;

using cmmod::testing::make;

namespace {

std::vector<std::int64_t> ids(const ConsoleModel& m) { return cmmod::testing::ids_of(m.queue().items()); }

// The pending queue with comments 3, 2, 1 loaded.
ConsoleModel pending_queue() {
  ConsoleModel m;
  m.select_queue(Queue::pending);
  m.queue().append_page({make(3), make(2), make(1)}, 50);
  return m;
}

}  // namespace

TEST_CASE("approve and reject take comments out of the pending queue; the cursor stays in place") {
  ConsoleModel m = pending_queue();
  REQUIRE(m.queue().cursor_id() == 3);
  CHECK(m.begin_action(Action::approve) == ActionStep::send);
  REQUIRE(m.queue().targets().size() == 1);
  CHECK(cmmod::wire_action(Action::approve, m.queue().targets()[0]) == "approve");

  // The server's reply: the comment as it now is.
  CHECK(m.moderated(make(3, Status::published)));
  CHECK(ids(m) == std::vector<std::int64_t>{2, 1});
  CHECK(m.queue().cursor_id() == 2);
  CHECK(m.seen(3));

  // Both remaining selected and rejected at once.
  m.queue().toggle_selected(2);
  m.queue().toggle_selected(1);
  CHECK(m.begin_action(Action::reject) == ActionStep::send);
  CHECK(m.queue().targets().size() == 2);
  CHECK(m.moderated(make(2, Status::rejected)));
  CHECK(m.moderated(make(1, Status::rejected)));
  CHECK(m.queue().items().empty());
  CHECK(m.queue().selected_count() == 0);
  CHECK(m.begin_action(Action::approve) == ActionStep::nothing_selected);

  // A failed action (no comment in the reply) changes nothing.
  ConsoleModel other = pending_queue();
  CHECK_FALSE(other.moderated(std::nullopt));
  CHECK(ids(other) == std::vector<std::int64_t>{3, 2, 1});
}

TEST_CASE("a rejected comment moves to the rejected queue; pin toggles by the comment's state") {
  ConsoleModel m;
  m.select_queue(Queue::rejected);
  m.queue().append_page({}, 50);
  CHECK(m.moderated(make(7, Status::rejected)));
  CHECK(ids(m) == std::vector<std::int64_t>{7});

  Comment pinned = make(8, Status::published);
  pinned.pinned = true;
  CHECK(cmmod::wire_action(Action::pin_toggle, pinned) == "unpin");
  CHECK(cmmod::wire_action(Action::pin_toggle, make(8, Status::published)) == "pin");
  CHECK(cmmod::wire_action(Action::remove, pinned) == "delete");
}

TEST_CASE("live arrivals: counted on their tab unless it is on screen, and marked fresh") {
  ConsoleModel m = pending_queue();
  // Looking at the pending queue: it shows up there, no count.
  CHECK(m.on_queued(make(4), true));
  CHECK(ids(m) == std::vector<std::int64_t>{4, 3, 2, 1});
  CHECK(m.is_fresh(4));
  CHECK(m.new_count(Queue::pending) == 0);

  // On another panel: counted.
  CHECK(m.on_queued(make(5), false));
  CHECK(m.new_count(Queue::pending) == 1);
  // A flagged published comment counts on the flagged tab, is not announced.
  CHECK_FALSE(m.on_queued(make(2, Status::published, 3), true));
  CHECK(m.new_count(Queue::flagged) == 1);
  CHECK(ids(m) == std::vector<std::int64_t>{5, 4, 3, 1});  // no longer pending

  // Opening a tab reads its count; a reload forgets what was fresh.
  m.select_queue(Queue::flagged);
  CHECK(m.new_count(Queue::flagged) == 0);
  CHECK(m.new_count(Queue::pending) == 1);
  m.select_queue(Queue::pending);
  CHECK(m.new_count(Queue::pending) == 0);
  m.reload();
  CHECK_FALSE(m.is_fresh(4));
}

TEST_CASE("an author's edit: the listed item takes the new text, counted as no arrival, not fresh") {
  ConsoleModel m;
  m.select_queue(Queue::flagged);
  m.queue().append_page({make(3, Status::published, 2), make(2, Status::published, 1)}, 50);
  Comment edited = make(3, Status::published, 2, "读者", "改过的正文");
  edited.edited = edited.created + 60'000;
  CHECK(m.on_edited(edited));
  REQUIRE(m.queue().find(3) != nullptr);
  CHECK(m.queue().find(3)->body == "改过的正文");
  CHECK(m.queue().find(3)->edited == edited.edited);
  CHECK(ids(m) == std::vector<std::int64_t>{3, 2});
  CHECK(m.new_count(Queue::flagged) == 0);
  CHECK_FALSE(m.is_fresh(3));
  CHECK(m.sample().front().body == "改过的正文");  // the rule preview checks the new text
  CHECK_FALSE(m.on_edited(edited));                 // the same again: nothing to redraw
  // Not in this queue (no flags): nothing listed changes.
  Comment other = make(4, Status::published);
  other.edited = other.created + 1;
  CHECK_FALSE(m.on_edited(other));
  CHECK(ids(m) == std::vector<std::int64_t>{3, 2});
}

TEST_CASE("the edited mark: 已编辑 / edited, titled with the edit's time on the console's clock; none unedited") {
  Comment c = make(1);
  CHECK_FALSE(cmmod::edited_mark(cmweb::Lang::zh_CN, c, 480).has_value());
  c.edited = 1605107052000;  // 2020-11-11T15:04:12Z
  const auto zh = cmmod::edited_mark(cmweb::Lang::zh_CN, c, 480);
  REQUIRE(zh.has_value());
  CHECK(zh->label == "已编辑");
  CHECK(zh->title == "作者编辑于 2020-11-11 23:04:12");
  const auto en = cmmod::edited_mark(cmweb::Lang::en, c, -300);
  REQUIRE(en.has_value());
  CHECK(en->label == "edited");
  CHECK(en->title == "Edited by its author 2020-11-11 10:04:12");
}

TEST_CASE("ban: the first press arms, the second sends; anything else disarms") {
  ConsoleModel m = pending_queue();
  CHECK(m.begin_action(Action::ban) == ActionStep::armed);
  CHECK(m.ban_armed());
  CHECK(m.begin_action(Action::ban) == ActionStep::send);
  CHECK_FALSE(m.ban_armed());
  m.banned(3);
  CHECK(m.poster_banned(3));
  CHECK_FALSE(m.poster_banned(2));

  CHECK(m.begin_action(Action::ban) == ActionStep::armed);
  CHECK(m.disarm_ban());
  CHECK_FALSE(m.disarm_ban());
  CHECK(m.begin_action(Action::ban) == ActionStep::armed);
  m.select_queue(Queue::all);  // another queue: the ban is off
  CHECK_FALSE(m.ban_armed());
}

TEST_CASE("the preview's sample: every comment seen once, newest first, as it last was") {
  ConsoleModel m;
  m.remember(make(1));
  m.remember(make(3));
  m.remember(make(2));
  m.remember(make(1, Status::published));
  const auto sample = m.sample();
  REQUIRE(sample.size() == 3);
  CHECK(sample[0].id == 3);
  CHECK(sample[2].id == 1);
  CHECK(sample[2].status == Status::published);
  for (int id = 10; id < 2020; ++id) m.remember(make(id));
  CHECK(m.sample().size() == 2000);
  CHECK_FALSE(m.seen(1));  // the oldest went first
  CHECK(m.seen(2019));
}

TEST_CASE("a batch of actions reports once every reply is in: how many succeeded, what failed") {
  cmmod::ActionBatch batch;
  for (int i = 0; i < 3; ++i) batch.sent();
  CHECK_FALSE(batch.reply(true));
  CHECK_FALSE(batch.reply(false, "#2 not found."));
  CHECK(batch.reply(true));
  CHECK(batch.done() == 2);
  CHECK(batch.failures() == "#2 not found.");

  cmmod::ActionBatch two_failed;
  two_failed.sent();
  two_failed.sent();
  CHECK_FALSE(two_failed.reply(false, "a"));
  CHECK(two_failed.reply(false, "b"));
  CHECK(two_failed.done() == 0);
  CHECK(two_failed.failures() == "a b");
}
