#include "app/moderator_requests.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "comments/limits.hpp"
#include "support/log.hpp"

namespace comments::server {

namespace {

// Wrong tokens per address, and from all addresses together (many addresses
// guessing at once), in any rate window; over either, every auth is refused
// (the right token too) until the window has room again.
constexpr int auth_failures_per_minute = 10;
constexpr int all_auth_failures_per_minute = 100;
const std::string all_addresses_key;  // the one key of all_auth_failures_

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

// Appends `entry` (after `complete` filled in what needs a read) to the audit
// log. The action it records is already done and durable, so a failure here
// only loses the log line (and is logged).
std::optional<AuditEntry> append_audit(Store& store, AuditEntry entry,
                                       const std::function<void(AuditEntry&)>& complete = {}) {
  const std::string op = entry.action;
  try {
    if (complete) complete(entry);
    return store.append_audit(std::move(entry));
  } catch (const std::exception& e) {
    log_error("audit-failed", "op=" + op + " error=" + log_value(e.what()));
    return std::nullopt;
  }
}

QueueQuery to_query(const QueueRequest& r) {
  return QueueQuery{r.status, r.thread, r.author, r.text, r.before, r.limit};
}

}  // namespace

ModeratorRequests::ModeratorRequests(AppState& state, std::optional<std::string> token,
                                     std::optional<std::string> file)
    : state_(state),
      file_(std::move(file)),
      auth_failures_(auth_failures_per_minute, limits::rate_window_ms),
      all_auth_failures_(all_auth_failures_per_minute, limits::rate_window_ms) {
  if (token && !token->empty()) {
    shortcut_ = ModeratorEntry{std::string(shortcut_moderator_name), token_digest(*token)};
  }
  rebuild_tokens();
  refresh();
}

void ModeratorRequests::rebuild_tokens() {
  std::vector<ModeratorEntry> all = file_entries_;
  if (shortcut_) all.push_back(*shortcut_);
  tokens_ = ModeratorTokens(std::move(all));
}

void ModeratorRequests::refresh() {
  if (!file_) return;
  struct stat info {};
  std::string signature;
  if (::stat(file_->c_str(), &info) == 0) {
    signature = std::to_string(info.st_mtim.tv_sec) + '.' + std::to_string(info.st_mtim.tv_nsec) + '/' +
                std::to_string(info.st_size) + '/' + std::to_string(info.st_ino);
  } else {
    signature = std::string("error ") + std::strerror(errno);
  }
  if (signature == file_signature_) return;
  file_signature_ = signature;
  auto entries = read_moderators_file(*file_);
  if (!entries) {
    log_error("moderators-file-unusable", "error=" + std::string(name(entries.error().id)) +
                                              " detail=" + log_value(entries.error().message) +
                                              " kept=" + std::to_string(file_entries_.size()));
    return;
  }
  file_entries_ = std::move(entries).value();
  rebuild_tokens();
  log_info("moderators-loaded", "count=" + std::to_string(file_entries_.size()));
  // Sessions of moderators no longer in the file (or with a new token) end:
  // their next request is refused as from anyone not signed in.
  const std::vector<Peer*> signed_in = state_.moderators.peers();
  for (Peer* peer : signed_in) {
    if (tokens_.holds(ModeratorEntry{peer->moderator_name, peer->moderator_digest})) continue;
    log_info("moderator-signed-out", "conn=" + std::to_string(peer->id()) +
                                         " moderator=" + peer->moderator_name + " reason=revoked");
    state_.moderators.remove(*peer);
    peer->moderator.clear();
    peer->moderator_name.clear();
    peer->moderator_digest.clear();
  }
}

bool ModeratorRequests::require_moderator(Peer& peer, const Req& req) {
  refresh();
  if (!peer.moderator.empty()) return true;
  reply_error(peer, ErrorId::not_moderator, "Sign in as a moderator first (auth).", req);
  return false;
}

void ModeratorRequests::publish(nlohmann::json event, const std::optional<AuditEntry>& entry) {
  if (!state_.publisher.enabled()) return;
  if (entry) event["audit"] = audit_event(*entry);
  state_.publisher.publish(nlohmann::json::array({std::move(event)}));
}

void ModeratorRequests::audit_pushed(const std::optional<AuditEntry>& entry) {
  if (entry) state_.moderator_feed.audited(*entry);
}

void ModeratorRequests::reply_no_comment(const WeakPeer& peer, const Req& req, std::int64_t id) {
  state_.completions.push([peer, req, id] {
    if (auto p = peer.lock()) {
      reply_error(*p, ErrorId::comment_not_found, "No comment has id " + std::to_string(id) + ".", req);
    }
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const AuthRequest& r) {
  refresh();
  if (!tokens_.configured()) {
    reply_error(*peer, ErrorId::moderation_off, "Moderation is not enabled on this server.", req);
    return;
  }
  // Failed attempts are limited per address and in total so the token cannot
  // be guessed at network speed. A lock-out refuses every auth, the right
  // token too (else guessing would go on and a hit would still be learnt).
  const std::int64_t now = now_ms();
  const std::string from = short_hash(peer->poster());
  std::optional<std::int64_t> locked = auth_failures_.retry_after(peer->poster(), now);
  const char* scope = "address";
  if (!locked) {
    locked = all_auth_failures_.retry_after(all_addresses_key, now);
    scope = "all";
  }
  if (locked) {
    log_line(LogLevel::debug, "auth-refused",
             "conn=" + std::to_string(peer->id()) + " from=" + from + " lockout=" + scope);
    reply_error(*peer, ErrorId::rate_limited,
                "Too many wrong tokens; wait before trying again.", req, *locked);
    return;
  }
  const std::optional<std::string> who = tokens_.match(r.token);
  if (!who) {
    // Room in both was checked above, so both count this failure.
    auth_failures_.try_acquire(peer->poster(), now);
    all_auth_failures_.try_acquire(all_addresses_key, now);
    log_warn("auth-failed", "conn=" + std::to_string(peer->id()) + " from=" + from);
    // Once per lock-out: the failure that starts it.
    if (auth_failures_.retry_after(peer->poster(), now)) {
      log_warn("auth-locked-out", "from=" + from + " scope=address");
    } else if (all_auth_failures_.retry_after(all_addresses_key, now)) {
      log_warn("auth-locked-out", "scope=all");
    }
    reply_error(*peer, ErrorId::token_wrong, "The moderator token is not right.", req);
    return;
  }
  // Signing in again (as the same or another moderator) keeps the session.
  if (peer->moderator.empty()) peer->moderator = random_hex(8);
  peer->moderator_name = *who;
  peer->moderator_digest = token_digest(r.token);
  state_.moderators.add(*peer);
  log_info("auth", "conn=" + std::to_string(peer->id()) + " moderator=" + peer->moderator_name +
                       " session=" + peer->moderator);
  reply(*peer, ok_role_message(req, "moderator"));
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const QueueRequest& r) {
  if (!require_moderator(*peer, req)) return;
  state_.reply_from_store(peer, req, "queue", [req, query = to_query(r)](Store& store) {
    const std::vector<Comment> items = store.queue(query);
    std::vector<QueueContext> contexts = store.queue_context(items);
    // Moderators see what a ban would key on, never the whole hash.
    for (QueueContext& c : contexts) c.poster = short_hash(c.poster);
    return queue_message(req, items, contexts, store.queue_counts());
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const ModerateRequest& r) {
  if (!require_moderator(*peer, req)) return;
  WeakPeer weak = peer;
  const std::string moderator = peer->moderator_name;
  state_.run_store_job(peer, req, "moderate", [this, weak, req, r, moderator](Store& store) {
    auto moderated = store.moderate(r.id, r.action);
    if (!moderated) return reply_no_comment(weak, req, r.id);
    const std::int64_t total = store.published_count(moderated->after.thread);
    auto entry = append_audit(store, AuditEntry{0, now_ms(), std::string(to_string(r.action)), r.id,
                                                moderated->after.thread, moderator,
                                                transition(moderated->before, moderated->after)});
    state_.completions.push([this, weak, req, m = std::move(*moderated), total,
                             entry = std::move(entry), action = r.action, moderator] {
      log_info("moderate", "id=" + std::to_string(m.after.id) + " action=" +
                               std::string(to_string(action)) + " moderator=" + moderator +
                               " detail=" + log_value(transition(m.before, m.after)));
      const bool announce = visible_to_readers(m.before, m.after);
      publish({{"k", "update"}, {"id", m.after.id}, {"thread", m.after.thread}, {"announce", announce}},
              entry);
      if (auto p = weak.lock()) reply(*p, ok_comment_message(req, m.after));
      state_.hubs.updated(m.after, total, announce);
      audit_pushed(entry);
    });
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const BanRequest& r) {
  if (!require_moderator(*peer, req)) return;
  WeakPeer weak = peer;
  const std::string moderator = peer->moderator_name;
  const std::int64_t at = now_ms();
  std::optional<std::int64_t> expires;
  if (const auto ms = duration_ms(r.duration)) expires = at + *ms;
  state_.run_store_job(peer, req, "ban", [this, weak, req, r, moderator, at, expires](Store& store) {
    auto poster = store.poster_of(r.id);
    if (!poster) return reply_no_comment(weak, req, r.id);
    store.ban(NewBan{*poster, at, expires, moderator, r.reason, r.id});
    std::string detail = "poster " + short_hash(*poster) + ", " + std::string(to_string(r.duration));
    if (!r.reason.empty()) detail += ", reason: " + r.reason;
    auto entry = append_audit(store, AuditEntry{0, at, "ban", r.id, {}, moderator, detail},
                              [&](AuditEntry& e) {
                                if (auto c = store.find(r.id)) e.thread = c->thread;
                              });
    state_.completions.push([this, weak, req, poster = std::move(*poster), entry = std::move(entry),
                             moderator, id = r.id, expires] {
      state_.policy.ban(poster, expires);
      nlohmann::json event = {{"k", "ban"}, {"poster", poster}};
      if (expires) event["expires"] = *expires;
      publish(std::move(event), entry);
      log_info("ban", "id=" + std::to_string(id) + " poster=" + short_hash(poster) +
                          " expires=" + (expires ? std::to_string(*expires) : std::string("never")) +
                          " moderator=" + moderator);
      if (auto p = weak.lock()) reply(*p, ban_ok_message(req, short_hash(poster), expires));
      audit_pushed(entry);
    });
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const BansRequest&) {
  if (!require_moderator(*peer, req)) return;
  state_.reply_from_store(peer, req, "bans", [req](Store& store) {
    return bans_message(req, store.ban_list(now_ms(), limits::max_ban_list), short_hash_chars);
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const UnbanRequest& r) {
  if (!require_moderator(*peer, req)) return;
  WeakPeer weak = peer;
  const std::string moderator = peer->moderator_name;
  state_.run_store_job(peer, req, "unban", [this, weak, req, r, moderator](Store& store) {
    std::vector<std::string> posters = store.unban(r.poster);
    if (posters.empty()) {
      state_.completions.push([weak, req, key = r.poster] {
        if (auto p = weak.lock()) {
          reply_error(*p, ErrorId::ban_not_found, "No ban in force has poster " + key + ".", req);
        }
      });
      return;
    }
    auto entry = append_audit(store, AuditEntry{0, now_ms(), "unban", std::nullopt, {}, moderator,
                                                "poster " + r.poster});
    state_.completions.push([this, weak, req, posters = std::move(posters), entry = std::move(entry),
                             moderator] {
      nlohmann::json events = nlohmann::json::array();
      for (const std::string& poster : posters) {
        state_.policy.unban(poster);
        events.push_back({{"k", "unban"}, {"poster", poster}});
        log_info("unban", "poster=" + short_hash(poster) + " moderator=" + moderator);
      }
      if (state_.publisher.enabled()) {
        if (entry) events.back()["audit"] = audit_event(*entry);
        state_.publisher.publish(std::move(events));
      }
      if (auto p = weak.lock()) reply(*p, ok_message(req));
      audit_pushed(entry);
    });
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const FiltersRequest& r) {
  if (!require_moderator(*peer, req)) return;
  Policy& policy = state_.policy;
  if (r.is_read()) {
    const auto& lists = policy.filter().lists();
    reply(*peer, filters_message(req, lists.banned, lists.suspect));
    return;
  }
  // A list left out stays as it is.
  FilterLists lists = policy.requested_filters();
  if (r.banned) lists.banned = *r.banned;
  if (r.suspect) lists.suspect = *r.suspect;
  if (const Result<void> valid = lists.validate(); !valid) {
    reply_error(*peer, ErrorReply{valid.error(), req, std::nullopt});
    return;
  }
  policy.requested_filters() = lists;
  WeakPeer weak = peer;
  const std::string moderator = peer->moderator_name;
  state_.worker.run([this, weak, req, lists = std::move(lists), moderator](Store& store) {
    std::shared_ptr<const ModerationFilter> filter;
    std::optional<AuditEntry> entry;
    std::string error;
    try {
      store.save_filters(lists);
      // Built here, off the network thread: large lists take a moment.
      filter = std::make_shared<const ModerationFilter>(lists);
      entry = append_audit(store, AuditEntry{0, now_ms(), "filters", std::nullopt, {}, moderator,
                                             std::to_string(lists.banned.size()) + " banned, " +
                                                 std::to_string(lists.suspect.size()) + " suspect"});
    } catch (const std::exception& e) {
      error = e.what();
    }
    state_.completions.push([this, weak, req, filter = std::move(filter), entry = std::move(entry),
                             error, moderator] {
      auto p = weak.lock();
      Policy& policy = state_.policy;
      if (!filter) {
        log_error("store-failed", "op=filters error=" + log_value(error));
        policy.requested_filters() = policy.filter().lists();
        if (p) {
          reply_error(*p, ErrorId::server_failed,
                      "The server could not save the filters; they are unchanged.", req);
        }
        return;
      }
      policy.set_filter(filter);
      publish({{"k", "filters"}}, entry);
      log_info("filters", "banned=" + std::to_string(filter->lists().banned.size()) +
                              " suspect=" + std::to_string(filter->lists().suspect.size()) +
                              " moderator=" + moderator);
      if (p) reply(*p, filters_message(req, filter->lists().banned, filter->lists().suspect));
      audit_pushed(entry);
    });
  });
}

void ModeratorRequests::handle(const PeerPtr& peer, const Req& req, const AuditRequest& r) {
  if (!require_moderator(*peer, req)) return;
  state_.reply_from_store(peer, req, "audit", [req, r](Store& store) {
    return audit_message(req, store.audit(r.before, r.limit));
  });
}

}  // namespace comments::server
