// The application layer's front: what a connection's messages ask of the
// server, and what the HTTP side reads. It parses each text message (core's
// protocol), hands it to the handler group for its kind (readers, posting,
// moderators), and learns when a peer goes. Runs on the one io thread; only
// the StoreWorker thread touches the Store. Knows nothing of sockets: peers
// are the Peer interface (peer.hpp), so it is unit-tested with fake peers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/app_state.hpp"
#include "app/moderator_requests.hpp"
#include "app/post_pipeline.hpp"
#include "app/author_requests.hpp"
#include "app/reader_requests.hpp"

namespace comments::server {

class App {
 public:
  // With `bus`, this instance is one of several on one database: it
  // publishes what it commits and applies what the others publish
  // (app/cluster.hpp). The bus must outlive the App.
  App(boost::asio::io_context& io, StoreWorker& worker, AppOptions options, StartupState state,
      EventBus* bus = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Keyed hash of a client address (of its /64 for IPv6: client_network):
  // the only form in which addresses are stored, compared or logged.
  std::string address_key(std::string_view address) const;

  // One text message from `peer` (valid UTF-8, at most limits::max_frame_bytes).
  void on_text(const PeerPtr& peer, std::string_view message);
  // A binary message: refused with bad_request.
  void on_binary(const PeerPtr& peer);
  // `peer` has gone: it leaves every hub and the moderators. Once per peer.
  void disconnected(Peer& peer);

  // The newest `limit` published comments of `thread` with its pinned ones
  // and total (for the no-JS fragment); nullopt when the store failed.
  // `done` runs on the io thread.
  void latest(std::string thread, int limit,
              std::function<void(std::optional<ThreadSnapshot>)> done);

  // Stops the timers; connections are closed by their own layer.
  void shutdown();

  const ThreadHubs& hubs() const noexcept { return state_.hubs; }
  // This instance's id in the events it publishes, and the installation's.
  const std::string& origin() const noexcept { return state_.publisher.origin(); }
  const std::string& cluster_id() const noexcept { return state_.cluster_id; }
  const ClusterEvents& cluster() const noexcept { return cluster_; }
  std::size_t moderator_count() const noexcept { return state_.moderators.size(); }

 private:
  void schedule_sweep();
  void schedule_moderators_check();
  // --max-messages-per-second: true when `peer` may send this message now.
  // Otherwise it is answered rate_limited (echoing `req`), or, once the peer
  // has collected more refusals than a burst, closed with 1008.
  bool admit_message(const PeerPtr& peer, const Req& req);

  std::string address_key_;
  AppState state_;
  ReaderRequests readers_;
  AuthorRequests authors_;
  PostPipeline posts_;
  ModeratorRequests moderation_;
  ClusterEvents cluster_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer moderators_timer_;
  bool shutting_down_ = false;
};

}  // namespace comments::server
