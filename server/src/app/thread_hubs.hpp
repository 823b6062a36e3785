// The live state of every thread key someone reads: who is joined, and a
// cache of what readers see (ThreadView), so a `join` is answered from memory.
//
// Why the caches stay consistent with storage without locks:
//  1. Every change to storage goes through the one StoreWorker thread, which
//     applies posts and jobs in queue order (a round commits its posts, runs
//     their callbacks, then runs its jobs in order).
//  2. Every callback/job pushes its completion (CompletionQueue) at the moment
//     its effect is in the store, so completions are queued in the order the
//     effects happened.
//  3. That queue is first in, first out and drained by the one io thread, so
//     the hubs see the completions in exactly that order.
// A cache loaded by a job therefore reflects every effect whose completion
// came before the load's completion and none of the later ones, which are
// applied to it one by one as their completions arrive. A change whose
// completion arrives while its thread is still loading is not applied: the
// load, which ran after it, already contains it.
//
// With several instances (app/cluster.hpp) comments also arrive from the
// bus. Each is routed through the worker queue before it reaches a hub, so
// its completion is ordered with the loads like a local one: a load that ran
// after the marker contains it; one that ran before may or may not (the
// other instance committed it at a moment we do not know), and the hub's
// delivered-id set tells which. The rules are in docs/architecture.md
// ("Several instances").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/completion_queue.hpp"
#include "app/peer.hpp"
#include "comments/protocol.hpp"
#include "comments/thread_view.hpp"
#include "store/store_worker.hpp"

namespace comments::server {

// One thread key's live state.
struct ThreadHub {
  static constexpr std::size_t cache_capacity = 50;

  explicit ThreadHub(std::string thread_key) : key(std::move(thread_key)) {}

  struct Waiter {
    WeakPeer peer;
    Req req;
    int limit = 10;
  };

  std::string key;
  ThreadView view{cache_capacity};
  bool ready = false;         // view mirrors storage
  bool loading = false;       // a load job is queued; its completion resets view
  std::vector<Peer*> peers;   // joined and sent their snapshot
  std::vector<Waiter> waiting;  // joined, snapshot due when the load lands

  // Exactly once: every published comment with id <= floor was in a loaded
  // snapshot or delivered; `delivered` holds the ids above the floor that
  // were (id -> when, Unix ms). Ids below the floor or in the set are not
  // delivered again; old entries fold into the floor (ThreadHubs::fold).
  std::int64_t floor = 0;
  std::map<std::int64_t, std::int64_t> delivered;
  bool catching_up = false;  // a catch-up job is queued
  // When the store read that last made this hub exact was issued: its first
  // load, or a catch-up (every comment above the floor committed before it
  // was delivered). -1: none yet.
  std::int64_t synced_at = -1;
};

class ThreadHubs {
 public:
  ThreadHubs(StoreWorker& worker, CompletionQueue& completions, std::int64_t settle_ms = default_settle_ms)
      : settle_ms_(settle_ms), worker_(worker), completions_(completions) {}

  // `peer` joins `thread`: its snapshot (the newest `limit`) goes out now
  // when the cache holds enough, else when the thread's load lands.
  void join(const PeerPtr& peer, const Req& req, const std::string& thread, int limit);
  void leave(std::string_view thread, Peer& peer);
  // Every hub `peer` joined (it is going away).
  void leave_all(Peer& peer);

  // Published comments of `thread` with id < before, newest first, when the
  // cache alone can answer for sure; nullopt: ask the store.
  std::optional<std::vector<Comment>> cached_page(std::string_view thread, std::int64_t before,
                                                  int limit) const;
  // The newest `limit` comments with the pinned ones and the total, when the
  // cache holds them; nullopt: ask the store.
  std::optional<ThreadSnapshot> cached_latest(std::string_view thread, int limit) const;

  // A published comment was committed (here or on another instance): cached,
  // and sent to every reader of its thread but `author` (who gets the ack
  // instead), unless the hub delivered it already. `total`: the thread's
  // published count read from the store after it, when known (else the
  // cached count plus one).
  void published(const Comment& c, const Peer* author,
                 std::optional<std::int64_t> total = std::nullopt);
  // A comment changed (moderation): cached with the thread's new `total`;
  // readers are sent an `update` when `announce`.
  void updated(const Comment& c, std::int64_t total, bool announce);
  // A comment's flag count changed: cached (readers see nothing).
  void flagged(const Comment& c);
  // A comment's like count may have changed (here or on another instance):
  // cached, and every reader of its thread (the liker included) is sent a
  // `likes` event, unless the cache shows that count already.
  void liked(const Comment& c);

  // Events may have been lost (the bus was down): every ready hub reads the
  // comments above its floor (delivered if new, in id order), the current
  // state of the comments it caches (an `update` to readers for each that
  // changed) and its snapshot again, in one worker job.
  void catch_up();
  // The bus is down: no delivered id folds into a floor until it is back
  // (a comment missed meanwhile must stay above the floor for catch_up).
  void bus_lost() { fold_from_ = no_fold; }
  // The bus is up since `now`: ids delivered from settle_ms after it fold again.
  void bus_up(std::int64_t now) { fold_from_ = now; }

  // How long a delivered id stays in its hub's set: ids of one thread are
  // assumed to reach every instance within this of each other.
  static constexpr std::int64_t default_settle_ms = 60'000;

  std::size_t size() const noexcept { return hubs_.size(); }
  const ThreadHub* find(std::string_view thread) const;

 private:
  ThreadHub* find_mutable(std::string_view thread);
  void start_load(ThreadHub& hub);
  void on_loaded(const std::string& thread, std::int64_t issued, std::optional<ThreadSnapshot> snapshot,
                 const std::string& error);
  void send_snapshot(Peer& peer, const Req& req, const ThreadHub& hub, int limit);
  void leave_hub(ThreadHub& hub, Peer& peer);
  void erase_if_unused(ThreadHub& hub);
  void broadcast(const ThreadHub& hub, const Encoded& message, const Peer* except);
  // Applies a changed comment to its cache and reloads the cache from storage
  // when the change left it short.
  void apply(ThreadHub& hub, const Comment& c, std::int64_t total);
  // Records the ids of a loaded snapshot as delivered (the first load sets
  // the floor below its oldest).
  void note_loaded(ThreadHub& hub, const std::vector<Comment>& newest, bool first);
  // Moves old entries of `delivered` into the floor (docs/architecture.md).
  void fold(ThreadHub& hub, std::int64_t now);
  struct CatchUp;
  void on_caught_up(const std::string& thread, std::int64_t issued, CatchUp result);

  static constexpr std::int64_t no_fold = INT64_MAX;
  std::int64_t fold_from_ = 0;
  const std::int64_t settle_ms_;

  StoreWorker& worker_;
  CompletionQueue& completions_;
  std::unordered_map<std::string, ThreadHub> hubs_;
};

}  // namespace comments::server
