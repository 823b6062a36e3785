// The comment service: everything a WebSocket message or an /embed request
// asks of the server, on top of the StoreWorker. Runs on the single
// io_context thread; only the StoreWorker thread touches the Store.
//
// Why the per-thread caches (ThreadHub::view) stay consistent with storage
// without locks:
//  1. Every change to storage goes through the one StoreWorker thread, which
//     applies posts and jobs in queue order (a round commits its posts, runs
//     their callbacks, then runs its jobs in order).
//  2. Every callback/job hands its completion to the io side (to_io) at the
//     moment its effect is in the store, so completions are queued in the
//     order the effects happened.
//  3. That queue is first in, first out and drained by the one io_context
//     thread, so this class sees the completions in exactly that order.
// A cache loaded by a job therefore reflects every effect whose completion
// came before the load's completion and none of the later ones, which are
// applied to it one by one as their completions arrive. A post whose
// completion arrives while its thread is still loading is not applied: the
// load, which ran after it, already contains it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "comments/filter.hpp"
#include "comments/protocol.hpp"
#include "comments/thread_view.hpp"
#include "crypto.hpp"
#include "embed.hpp"
#include "include_scan_cache.hpp"
#include "origin.hpp"
#include "rate_limiter.hpp"
#include "store/store_worker.hpp"
#include "websocket/frame.hpp"

namespace comments::server {

class WsSession;
class HttpSession;

struct ServiceOptions {
  bool premoderate = false;
  int rate_per_minute = 5;  // 0 = no limit
  bool trust_proxy = false;
  std::vector<std::string> allow_origins;
  std::filesystem::path web_root;
  std::optional<std::string> mod_token;  // hashed at once, never kept or logged
};

// What the store holds that the service keeps in memory, read once at start.
struct StartupState {
  std::string address_key;  // HMAC key of the address hash
  std::vector<std::string> bans;
  FilterLists filters;
};

// Reads the StartupState through the worker (blocks until done; throws
// StoreError when the store fails).
StartupState load_startup_state(StoreWorker& worker);

// One thread key's live state: who is joined and a cache of what readers see.
struct ThreadHub {
  static constexpr std::size_t cache_capacity = 50;

  explicit ThreadHub(std::string thread_key) : key(std::move(thread_key)) {}

  struct Waiter {
    std::weak_ptr<WsSession> session;
    std::optional<std::string> req;
    int limit = 10;
  };

  std::string key;
  ThreadView view{cache_capacity};
  bool ready = false;    // view mirrors storage
  bool loading = false;  // a load job is queued; its completion resets view
  std::vector<WsSession*> sessions;  // joined and sent their snapshot
  std::vector<Waiter> waiting;       // joined, snapshot due when the load lands
};

class Service {
 public:
  Service(boost::asio::io_context& io, StoreWorker& worker, ServiceOptions options,
          StartupState state);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const OriginPolicy& origins() const noexcept { return origins_; }
  bool trust_proxy() const noexcept { return options_.trust_proxy; }
  const std::filesystem::path& web_root() const noexcept { return options_.web_root; }
  // HTML pages of web_root() known to hold no comment include (HttpSession).
  IncludeScanCache& include_scans() noexcept { return include_scans_; }
  bool shutting_down() const noexcept { return shutting_down_; }

  // Keyed hash of a client address: the only form in which addresses are
  // stored, compared or logged.
  std::string address_key(std::string_view address) const;

  // ---- WebSocket sessions --------------------------------------------------
  void add_session(WsSession& session);
  // Leaves every hub and the moderator list. Called once when it ends.
  void remove_session(WsSession& session);
  void on_text(const std::shared_ptr<WsSession>& session, std::string_view frame);
  void on_binary(const std::shared_ptr<WsSession>& session);

  // ---- HTTP ---------------------------------------------------------------
  void add_http(HttpSession& session);
  void remove_http(HttpSession& session);

  struct EmbedReply {
    bool ok = false;
    std::string html;  // the fragment when ok, else an error sentence
  };
  // The /embed/latest fragment; `done` runs on the io thread.
  void embed_latest(std::string thread, int limit, EmbedLang lang,
                    std::function<void(EmbedReply)> done);

  // ---- Shutdown -------------------------------------------------------------
  // Stops timers, closes every WebSocket with 1001 and every HTTP connection.
  void shutdown();

  std::size_t session_count() const noexcept { return session_count_; }
  // True when no WebSocket or HTTP connection is open (after shutdown()).
  bool drained() const noexcept;

 private:
  using Req = std::optional<std::string>;
  using SessionPtr = std::shared_ptr<WsSession>;

