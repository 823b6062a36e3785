// A connection as the application layer sees it: something that can be sent
// an encoded message, closed with a reason, and that says who it is. The
// WebSocket session (ws/) is the real one; the app-layer tests use fakes, so
// hubs, the post pipeline and moderation run without sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/token_bucket.hpp"

namespace comments::server {

struct ThreadHub;

// One server message, serialised once (its JSON text) and shared by every
// peer it goes to: a broadcast is encoded once for a thousand readers.
using Encoded = std::shared_ptr<const std::string>;
inline Encoded encode(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

enum class CloseReason : std::uint8_t {
  going_away,  // the server is shutting down
  too_slow,    // the peer stopped reading while messages piled up for it
  flooding,    // the peer kept sending messages while they were refused as too fast
};

class Peer {
 public:
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // Queues `message`; never calls back into the application. False when the
  // peer cannot take it because too much waits for it already (a reader that
  // stopped reading): the application then drops the peer.
  virtual bool send(const Encoded& message) = 0;
  // Starts closing; the peer reports its end later (App::disconnected).
  virtual void close(CloseReason reason) = 0;

  // Keyed hash of the client address: what bans and rate limits key on.
  const std::string& poster() const noexcept { return poster_; }
  // For the log.
  std::uint64_t id() const noexcept { return id_; }

  // What the application keeps per peer, carried by the peer so that finding
  // it costs no lookup. Only the application touches these.
  std::vector<ThreadHub*> joined;  // hubs joined (or waiting for their load)
  std::string moderator;           // moderator session id; empty unless signed in
  std::string moderator_name;      // who signed in (the audit log's moderator)
  std::string moderator_digest;    // their token's digest: revoked when it leaves the file
  bool dropped = false;            // closed as too slow: sent nothing more
  // Comments this connection proved to be its author's (its posts, `own`):
  // they are sent an `update` of their own comment that readers do not get
  // (held, rejected). The newest max_owned_ids.
  std::vector<std::int64_t> owns;
  static constexpr std::size_t max_owned_ids = 200;
  void add_owned(std::int64_t id) {
    for (std::int64_t known : owns) {
      if (known == id) return;
    }
    if (owns.size() >= max_owned_ids) owns.erase(owns.begin());
    owns.push_back(id);
  }
  // --max-messages-per-second: the messages this connection may send now, and
  // the refusals it may still collect before it is closed (App::admit_message).
  TokenBucket message_budget;
  TokenBucket refusal_budget;
  // The likes (顶) this connection may still send now (ReaderRequests).
  TokenBucket like_budget;

 protected:
  Peer(std::string poster, std::uint64_t id) : poster_(std::move(poster)), id_(id) {}
  ~Peer() = default;

 private:
  std::string poster_;
  std::uint64_t id_;
};

using PeerPtr = std::shared_ptr<Peer>;
using WeakPeer = std::weak_ptr<Peer>;

}  // namespace comments::server
