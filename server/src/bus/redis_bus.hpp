// The EventBus on Redis pub/sub: one connection publishes (and runs the
// shared rate limit's script), one subscribes to the installation's channel.
// Both reconnect by themselves (redis_connection.hpp); each time the
// subscription is confirmed again the listener is told, so it catches up
// from the database. Runs on the io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "bus/event_bus.hpp"
#include "bus/redis_connection.hpp"

namespace comments::server {

class RedisBus final : public EventBus {
 public:
  // `channel` is the installation's channel (every instance on one database
  // uses the same one; app/cluster.hpp names it).
  RedisBus(boost::asio::io_context& io, RedisAddress address, std::string channel);
  ~RedisBus() override;

  // Connects both connections; `first_subscribed` runs once, when the
  // subscription is first confirmed (main prints `listening on` then).
  void start(std::function<void()> first_subscribed);
  void stop();

  bool publish(std::string_view message) override;
  void flush() override;
  void listen(BusListener* listener) override { listener_ = listener; }
  bool connected() const override { return publisher_.connected() && subscribed_; }

  // The shared rate limit (event_bus.hpp): INCR, then PEXPIRE on the
  // window's first post, in one Lua script, on the publishing connection.
  bool count_post(const std::string& key, std::int64_t window_ms,
                  std::function<void(std::optional<Count>)> done) override;

  // For the metrics helper: redis_reconnects_total is reconnects();
  // redis_publish_lag_seconds is observed in publish(): the time from a
  // PUBLISH being handed over to its reply (last_publish_lag()).
  std::uint64_t reconnects() const noexcept {
    return publisher_.reconnects() + subscriber_.reconnects();
  }
  std::chrono::steady_clock::duration last_publish_lag() const noexcept { return last_lag_; }
  std::uint64_t published() const noexcept { return published_; }
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  void subscribe();

  std::string channel_;
  RedisConnection publisher_;
  RedisConnection subscriber_;
  BusListener* listener_ = nullptr;
  std::function<void()> first_subscribed_;
  bool subscribed_ = false;
  bool ever_subscribed_ = false;
  std::chrono::steady_clock::duration last_lag_{};
  std::uint64_t published_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace comments::server
