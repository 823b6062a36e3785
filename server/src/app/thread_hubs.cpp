#include "app/thread_hubs.hpp"

#include <algorithm>

#include "app/delivery.hpp"
#include "comments/limits.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

namespace {

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
  worker_.run([this, thread = hub.key](Store& store) {
    std::optional<ThreadSnapshot> snapshot;
    std::string error;
    try {
      snapshot = store.latest(thread, static_cast<int>(ThreadHub::cache_capacity));
    } catch (const std::exception& e) {
      error = e.what();
    }
    // Pushed here, on the worker, right after the read: see thread_hubs.hpp.
    completions_.push([this, thread, snapshot = std::move(snapshot), error]() mutable {
      on_loaded(thread, std::move(snapshot), error);
    });
  });
}

void ThreadHubs::on_loaded(const std::string& thread, std::optional<ThreadSnapshot> snapshot,
                           const std::string& error) {
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
  hub->view.reset(std::move(snapshot->newest), std::move(snapshot->pinned), snapshot->total);
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

void ThreadHubs::published(const Comment& c, const Peer* author) {
  ThreadHub* hub = find_mutable(c.thread);
  // A hub still loading gets this comment from its load (see thread_hubs.hpp).
  if (!hub || !hub->ready) return;
  const std::int64_t total = hub->view.total() + 1;
  hub->view.apply(c, total);
  broadcast(*hub, encode(comment_event(c, total)), author);
}

void ThreadHubs::updated(const Comment& c, std::int64_t total, bool announce) {
  ThreadHub* hub = find_mutable(c.thread);
  if (!hub || !hub->ready) return;  // a load in flight already sees this change
  apply(*hub, c, total);
  if (announce) broadcast(*hub, encode(update_event(c, total)), nullptr);
}

void ThreadHubs::flagged(const Comment& c) {
  ThreadHub* hub = find_mutable(c.thread);
  if (!hub || !hub->ready) return;
  apply(*hub, c, hub->view.total());
}

void ThreadHubs::apply(ThreadHub& hub, const Comment& c, std::int64_t total) {
  const bool pinned_full = hub.view.pinned().size() >= limits::max_pinned;
  hub.view.apply(c, total);
  // The cache lost a comment it cannot replace from memory: read it again.
  const bool pinned_short = pinned_full && hub.view.pinned().size() < limits::max_pinned;
  if (hub.view.needs_refill() || pinned_short) start_load(hub);
}

}  // namespace comments::server
