// Sending to peers: the one place that decides what happens to a peer too
// slow to take a message (it is closed and sent nothing more), so a reader
// that stops reading never holds up the others.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/peer.hpp"
#include "comments/protocol.hpp"

namespace comments::server {

// Sends `message` unless `peer` was dropped; drops a peer that cannot take it.
void deliver(Peer& peer, const Encoded& message);
// A reply to one request.
void reply(Peer& peer, std::string message);
// An error reply; its wire code is wire_code(id).
void reply_error(Peer& peer, ErrorId id, std::string message, const Req& req,
                 std::optional<std::int64_t> retry_after_ms = std::nullopt);
void reply_error(Peer& peer, const ErrorReply& error);

// The peers signed in as moderators: each is sent every held post, flag and
// audit entry as it happens (through ModeratorFeed, which sends each once).
class Moderators {
 public:
  void add(Peer& peer);
  void remove(Peer& peer);
  void send(const Encoded& message);
  std::size_t size() const noexcept { return peers_.size(); }
  const std::vector<Peer*>& peers() const noexcept { return peers_; }

 private:
  std::vector<Peer*> peers_;
};

}  // namespace comments::server
