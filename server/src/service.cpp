#include "service.hpp"

#include <boost/asio/post.hpp>
#include <boost/intrusive/list.hpp>
#include <algorithm>
#include <chrono>
#include <future>
#include <utility>

#include "comments/limits.hpp"
#include "http_session.hpp"
#include "log.hpp"
#include "ws_session.hpp"

namespace comments::server {

namespace net = boost::asio;

namespace {

constexpr int auth_failures_per_minute = 10;
constexpr auto sweep_interval = std::chrono::seconds(60);
constexpr auto liveness_interval = std::chrono::seconds(10);

// First characters of an address hash: enough to follow one client through
// the log, too few to be worth anything elsewhere.
std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }


bool visible_to_readers(const Comment& before, const Comment& after) {
  const bool was = before.status == Status::published;
  const bool is = after.status == Status::published;
  return was != is || (is && before.pinned != after.pinned);
}

std::string transition(const Comment& before, const Comment& after) {
  std::string detail(to_string(before.status));
  detail += " -> ";
  detail += to_string(after.status);
  if (before.pinned != after.pinned) detail += after.pinned ? ", pinned" : ", unpinned";
  return detail;
}

}  // namespace

// Every open session, so shutdown can reach them. Intrusive lists: a session
// carries its own links, so being listed costs no allocation.
struct Service::SessionLists {
  using WsList = boost::intrusive::list<
      WsSession,
      boost::intrusive::member_hook<WsSession, boost::intrusive::list_member_hook<>,
                                    &WsSession::registry_hook>,
      boost::intrusive::constant_time_size<false>>;
  using HttpList = boost::intrusive::list<
      HttpSession,
      boost::intrusive::member_hook<HttpSession, boost::intrusive::list_member_hook<>,
                                    &HttpSession::registry_hook>,
      boost::intrusive::constant_time_size<false>>;
  WsList ws;
  HttpList http;
};

StartupState load_startup_state(StoreWorker& worker) {
  std::promise<StartupState> promise;
  auto result = promise.get_future();
  worker.run([&promise](Store& store) {
    try {
      StartupState state;
      state.address_key = store.secret("address-hash-key", 32);
      state.bans = store.bans();
      state.filters = store.load_filters();
      promise.set_value(std::move(state));
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  });
  return result.get();
}

Service::Service(net::io_context& io, StoreWorker& worker, ServiceOptions options,
                 StartupState state)
    : io_(io),
      worker_(worker),
      options_(std::move(options)),
      origins_(options_.allow_origins),
      token_(std::move(options_.mod_token)),
      address_key_(std::move(state.address_key)),
      bans_(state.bans.begin(), state.bans.end()),
      filter_(std::make_shared<const ModerationFilter>(state.filters)),
      pending_filters_(std::move(state.filters)),
      post_limiter_(options_.rate_per_minute, limits::rate_window_ms),
      auth_failures_(auth_failures_per_minute, limits::rate_window_ms),
      sweep_timer_(io),
      liveness_timer_(io),
      lists_(std::make_unique<SessionLists>()) {
  options_.mod_token.reset();  // only the digest inside token_ remains
  schedule_sweep();
  schedule_liveness();
}

// Sessions still listed (the io_context was stopped at the shutdown
// deadline) are owned by handlers that the io_context, which outlives this
// object, destroys later: the safe-mode hooks are unlinked here first.
Service::~Service() = default;

std::string Service::address_key(std::string_view address) const {
  return address_hash(address_key_, address);
}

void Service::schedule_sweep() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down_) return;
    const auto now = now_ms();
    post_limiter_.sweep(now);
    auth_failures_.sweep(now);
    schedule_sweep();
  });
}

void Service::schedule_liveness() {
  liveness_timer_.expires_after(liveness_interval);
  liveness_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = WsSession::coarse_clock();
    // check_liveness may end a session, which unlinks it: step first.
    for (auto it = lists_->ws.begin(); it != lists_->ws.end();) (it++)->check_liveness(now);
    schedule_liveness();
  });
}

void Service::to_io(std::function<void()> fn) {
  std::lock_guard lock(completions_mutex_);
  completions_.push_back(std::move(fn));
  if (!drain_posted_) {
    drain_posted_ = true;
    net::post(io_, [this] { drain_completions(); });
  }
}

