#include "app/thread_hubs.hpp"

#include <algorithm>

#include "app/delivery.hpp"
#include "comments/limits.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

namespace {
// At most this many missed comments per thread are delivered one by one by a
// catch-up; past that the readers get the fresh snapshot's updates only (the
// widget shows the newest anyway).
constexpr std::size_t max_fresh = 5000;

bool contains(const std::vector<Peer*>& peers, const Peer* peer) {
  return std::find(peers.begin(), peers.end(), peer) != peers.end();
}

// Enough of the thread in memory to show its newest `limit`.
bool holds_newest(const ThreadHub& hub, int limit) {
  const auto held = static_cast<std::int64_t>(hub.view.newest().size());
  return hub.ready && !hub.loading && (held >= limit || held >= hub.view.total());
}

}  // namespace

const ThreadHub* ThreadHubs::find(std::string_view thread) const {
  const auto it = hubs_.find(std::string(thread));
  return it == hubs_.end() ? nullptr : &it->second;
}

ThreadHub* ThreadHubs::find_mutable(std::string_view thread) {
  const auto it = hubs_.find(std::string(thread));
  return it == hubs_.end() ? nullptr : &it->second;
}

void ThreadHubs::join(const PeerPtr& peer, const Req& req, const std::string& thread, int limit) {
  auto it = hubs_.find(thread);
  if (it == hubs_.end()) it = hubs_.emplace(thread, ThreadHub(thread)).first;
  ThreadHub& hub = it->second;
  if (std::find(peer->joined.begin(), peer->joined.end(), &hub) == peer->joined.end()) {
    peer->joined.push_back(&hub);
  }
  if (holds_newest(hub, limit)) {
    if (!contains(hub.peers, peer.get())) hub.peers.push_back(peer.get());
    send_snapshot(*peer, req, hub, limit);
    return;
  }
  hub.waiting.push_back({peer, req, limit});
  start_load(hub);
}

void ThreadHubs::leave(std::string_view thread, Peer& peer) {
  if (ThreadHub* hub = find_mutable(thread)) leave_hub(*hub, peer);
}

void ThreadHubs::leave_all(Peer& peer) {
  // Copy: leave_hub edits the peer's list.
  const std::vector<ThreadHub*> joined = peer.joined;
  for (ThreadHub* hub : joined) leave_hub(*hub, peer);
  peer.joined.clear();
}

void ThreadHubs::start_load(ThreadHub& hub) {
  if (hub.loading) return;
  hub.loading = true;
  worker_.run([this, thread = hub.key, issued = now_ms()](Store& store) {
    std::optional<ThreadSnapshot> snapshot;
    std::string error;
    try {
      snapshot = store.latest(thread, static_cast<int>(ThreadHub::cache_capacity));
    } catch (const std::exception& e) {
      error = e.what();
    }
    // Pushed here, on the worker, right after the read: see thread_hubs.hpp.
    completions_.push([this, thread, issued, snapshot = std::move(snapshot), error]() mutable {
      on_loaded(thread, issued, std::move(snapshot), error);
    });
  });
}

void ThreadHubs::on_loaded(const std::string& thread, std::int64_t issued,
                           std::optional<ThreadSnapshot> snapshot, const std::string& error) {
  ThreadHub* hub = find_mutable(thread);
  if (!hub) return;
  hub->loading = false;
  auto waiting = std::move(hub->waiting);
  hub->waiting.clear();
  if (!snapshot) {
    log_error("store-failed", "op=load thread=" + log_value(thread) + " error=" + log_value(error));
    for (auto& w : waiting) {
      if (auto peer = w.peer.lock()) {
        std::erase(peer->joined, hub);
        reply_error(*peer, ErrorId::server_failed, "The server could not read this thread; try again.",
                    w.req);
      }
    }
    erase_if_unused(*hub);
    return;
  }
  const bool first = !hub->ready;
  // A reload (the cache ran short) marks its comments delivered without
  // sending them: only the first load makes the hub exact.
  if (first) hub->synced_at = issued;
  hub->view.reset(std::move(snapshot->newest), std::move(snapshot->pinned), snapshot->total);
  note_loaded(*hub, hub->view.newest(), first);
  hub->ready = true;
  for (auto& w : waiting) {
    auto peer = w.peer.lock();
    if (!peer) continue;
    // A peer that left meanwhile is no longer in its joined list.
    if (std::find(peer->joined.begin(), peer->joined.end(), hub) == peer->joined.end()) continue;
    if (!contains(hub->peers, peer.get())) hub->peers.push_back(peer.get());
    send_snapshot(*peer, w.req, *hub, w.limit);
  }
  erase_if_unused(*hub);
}

