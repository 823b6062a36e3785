#include "bus/local_bus.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace comments::server {

std::unique_ptr<LocalBus> LocalBusHub::make_bus() {
  auto bus = std::make_unique<LocalBus>(*this);
  buses_.push_back(bus.get());
  return bus;
}

LocalBus::~LocalBus() { std::erase(hub_.buses_, this); }

void LocalBusHub::set_down(bool down) {
  if (down && !down_) ++epoch_;
  const bool was_down = down_;
  down_ = down;
  if (down && !was_down) {
    for (LocalBus* bus : buses_) {
      if (bus->listener_) bus->listener_->on_bus_lost();
    }
  }
  if (was_down && !down) {
    for (LocalBus* bus : buses_) bus->subscribed(false);
  }
}

void LocalBusHub::deliver(const std::string& message) {
  for (LocalBus* bus : buses_) {
    if (bus->listener_) bus->listener_->on_bus_message(message);
  }
}

void LocalBusHub::publish(std::string message) {
  if (hold_) {
    held_.push_back(std::move(message));
    return;
  }
  boost::asio::post(io_, [this, epoch = epoch_, message = std::move(message)] {
    if (epoch == epoch_ && !down_) deliver(message);
  });
}

bool LocalBus::publish(std::string_view message) {
  if (hub_.down()) return false;
  hub_.publish(std::string(message));
  return true;
}

}  // namespace comments::server