void Service::drain_completions() {
  // A few per turn, then the sessions' flush runs (it was posted by the first
  // frame queued) and writes what these completions queued in one gather
  // write per session. Bounded so that a group commit of hundreds of posts
  // cannot queue more for a fast reader than one turn writes out, which
  // would push it towards the slow-reader limit.
  constexpr int completions_per_turn = 16;
  for (int i = 0; i < completions_per_turn; ++i) {
    std::function<void()> next;
    {
      std::lock_guard lock(completions_mutex_);
      if (completions_.empty()) {
        drain_posted_ = false;
        return;
      }
      next = std::move(completions_.front());
      completions_.pop_front();
    }
    next();
  }
  // Behind the flush that these completions caused.
  net::post(io_, [this] { drain_completions(); });
}

// ---- Sessions -----------------------------------------------------------------

void Service::add_session(WsSession& session) {
  lists_->ws.push_back(session);
  ++session_count_;
  log_line(LogLevel::debug, "ws-open",
           "conn=" + std::to_string(session.conn_id()) + " from=" + short_hash(session.poster()));
  if (shutting_down_) session.close(ws::CloseCode::going_away);
}

void Service::remove_session(WsSession& session) {
  if (session.registry_hook.is_linked()) {
    lists_->ws.erase(lists_->ws.iterator_to(session));
    --session_count_;
  }
  // Copy: leave_hub edits the session's list.
  const std::vector<ThreadHub*> joined = session.joined();
  for (ThreadHub* hub : joined) leave_hub(*hub, session);
  session.joined().clear();
  std::erase(moderators_, &session);
  log_line(LogLevel::debug, "ws-close", "conn=" + std::to_string(session.conn_id()));
}

void Service::add_http(HttpSession& session) { lists_->http.push_back(session); }

void Service::remove_http(HttpSession& session) {
  if (session.registry_hook.is_linked()) lists_->http.erase(lists_->http.iterator_to(session));
}

void Service::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  sweep_timer_.cancel();
  log_info("shutdown", "sessions=" + std::to_string(session_count_));
  // close() never unlinks synchronously (the read loop does, later), so the
  // lists can be walked directly.
  for (WsSession& s : lists_->ws) s.close(ws::CloseCode::going_away);
  for (HttpSession& h : lists_->http) h.stop();
}

bool Service::drained() const noexcept { return lists_->ws.empty() && lists_->http.empty(); }

void Service::reply(WsSession& s, std::string message) { s.send(ws::text_frame(std::move(message))); }

void Service::reply_error(WsSession& s, ErrorCode code, std::string message, const Req& req,
                          std::optional<std::int64_t> retry_after_ms) {
  ProtocolError error{code, std::move(message), req, retry_after_ms};
  reply(s, error_message(error));
}

void Service::on_binary(const SessionPtr& session) {
  reply_error(*session, ErrorCode::bad_request,
              "Binary frames are not accepted; send one JSON object per text frame.", {});
}

void Service::on_text(const SessionPtr& session, std::string_view frame) {
  auto parsed = parse_client_message(frame);
  if (auto* error = std::get_if<ProtocolError>(&parsed)) {
    reply(*session, error_message(*error));
    return;
  }
  auto& message = std::get<ClientMessage>(parsed);
  std::visit([&](const auto& request) { handle(session, message.req, request); },
             message.request);
}

void Service::run_store_job(const SessionPtr& session, const Req& req, std::string what,
                            std::function<void(Store&)> job) {
  std::weak_ptr<WsSession> weak = session;
  worker_.run([this, weak, req, what = std::move(what), job = std::move(job)](Store& store) {
    try {
      job(store);
    } catch (const std::exception& e) {
      const std::string error = e.what();
      to_io([this, weak, req, what, error] {
        log_error("store-failed", "op=" + what + " error=" + log_value(error));
        if (auto s = weak.lock()) {
          reply_error(*s, ErrorCode::internal,
                      "The server could not complete the request; nothing was changed.", req);
        }
      });
    }
  });
}

// ---- Hubs -----------------------------------------------------------------------

ThreadHub& Service::hub_for(const std::string& thread) {
  auto it = hubs_.find(thread);
  if (it == hubs_.end()) it = hubs_.emplace(thread, ThreadHub(thread)).first;
  return it->second;
}

ThreadHub* Service::find_hub(std::string_view thread) {
  const auto it = hubs_.find(std::string(thread));
  return it == hubs_.end() ? nullptr : &it->second;
}

