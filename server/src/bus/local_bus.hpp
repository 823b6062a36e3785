// An in-process EventBus for tests: every LocalBus made from one LocalBusHub
// hears what any of them publishes (itself included), asynchronously through
// the io_context like a network would. The hub can be taken "down" (messages
// are dropped, as Redis pub/sub drops them) and brought back (every listener
// is told it resubscribed), so the catch-up logic runs without sockets.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bus/event_bus.hpp"

namespace comments::server {

class LocalBus;

class LocalBusHub {
 public:
  explicit LocalBusHub(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<LocalBus> make_bus();

  // Down: publish returns false and drops the message; messages already in
  // flight are dropped too (a lost subscription).
  void set_down(bool down);
  bool down() const noexcept { return down_; }
  // Holds published messages instead of delivering them (in order) until
  // release(): lets a test deliver them in another order with deliver_held.
  void hold(bool on) { hold_ = on; }
  std::vector<std::string>& held() { return held_; }
  // Delivers `message` to every bus now (as if Redis sent it).
  void deliver(const std::string& message);

 private:
  friend class LocalBus;
  void publish(std::string message);

  boost::asio::io_context& io_;
  std::vector<LocalBus*> buses_;
  bool down_ = false;
  bool hold_ = false;
  std::uint64_t epoch_ = 0;  // bumped when taken down: messages of an older epoch are lost
  std::vector<std::string> held_;
};

class LocalBus final : public EventBus {
 public:
  explicit LocalBus(LocalBusHub& hub) : hub_(hub) {}
  ~LocalBus() override;
  bool publish(std::string_view message) override;
  void listen(BusListener* listener) override { listener_ = listener; }
  bool connected() const override { return !hub_.down(); }
  // Tells the listener it subscribed (the first time or again).
  void subscribed(bool first) {
    if (listener_) listener_->on_bus_subscribed(first);
  }

 private:
  friend class LocalBusHub;
  LocalBusHub& hub_;
  BusListener* listener_ = nullptr;
};

}  // namespace comments::server
