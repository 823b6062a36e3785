#include "app/reader_requests.hpp"

#include <algorithm>

#include "support/log.hpp"

namespace comments::server {

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const JoinRequest& r) {
  // A join of a thread not joined yet, over the limit per connection, is
  // refused `invalid` (a count out of bounds; waiting would not help).
  const auto& joined = peer->joined;
  if (state_.max_joined > 0 && joined.size() >= static_cast<std::size_t>(state_.max_joined) &&
      std::none_of(joined.begin(), joined.end(), [&](const ThreadHub* h) { return h->key == r.thread; })) {
    reply_error(*peer, ErrorId::number_out_of_range,
                "At most " + std::to_string(state_.max_joined) +
                    " threads can be joined on one connection; leave one first.",
                req);
    return;
  }
  state_.hubs.join(peer, req, r.thread, r.limit);
  if (r.title || r.url) remember_thread_info(r);
}

// The latest title and link a page gave for its thread are stored (a title
// may be edited after publication); only a change costs a write.
void ReaderRequests::remember_thread_info(const JoinRequest& r) {
  constexpr std::size_t max_remembered = 10000;
  auto& known = state_.thread_info;
  std::pair<std::string, std::string> info{r.title.value_or(""), r.url.value_or("")};
  if (const auto it = known.find(r.thread); it != known.end()) {
    // A page that gives only one of the two keeps the other as it was.
    if (!r.title) info.first = it->second.first;
    if (!r.url) info.second = it->second.second;
    if (it->second == info) return;
  }
  if (known.size() >= max_remembered) known.clear();
  known[r.thread] = info;
  state_.worker.run([thread = r.thread, info = std::move(info)](Store& store) {
    try {
      store.set_thread_info(thread, info.first, info.second, now_ms());
    } catch (const std::exception& e) {
      log_error("store-failed", "op=thread-info error=" + log_value(e.what()));
    }
  });
}

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const LeaveRequest& r) {
  state_.hubs.leave(r.thread, *peer);
  reply(*peer, ok_message(req));
}

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const MoreRequest& r) {
  if (auto page = state_.hubs.cached_page(r.thread, r.before, r.limit)) {
    reply(*peer, page_message(req, r.thread, *page));
    return;
  }
  state_.reply_from_store(peer, req, "page", [req, r](Store& store) {
    return page_message(req, r.thread, store.page(r.thread, r.before, r.limit));
  });
}

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const FlagRequest& r) {
  WeakPeer weak = peer;
  const std::string flagger = peer->poster();
  const std::int64_t at = now_ms();
  state_.run_store_job(peer, req, "flag", [this, weak, req, r, flagger, at](Store& store) {
    auto flagged = store.flag(r.id, flagger, r.reason, at);
    state_.completions.push([this, weak, req, id = r.id, flagged = std::move(flagged)] {
      auto p = weak.lock();
      if (!flagged) {
        if (p) {
          reply_error(*p, ErrorId::comment_not_found,
                      "Comment " + std::to_string(id) + " is not a published comment.", req);
        }
        return;
      }
      log_info("flag", "id=" + std::to_string(id) + " flags=" + std::to_string(flagged->flags));
      if (state_.publisher.enabled()) {
        state_.publisher.publish(nlohmann::json::array({{{"k", "flag"}, {"c", *flagged}}}));
      }
      if (p) reply(*p, ok_message(req));
      state_.moderator_feed.queued(*flagged);
      state_.hubs.flagged(*flagged);
    });
  });
}

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const LikeRequest& r) {
  if (state_.likes_per_minute > 0) {
    const std::int64_t now = steady_ms();
    if (const auto wait = peer->like_budget.take(now, state_.likes_per_minute / 60.0, like_burst)) {
      state_.refusals.refused("likes-per-minute", peer->poster(), "conn=" + std::to_string(peer->id()), now);
      reply_error(*peer, ErrorId::likes_too_fast,
                  "Too many likes in a short time (at most " + std::to_string(state_.likes_per_minute) +
                      " a minute); try again in " + std::to_string(*wait) + " ms.",
                  req, *wait);
      return;
    }
  }
  WeakPeer weak = peer;
  // One like per address: the keyed hash bans and rate limits use, never the address.
  const std::string liker = peer->poster();
  const std::int64_t at = now_ms();
  state_.run_store_job(peer, req, "like", [this, weak, req, r, liker, at](Store& store) {
    auto liked = store.like(r.id, liker, r.liked, at);
    state_.completions.push([this, weak, req, r, liked = std::move(liked)] {
      auto p = weak.lock();
      if (!liked) {
        if (p) {
          reply_error(*p, ErrorId::comment_not_found,
                      "Comment " + std::to_string(r.id) + " is not a published comment.", req);
        }
        return;
      }
      if (state_.publisher.enabled()) {
        state_.publisher.publish(
            nlohmann::json::array({{{"k", "likes"}, {"id", liked->id}, {"thread", liked->thread}}}));
      }
      if (p) reply(*p, like_ok_message(req, liked->id, liked->likes, r.liked));
      state_.hubs.liked(*liked);
    });
  });
}

void ReaderRequests::handle(const PeerPtr& peer, const Req& req, const HotRequest& r) {
  state_.reply_from_store(peer, req, "hot", [req, r](Store& store) {
    return hot_message(req, r.thread, store.hot(r.thread, r.limit));
  });
}

}  // namespace comments::server
