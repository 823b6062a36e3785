// An author's own comments, proved by the secret the post's ack gave
// (docs/protocol.md, "Your own comments"): `edit` and `delete` within the
// edit window, and `own`, which answers with the author's comments of a
// thread whatever their status, so a held post stays visible to its author.
// An edit passes the ban check, the filter and premoderation as a post does
// (it may become held); it does not count against the post rate.
#pragma once

#include <optional>
#include <string>

#include "app/app_state.hpp"
#include "comments/protocol.hpp"

namespace comments::server {

class AuthorRequests {
 public:
  explicit AuthorRequests(AppState& state) : state_(state) {}

  void handle(const PeerPtr& peer, const Req& req, const EditRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const DeleteRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const OwnRequest& r);

 private:
  // Edit (`body` set) or delete comment `id` after the author's checks.
  void change(const PeerPtr& peer, const Req& req, std::int64_t id, const std::string& secret,
              std::optional<std::string> body);

  AppState& state_;
};

}  // namespace comments::server