void ThreadHubs::send_snapshot(Peer& peer, const Req& req, const ThreadHub& hub, int limit) {
  const auto& newest = hub.view.newest();
  const std::size_t n = std::min(newest.size(), static_cast<std::size_t>(limit));
  const std::vector<Comment> shown(newest.begin(), newest.begin() + static_cast<std::ptrdiff_t>(n));
  reply(peer, snapshot_message(req, hub.key, hub.view.total(), shown, hub.view.pinned()));
}

void ThreadHubs::leave_hub(ThreadHub& hub, Peer& peer) {
  std::erase(hub.peers, &peer);
  std::erase_if(hub.waiting, [&](const ThreadHub::Waiter& w) {
    const auto locked = w.peer.lock();
    return !locked || locked.get() == &peer;
  });
  std::erase(peer.joined, &hub);
  erase_if_unused(hub);
}

void ThreadHubs::erase_if_unused(ThreadHub& hub) {
  // A hub being loaded stays: its load completion looks it up.
  if (hub.peers.empty() && hub.waiting.empty() && !hub.loading) hubs_.erase(hub.key);
}

void ThreadHubs::broadcast(const ThreadHub& hub, const Encoded& message, const Peer* except) {
  // deliver() never removes a peer synchronously, so iterating is safe.
  std::uint64_t sent = 0;
  for (Peer* p : hub.peers) {
    if (p == except) continue;
    deliver(*p, message);
    ++sent;
  }
  metrics().deliveries.inc(sent);
}

std::optional<std::vector<Comment>> ThreadHubs::cached_page(std::string_view thread,
                                                            std::int64_t before, int limit) const {
  const ThreadHub* hub = find(thread);
  if (!hub || !hub->ready || hub->loading) return std::nullopt;
  const auto& newest = hub->view.newest();
  const bool holds_all = static_cast<std::int64_t>(newest.size()) >= hub->view.total();
  std::vector<Comment> page;
  for (const Comment& c : newest) {
    if (c.id < before && static_cast<int>(page.size()) < limit) page.push_back(c);
  }
  // Complete when it is full, or when nothing older exists outside memory.
  if (static_cast<int>(page.size()) >= limit || holds_all) return page;
  return std::nullopt;
}

std::optional<ThreadSnapshot> ThreadHubs::cached_latest(std::string_view thread, int limit) const {
  const ThreadHub* hub = find(thread);
  if (!hub || !holds_newest(*hub, limit)) return std::nullopt;
  return ThreadSnapshot{hub->view.newest(), hub->view.pinned(), hub->view.total()};
}

void ThreadHubs::published(const Comment& c, const Peer* author,
                           std::optional<std::int64_t> stored_total) {
  ThreadHub* hub = find_mutable(c.thread);
  // A hub still loading gets this comment from its load (see thread_hubs.hpp).
  if (!hub || !hub->ready) return;
  const std::int64_t now = now_ms();
  // Delivered already (a catch-up read, or a snapshot that held it).
  if (c.id <= hub->floor || !hub->delivered.emplace(c.id, now).second) return;
  const std::int64_t total = stored_total.value_or(hub->view.total() + 1);
  hub->view.apply(c, total);
  broadcast(*hub, encode(comment_event(c, total)), author);
  fold(*hub, now);
}

void ThreadHubs::note_loaded(ThreadHub& hub, const std::vector<Comment>& newest, bool first) {
  // `newest` is newest first. Everything older than its oldest was in the
  // thread before this hub existed: no reader of this instance waits for it.
  if (first) hub.floor = newest.empty() ? 0 : newest.back().id - 1;
  const std::int64_t now = now_ms();
  for (const Comment& c : newest) {
    if (c.id > hub.floor) hub.delivered.emplace(c.id, now);
  }
  fold(hub, now);
}

void ThreadHubs::fold(ThreadHub& hub, std::int64_t now) {
  // The lowest delivered id folds once it was delivered settle_ms ago, the
  // bus has been up since, and either it was up from settle_ms before the
  // delivery (any comment of the thread with a lower id was then published
  // while this instance listened, so it arrived, or never will: its
  // transaction failed) or a store read issued while it was up made the hub
  // exact (a lower id committed before that read was in it; one committed
  // after it was published while this instance listened). Without the
  // second way an id delivered in the first settle_ms after startup or a
  // reconnect would never fold, nor anything after it.
  if (fold_from_ == no_fold) return;
  const bool synced = hub.synced_at >= fold_from_;
  auto& d = hub.delivered;
  while (!d.empty()) {
    const std::int64_t at = d.begin()->second;
    if (at + settle_ms_ > now || (at - settle_ms_ < fold_from_ && !synced)) break;
    hub.floor = d.begin()->first;
    d.erase(d.begin());
  }
}

struct ThreadHubs::CatchUp {
  std::vector<Comment> fresh;    // published above the floor, oldest first
  std::vector<Comment> current;  // the cached comments as stored now
  std::optional<ThreadSnapshot> snapshot;
  std::string error;
};