void Service::start_load(ThreadHub& hub) {
  if (hub.loading) return;
  hub.loading = true;
  worker_.run([this, thread = hub.key](Store& store) {
    std::optional<ThreadSnapshot> snapshot;
    std::string error;
    try {
      snapshot = store.latest(thread, static_cast<int>(ThreadHub::cache_capacity));
    } catch (const std::exception& e) {
      error = e.what();
    }
    // Posted here, on the worker, right after the read: see service.hpp.
    to_io([this, thread, snapshot = std::move(snapshot), error]() mutable {
      on_loaded(thread, std::move(snapshot), error);
    });
  });
}

void Service::on_loaded(const std::string& thread, std::optional<ThreadSnapshot> snapshot,
                        const std::string& error) {
  ThreadHub* hub = find_hub(thread);
  if (!hub) return;
  hub->loading = false;
  auto waiting = std::move(hub->waiting);
  hub->waiting.clear();
  if (!snapshot) {
    log_error("store-failed", "op=load thread=" + log_value(thread) + " error=" + log_value(error));
    for (auto& w : waiting) {
      if (auto s = w.session.lock()) {
        std::erase(s->joined(), hub);
        reply_error(*s, ErrorCode::internal,
                    "The server could not read this thread; try again.", w.req);
      }
    }
    erase_hub_if_unused(*hub);
    return;
  }
  hub->view.reset(std::move(snapshot->newest), std::move(snapshot->pinned), snapshot->total);
  hub->ready = true;
  for (auto& w : waiting) {
    auto s = w.session.lock();
    if (!s) continue;
    // A session that left meanwhile is no longer in its joined list.
    if (std::find(s->joined().begin(), s->joined().end(), hub) == s->joined().end()) continue;
    if (std::find(hub->sessions.begin(), hub->sessions.end(), s.get()) == hub->sessions.end()) {
      hub->sessions.push_back(s.get());
    }
    send_snapshot(*s, w.req, *hub, w.limit);
  }
  erase_hub_if_unused(*hub);
}

void Service::send_snapshot(WsSession& s, const Req& req, const ThreadHub& hub, int limit) {
  const auto& newest = hub.view.newest();
  const std::size_t n = std::min(newest.size(), static_cast<std::size_t>(limit));
  const std::vector<Comment> shown(newest.begin(), newest.begin() + static_cast<std::ptrdiff_t>(n));
  reply(s, snapshot_message(req, hub.key, hub.view.total(), shown, hub.view.pinned()));
}

void Service::leave_hub(ThreadHub& hub, WsSession& s) {
  std::erase(hub.sessions, &s);
  std::erase_if(hub.waiting, [&](const ThreadHub::Waiter& w) {
    const auto locked = w.session.lock();
    return !locked || locked.get() == &s;
  });
  std::erase(s.joined(), &hub);
  erase_hub_if_unused(hub);
}

void Service::erase_hub_if_unused(ThreadHub& hub) {
  // A hub being loaded stays: its load completion looks it up.
  if (hub.sessions.empty() && hub.waiting.empty() && !hub.loading) hubs_.erase(hub.key);
}

void Service::broadcast(const ThreadHub& hub, const ws::SharedFrame& message,
                        const WsSession* except) {
  // send() never removes a session synchronously, so iterating is safe.
  for (WsSession* s : hub.sessions) {
    if (s != except) s->send(message);
  }
}

void Service::to_moderators(const ws::SharedFrame& message) {
  for (WsSession* m : moderators_) m->send(message);
}

void Service::apply_to_cache(const Comment& c, std::int64_t total) {
  ThreadHub* hub = find_hub(c.thread);
  if (!hub || !hub->ready) return;  // a load in flight already sees this change
  const bool pinned_full = hub->view.pinned().size() >= limits::max_pinned;
  hub->view.apply(c, total);
  // The cache lost a comment it cannot replace from memory: read it again.
  const bool pinned_short = pinned_full && hub->view.pinned().size() < limits::max_pinned;
  if (hub->view.needs_refill() || pinned_short) start_load(*hub);
}

// ---- Readers -------------------------------------------------------------------

