#include "app/post_pipeline.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <memory>

#include "comments/limits.hpp"

#include "support/crypto.hpp"
#include "support/log.hpp"
#include "support/metrics.hpp"

namespace comments::server {

void PostPipeline::submit(const PeerPtr& peer, const Req& req, const PostRequest& post) {
  Attempt attempt{peer, req, post, now_ms(), Status::published, {}, {}};
  // In the order the contract fixes.
  if (auto error = check_ban(attempt)) {
    reply_error(*peer, *error);
    return;
  }
  // With several instances the rate limit is counted in the bus's shared
  // counter (Redis), so a poster cannot get N times the limit by reconnecting
  // elsewhere; when it cannot answer, the local limiter decides.
  if (state_.rate_per_minute > 0 && state_.publisher.enabled()) {
    auto shared = std::make_shared<Attempt>(std::move(attempt));
    const bool asked = state_.publisher.bus()->count_post(
        cluster_rate_key(state_.cluster_id, peer->poster()), limits::rate_window_ms,
        [this, shared](std::optional<EventBus::Count> count) {
          if (shared->peer->dropped) return;
          std::optional<ErrorReply> error;
          if (!count) {
            error = check_rate(*shared);
          } else if (count->count > state_.rate_per_minute) {
            error = rate_refused(*shared, std::max<std::int64_t>(1, count->window_left_ms));
          }
          after_rate(std::move(*shared), std::move(error));
        });
    if (asked) return;
    attempt = std::move(*shared);
  }
  auto error = check_rate(attempt);
  after_rate(std::move(attempt), std::move(error));
}

void PostPipeline::after_rate(Attempt attempt, std::optional<ErrorReply> refused) {
  if (refused) {
    reply_error(*attempt.peer, *refused);
    return;
  }
  static constexpr Phase phases[] = {&PostPipeline::apply_filter,
                                     &PostPipeline::apply_premoderation};
  for (const Phase phase : phases) {
    if (auto error = (this->*phase)(attempt)) {
      reply_error(*attempt.peer, *error);
      return;
    }
  }
  commit(std::move(attempt));
}

std::optional<ErrorReply> PostPipeline::check_ban(Attempt& a) {
  if (!state_.policy.banned(a.peer->poster(), a.now)) return std::nullopt;
  log_info("post-refused", "reason=banned from=" + short_hash(a.peer->poster()));
  metrics().posts_refused_banned.inc();
  return ErrorReply{Error{ErrorId::poster_banned, "You can no longer post comments here."}, a.req, {}};
}

std::optional<ErrorReply> PostPipeline::check_rate(Attempt& a) {
  const auto retry = state_.policy.try_post(a.peer->poster(), a.now);
  if (!retry) return std::nullopt;
  return rate_refused(a, *retry);
}

ErrorReply PostPipeline::rate_refused(const Attempt& a, std::int64_t retry) {
  log_info("post-refused", "reason=rate from=" + short_hash(a.peer->poster()));
  metrics().posts_refused_rate_limited.inc();
  return ErrorReply{Error{ErrorId::rate_limited, "Too many comments in a short time; try again in " +
                                                     std::to_string((retry + 999) / 1000) + " s."},
                    a.req, retry};
}

std::optional<ErrorReply> PostPipeline::apply_filter(Attempt& a) {
  const FilterDecision decision = state_.policy.filter().check(a.post.author, a.post.body);
  switch (decision.verdict) {
    case Verdict::publish:
      return std::nullopt;
    case Verdict::hold:
      a.status = Status::pending;
      a.hold_reason = decision.reason;
      a.held = decision.word.empty() ? "links:" + std::to_string(decision.links) : "word:" + decision.word;
      return std::nullopt;
    case Verdict::block:
      log_info("post-refused", "reason=blocked from=" + short_hash(a.peer->poster()) +
                                   " rule=" + log_value(decision.reason));
      metrics().posts_blocked.inc();
      return ErrorReply{Error{ErrorId::post_blocked, "The comment contains a word this site does not accept."},
                        a.req, {}};
  }
  return std::nullopt;
}

std::optional<ErrorReply> PostPipeline::apply_premoderation(Attempt& a) {
  if (state_.policy.premoderate() && a.status != Status::pending) {
    a.status = Status::pending;
    a.held = "premoderate";
  }
  return std::nullopt;
}

void PostPipeline::commit(Attempt a) {
  // The hand-off runs after the handlers already queued on the io thread (the
  // other sockets that were readable at once), so their posts join it.
  if (queued_.empty()) boost::asio::post(state_.io, [this] { hand_off(); });
  // The secret that proves the author later (edit, delete, own): only its hash is stored.
  std::string secret = random_hex(limits::author_secret_bytes);
  queued_.push_back(NewComment{std::move(a.post.thread), a.post.parent, std::move(a.post.author),
                               std::move(a.post.body), a.now, a.status, a.peer->poster(),
                               std::move(a.held), author_key(secret)});
  waiting_.push_back(Waiting{a.peer, std::move(a.req), std::move(a.hold_reason), std::move(secret)});
}

void PostPipeline::hand_off() {
  std::vector<NewComment> batch = std::move(queued_);
  queued_.clear();
  state_.worker.post_batch(std::move(batch), [this, waiting = std::move(waiting_)](
                                                  std::vector<PostOutcome> outcomes) mutable {
    // Pushed here, on the worker, right after the commit: see thread_hubs.hpp.
    state_.completions.push([this, waiting = std::move(waiting),
                             outcomes = std::move(outcomes)]() mutable {
      // The other instances hear of the batch before any poster is acked
      // (handed to the bus and written to its socket; a bus that is down
      // drops it, and they catch up from the database when it is back).
      if (state_.publisher.enabled()) {
        nlohmann::json events = nlohmann::json::array();
        for (const PostOutcome& o : outcomes) {
          if (o.comment) events.push_back({{"k", "comment"}, {"c", *o.comment}});
        }
        if (!events.empty()) state_.publisher.publish(std::move(events));
      }
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const Waiting& w = waiting[i];
        if (!w.hold_reason.empty() && outcomes[i].comment) {
          log_info("post-held", "id=" + std::to_string(outcomes[i].comment->id) +
                                    " rule=" + log_value(w.hold_reason));
        }
        on_committed(w, std::move(outcomes[i]));
      }
    });
  });
  waiting_.clear();
}

