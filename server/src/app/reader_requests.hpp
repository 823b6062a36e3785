// What readers ask besides posting: join, leave, more (older comments),
// flag, like and hot (the most liked). Each handler only translates between the request and the hubs or
// the store.
#pragma once

#include "app/app_state.hpp"
#include "comments/protocol.hpp"

namespace comments::server {

class ReaderRequests {
 public:
  explicit ReaderRequests(AppState& state) : state_(state) {}

  void handle(const PeerPtr& peer, const Req& req, const JoinRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const LeaveRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const MoreRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const FlagRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const LikeRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const HotRequest& r);

  // How many likes a connection may send at once before the per-minute rate applies.
  static constexpr double like_burst = 10;

 private:
  void remember_thread_info(const JoinRequest& r);

  AppState& state_;
};

}  // namespace comments::server
