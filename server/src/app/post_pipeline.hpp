// The path of one post, as a pipeline of small phases (validation already
// happened when the message was parsed):
//   ban check -> rate limit -> filter -> premoderation -> commit (group
//   commit on the StoreWorker) -> ack to the poster -> `comment` to the
//   thread's other readers, or `queued` to the moderators when held.
// Each phase may refuse with the contract's error; later phases never run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
  };
  // One phase: nullopt to go on, or the error to answer.
  using Phase = std::optional<ErrorReply> (PostPipeline::*)(Attempt&);

  std::optional<ErrorReply> check_ban(Attempt& a);
  std::optional<ErrorReply> check_rate(Attempt& a);
  std::optional<ErrorReply> apply_filter(Attempt& a);
  std::optional<ErrorReply> apply_premoderation(Attempt& a);
  void commit(Attempt a);
  void on_committed(const WeakPeer& peer, const Req& req, PostOutcome outcome);

  AppState& state_;
};

}  // namespace comments::server
