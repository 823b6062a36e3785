// What moderators ask: sign in (auth), the queue, moderation actions, bans,
// the filter lists and the audit log. Every action is written to the audit
// log and pushed to every signed-in moderator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/app_state.hpp"
#include "app/rate_limiter.hpp"
#include "comments/protocol.hpp"
#include "support/crypto.hpp"
#include "support/moderators.hpp"

namespace comments::server {

class ModeratorRequests {
 public:
  // `token`: the single-moderator shortcut (signs in as "moderator");
  // `file`: the named moderators' tokens file, re-read when it changes.
  ModeratorRequests(AppState& state, std::optional<std::string> token,
                    std::optional<std::string> file = std::nullopt);

  void handle(const PeerPtr& peer, const Req& req, const AuthRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const QueueRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const ModerateRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const BanRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const FiltersRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const AuditRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const BansRequest& r);
  void handle(const PeerPtr& peer, const Req& req, const UnbanRequest& r);

  // Forgets wrong-token counts that have left their window.
  void sweep(std::int64_t now_ms) {
    auth_failures_.sweep(now_ms);
    all_auth_failures_.sweep(now_ms);
  }

  // Re-reads the tokens file when it changed (mtime, size or inode) and
  // signs out every session whose moderator left it or got a new token.
  // Runs before each auth and moderator request, and from the App's
  // one-second timer. A file that cannot be read or parsed keeps the last
  // good list (logged once per change).
  void refresh();
  const ModeratorTokens& tokens() const noexcept { return tokens_; }

 private:
  bool require_moderator(Peer& peer, const Req& req);
  void audit_pushed(const std::optional<AuditEntry>& entry);
  // Tells the other instances (app/cluster.hpp), with the audit entry for
  // their moderators.
  void publish(nlohmann::json event, const std::optional<AuditEntry>& entry);
  // "No comment has id N." to a peer that may have gone meanwhile.
  void reply_no_comment(const WeakPeer& peer, const Req& req, std::int64_t id);

  void rebuild_tokens();

  AppState& state_;
  std::optional<ModeratorEntry> shortcut_;  // COMMENTS_MOD_TOKEN as "moderator"
  std::optional<std::string> file_;
  std::vector<ModeratorEntry> file_entries_;
  std::string file_signature_;  // mtime, size and inode last read ("" = never)
  ModeratorTokens tokens_;
  RateLimiter auth_failures_;      // wrong tokens per address, against guessing
  RateLimiter all_auth_failures_;  // wrong tokens from every address together (one key)
};

}  // namespace comments::server