void Service::handle(const SessionPtr& s, const Req& req, const JoinRequest& r) {
  ThreadHub& hub = hub_for(r.thread);
  if (std::find(s->joined().begin(), s->joined().end(), &hub) == s->joined().end()) {
    s->joined().push_back(&hub);
  }
  const auto held = static_cast<std::int64_t>(hub.view.newest().size());
  const bool enough = held >= r.limit || held >= hub.view.total();
  if (hub.ready && !hub.loading && enough) {
    if (std::find(hub.sessions.begin(), hub.sessions.end(), s.get()) == hub.sessions.end()) {
      hub.sessions.push_back(s.get());
    }
    send_snapshot(*s, req, hub, r.limit);
    return;
  }
  hub.waiting.push_back({s, req, r.limit});
  start_load(hub);
}

void Service::handle(const SessionPtr& s, const Req& req, const LeaveRequest& r) {
  if (ThreadHub* hub = find_hub(r.thread)) leave_hub(*hub, *s);
  reply(*s, ok_message(req));
}

void Service::handle(const SessionPtr& s, const Req& req, const MoreRequest& r) {
  if (ThreadHub* hub = find_hub(r.thread); hub && hub->ready && !hub->loading) {
    const auto& newest = hub->view.newest();
    const bool holds_all = static_cast<std::int64_t>(newest.size()) >= hub->view.total();
    std::vector<Comment> page;
    for (const Comment& c : newest) {
      if (c.id < r.before && static_cast<int>(page.size()) < r.limit) page.push_back(c);
    }
    // Complete when it is full, or when nothing older exists outside memory.
    if (static_cast<int>(page.size()) >= r.limit || holds_all) {
      reply(*s, page_message(req, r.thread, page));
      return;
    }
  }
  std::weak_ptr<WsSession> weak = s;
  run_store_job(s, req, "page", [this, weak, req, r](Store& store) {
    auto page = store.page(r.thread, r.before, r.limit);
    to_io([this, weak, req, thread = r.thread, page = std::move(page)] {
      if (auto s = weak.lock()) reply(*s, page_message(req, thread, page));
    });
  });
}

// ---- Posting ---------------------------------------------------------------------

void Service::handle(const SessionPtr& s, const Req& req, const PostRequest& r) {
  PostAttempt attempt;
  attempt.session = s;
  attempt.req = req;
  attempt.post = r;
  attempt.now = now_ms();
  // The pipeline, in the order the contract fixes: each phase may refuse.
  static constexpr PostPhase phases[] = {&Service::check_ban, &Service::check_rate,
                                         &Service::apply_filter, &Service::apply_premoderation};
  for (const PostPhase phase : phases) {
    if (auto error = (this->*phase)(attempt)) {
      reply(*s, error_message(*error));
      return;
    }
  }
  commit_post(std::move(attempt));
}

std::optional<ProtocolError> Service::check_ban(PostAttempt& a) {
  if (!bans_.contains(a.session->poster())) return std::nullopt;
  log_info("post-refused", "reason=banned from=" + short_hash(a.session->poster()));
  return ProtocolError{ErrorCode::banned, "You can no longer post comments here.", a.req, {}};
}

std::optional<ProtocolError> Service::check_rate(PostAttempt& a) {
  const auto retry = post_limiter_.try_acquire(a.session->poster(), a.now);
  if (!retry) return std::nullopt;
  log_info("post-refused", "reason=rate from=" + short_hash(a.session->poster()));
  return ProtocolError{ErrorCode::rate_limited,
                       "Too many comments in a short time; try again in " +
                           std::to_string((*retry + 999) / 1000) + " s.",
                       a.req, *retry};
}

std::optional<ProtocolError> Service::apply_filter(PostAttempt& a) {
  const FilterDecision decision = filter_->check(a.post.author, a.post.body);
  switch (decision.verdict) {
    case Verdict::publish:
      return std::nullopt;
    case Verdict::hold:
      a.status = Status::pending;
      a.hold_reason = decision.reason;
      return std::nullopt;
    case Verdict::block:
      log_info("post-refused", "reason=blocked from=" + short_hash(a.session->poster()) +
                                   " rule=" + log_value(decision.reason));
      return ProtocolError{ErrorCode::blocked,
                           "The comment contains a word this site does not accept.", a.req, {}};
  }
  return std::nullopt;
}

std::optional<ProtocolError> Service::apply_premoderation(PostAttempt& a) {
  if (options_.premoderate) a.status = Status::pending;
  return std::nullopt;
}

