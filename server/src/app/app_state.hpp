// What every part of the application layer shares (the "shared state" of
// Beast's chat example, as a small registry): the io_context it runs on, the
// StoreWorker, the completion queue back from it, the thread hubs, the signed
// in moderators and the posting policy. Owned by App; the request handlers
// (reader_requests, moderator_requests, post_pipeline) hold a reference.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/cluster.hpp"
#include "app/completion_queue.hpp"
#include "app/delivery.hpp"
#include "app/moderator_feed.hpp"
#include "app/peer.hpp"
#include "app/policy.hpp"
#include "app/thread_hubs.hpp"
#include "comments/limits.hpp"
#include "store/store_worker.hpp"
#include "support/refusal_log.hpp"

namespace comments::server {

struct AppOptions {
  bool premoderate = false;
  int rate_per_minute = 5;  // 0 = no limit
  std::optional<std::string> mod_token;  // hashed at once, never kept or logged
  // Named moderators' tokens file (support/moderators.hpp), re-read when it
  // changes; beside or instead of mod_token (which signs in as "moderator").
  std::optional<std::string> moderators_file;
  int max_joined = 16;  // threads joined at once per connection; 0 = no limit
  // How long a delivered id stays in its thread hub's set (ThreadHubs); the
  // tests shorten it.
  std::int64_t settle_ms = ThreadHubs::default_settle_ms;
  // How long after posting its author may edit or delete a comment; 0 = never.
  std::int64_t edit_window_ms = limits::default_edit_window_ms;
  // Per connection, every type, bursts of twice that; 0 = no limit (the
  // command line's default is 20: support/config.hpp).
  int messages_per_second = 0;
  // Likes (顶) per connection and minute, in bursts of up to like_burst;
  // 0 = no limit. A like costs a write: this keeps one connection from
  // turning the button into a stream of writes and broadcasts.
  int likes_per_minute = 30;
};

// What the store holds that the application keeps in memory, read once at start.
struct StartupState {
  std::string address_key;  // HMAC key of the address hash
  std::vector<PosterBan> bans;  // in force at start
  FilterLists filters;
  std::string cluster_id;  // names the bus channel and keys (app/cluster.hpp)
};

// Reads the StartupState through the worker (blocks until done; throws
// StoreError when the store fails).
StartupState load_startup_state(StoreWorker& worker);

struct AppState {
  AppState(boost::asio::io_context& io_context, StoreWorker& store_worker,
           const AppOptions& options, StartupState& state, EventBus* bus, std::string origin)
      : io(io_context),
        worker(store_worker),
        completions(io_context),
        hubs(store_worker, completions, options.settle_ms),
        policy(options.rate_per_minute, options.premoderate, state.bans, std::move(state.filters)),
        max_joined(options.max_joined),
        edit_window_ms(options.edit_window_ms),
        messages_per_second(options.messages_per_second),
        likes_per_minute(options.likes_per_minute),
        rate_per_minute(options.rate_per_minute),
        cluster_id(state.cluster_id),
        publisher(bus, std::move(origin)) {}

  // Runs `job` on the worker. A job that throws (StoreError, or anything
  // else) is answered `internal` on the io thread, naming `what` in the log.
  void run_store_job(const PeerPtr& peer, const Req& req, std::string what,
                     std::function<void(Store&)> job);
  // A read answered with one message: `read` runs on the worker and builds
  // the reply (serialised there, off the io thread), which goes to `peer` if
  // it is still there. A read that throws is answered as run_store_job says.
  void reply_from_store(const PeerPtr& peer, const Req& req, std::string what,
                        std::function<std::string(Store&)> read);

  boost::asio::io_context& io;
  StoreWorker& worker;
  CompletionQueue completions;
  ThreadHubs hubs;
  Moderators moderators;
  // What `moderators` are sent unasked, once each (replayed after a bus gap).
  ModeratorFeed moderator_feed{worker, completions, moderators};
  Policy policy;
  int max_joined;
  std::int64_t edit_window_ms;
  int messages_per_second;
  int likes_per_minute;
  // Refusals by a limit, logged once per address and minute.
  RefusalLog refusals;
  int rate_per_minute;
  std::string cluster_id;
  // Tells the other instances what this one committed (no-op without a bus).
  Publisher publisher;
  // Each thread's title and link as last stored from a join (so only a
  // change costs a write); bounded, forgotten all at once when full.
  std::unordered_map<std::string, std::pair<std::string, std::string>> thread_info;
};

// First characters of an address hash: enough to follow one client through
// the log, too few to be worth anything elsewhere.
inline constexpr std::size_t short_hash_chars = 12;
inline std::string short_hash(const std::string& hash) { return hash.substr(0, short_hash_chars); }

}  // namespace comments::server
