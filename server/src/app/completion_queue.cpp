#include "app/completion_queue.hpp"

#include <boost/asio/post.hpp>

namespace comments::server {

void CompletionQueue::push(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(fn));
  if (!drain_posted_) {
    drain_posted_ = true;
    boost::asio::post(io_, [this] { drain(); });
  }
}

void CompletionQueue::drain() {
  // A few per turn, then the peers' flush runs (it was posted by the first
  // message queued) and writes what these completions queued in one gather
  // write per peer.
  constexpr int completions_per_turn = 16;
  for (int i = 0; i < completions_per_turn; ++i) {
    std::function<void()> next;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) {
        drain_posted_ = false;
        return;
      }
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    next();
  }
  // Behind the flush that these completions caused.
  boost::asio::post(io_, [this] { drain(); });
}

}  // namespace comments::server
