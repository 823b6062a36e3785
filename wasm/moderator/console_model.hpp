// What the console's queue panel holds beyond the list itself (QueueModel):
// the counts of new arrivals on the pending and flagged tabs, which comments
// arrived live, whose posters were banned here, the two-step ban, what a
// moderator action sends and what its reply does to the queue, and every
// comment seen so far (the rule preview's sample). Pure C++ (no DOM, no
// JSON): the views (queue_view.cpp, console.cpp) render it and translate DOM
// events; wasm/moderator/tests runs it natively and as Wasm.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "comments/comment.hpp"
#include "common/i18n.hpp"
#include "moderator/queue_model.hpp"

namespace cmmod {

enum class Action : std::uint8_t { approve, reject, remove, pin_toggle, ban };

// The `moderate` request's action for `a` on `c` ("approve", "reject",
// "delete", "pin" or "unpin"); "" for a ban, which is a request of its own.
std::string_view wire_action(Action a, const comments::Comment& c) noexcept;

// What pressing an action does now.
enum class ActionStep : std::uint8_t {
  nothing_selected,  // no target: say so
  armed,             // a ban asks to be confirmed by pressing it again
  send,              // send the action for every target (targets())
};

// The mark of a comment its author edited: "已编辑" / "edited", and for its
// tooltip when (the console's clock, as the audit log's times). nullopt: never edited.
struct EditedMark {
  std::string label;
  std::string title;
};
std::optional<EditedMark> edited_mark(cmweb::Lang lang, const comments::Comment& c, int utc_offset_minutes);

// The replies to one batch of actions (a request per target): once every
// reply is in, the console says how many succeeded and shows the failures.
class ActionBatch {
 public:
  void sent() noexcept { ++remaining_; }
  // One reply; `failure` says why when it did not succeed. Returns true when
  // it was the last one.
  bool reply(bool ok, std::string failure = {});
  int done() const noexcept { return done_; }
  // The failures one after another ("" when none).
  std::string failures() const;

 private:
  int remaining_ = 0;
  int done_ = 0;
  std::vector<std::string> failures_;
};

class ConsoleModel {
 public:
  QueueModel& queue() noexcept { return queue_; }
  const QueueModel& queue() const noexcept { return queue_; }

  // ---- Which queue
  // Shows queue `q` with the same filters; its count of new arrivals is read.
  void select_queue(Queue q);
  // The same queue with other filters.
  void set_filter(QueueFilter f);
  // A fresh first page of the same query: nothing counts as arrived live.
  void reload();

  // ---- Live arrivals (`queued`) and changes made elsewhere
  // `viewing_queues`: the moderator is looking at the queue panel. Returns
  // true when the arrival is announced (a comment held for review).
  bool on_queued(const comments::Comment& c, bool viewing_queues);
  // An author's edit of a published comment (`edited`): the item shows the
  // new text, counted as no arrival. Returns true when the list changed.
  bool on_edited(const comments::Comment& c);
  // New arrivals since the tab was last opened (pending and flagged only).
  int new_count(Queue q) const noexcept;
  bool is_fresh(std::int64_t id) const { return fresh_.count(id) != 0; }

  // ---- Actions
  ActionStep begin_action(Action a);
  bool ban_armed() const noexcept { return ban_armed_; }
  // Returns true when a ban was armed (the toolbar changes back).
  bool disarm_ban() noexcept;
  // Replies: a `moderate` reply's comment as it now is (nullopt: the action
  // failed). Returns whether it succeeded; the queue follows.
  bool moderated(const std::optional<comments::Comment>& changed);
  // A `ban` of the poster of comment `id` succeeded.
  void banned(std::int64_t id);
  bool poster_banned(std::int64_t id) const { return banned_posters_of_.count(id) != 0; }

  // ---- Every comment seen (the rule preview's sample), newest first by id
  void remember(const comments::Comment& c);
  bool seen(std::int64_t id) const { return seen_.count(id) != 0; }
  std::vector<comments::Comment> sample() const;

 private:
  QueueModel queue_;
  int new_pending_ = 0;
  int new_flagged_ = 0;
  std::set<std::int64_t> fresh_;              // arrived live since the list was loaded
  std::set<std::int64_t> banned_posters_of_;  // comment ids whose poster we banned
  bool ban_armed_ = false;
  std::map<std::int64_t, comments::Comment, std::greater<>> seen_;
};

}  // namespace cmmod