void Service::commit_post(PostAttempt a) {
  NewComment comment{std::move(a.post.thread), a.post.parent, std::move(a.post.author),
                     std::move(a.post.body), a.now, a.status, a.session->poster()};
  std::weak_ptr<WsSession> weak = a.session;
  worker_.post(std::move(comment), [this, weak, req = std::move(a.req),
                                    reason = std::move(a.hold_reason)](PostOutcome outcome) {
    // Posted here, on the worker, right after the commit: see service.hpp.
    to_io([this, weak, req, reason, outcome = std::move(outcome)]() mutable {
      if (!reason.empty() && outcome.comment) {
        log_info("post-held", "id=" + std::to_string(outcome.comment->id) +
                                  " rule=" + log_value(reason));
      }
      on_post_committed(weak, req, std::move(outcome));
    });
  });
}

void Service::on_post_committed(const std::weak_ptr<WsSession>& weak, const Req& req,
                                PostOutcome outcome) {
  auto session = weak.lock();
  if (outcome.failed) {
    log_error("store-failed", "op=post error=" + log_value(outcome.error));
    if (session) {
      reply_error(*session, ErrorCode::internal,
                  "The server could not save the comment; nothing was stored. Try again.", req);
    }
    return;
  }
  if (!outcome.comment) {
    if (session) {
      reply_error(*session, ErrorCode::not_found,
                  "The comment you reply to does not exist in this thread.", req);
    }
    return;
  }
  const Comment& c = *outcome.comment;
  log_info("post", "id=" + std::to_string(c.id) + " thread=" + log_value(c.thread) +
                       " status=" + std::string(to_string(c.status)) +
                       (session ? " from=" + short_hash(session->poster()) : std::string{}));
  if (session) reply(*session, ack_message(req, c));

  if (c.status == Status::published) {
    ThreadHub* hub = find_hub(c.thread);
    // A hub still loading gets this comment from its load (see service.hpp).
    if (hub && hub->ready) {
      const std::int64_t total = hub->view.total() + 1;
      hub->view.apply(c, total);
      broadcast(*hub, ws::text_frame(comment_event(c, total)), session.get());
    }
  } else {
    to_moderators(ws::text_frame(queued_event(c)));
  }
}

void Service::handle(const SessionPtr& s, const Req& req, const FlagRequest& r) {
  std::weak_ptr<WsSession> weak = s;
  const std::string flagger = s->poster();
  const std::int64_t at = now_ms();
  run_store_job(s, req, "flag", [this, weak, req, r, flagger, at](Store& store) {
    auto flagged = store.flag(r.id, flagger, r.reason, at);
    to_io([this, weak, req, id = r.id, flagged = std::move(flagged)] {
      auto s = weak.lock();
      if (!flagged) {
        if (s) {
          reply_error(*s, ErrorCode::not_found,
                      "Comment " + std::to_string(id) + " is not a published comment.", req);
        }
        return;
      }
      log_info("flag", "id=" + std::to_string(id) + " flags=" + std::to_string(flagged->flags));
      if (s) reply(*s, ok_message(req));
      to_moderators(ws::text_frame(queued_event(*flagged)));
      if (ThreadHub* hub = find_hub(flagged->thread); hub && hub->ready) {
        apply_to_cache(*flagged, hub->view.total());
      }
    });
  });
}

// ---- Moderators -----------------------------------------------------------------

bool Service::require_moderator(const SessionPtr& s, const Req& req) {
  if (s->is_moderator()) return true;
  reply_error(*s, ErrorCode::unauthorized, "Sign in as a moderator first (auth).", req);
  return false;
}

void Service::audit_pushed(const std::optional<AuditEntry>& entry) {
  if (entry) to_moderators(ws::text_frame(audit_event(*entry)));
}

void Service::handle(const SessionPtr& s, const Req& req, const AuthRequest& r) {
  if (!token_.configured()) {
    reply_error(*s, ErrorCode::unauthorized, "Moderation is not enabled on this server.", req);
    return;
  }
  // Failed attempts are limited per address so the token cannot be guessed
  // at network speed; a right token is never counted.
  if (!token_.matches(r.token)) {
    const auto retry = auth_failures_.try_acquire(s->poster(), now_ms());
    log_warn("auth-failed", "conn=" + std::to_string(s->conn_id()) +
                                " from=" + short_hash(s->poster()));
    if (retry) {
      reply_error(*s, ErrorCode::rate_limited, "Too many wrong tokens; wait before trying again.",
                  req, *retry);
    } else {
      reply_error(*s, ErrorCode::unauthorized, "The moderator token is not right.", req);
    }
    return;
  }
  if (!s->is_moderator()) {
    s->make_moderator(random_hex(8));
    moderators_.push_back(s.get());
  }
  log_info("auth", "conn=" + std::to_string(s->conn_id()) + " moderator=" + s->moderator_id());
  reply(*s, ok_role_message(req, "moderator"));
}

