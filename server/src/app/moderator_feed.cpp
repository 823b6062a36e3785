#include "app/moderator_feed.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "comments/protocol.hpp"
#include "support/log.hpp"

namespace comments::server {

bool ModeratorFeed::queued(const Comment& c) { return deliver_once(key_of(c), queued_event(c)); }

bool ModeratorFeed::audited(const AuditEntry& entry) {
  return audited_once(entry.id, audit_event(entry), entry.comment, entry.action);
}

bool ModeratorFeed::audited(const std::string& message) {
  std::int64_t id = 0;
  std::optional<std::int64_t> comment;
  std::string action;
  try {
    const nlohmann::json parsed = nlohmann::json::parse(message);
    const nlohmann::json& entry = parsed.at("entry");
    id = entry.at("id").get<std::int64_t>();
    action = entry.value("action", "");
    if (entry.contains("comment") && entry["comment"].is_number_integer()) {
      comment = entry["comment"].get<std::int64_t>();
    }
  } catch (const std::exception& e) {
    log_warn("bus-event-ignored", "kind=audit error=" + log_value(e.what()));
    return false;
  }
  return audited_once(id, message, comment, action);
}

bool ModeratorFeed::audited_once(std::int64_t id, std::string message,
                                 const std::optional<std::int64_t>& comment, std::string_view action) {
  if (!deliver_once({'a', id, 0, 0}, std::move(message))) return false;
  // An approve resets the comment's flags: its next flag may repeat a flag
  // count already delivered, and must still be delivered.
  if (action == "approve" && comment) {
    constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    delivered_.erase(delivered_.lower_bound({'q', *comment, lowest, lowest}),
                     delivered_.lower_bound({'q', *comment + 1, lowest, lowest}));
  }
  return true;
}

bool ModeratorFeed::deliver_once(const Key& key, std::string message) {
  const std::int64_t now = now_ms();
  prune(now);
  // Kept even when no moderator is signed in: one signing in later reads
  // the queue and the log, so a replay must not send this again.
  if (!delivered_.emplace(key, now).second) return false;
  moderators_.send(encode(std::move(message)));
  return true;
}

void ModeratorFeed::prune(std::int64_t now) {
  if (now - last_prune_ < 1000) return;
  last_prune_ = now;
  const std::int64_t horizon = gap_start_.value_or(now) - keep_ms;
  std::erase_if(delivered_, [horizon](const auto& kept) { return kept.second < horizon; });
}

void ModeratorFeed::bus_lost(std::int64_t now) {
  down_ = true;
  if (!gap_start_) gap_start_ = now;
}

struct ModeratorFeed::Replay {
  std::vector<AuditEntry> audit;  // at or after `from`, by (at, id)
  std::vector<QueueEvent> queue;  // the same, by (at, id)
  std::string error;
};

void ModeratorFeed::catch_up(std::optional<std::int64_t> since) {
  const std::int64_t now = now_ms();
  const std::int64_t gap = std::min(gap_start_.value_or(now), since.value_or(now));
  // Never further back than the kept keys reach, with settle_ms to spare for
  // events stamped a little before they were delivered.
  const std::int64_t from = std::max(gap - settle_ms, gap_start_.value_or(now) - keep_ms + settle_ms);
  worker_.run([this, from, open = gap_start_](Store& store) {
    constexpr int page_size = 200;
    Replay replay;
    try {
      // The log pages newest first by id; ids follow time closely enough
      // that settle_ms covers the difference.
      std::optional<std::int64_t> before;
      while (replay.audit.size() < static_cast<std::size_t>(max_replay)) {
        std::vector<AuditEntry> page = store.audit(before, page_size);
        for (AuditEntry& e : page) {
          if (e.at >= from) replay.audit.push_back(std::move(e));
        }
        if (static_cast<int>(page.size()) < page_size || page.back().at < from) break;
        before = page.back().id;
      }
      std::sort(replay.audit.begin(), replay.audit.end(), [](const AuditEntry& a, const AuditEntry& b) {
        return std::tie(a.at, a.id) < std::tie(b.at, b.id);
      });
      replay.queue = store.queue_events(from, max_replay);
    } catch (const std::exception& e) {
      replay.error = e.what();
    }
    completions_.push([this, replay = std::move(replay), open]() mutable { on_replay(std::move(replay), open); });
  });
}

void ModeratorFeed::on_replay(Replay replay, std::optional<std::int64_t> gap) {
  if (!replay.error.empty()) {
    // The gap stays open: the next catch-up reads it again.
    log_error("store-failed", "op=moderator-replay error=" + log_value(replay.error));
    return;
  }
  // One stream in time order. On a tie the action goes first: a queue item
  // is read as it is now, after every action on it.
  int audited_sent = 0;
  int queued_sent = 0;
  std::size_t a = 0;
  std::size_t q = 0;
  while (a < replay.audit.size() || q < replay.queue.size()) {
    if (q == replay.queue.size() || (a < replay.audit.size() && replay.audit[a].at <= replay.queue[q].at)) {
      audited_sent += audited(replay.audit[a++]) ? 1 : 0;
    } else {
      queued_sent += queued(replay.queue[q++].comment) ? 1 : 0;
    }
  }
  log_info("moderator-replay", "audit=" + std::to_string(audited_sent) + "/" + std::to_string(replay.audit.size()) +
                                   " queued=" + std::to_string(queued_sent) + "/" +
                                   std::to_string(replay.queue.size()) +
                                   " moderators=" + std::to_string(moderators_.size()));
  // Closed unless the bus went down again meanwhile (then the next catch-up
  // starts from the same gap).
  if (!down_ && gap_start_ == gap) gap_start_.reset();
}

}  // namespace comments::server
