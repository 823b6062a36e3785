#include "app/author_requests.hpp"

#include <algorithm>
#include <memory>

#include "support/crypto.hpp"
#include "support/log.hpp"

namespace comments::server {

namespace {

// An author's change refused: the error to answer, built on the worker.
struct Refusal {
  ErrorId id;
  std::string message;
};

// Why the author may not change `owned` now, or nullopt.
std::optional<Refusal> refuse(const std::optional<OwnedComment>& owned, std::int64_t id,
                              const std::string& secret, std::int64_t now, std::int64_t window_ms) {
  const bool live = owned && (owned->comment.status == Status::published ||
                              owned->comment.status == Status::pending);
  if (!live) return Refusal{ErrorId::comment_not_found, "No comment of yours has id " + std::to_string(id) + "."};
  if (!author_key_matches(owned->author_key, secret)) {
    return Refusal{ErrorId::author_secret_wrong, "The secret is not the one this comment's ack gave."};
  }
  if (now >= owned->comment.created + window_ms) {
    return Refusal{ErrorId::edit_window_closed,
                   "Comments can be edited or deleted only within " + std::to_string(window_ms / 1000) +
                       " s of posting."};
  }
  return std::nullopt;
}

}  // namespace

void AuthorRequests::handle(const PeerPtr& peer, const Req& req, const EditRequest& r) {
  // Like a post: a banned poster cannot put new text up by editing.
  if (state_.policy.banned(peer->poster(), now_ms())) {
    reply_error(*peer, ErrorId::poster_banned, "You can no longer post comments here.", req);
    return;
  }
  change(peer, req, r.id, r.secret, r.body);
}

void AuthorRequests::handle(const PeerPtr& peer, const Req& req, const DeleteRequest& r) {
  change(peer, req, r.id, r.secret, std::nullopt);
}

void AuthorRequests::change(const PeerPtr& peer, const Req& req, std::int64_t id, const std::string& secret,
                            std::optional<std::string> body) {
  WeakPeer weak = peer;
  const std::int64_t now = now_ms();
  std::shared_ptr<const ModerationFilter> filter = state_.policy.shared_filter();
  const bool premoderate = state_.policy.premoderate();
  const std::int64_t window = state_.edit_window_ms;
  const char* op = body ? "edit" : "delete";
  state_.run_store_job(peer, req, op, [this, weak, req, id, secret, body = std::move(body), now, filter,
                                       premoderate, window, op](Store& store) {
    const auto found = store.owned({id});
    std::optional<OwnedComment> owned;
    if (!found.empty()) owned = found.front();
    auto refusal = refuse(owned, id, secret, now, window);
    AuthorChange change{body, Status::deleted, {}, now};
    std::string hold_reason;
    if (!refusal && body) {
      // The same filter and premoderation as a new post.
      const FilterDecision decision = filter->check(owned->comment.author, *body);
      change.status = owned->comment.status;
      if (decision.verdict == Verdict::block) {
        refusal = Refusal{ErrorId::post_blocked, "The comment contains a word this site does not accept."};
      } else if (decision.verdict == Verdict::hold) {
        change.status = Status::pending;
        change.held = decision.word.empty() ? "links:" + std::to_string(decision.links) : "word:" + decision.word;
        hold_reason = decision.reason;
      } else if (premoderate && change.status == Status::published) {
        change.status = Status::pending;
        change.held = "premoderate";
      }
    }
    std::optional<Moderated> changed;
    std::int64_t total = 0;
    if (!refusal) {
      changed = store.change_own(id, change);
      if (!changed) {
        refusal = Refusal{ErrorId::comment_not_found, "No comment of yours has id " + std::to_string(id) + "."};
      } else {
        total = store.published_count(changed->after.thread);
      }
    }
    state_.completions.push([this, weak, req, op, refusal = std::move(refusal), changed = std::move(changed),
                             total, hold_reason = std::move(hold_reason)] {
      auto p = weak.lock();
      if (refusal) {
        log_info("author-refused", std::string("op=") + op + " error=" + std::string(name(refusal->id)));
        if (p) reply_error(*p, refusal->id, refusal->message, req);
        return;
      }
      const Comment& before = changed->before;
      const Comment& after = changed->after;
      log_info(op, "id=" + std::to_string(after.id) + " status=" + std::string(to_string(after.status)) +
                       (hold_reason.empty() ? std::string{} : " rule=" + log_value(hold_reason)));
      // Readers see it change when it was or is published (a new text, gone, or held now).
      const bool announce = before.status == Status::published || after.status == Status::published;
      const bool queued = after.status == Status::pending && before.body != after.body;
      // Any other edit: moderators still see the text as it is now (a published comment they list).
      const bool edited = !queued && after.edited != before.edited;
      if (state_.publisher.enabled()) {
        nlohmann::json events = nlohmann::json::array();
        events.push_back({{"k", "update"}, {"id", after.id}, {"thread", after.thread}, {"announce", announce}});
        // Moderators elsewhere see the held text again (as a held post).
        if (queued) events.push_back({{"k", "comment"}, {"c", after}});
        if (edited) events.push_back({{"k", "edited"}, {"c", after}});
        state_.publisher.publish(std::move(events));
      }
      if (p) {
        p->add_owned(after.id);
        reply(*p, ok_comment_message(req, after));
      }
      state_.hubs.updated(after, total, announce);
      if (queued) state_.moderator_feed.queued(after);
      if (edited) state_.moderators.send(encode(edited_event(after)));
    });
  });
}

void AuthorRequests::handle(const PeerPtr& peer, const Req& req, const OwnRequest& r) {
  WeakPeer weak = peer;
  state_.run_store_job(peer, req, "own", [this, weak, req, r](Store& store) {
    std::vector<std::int64_t> ids;
    for (const OwnClaim& claim : r.posts) ids.push_back(claim.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Comment> mine;
    for (OwnedComment& owned : store.owned(ids)) {
      if (owned.comment.thread != r.thread) continue;
      const auto claim = std::find_if(r.posts.begin(), r.posts.end(),
                                      [&](const OwnClaim& c) { return c.id == owned.comment.id; });
      if (author_key_matches(owned.author_key, claim->secret)) mine.push_back(std::move(owned.comment));
    }
    std::sort(mine.begin(), mine.end(), [](const Comment& a, const Comment& b) { return a.id > b.id; });
    state_.completions.push([this, weak, req, thread = r.thread, mine = std::move(mine)] {
      auto p = weak.lock();
      if (!p) return;
      for (const Comment& c : mine) p->add_owned(c.id);
      reply(*p, own_message(req, thread, mine, state_.edit_window_ms));
    });
  });
}

}  // namespace comments::server