void Service::handle(const SessionPtr& s, const Req& req, const QueueRequest& r) {
  if (!require_moderator(s, req)) return;
  std::weak_ptr<WsSession> weak = s;
  run_store_job(s, req, "queue", [this, weak, req, r](Store& store) {
    auto items = store.queue(r);
    to_io([this, weak, req, items = std::move(items)] {
      if (auto s = weak.lock()) reply(*s, queue_message(req, items));
    });
  });
}

void Service::handle(const SessionPtr& s, const Req& req, const ModerateRequest& r) {
  if (!require_moderator(s, req)) return;
  std::weak_ptr<WsSession> weak = s;
  const std::string moderator = s->moderator_id();
  run_store_job(s, req, "moderate", [this, weak, req, r, moderator](Store& store) {
    auto moderated = store.moderate(r.id, r.action);
    if (!moderated) {
      to_io([this, weak, req, id = r.id] {
        if (auto s = weak.lock()) {
          reply_error(*s, ErrorCode::not_found, "No comment has id " + std::to_string(id) + ".",
                      req);
        }
      });
      return;
    }
    const std::int64_t total = store.published_count(moderated->after.thread);
    std::optional<AuditEntry> entry;
    try {
      AuditEntry e;
      e.at = now_ms();
      e.action = std::string(to_string(r.action));
      e.comment = r.id;
      e.thread = moderated->after.thread;
      e.moderator = moderator;
      e.detail = transition(moderated->before, moderated->after);
      entry = store.append_audit(std::move(e));
    } catch (const std::exception& e) {
      // The action itself is done and durable; only its log line is missing.
      log_error("audit-failed", "op=moderate error=" + log_value(e.what()));
    }
    to_io([this, weak, req, m = std::move(*moderated), total, entry = std::move(entry),
           action = r.action, moderator] {
      log_info("moderate", "id=" + std::to_string(m.after.id) + " action=" +
                               std::string(to_string(action)) + " moderator=" + moderator +
                               " detail=" + log_value(transition(m.before, m.after)));
      if (auto s = weak.lock()) reply(*s, ok_comment_message(req, m.after));
      const bool visible = visible_to_readers(m.before, m.after);
      ThreadHub* hub = find_hub(m.after.thread);
      if (hub && hub->ready) {
        apply_to_cache(m.after, total);
        if (visible) broadcast(*hub, ws::text_frame(update_event(m.after, total)), nullptr);
      }
      audit_pushed(entry);
    });
  });
}

void Service::handle(const SessionPtr& s, const Req& req, const BanRequest& r) {
  if (!require_moderator(s, req)) return;
  std::weak_ptr<WsSession> weak = s;
  const std::string moderator = s->moderator_id();
  const std::int64_t at = now_ms();
  run_store_job(s, req, "ban", [this, weak, req, r, moderator, at](Store& store) {
    auto poster = store.poster_of(r.id);
    if (!poster) {
      to_io([this, weak, req, id = r.id] {
        if (auto s = weak.lock()) {
          reply_error(*s, ErrorCode::not_found, "No comment has id " + std::to_string(id) + ".",
                      req);
        }
      });
      return;
    }
    store.ban(*poster, at);
    std::optional<AuditEntry> entry;
    try {
      AuditEntry e;
      e.at = at;
      e.action = "ban";
      e.comment = r.id;
      if (auto c = store.find(r.id)) e.thread = c->thread;
      e.moderator = moderator;
      e.detail = "poster " + short_hash(*poster);
      entry = store.append_audit(std::move(e));
    } catch (const std::exception& e) {
      log_error("audit-failed", "op=ban error=" + log_value(e.what()));
    }
    to_io([this, weak, req, poster = std::move(*poster), entry = std::move(entry), moderator,
           id = r.id] {
      bans_.insert(poster);
      log_info("ban", "id=" + std::to_string(id) + " poster=" + short_hash(poster) +
                          " moderator=" + moderator);
      if (auto s = weak.lock()) reply(*s, ok_message(req));
      audit_pushed(entry);
    });
  });
}

