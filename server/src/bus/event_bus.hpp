// The seam between instances: an EventBus carries text messages from this
// instance to every other instance of the same installation (and back to
// itself: listeners ignore their own echo by the origin id inside each
// message). The Redis pub/sub bus (redis_bus.hpp) is the real one; LocalBus
// (local_bus.hpp) joins several App instances in one process for tests.
//
// Delivery is at most once: a message published while the bus is down, or
// while a subscriber is away, is lost. That is why a listener is told each
// time its subscription is (re)established: it then catches up from the
// database (app/cluster.hpp, docs/architecture.md "Several instances").
// Everything here runs on the io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace comments::server {

class BusListener {
 public:
  // One message published by any instance (this one included).
  virtual void on_bus_message(std::string_view message) = 0;
  // The subscription is in place: `first` the first time, else after a gap
  // during which messages may have been lost.
  virtual void on_bus_subscribed(bool first) = 0;
  // The subscription (or the publishing side) is lost: messages may be
  // lost from now until the next on_bus_subscribed.
  virtual void on_bus_lost() {}

 protected:
  ~BusListener() = default;
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  // Hands `message` to the bus. True when it was queued for sending on a
  // live connection (and, for Redis, written to the socket if the kernel
  // took it: see flush); false when the bus is down and it was dropped.
  virtual bool publish(std::string_view message) = 0;
  // Writes what publish queued to the socket now rather than on the next io
  // turn, so that a reply sent after this (the ack of a post) never reaches
  // the network before the event does. A no-op where nothing is buffered.
  virtual void flush() {}
  // Who hears messages; set once before the bus starts.
  virtual void listen(BusListener* listener) = 0;
  // Whether messages published now reach the other instances.
  virtual bool connected() const = 0;

  // The instances' shared post counter (the rate limit across instances):
  // counts one post under `key` in a window of `window_ms` that starts with
  // the key's first post, and calls `done` with the count so far and the
  // window's milliseconds left, or nullopt when the shared counter could not
  // answer. False (and `done` never called) when this bus has no shared
  // counter or it is down: the caller uses its local limiter.
  struct Count {
    std::int64_t count = 0;
    std::int64_t window_left_ms = 0;
  };
  virtual bool count_post(const std::string& /*key*/, std::int64_t /*window_ms*/,
                          std::function<void(std::optional<Count>)> /*done*/) {
    return false;
  }
};

}  // namespace comments::server
