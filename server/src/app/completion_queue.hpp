// Hands the StoreWorker's completions to the io thread, in the order they
// were pushed (the order of their effects in the store: see thread_hubs.hpp
// for why the caches depend on it).
#pragma once

#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <mutex>

namespace comments::server {

class CompletionQueue {
 public:
  explicit CompletionQueue(boost::asio::io_context& io) : io_(io) {}

  // Any thread. `fn` runs on the io thread, after every earlier push.
  void push(std::function<void()> fn);

 private:
  // Runs a few completions per turn, then yields to the io thread: a group
  // commit of hundreds of posts must not queue hundreds of messages per
  // reader before any write gets its turn, or every reader would look like a
  // slow one.
  void drain();

  boost::asio::io_context& io_;
  std::mutex mutex_;
  std::deque<std::function<void()>> pending_;  // guarded by mutex_
  bool drain_posted_ = false;                   // guarded by mutex_
};

}  // namespace comments::server