  struct PostAttempt {
    SessionPtr session;
    Req req;
    PostRequest post;
    std::int64_t now = 0;
    Status status = Status::published;
    std::string hold_reason;  // filter's reason when held
  };
  // One step of the post pipeline: nullopt to go on, or the error to answer.
  using PostPhase = std::optional<ProtocolError> (Service::*)(PostAttempt&);

  // Request handlers (one per request type).
  void handle(const SessionPtr& s, const Req& req, const JoinRequest& r);
  void handle(const SessionPtr& s, const Req& req, const LeaveRequest& r);
  void handle(const SessionPtr& s, const Req& req, const MoreRequest& r);
  void handle(const SessionPtr& s, const Req& req, const PostRequest& r);
  void handle(const SessionPtr& s, const Req& req, const FlagRequest& r);
  void handle(const SessionPtr& s, const Req& req, const AuthRequest& r);
  void handle(const SessionPtr& s, const Req& req, const QueueRequest& r);
  void handle(const SessionPtr& s, const Req& req, const ModerateRequest& r);
  void handle(const SessionPtr& s, const Req& req, const BanRequest& r);
  void handle(const SessionPtr& s, const Req& req, const FiltersRequest& r);
  void handle(const SessionPtr& s, const Req& req, const AuditRequest& r);

  // Post pipeline phases, in order (validation already happened in parsing).
  std::optional<ProtocolError> check_ban(PostAttempt& a);
  std::optional<ProtocolError> check_rate(PostAttempt& a);
  std::optional<ProtocolError> apply_filter(PostAttempt& a);
  std::optional<ProtocolError> apply_premoderation(PostAttempt& a);
  void commit_post(PostAttempt a);
  void on_post_committed(const std::weak_ptr<WsSession>& session, const Req& req,
                         PostOutcome outcome);

  // Hubs.
  ThreadHub& hub_for(const std::string& thread);
  ThreadHub* find_hub(std::string_view thread);
  void start_load(ThreadHub& hub);
  void on_loaded(const std::string& thread, std::optional<ThreadSnapshot> snapshot,
                 const std::string& error);
  void send_snapshot(WsSession& s, const Req& req, const ThreadHub& hub, int limit);
  void leave_hub(ThreadHub& hub, WsSession& s);
  void erase_hub_if_unused(ThreadHub& hub);
  void broadcast(const ThreadHub& hub, const ws::SharedFrame& message,
                 const WsSession* except);
  void to_moderators(const ws::SharedFrame& message);
  // Applies a changed comment to its thread's cache (if cached) and refreshes
  // the cache from storage when the change left it short.
  void apply_to_cache(const Comment& c, std::int64_t total);

  // Moderation helpers.
  bool require_moderator(const SessionPtr& s, const Req& req);
  void audit_pushed(const std::optional<AuditEntry>& entry);

  // Replies.
  void reply(WsSession& s, std::string message);
  void reply_error(WsSession& s, ErrorCode code, std::string message, const Req& req,
                   std::optional<std::int64_t> retry_after_ms = std::nullopt);

  // Runs `job` on the worker; StoreError and other exceptions become an
  // `internal` reply to `session` (posted back to the io thread).
  void run_store_job(const SessionPtr& session, const Req& req, std::string what,
                     std::function<void(Store&)> job);
  // Hands `fn` (a worker completion) to the io thread. Completions keep
  // their order in one queue that the io thread drains a few at a time: a
  // group commit of hundreds of posts must not queue hundreds of messages per
  // reader before any write completion gets its turn, or every reader would
  // look like a slow one.
  void to_io(std::function<void()> fn);
  void drain_completions();

  void schedule_sweep();
  // Pings quiet WebSocket peers, drops silent ones, ends unanswered closes
  // (also during shutdown, so the drain finishes).
  void schedule_liveness();

  std::mutex completions_mutex_;
  std::deque<std::function<void()>> completions_;  // guarded by completions_mutex_
  bool drain_posted_ = false;                       // guarded by completions_mutex_

  boost::asio::io_context& io_;
  StoreWorker& worker_;
  ServiceOptions options_;
  OriginPolicy origins_;
  IncludeScanCache include_scans_;
  TokenCheck token_;
  std::string address_key_;
  std::unordered_set<std::string> bans_;
  std::shared_ptr<const ModerationFilter> filter_;
  FilterLists pending_filters_;  // lists as last requested: the base of the next partial set
  RateLimiter post_limiter_;
  RateLimiter auth_failures_;    // wrong tokens per address, against guessing
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer liveness_timer_;
  std::unordered_map<std::string, ThreadHub> hubs_;
  std::vector<WsSession*> moderators_;
  std::size_t session_count_ = 0;
  bool shutting_down_ = false;

  struct SessionLists;
  std::unique_ptr<SessionLists> lists_;  // every open session, for shutdown
};

}  // namespace comments::server
