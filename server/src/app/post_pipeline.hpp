// The path of one post, as a pipeline of small phases (validation already
// happened when the message was parsed):
//   ban check -> rate limit -> filter -> premoderation -> commit (group
//   commit on the StoreWorker) -> ack to the poster -> `comment` to the
//   thread's other readers, or `queued` to the moderators when held.
// Each phase may refuse with the contract's error; later phases never run.
// The posts of one io turn go to the StoreWorker in one hand-off, and their
// outcomes come back as one completion (bench/RESULTS.md: per-post hand-offs
// between the two threads cost more than the insert).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app_state.hpp"
#include "comments/protocol.hpp"

namespace comments::server {

class PostPipeline {
 public:
  explicit PostPipeline(AppState& state) : state_(state) {}

  void submit(const PeerPtr& peer, const Req& req, const PostRequest& post);

 private:
  struct Attempt {
    PeerPtr peer;
    Req req;
    PostRequest post;
    std::int64_t now = 0;
    Status status = Status::published;
    std::string hold_reason;  // the filter's reason when held
    std::string held;         // the same as stored (NewComment::held)
  };
  // One phase: nullopt to go on, or the error to answer.
  using Phase = std::optional<ErrorReply> (PostPipeline::*)(Attempt&);

  std::optional<ErrorReply> check_ban(Attempt& a);
  std::optional<ErrorReply> check_rate(Attempt& a);
  ErrorReply rate_refused(const Attempt& a, std::int64_t retry_ms);
  // The phases after the rate limit, or `refused`'s answer.
  void after_rate(Attempt a, std::optional<ErrorReply> refused);
  std::optional<ErrorReply> apply_filter(Attempt& a);
  std::optional<ErrorReply> apply_premoderation(Attempt& a);
  // Queues the post for the hand-off at the end of this io turn.
  void commit(Attempt a);
  // Hands every post of this io turn to the StoreWorker at once.
  void hand_off();

  // Who is waiting for each queued post's outcome.
  struct Waiting {
    WeakPeer peer;
    Req req;
    std::string hold_reason;
    std::string secret;  // the author's, for the ack only (never logged, only its hash stored)
  };
  void on_committed(const Waiting& waiting, PostOutcome outcome);
  AppState& state_;
  std::vector<NewComment> queued_;  // posts of this io turn, not yet handed off
  std::vector<Waiting> waiting_;    // one per queued post
};

}  // namespace comments::server