void ThreadHubs::catch_up() {
  constexpr int page_size = 500;
  for (auto& [key, hub] : hubs_) {
    if (!hub.ready || hub.catching_up) continue;
    hub.catching_up = true;
    std::vector<std::int64_t> cached;
    for (const Comment& c : hub.view.newest()) cached.push_back(c.id);
    for (const Comment& c : hub.view.pinned()) cached.push_back(c.id);
    worker_.run([this, thread = key, from = hub.floor, cached = std::move(cached), issued = now_ms()](Store& store) {
      CatchUp result;
      try {
        std::int64_t after = from;
        for (;;) {
          auto page = store.after(thread, after, page_size);
          const bool more = static_cast<int>(page.size()) == page_size;
          if (!page.empty()) after = page.back().id;
          for (auto& c : page) result.fresh.push_back(std::move(c));
          if (!more || result.fresh.size() >= max_fresh) break;
        }
        for (const std::int64_t id : cached) {
          if (auto c = store.find(id)) result.current.push_back(std::move(*c));
        }
        result.snapshot = store.latest(thread, static_cast<int>(ThreadHub::cache_capacity));
      } catch (const std::exception& e) {
        result.error = e.what();
      }
      // Pushed right after the reads, like a load (see thread_hubs.hpp).
      completions_.push([this, thread, issued, result = std::move(result)]() mutable {
        on_caught_up(thread, issued, std::move(result));
      });
    });
  }
}

void ThreadHubs::on_caught_up(const std::string& thread, std::int64_t issued, CatchUp result) {
  ThreadHub* hub = find_mutable(thread);
  if (!hub) return;
  hub->catching_up = false;
  if (!result.snapshot) {
    log_error("store-failed", "op=catch-up thread=" + log_value(thread) +
                                  " error=" + log_value(result.error));
    return;
  }
  log_info("catch-up", "thread=" + log_value(thread) + " read=" +
                           std::to_string(result.fresh.size()));
  // Missed comments, in id order, each once. Past max_fresh the rest reach
  // readers only as the snapshot: the hub is exact only when all were read.
  if (result.fresh.size() < max_fresh) hub->synced_at = issued;
  for (const Comment& c : result.fresh) published(c, nullptr);
  // Missed moderation: what readers see of a cached comment changed.
  const std::int64_t total = result.snapshot->total;
  for (const Comment& now : result.current) {
    const Comment* cached = hub->view.find(now.id);
    if (!cached) continue;
    const bool was = cached->status == Status::published;
    const bool is = now.status == Status::published;
    if (was != is || (is && cached->pinned != now.pinned)) {
      broadcast(*hub, encode(update_event(now, total)), nullptr);
    }
  }
  // The cache becomes the store's state at the moment of the read (exact by
  // the completion order, as a load).
  hub->view.reset(std::move(result.snapshot->newest), std::move(result.snapshot->pinned), total);
  note_loaded(*hub, hub->view.newest(), false);
}

void ThreadHubs::updated(const Comment& c, std::int64_t total, bool announce) {
  ThreadHub* hub = find_mutable(c.thread);
  if (!hub) return;
  // A change readers do not see (a held post edited, rejected, deleted)
  // still reaches its author, so their widget stops saying it waits.
  if (!announce) {
    const Encoded update = encode(update_event(c, total));
    for (Peer* p : hub->peers) {
      if (std::find(p->owns.begin(), p->owns.end(), c.id) != p->owns.end()) deliver(*p, update);
    }
  }
  if (!hub->ready) return;  // a load in flight already sees this change
  // An approved comment is now delivered (as an update): a catch-up must not
  // send it again as a new comment.
  if (c.status == Status::published && c.id > hub->floor) hub->delivered.emplace(c.id, now_ms());
  apply(*hub, c, total);
  if (announce) broadcast(*hub, encode(update_event(c, total)), nullptr);
}

void ThreadHubs::flagged(const Comment& c) {
  ThreadHub* hub = find_mutable(c.thread);
  if (!hub || !hub->ready) return;
  apply(*hub, c, hub->view.total());
}

void ThreadHubs::liked(const Comment& c) {
  ThreadHub* hub = find_mutable(c.thread);
  // Before its first load a hub has no readers yet (they wait for the load,
  // which reads the new count).
  if (!hub || !hub->ready || c.status != Status::published) return;
  const Comment* cached = hub->view.find(c.id);
  if (cached && cached->likes == c.likes) return;
  apply(*hub, c, hub->view.total());
  broadcast(*hub, encode(likes_event(c, hub->view.total())), nullptr);
}

void ThreadHubs::apply(ThreadHub& hub, const Comment& c, std::int64_t total) {
  const bool pinned_full = hub.view.pinned().size() >= limits::max_pinned;
  hub.view.apply(c, total);
  // The cache lost a comment it cannot replace from memory: read it again.
  const bool pinned_short = pinned_full && hub.view.pinned().size() < limits::max_pinned;
  if (hub.view.needs_refill() || pinned_short) start_load(hub);
}

}  // namespace comments::server
