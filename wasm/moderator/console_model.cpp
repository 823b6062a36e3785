#include "moderator/console_model.hpp"

#include <iterator>
#include <utility>

#include "moderator/audit_model.hpp"
#include "moderator/strings.hpp"

namespace cmmod {

using comments::Comment;
using comments::Status;

namespace {

// How many comments the preview sample keeps (newest ids win).
constexpr std::size_t max_seen = 2000;

}  // namespace

std::string_view wire_action(Action a, const Comment& c) noexcept {
  switch (a) {
    case Action::approve: return "approve";
    case Action::reject: return "reject";
    case Action::remove: return "delete";
    case Action::pin_toggle: return c.pinned ? "unpin" : "pin";
    case Action::ban: break;
  }
  return "";
}

std::optional<EditedMark> edited_mark(cmweb::Lang lang, const Comment& c, int utc_offset_minutes) {
  if (!c.edited) return std::nullopt;
  return EditedMark{std::string(text(lang, M::badge_edited)),
                    cmweb::fill_in(text(lang, M::edited_at), "time", local_timestamp(*c.edited, utc_offset_minutes))};
}

bool ActionBatch::reply(bool ok, std::string failure) {
  --remaining_;
  if (ok) {
    ++done_;
  } else {
    failures_.push_back(std::move(failure));
  }
  return remaining_ <= 0;
}

std::string ActionBatch::failures() const {
  std::string out;
  for (const auto& f : failures_) {
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

void ConsoleModel::select_queue(Queue q) {
  queue_.reset(q, queue_.filter());
  if (q == Queue::pending) new_pending_ = 0;
  if (q == Queue::flagged) new_flagged_ = 0;
  disarm_ban();
}

void ConsoleModel::set_filter(QueueFilter f) {
  queue_.reset(queue_.queue(), std::move(f));
  disarm_ban();
}

void ConsoleModel::reload() {
  queue_.reset(queue_.queue(), queue_.filter());
  fresh_.clear();
}

bool ConsoleModel::on_queued(const Comment& c, bool viewing_queues) {
  remember(c);
  if (c.status == Status::pending && !(viewing_queues && queue_.queue() == Queue::pending)) ++new_pending_;
  if (c.flags > 0 && !(viewing_queues && queue_.queue() == Queue::flagged)) ++new_flagged_;
  if (queue_.apply(c)) fresh_.insert(c.id);
  return c.status == Status::pending;
}

bool ConsoleModel::on_edited(const Comment& c) {
  remember(c);
  return queue_.apply(c);
}

int ConsoleModel::new_count(Queue q) const noexcept {
  return q == Queue::pending ? new_pending_ : q == Queue::flagged ? new_flagged_ : 0;
}

ActionStep ConsoleModel::begin_action(Action a) {
  if (queue_.targets().empty()) return ActionStep::nothing_selected;
  if (a == Action::ban && !ban_armed_) {
    ban_armed_ = true;
    return ActionStep::armed;
  }
  ban_armed_ = false;
  return ActionStep::send;
}

bool ConsoleModel::disarm_ban() noexcept { return std::exchange(ban_armed_, false); }

bool ConsoleModel::moderated(const std::optional<Comment>& changed) {
  if (!changed) return false;
  remember(*changed);
  queue_.apply(*changed);
  return true;
}

void ConsoleModel::banned(std::int64_t id) {
  banned_posters_of_.insert(id);
}

void ConsoleModel::remember(const Comment& c) {
  seen_[c.id] = c;
  while (seen_.size() > max_seen) seen_.erase(std::prev(seen_.end()));
}

std::vector<Comment> ConsoleModel::sample() const {
  std::vector<Comment> out;
  out.reserve(seen_.size());
  for (const auto& [id, c] : seen_) out.push_back(c);
  return out;
}

}  // namespace cmmod
