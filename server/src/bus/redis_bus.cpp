#include "bus/redis_bus.hpp"

#include <hiredis/hiredis.h>

#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

namespace {

// INCR the key; the first count in a window starts its expiry. Returns the
// count and the window's milliseconds left.
constexpr std::string_view count_script =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
    "local left = redis.call('PTTL', KEYS[1]) "
    "if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) left = tonumber(ARGV[1]) end "
    "return {n, left}";

}  // namespace

RedisBus::RedisBus(boost::asio::io_context& io, RedisAddress address, std::string channel)
    : channel_(std::move(channel)),
      publisher_(io, address, "publish"),
      subscriber_(io, address, "subscribe") {
  subscriber_.on_connected = [this] { subscribe(); };
  subscriber_.on_disconnected = [this] {
    subscribed_ = false;
    if (listener_) listener_->on_bus_lost();
  };
  // A publishing connection made again: what it dropped meanwhile is lost
  // for the others, so the listener treats it as a gap too (it catches up and
  // asks the others to).
  publisher_.on_disconnected = [this] {
    if (listener_) listener_->on_bus_lost();
  };
  publisher_.on_connected = [this] {
    if (publisher_.reconnects() > 0 && subscribed_ && listener_) listener_->on_bus_subscribed(false);
  };
}

RedisBus::~RedisBus() { stop(); }

void RedisBus::start(std::function<void()> first_subscribed) {
  first_subscribed_ = std::move(first_subscribed);
  publisher_.start();
  subscriber_.start();
}

void RedisBus::stop() {
  subscriber_.stop();
  publisher_.stop();
  subscribed_ = false;
}

void RedisBus::subscribe() {
  subscriber_.subscribe(channel_, [this](redisReply* reply) {
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
    const std::string_view kind(reply->element[0]->str, reply->element[0]->len);
    if (kind == "subscribe") {
      subscribed_ = true;
      const bool first = !ever_subscribed_;
      ever_subscribed_ = true;
      log_info("redis-subscribed", "channel=" + log_value(channel_) + (first ? "" : " again=yes"));
      if (listener_) listener_->on_bus_subscribed(first);
      if (first && first_subscribed_) first_subscribed_();
    } else if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
      if (listener_) listener_->on_bus_message({reply->element[2]->str, reply->element[2]->len});
    }
  });
}

bool RedisBus::publish(std::string_view message) {
  const auto handed = std::chrono::steady_clock::now();
  const bool queued = publisher_.command({"PUBLISH", channel_, message}, [this, handed](redisReply* r) {
    if (r) {
      last_lag_ = std::chrono::steady_clock::now() - handed;
      metrics().redis_publish_lag_seconds.observe(std::chrono::duration<double>(last_lag_).count());
    }
  });
  if (queued) {
    ++published_;
  } else {
    ++dropped_;
  }
  return queued;
}

void RedisBus::flush() { publisher_.flush(); }

bool RedisBus::count_post(const std::string& key, std::int64_t window_ms,
                          std::function<void(std::optional<Count>)> done) {
  if (!publisher_.connected()) return false;
  const std::string window = std::to_string(window_ms);
  return publisher_.command(
      {"EVAL", count_script, "1", key, window}, [done = std::move(done)](redisReply* r) {
        if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_INTEGER ||
            r->element[1]->type != REDIS_REPLY_INTEGER) {
          done(std::nullopt);
          return;
        }
        done(Count{r->element[0]->integer, r->element[1]->integer});
      });
}

}  // namespace comments::server