void Service::handle(const SessionPtr& s, const Req& req, const FiltersRequest& r) {
  if (!require_moderator(s, req)) return;
  if (r.is_read()) {
    const auto& lists = filter_->lists();
    reply(*s, filters_message(req, lists.banned, lists.suspect));
    return;
  }
  // A list left out stays as it is: merge over the lists as last requested,
  // so two quick partial updates do not undo each other.
  FilterLists lists = pending_filters_;
  if (r.banned) lists.banned = *r.banned;
  if (r.suspect) lists.suspect = *r.suspect;
  if (std::string problem = lists.validate(); !problem.empty()) {
    reply_error(*s, ErrorCode::invalid, std::move(problem), req);
    return;
  }
  pending_filters_ = lists;
  std::weak_ptr<WsSession> weak = s;
  const std::string moderator = s->moderator_id();
  worker_.run([this, weak, req, lists = std::move(lists), moderator](Store& store) {
    std::shared_ptr<const ModerationFilter> filter;
    std::optional<AuditEntry> entry;
    std::string error;
    try {
      store.save_filters(lists);
      // Built here, off the network thread: large lists take a moment.
      filter = std::make_shared<const ModerationFilter>(lists);
      AuditEntry e;
      e.at = now_ms();
      e.action = "filters";
      e.moderator = moderator;
      e.detail = std::to_string(lists.banned.size()) + " banned, " +
                 std::to_string(lists.suspect.size()) + " suspect";
      try {
        entry = store.append_audit(std::move(e));
      } catch (const std::exception& audit_error) {
        log_error("audit-failed", "op=filters error=" + log_value(audit_error.what()));
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    to_io([this, weak, req, filter = std::move(filter), entry = std::move(entry), error,
           moderator] {
      auto s = weak.lock();
      if (!filter) {
        log_error("store-failed", "op=filters error=" + log_value(error));
        pending_filters_ = filter_->lists();
        if (s) {
          reply_error(*s, ErrorCode::internal,
                      "The server could not save the filters; they are unchanged.", req);
        }
        return;
      }
      filter_ = filter;
      log_info("filters", "banned=" + std::to_string(filter->lists().banned.size()) +
                              " suspect=" + std::to_string(filter->lists().suspect.size()) +
                              " moderator=" + moderator);
      if (s) reply(*s, filters_message(req, filter->lists().banned, filter->lists().suspect));
      audit_pushed(entry);
    });
  });
}

void Service::handle(const SessionPtr& s, const Req& req, const AuditRequest& r) {
  if (!require_moderator(s, req)) return;
  std::weak_ptr<WsSession> weak = s;
  run_store_job(s, req, "audit", [this, weak, req, r](Store& store) {
    auto entries = store.audit(r.before, r.limit);
    to_io([this, weak, req, entries = std::move(entries)] {
      if (auto s = weak.lock()) reply(*s, audit_message(req, entries));
    });
  });
}

// ---- /embed/latest ---------------------------------------------------------------

void Service::embed_latest(std::string thread, int limit, EmbedLang lang,
                           std::function<void(EmbedReply)> done) {
  if (ThreadHub* hub = find_hub(thread); hub && hub->ready && !hub->loading) {
    const auto held = static_cast<std::int64_t>(hub->view.newest().size());
    if (held >= limit || held >= hub->view.total()) {
      done({true, render_embed_fragment(thread, hub->view.total(), hub->view.newest(),
                                        hub->view.pinned(), limit, lang)});
      return;
    }
  }
  worker_.run([this, thread = std::move(thread), limit, lang, done = std::move(done)](Store& store) {
    EmbedReply reply;
    try {
      const ThreadSnapshot snapshot = store.latest(thread, limit);
      reply = {true, render_embed_fragment(thread, snapshot.total, snapshot.newest,
                                           snapshot.pinned, limit, lang)};
    } catch (const std::exception& e) {
      log_error("store-failed", "op=embed error=" + log_value(e.what()));
      reply = {false, "The comments could not be read."};
    }
    to_io([done, reply = std::move(reply)]() mutable { done(std::move(reply)); });
  });
}

}  // namespace comments::server
