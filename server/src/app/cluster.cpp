#include "app/cluster.hpp"

#include <map>
#include <memory>

#include "app/app_state.hpp"
#include "support/log.hpp"

namespace comments::server {

std::string cluster_channel(const std::string& cluster_id) {
  return "comments:" + cluster_id + ":events";
}

std::string cluster_rate_key(const std::string& cluster_id, const std::string& poster) {
  return "comments:" + cluster_id + ":rate:" + poster;
}

bool Publisher::publish(nlohmann::json events) const {
  if (!bus_) return true;
  nlohmann::json message = {{"o", origin_}, {"e", std::move(events)}};
  const bool sent = bus_->publish(message.dump());
  bus_->flush();
  return sent;
}

void ClusterEvents::on_bus_message(std::string_view text) {
  nlohmann::json message;
  try {
    message = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    log_warn("bus-message-ignored", "error=" + log_value(e.what()));
    return;
  }
  if (!message.is_object() || !message.contains("e") || !message["e"].is_array()) return;
  if (message.value("o", "") == state_.publisher.origin()) return;  // our own echo
  ++applied_;
  std::vector<Comment> published;
  for (const auto& event : message["e"]) {
    if (!event.is_object()) continue;
    const std::string kind = event.value("k", "");
    if (event.contains("audit") && event["audit"].is_string()) {
      state_.moderator_feed.audited(event["audit"].get<std::string>());
    }
    try {
      if (kind == "comment") {
        auto c = comment_from_json(event.at("c"));
        if (!c) continue;
        if (c->status == Status::published) {
          // A thread nobody here reads is skipped: a hub made later loads it
          // from the store, where it already is.
          if (state_.hubs.find(c->thread)) published.push_back(std::move(*c));
        } else {
          state_.moderator_feed.queued(*c);
        }
      } else if (kind == "edited") {
        if (auto c = comment_from_json(event.at("c"))) state_.moderators.send(encode(edited_event(*c)));
      } else if (kind == "update") {
        if (!event.contains("thread") || state_.hubs.find(event["thread"].get<std::string>())) {
          refresh(event.at("id").get<std::int64_t>(), event.value("announce", false));
        }
      } else if (kind == "likes") {
        if (state_.hubs.find(event.at("thread").get<std::string>())) {
          refresh_likes(event.at("id").get<std::int64_t>());
        }
      } else if (kind == "flag") {
        auto c = comment_from_json(event.at("c"));
        if (!c) continue;
        state_.moderator_feed.queued(*c);
        if (state_.hubs.find(c->thread)) flagged(std::move(*c));
      } else if (kind == "ban") {
        const std::string poster = event.at("poster").get<std::string>();
        std::optional<std::int64_t> expires;
        if (event.contains("expires")) expires = event["expires"].get<std::int64_t>();
        state_.policy.ban(poster, expires);
        log_info("ban-applied", "poster=" + short_hash(poster));
      } else if (kind == "unban") {
        const std::string poster = event.at("poster").get<std::string>();
        state_.policy.unban(poster);
        log_info("unban-applied", "poster=" + short_hash(poster));
      } else if (kind == "filters") {
        reload_filters();
      } else if (kind == "resync") {
        // From when the sender's link was down (older senders: unknown).
        std::optional<std::int64_t> since;
        if (event.contains("since") && event["since"].is_number_integer()) {
          since = event["since"].get<std::int64_t>();
        }
        catch_up(since);
      }
    } catch (const std::exception& e) {
      log_warn("bus-event-ignored", "kind=" + log_value(kind) + " error=" + log_value(e.what()));
    }
  }
  if (!published.empty()) apply_published(std::move(published));
}

void ClusterEvents::on_bus_subscribed(bool first) {
  state_.hubs.bus_up(now_ms());
  state_.moderator_feed.bus_up();
  if (first) return;
  // Events may have been lost both ways: catch up here, and ask the others
  // to, from when this link went down.
  nlohmann::json resync = {{"k", "resync"}};
  if (const auto gap = state_.moderator_feed.gap_start()) resync["since"] = *gap;
  catch_up(std::nullopt);
  state_.publisher.publish(nlohmann::json::array({std::move(resync)}));
}

void ClusterEvents::on_bus_lost() {
  state_.hubs.bus_lost();
  state_.moderator_feed.bus_lost(now_ms());
}

void ClusterEvents::catch_up(std::optional<std::int64_t> since) {
  state_.hubs.catch_up();
  state_.moderator_feed.catch_up(since);
  // Bans and filter lists saved meanwhile: read again (the bans in force
  // replace this instance's: some may have been lifted meanwhile).
  state_.worker.run([this](Store& store) {
    std::vector<PosterBan> bans;
    std::shared_ptr<const ModerationFilter> filter;
    try {
      bans = store.bans(now_ms());
      filter = std::make_shared<const ModerationFilter>(store.load_filters());
    } catch (const std::exception& e) {
      log_error("store-failed", "op=reload-policy error=" + log_value(e.what()));
      return;
    }
    state_.completions.push([this, bans = std::move(bans), filter = std::move(filter)] {
      state_.policy.set_bans(bans);
      state_.policy.set_filter(filter);
      state_.policy.requested_filters() = filter->lists();
    });
  });
}

void ClusterEvents::apply_published(std::vector<Comment> comments) {
  // Through the worker queue, so the completion is ordered with this
  // instance's loads (thread_hubs.hpp); the thread counts read there are the
  // totals the events carry.
  state_.worker.run([this, comments = std::move(comments)](Store& store) mutable {
    std::map<std::string, std::int64_t> totals;
    try {
      for (const Comment& c : comments) {
        if (!totals.contains(c.thread)) totals[c.thread] = store.published_count(c.thread);
      }
    } catch (const std::exception& e) {
      log_error("store-failed", "op=count error=" + log_value(e.what()));
      totals.clear();
    }
    state_.completions.push([this, comments = std::move(comments), totals = std::move(totals)] {
      // The k-th of n comments of a thread in this message: its count less
      // those after it.
      std::map<std::string, std::int64_t> left;
      for (const Comment& c : comments) ++left[c.thread];
      for (const Comment& c : comments) {
        const auto it = totals.find(c.thread);
        std::optional<std::int64_t> total;
        if (it != totals.end()) total = it->second - (--left[c.thread]);
        state_.hubs.published(c, nullptr, total);
      }
    });
  });
}

void ClusterEvents::refresh(std::int64_t id, bool announce) {
  // The comment as stored now (events from two instances about one comment
  // may arrive in either order; the store's state is the last word).
  state_.worker.run([this, id, announce](Store& store) {
    std::optional<Comment> c;
    std::int64_t total = 0;
    try {
      c = store.find(id);
      if (c) total = store.published_count(c->thread);
    } catch (const std::exception& e) {
      log_error("store-failed", "op=refresh error=" + log_value(e.what()));
      c.reset();
    }
    if (!c) return;
    state_.completions.push([this, c = std::move(*c), total, announce] {
      state_.hubs.updated(c, total, announce);
    });
  });
}

void ClusterEvents::refresh_likes(std::int64_t id) {
  // The count as stored now: counts from two instances may arrive in either
  // order, and the store's is the last word.
  state_.worker.run([this, id](Store& store) {
    std::optional<Comment> c;
    try {
      c = store.find(id);
    } catch (const std::exception& e) {
      log_error("store-failed", "op=refresh-likes error=" + log_value(e.what()));
      return;
    }
    if (!c) return;
    state_.completions.push([this, c = std::move(*c)] { state_.hubs.liked(c); });
  });
}

void ClusterEvents::flagged(Comment c) {
  state_.worker.run([this, c = std::move(c)](Store&) mutable {
    state_.completions.push([this, c = std::move(c)] { state_.hubs.flagged(c); });
  });
}

void ClusterEvents::reload_filters() {
  state_.worker.run([this](Store& store) {
    std::shared_ptr<const ModerationFilter> filter;
    try {
      filter = std::make_shared<const ModerationFilter>(store.load_filters());
    } catch (const std::exception& e) {
      log_error("store-failed", "op=load-filters error=" + log_value(e.what()));
      return;
    }
    state_.completions.push([this, filter = std::move(filter)] {
      state_.policy.set_filter(filter);
      state_.policy.requested_filters() = filter->lists();
      log_info("filters-applied", "banned=" + std::to_string(filter->lists().banned.size()) +
                                      " suspect=" + std::to_string(filter->lists().suspect.size()));
    });
  });
}

}  // namespace comments::server
