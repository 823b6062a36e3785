// Several instances on one database: what this instance tells the others
// (Publisher) and what it does with what they tell it (ClusterEvents).
//
// Every message on the bus is one JSON object {"o": origin, "e": [event…]}
// published after the change it reports is committed. Events:
//   {"k":"comment","c":{…}}           a post committed (published or held)
//   {"k":"update","id":N,"thread":K,"announce":B}
//                                      a moderation action changed comment N
//   {"k":"flag","c":{…}}               comment's flag count changed
//   {"k":"likes","id":N,"thread":K}    comment N's like count changed (read it from the store)
//   {"k":"ban","poster":H,"expires":T?} poster hash H is banned (until T, Unix ms)
//   {"k":"unban","poster":H}           the ban of poster hash H is lifted
//   {"k":"filters"}                    the filter lists were saved
//   {"k":"resync","since":T?}          the sender's bus link came back: events
//                                      may have been lost since T (Unix ms), catch up
// update/ban/unban/filters may carry "audit": the `audited` message for moderators.
// An instance applies its own changes at commit time and ignores its echo;
// events about a thread nobody reads on it cost it no store work.
// The ordering, dedupe and recovery rules: docs/architecture.md, "Several
// instances".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/event_bus.hpp"
#include "comments/comment.hpp"

namespace comments::server {

struct AppState;

// The bus channel and key names of one installation (every instance on one
// database): `cluster_id` is a random id kept in the database, so two sites
// sharing one Redis never hear each other.
std::string cluster_channel(const std::string& cluster_id);
std::string cluster_rate_key(const std::string& cluster_id, const std::string& poster);

class Publisher {
 public:
  Publisher() = default;
  Publisher(EventBus* bus, std::string origin) : bus_(bus), origin_(std::move(origin)) {}

  // Publishes `events` (a JSON array) as one message and writes it to the
  // socket now (EventBus::flush), so a reply sent after this call never
  // leaves before it. No-op without a bus; false when the bus dropped it.
  bool publish(nlohmann::json events) const;
  bool enabled() const noexcept { return bus_ != nullptr; }
  EventBus* bus() const noexcept { return bus_; }
  const std::string& origin() const noexcept { return origin_; }

 private:
  EventBus* bus_ = nullptr;
  std::string origin_;
};

class ClusterEvents final : public BusListener {
 public:
  explicit ClusterEvents(AppState& state) : state_(state) {}

  void on_bus_message(std::string_view message) override;
  void on_bus_subscribed(bool first) override;
  void on_bus_lost() override;

  // Messages from other instances applied, and own echoes ignored (tests).
  std::uint64_t applied() const noexcept { return applied_; }

 private:
  // After a gap (this instance's, or since `since` another's): the hubs
  // catch up, moderators get what they missed, bans and filters are read again.
  void catch_up(std::optional<std::int64_t> since);
  void apply_published(std::vector<Comment> comments);
  void refresh(std::int64_t id, bool announce);
  void flagged(Comment c);
  void refresh_likes(std::int64_t id);
  void reload_filters();

  AppState& state_;
  std::uint64_t applied_ = 0;
};

}  // namespace comments::server
