// What signed-in moderators are sent unasked: `queued` (a post held, a
// comment flagged, a held post edited) and `audited` (any moderator's
// action), each exactly once, whether it comes from this instance, from the
// bus, or, after a bus gap, from the database.
//
// Why a set of delivered keys and a time, not an id cursor: a flag or an
// author's edit changes an old comment, so no comment id orders the queue's
// events; and this instance's own events go on being delivered during a gap,
// so any high-water mark would pass over what the others committed
// meanwhile. Each event has a key (an audit row: its id; a queue item: its
// comment id, flag count and edit time, which together name one state of the
// item) and a time written by the instance that committed it. After a gap the
// feed reads what happened since the gap began (less settle_ms, for a link
// that died before anyone noticed): the audit rows, and the comments in a
// queue now whose last hold, edit or flag is that recent
// (Store::queue_events). It sends them merged in time order, skipping every
// key delivered already, and a bus event arriving later is skipped the same
// way. Keys are kept for keep_ms, and not dropped while a gap is open, so a
// replay never reaches further back than the keys it is checked against.
// The rules: docs/architecture.md ("Several instances", Recovery).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "app/completion_queue.hpp"
#include "app/delivery.hpp"
#include "comments/moderation.hpp"
#include "store/store_worker.hpp"

namespace comments::server {

class ModeratorFeed {
 public:
  ModeratorFeed(StoreWorker& worker, CompletionQueue& completions, Moderators& moderators)
      : worker_(worker), completions_(completions), moderators_(moderators) {}

  // A comment entered (or changed in) a moderator queue. Each returns false
  // when the event was delivered already (nothing is sent).
  bool queued(const Comment& c);
  // An action was logged.
  bool audited(const AuditEntry& entry);
  // The `audited` message another instance published with its event.
  bool audited(const std::string& message);

  // The bus link is lost / back: a gap starts (unless one is open) / may end.
  void bus_lost(std::int64_t now);
  void bus_up() { down_ = false; }
  // When the open gap began (this instance's clock); nullopt when none is.
  std::optional<std::int64_t> gap_start() const noexcept { return gap_start_; }
  // Replays what was committed since the open gap began, or since `since`
  // (another instance's gap: its `resync`), whichever is earlier, at most
  // keep_ms - settle_ms back. Closes the gap when the bus is still up at
  // the end.
  void catch_up(std::optional<std::int64_t> since = std::nullopt);

  // Events of one instance reach the others within this of their stamp
  // (clocks and a dead link unnoticed included): ThreadHubs' assumption.
  static constexpr std::int64_t settle_ms = 60'000;
  // How long delivered keys are kept (so how far back a replay may look).
  static constexpr std::int64_t keep_ms = 10 * 60'000;
  // At most this many audit rows and queue items per replay.
  static constexpr int max_replay = 1000;

 private:
  // kind ('a' audit row, 'q' queue item), id, flags, edited.
  using Key = std::tuple<char, std::int64_t, std::int64_t, std::int64_t>;
  static Key key_of(const Comment& c) { return {'q', c.id, c.flags, c.edited.value_or(0)}; }
  // Sends `message` unless `key` was delivered; false when it was.
  bool deliver_once(const Key& key, std::string message);
  bool audited_once(std::int64_t id, std::string message, const std::optional<std::int64_t>& comment,
                    std::string_view action);
  void prune(std::int64_t now);
  struct Replay;
  void on_replay(Replay replay, std::optional<std::int64_t> gap);

  StoreWorker& worker_;
  CompletionQueue& completions_;
  Moderators& moderators_;
  std::map<Key, std::int64_t> delivered_;  // key -> when delivered (Unix ms)
  std::int64_t last_prune_ = 0;
  std::optional<std::int64_t> gap_start_;
  bool down_ = false;
};

}  // namespace comments::server
