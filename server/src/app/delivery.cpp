#include "app/delivery.hpp"

#include <algorithm>

#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

void deliver(Peer& peer, const Encoded& message) {
  if (peer.dropped) return;
  if (peer.send(message)) return;
  peer.dropped = true;
  metrics().slow_reader_drops.inc();
  log_warn("slow-reader", "conn=" + std::to_string(peer.id()));
  peer.close(CloseReason::too_slow);
}

void reply(Peer& peer, std::string message) { deliver(peer, encode(std::move(message))); }

void reply_error(Peer& peer, const ErrorReply& error) { reply(peer, error_message(error)); }

void reply_error(Peer& peer, ErrorId id, std::string message, const Req& req,
                 std::optional<std::int64_t> retry_after_ms) {
  reply_error(peer, ErrorReply{Error{id, std::move(message)}, req, retry_after_ms});
}

void Moderators::add(Peer& peer) {
  if (std::find(peers_.begin(), peers_.end(), &peer) == peers_.end()) peers_.push_back(&peer);
}

void Moderators::remove(Peer& peer) { std::erase(peers_, &peer); }

void Moderators::send(const Encoded& message) {
  // deliver() never removes a peer synchronously, so iterating is safe.
  for (Peer* m : peers_) deliver(*m, message);
}

}  // namespace comments::server