void PostPipeline::on_committed(const Waiting& waiting, PostOutcome outcome) {
  auto peer = waiting.peer.lock();
  const Req& req = waiting.req;
  if (outcome.failed) {
    log_error("store-failed", "op=post error=" + log_value(outcome.error));
    metrics().posts_refused_server_failed.inc();
    if (peer) {
      reply_error(*peer, ErrorId::server_failed,
                  "The server could not save the comment; nothing was stored. Try again.", req);
    }
    return;
  }
  if (!outcome.comment) {
    metrics().posts_refused_no_parent.inc();
    if (peer) {
      reply_error(*peer, ErrorId::comment_not_found,
                  "The comment you reply to does not exist in this thread.", req);
    }
    return;
  }
  const Comment& c = *outcome.comment;
  log_info("post", "id=" + std::to_string(c.id) + " thread=" + log_value(c.thread) +
                       " status=" + std::string(to_string(c.status)) +
                       (peer ? " from=" + short_hash(peer->poster()) : std::string{}));
  if (peer) {
    peer->add_owned(c.id);
    reply(*peer, ack_message(req, c, waiting.secret, c.created + state_.edit_window_ms));
  }
  if (c.status == Status::published) {
    metrics().posts_accepted.inc();
    state_.hubs.published(c, peer.get());
  } else {
    metrics().posts_held.inc();
    state_.moderator_feed.queued(c);
  }
}

}  // namespace comments::server
